package dev.spindle.reactor.contract;

import java.nio.ByteBuffer;

/**
 * A deterministic, position-dependent byte stream: the byte at offset {@code i} is
 * {@link #at(long)}. A receiver checks every byte against its offset, so loss, duplication,
 * reordering or foreign bytes are caught and located, without keeping the data.
 */
public final class StreamPattern {
    private StreamPattern() {
    }

    /**
     * The byte at stream offset {@code i}.
     *
     * @param i the offset
     * @return the byte
     */
    public static byte at(long i) {
        long z = (i + 1) * 0x9E3779B97F4A7C15L;
        z ^= z >>> 29;
        z *= 0xBF58476D1CE4E5B9L;
        return (byte) (z ^ (z >>> 32));
    }

    /** Produces the stream in chunks. Not thread-safe: used on one thread (usually the loop). */
    public static final class Source {
        private long offset;

        /**
         * The next {@code len} bytes of the stream in a new buffer.
         *
         * @param len the length
         * @return a buffer ready to read
         */
        public ByteBuffer next(int len) {
            ByteBuffer b = ByteBuffer.allocate(len);
            for (int k = 0; k < len; k++) {
                b.put(k, at(offset + k));
            }
            offset += len;
            return b;
        }

        /**
         * Bytes produced so far.
         *
         * @return the offset of the next byte
         */
        public long offset() {
            return offset;
        }
    }

    /** Checks a received stream byte by byte. Thread-safe. */
    public static final class Check {
        private long count;
        private long mismatchAt = -1;
        private byte expected;
        private byte found;

        /**
         * Checks the remaining bytes of {@code data} without moving its position.
         *
         * @param data the bytes
         */
        public synchronized void accept(ByteBuffer data) {
            for (int k = data.position(); k < data.limit(); k++) {
                one(data.get(k));
            }
        }

        /**
         * Checks {@code len} bytes of {@code data} from {@code off}.
         *
         * @param data the array
         * @param off the first byte
         * @param len the count
         */
        public synchronized void accept(byte[] data, int off, int len) {
            for (int k = off; k < off + len; k++) {
                one(data[k]);
            }
        }

        private void one(byte b) {
            if (mismatchAt < 0) {
                byte e = at(count);
                if (b != e) {
                    mismatchAt = count;
                    expected = e;
                    found = b;
                }
            }
            count++;
        }

        /**
         * Bytes checked so far.
         *
         * @return the count
         */
        public synchronized long count() {
            return count;
        }

        /** Fails if any byte so far differed from the pattern. */
        public synchronized void assertIntact() {
            if (mismatchAt >= 0) {
                throw new AssertionError("stream corrupted at offset " + mismatchAt + " of " + count
                        + ": expected " + expected + ", found " + found);
            }
        }
    }
}
