package dev.spindle.bench;

/**
 * A fixed-size log-linear histogram of microsecond values, in the manner of HdrHistogram with
 * about two significant digits: values below 128 are counted exactly; above, each power of two
 * is split into 64 equal buckets, so a bucket is at most 1/64 (1.6 %) of its value wide.
 *
 * <p>All memory is allocated up front; {@link #record} neither allocates nor branches on size
 * beyond a clamp. Values above {@link #MAX_VALUE} (about 19 hours) count as {@code MAX_VALUE}.
 * Not thread-safe: one recording thread.
 */
final class LatencyHistogram {

    private static final int SUB_BUCKET_BITS = 7;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    private static final int HALF = SUB_BUCKETS / 2;

    /** Largest value recorded as itself. */
    static final long MAX_VALUE = (1L << 36) - 1;

    private final long[] counts = new long[indexOf(MAX_VALUE) + 1];
    private long total;
    private long max;

    /** Counts one value, in microseconds; negative values count as 0. */
    void record(long valueMicros) {
        long value = Math.min(Math.max(valueMicros, 0), MAX_VALUE);
        counts[indexOf(value)]++;
        total++;
        if (value > max) {
            max = value;
        }
    }

    long totalCount() {
        return total;
    }

    long max() {
        return max;
    }

    /**
     * The value at {@code percentile} (0..100]: the highest value of the bucket that holds the
     * {@code ceil(percentile/100 * count)}-th smallest value, never more than the largest value
     * recorded; 0 if nothing was recorded.
     */
    long valueAtPercentile(double percentile) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(highestValueOf(i), max);
            }
        }
        return max;
    }

    static int indexOf(long value) {
        if (value < SUB_BUCKETS) {
            return (int) value;
        }
        // value >>> shift lies in [HALF, SUB_BUCKETS); each shift step adds HALF buckets.
        int shift = 63 - Long.numberOfLeadingZeros(value) - (SUB_BUCKET_BITS - 1);
        return shift * HALF + (int) (value >>> shift);
    }

    static long highestValueOf(int index) {
        if (index < SUB_BUCKETS) {
            return index;
        }
        int shift = index / HALF - 1;
        long sub = index - (long) shift * HALF;
        return ((sub + 1) << shift) - 1;
    }
}
