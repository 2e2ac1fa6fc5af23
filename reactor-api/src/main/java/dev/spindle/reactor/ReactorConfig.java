package dev.spindle.reactor;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable settings of a reactor, built with {@link #builder()}. Every value is checked when it
 * is set; a bad value throws {@link IllegalArgumentException} naming the value found.
 */
public final class ReactorConfig {
    private static final ReactorConfig DEFAULTS = new Builder().build();

    private final String threadName;
    private final Clock clock;
    private final boolean daemon;
    private final int taskQueueCapacity;
    private final int workerThreads;
    private final int workerQueueCapacity;
    private final Duration shutdownTimeout;
    private final int readBufferSize;
    private final int writeLowWatermark;
    private final int writeHighWatermark;
    private final long maxPendingWriteBytes;
    private final HostResolver hostResolver;
    private final Duration resolveTimeout;

    private ReactorConfig(Builder b) {
        this.threadName = b.threadName;
        this.clock = b.clock;
        this.daemon = b.daemon;
        this.taskQueueCapacity = b.taskQueueCapacity;
        this.workerThreads = b.workerThreads;
        this.workerQueueCapacity = b.workerQueueCapacity;
        this.shutdownTimeout = b.shutdownTimeout;
        this.readBufferSize = b.readBufferSize;
        this.writeLowWatermark = b.writeLowWatermark;
        this.writeHighWatermark = b.writeHighWatermark;
        this.maxPendingWriteBytes = b.maxPendingWriteBytes;
        this.hostResolver = b.hostResolver;
        this.resolveTimeout = b.resolveTimeout;
    }

    /**
     * The default settings.
     *
     * @return the defaults
     */
    public static ReactorConfig defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these settings.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.threadName = threadName;
        b.clock = clock;
        b.daemon = daemon;
        b.taskQueueCapacity = taskQueueCapacity;
        b.workerThreads = workerThreads;
        b.workerQueueCapacity = workerQueueCapacity;
        b.shutdownTimeout = shutdownTimeout;
        b.readBufferSize = readBufferSize;
        b.writeLowWatermark = writeLowWatermark;
        b.writeHighWatermark = writeHighWatermark;
        b.maxPendingWriteBytes = maxPendingWriteBytes;
        b.hostResolver = hostResolver;
        b.resolveTimeout = resolveTimeout;
        return b;
    }

    /**
     * Name of the loop thread when {@code start()} creates one; worker threads get this name plus
     * {@code -worker-N}. Default {@code spindle-reactor}.
     *
     * @return the thread name
     */
    public String threadName() {
        return threadName;
    }

    /**
     * The clock timers run on. Default {@link Clock#system()}.
     *
     * @return the clock
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Whether the thread {@code start()} creates is a daemon thread. Default false.
     *
     * @return the daemon flag
     */
    public boolean daemon() {
        return daemon;
    }

    /**
     * Capacity of the cross-thread task queue fed by {@code execute}; a power of two. When it is
     * full, {@code execute} throws {@link java.util.concurrent.RejectedExecutionException} and
     * {@code tryExecute} returns false. Default 65536.
     *
     * @return the capacity
     */
    public int taskQueueCapacity() {
        return taskQueueCapacity;
    }

    /**
     * Maximum threads of the worker pool behind {@code callInThread}. Default 8.
     *
     * @return the thread count
     */
    public int workerThreads() {
        return workerThreads;
    }

    /**
     * Tasks that may wait for a worker thread; more fail with
     * {@link java.util.concurrent.RejectedExecutionException}. Default 1024.
     *
     * @return the queue capacity
     */
    public int workerQueueCapacity() {
        return workerQueueCapacity;
    }

    /**
     * Bound on each waiting step of the lifecycle: stages returned by {@code BEFORE} triggers of
     * {@code STARTUP} and {@code SHUTDOWN}, then flushing transports during shutdown. When it
     * passes, a warning is logged and the reactor goes on (aborting what is left at shutdown).
     * Default 10 s.
     *
     * @return the timeout
     */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * Size of the buffer one read from a socket fills. Default 65536.
     *
     * @return bytes
     */
    public int readBufferSize() {
        return readBufferSize;
    }

    /**
     * When pending output falls to this many bytes, a transport becomes writable again.
     * Default 32768.
     *
     * @return bytes
     */
    public int writeLowWatermark() {
        return writeLowWatermark;
    }

    /**
     * When pending output exceeds this many bytes, a transport becomes unwritable and its
     * protocol is told. Default 65536.
     *
     * @return bytes
     */
    public int writeHighWatermark() {
        return writeHighWatermark;
    }

    /**
     * Hard limit of a transport's pending output; a write past it throws
     * {@link WriteBufferFullException} and queues nothing. Default 64 MiB.
     *
     * @return bytes
     */
    public long maxPendingWriteBytes() {
        return maxPendingWriteBytes;
    }

    /**
     * Resolves host names for {@code resolve} and {@code connectTcp}, on the worker pool.
     * Default {@link HostResolver#system()}.
     *
     * @return the resolver
     */
    public HostResolver hostResolver() {
        return hostResolver;
    }

    /**
     * Timeout of {@link DescriptorReactor#resolve(String)} when none is given. Default 10 s.
     * ({@code connectTcp} bounds resolving and connecting together by its connect timeout.)
     *
     * @return the timeout
     */
    public Duration resolveTimeout() {
        return resolveTimeout;
    }

    @Override
    public String toString() {
        return "ReactorConfig[threadName=" + threadName + ", daemon=" + daemon
                + ", taskQueueCapacity=" + taskQueueCapacity + ", workerThreads=" + workerThreads
                + ", workerQueueCapacity=" + workerQueueCapacity + ", shutdownTimeout=" + shutdownTimeout
                + ", readBufferSize=" + readBufferSize + ", writeLowWatermark=" + writeLowWatermark
                + ", writeHighWatermark=" + writeHighWatermark + ", maxPendingWriteBytes=" + maxPendingWriteBytes
                + ", hostResolver=" + hostResolver + ", resolveTimeout=" + resolveTimeout + "]";
    }

    /** Builds a {@link ReactorConfig}. Not thread-safe. */
    public static final class Builder {
        private String threadName = "spindle-reactor";
        private Clock clock = Clock.system();
        private boolean daemon;
        private int taskQueueCapacity = 1 << 16;
        private int workerThreads = 8;
        private int workerQueueCapacity = 1024;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private int readBufferSize = 1 << 16;
        private int writeLowWatermark = 1 << 15;
        private int writeHighWatermark = 1 << 16;
        private long maxPendingWriteBytes = 64L << 20;
        private HostResolver hostResolver = HostResolver.system();
        private Duration resolveTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * Sets the loop thread's name.
         *
         * @param threadName not blank
         * @return this builder
         */
        public Builder threadName(String threadName) {
            Objects.requireNonNull(threadName, "threadName must not be null");
            if (threadName.isBlank()) {
                throw new IllegalArgumentException("threadName must not be blank, found: '" + threadName + "'");
            }
            this.threadName = threadName;
            return this;
        }

        /**
         * Sets the clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * Sets the daemon flag of the loop thread.
         *
         * @param daemon the flag
         * @return this builder
         */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * Sets the task queue capacity.
         *
         * @param capacity a power of two in 2..2^30
         * @return this builder
         */
        public Builder taskQueueCapacity(int capacity) {
            if (capacity < 2 || capacity > (1 << 30) || Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException(
                        "taskQueueCapacity must be a power of two in 2..1073741824, found: " + capacity);
            }
            this.taskQueueCapacity = capacity;
            return this;
        }

        /**
         * Sets the worker pool size.
         *
         * @param threads 1..1024
         * @return this builder
         */
        public Builder workerThreads(int threads) {
            if (threads < 1 || threads > 1024) {
                throw new IllegalArgumentException("workerThreads must be in 1..1024, found: " + threads);
            }
            this.workerThreads = threads;
            return this;
        }

        /**
         * Sets the worker queue capacity.
         *
         * @param capacity 1..2^24
         * @return this builder
         */
        public Builder workerQueueCapacity(int capacity) {
            if (capacity < 1 || capacity > (1 << 24)) {
                throw new IllegalArgumentException("workerQueueCapacity must be in 1..16777216, found: " + capacity);
            }
            this.workerQueueCapacity = capacity;
            return this;
        }

        /**
         * Sets the shutdown timeout.
         *
         * @param timeout zero or positive
         * @return this builder
         */
        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "shutdownTimeout must not be null");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout must not be negative, found: " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * Sets the read buffer size.
         *
         * @param bytes 64..16 MiB
         * @return this builder
         */
        public Builder readBufferSize(int bytes) {
            if (bytes < 64 || bytes > (16 << 20)) {
                throw new IllegalArgumentException("readBufferSize must be in 64..16777216, found: " + bytes);
            }
            this.readBufferSize = bytes;
            return this;
        }

        /**
         * Sets the write watermarks.
         *
         * @param low 0 ≤ low ≤ high
         * @param high high ≥ low, ≤ {@link #maxPendingWriteBytes(long)}
         * @return this builder
         */
        public Builder writeWatermarks(int low, int high) {
            if (low < 0 || high < low) {
                throw new IllegalArgumentException(
                        "write watermarks must satisfy 0 <= low <= high, found: low=" + low + ", high=" + high);
            }
            if (high > maxPendingWriteBytes) {
                throw new IllegalArgumentException("writeHighWatermark must not exceed maxPendingWriteBytes ("
                        + maxPendingWriteBytes + "), found: " + high);
            }
            this.writeLowWatermark = low;
            this.writeHighWatermark = high;
            return this;
        }

        /**
         * Sets the hard limit of pending output per transport.
         *
         * @param bytes ≥ the high watermark
         * @return this builder
         */
        public Builder maxPendingWriteBytes(long bytes) {
            if (bytes < writeHighWatermark) {
                throw new IllegalArgumentException("maxPendingWriteBytes must be >= writeHighWatermark ("
                        + writeHighWatermark + "), found: " + bytes);
            }
            this.maxPendingWriteBytes = bytes;
            return this;
        }

        /**
         * Sets the host resolver.
         *
         * @param resolver called on the worker pool
         * @return this builder
         */
        public Builder hostResolver(HostResolver resolver) {
            this.hostResolver = Objects.requireNonNull(resolver, "hostResolver must not be null");
            return this;
        }

        /**
         * Sets the default look-up timeout.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder resolveTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "resolveTimeout must not be null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("resolveTimeout must be positive, found: " + timeout);
            }
            this.resolveTimeout = timeout;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return an immutable config
         */
        public ReactorConfig build() {
            return new ReactorConfig(this);
        }
    }
}
