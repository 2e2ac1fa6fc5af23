package dev.spindle.reactor;

/** Options of a listening TCP socket, built with {@link #builder()}. Immutable. */
public final class ListenOptions {
    private static final ListenOptions DEFAULTS = builder().build();

    private final int backlog;
    private final boolean tcpNoDelay;
    private final boolean reuseAddress;

    private ListenOptions(Builder b) {
        this.backlog = b.backlog;
        this.tcpNoDelay = b.tcpNoDelay;
        this.reuseAddress = b.reuseAddress;
    }

    /**
     * The defaults: backlog 128, {@code TCP_NODELAY} on accepted sockets, {@code SO_REUSEADDR} on.
     *
     * @return the defaults
     */
    public static ListenOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A new builder with the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The accept backlog.
     *
     * @return the backlog
     */
    public int backlog() {
        return backlog;
    }

    /**
     * Whether accepted sockets get {@code TCP_NODELAY}.
     *
     * @return the flag
     */
    public boolean tcpNoDelay() {
        return tcpNoDelay;
    }

    /**
     * Whether {@code SO_REUSEADDR} is set before binding.
     *
     * @return the flag
     */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** Builds {@link ListenOptions}. */
    public static final class Builder {
        private int backlog = 128;
        private boolean tcpNoDelay = true;
        private boolean reuseAddress = true;

        private Builder() {
        }

        /**
         * Sets the backlog.
         *
         * @param backlog 1..65535
         * @return this builder
         */
        public Builder backlog(int backlog) {
            if (backlog < 1 || backlog > 65535) {
                throw new IllegalArgumentException("backlog must be in 1..65535, found: " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        /**
         * Sets {@code TCP_NODELAY} for accepted sockets.
         *
         * @param on the flag
         * @return this builder
         */
        public Builder tcpNoDelay(boolean on) {
            this.tcpNoDelay = on;
            return this;
        }

        /**
         * Sets {@code SO_REUSEADDR}.
         *
         * @param on the flag
         * @return this builder
         */
        public Builder reuseAddress(boolean on) {
            this.reuseAddress = on;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public ListenOptions build() {
            return new ListenOptions(this);
        }
    }
}
