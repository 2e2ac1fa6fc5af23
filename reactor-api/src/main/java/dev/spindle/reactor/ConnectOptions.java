package dev.spindle.reactor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Options of an outgoing TCP connection, built with {@link #builder()}. Immutable. */
public final class ConnectOptions {
    private static final ConnectOptions DEFAULTS = builder().build();

    private final Duration timeout;
    private final @Nullable InetSocketAddress localAddress;
    private final boolean tcpNoDelay;

    private ConnectOptions(Builder b) {
        this.timeout = b.timeout;
        this.localAddress = b.localAddress;
        this.tcpNoDelay = b.tcpNoDelay;
    }

    /**
     * The defaults: 30 s timeout, any local address, {@code TCP_NODELAY} on.
     *
     * @return the defaults
     */
    public static ConnectOptions defaults() {
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
     * Bound on name resolution plus connecting, over all resolved addresses.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * The local address to bind before connecting, or null for any.
     *
     * @return the address or null
     */
    public @Nullable InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Whether {@code TCP_NODELAY} is set.
     *
     * @return the flag
     */
    public boolean tcpNoDelay() {
        return tcpNoDelay;
    }

    /** Builds {@link ConnectOptions}. */
    public static final class Builder {
        private Duration timeout = Duration.ofSeconds(30);
        private @Nullable InetSocketAddress localAddress;
        private boolean tcpNoDelay = true;

        private Builder() {
        }

        /**
         * Sets the timeout.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout must not be null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, found: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets the local address.
         *
         * @param localAddress a resolved address, or null
         * @return this builder
         */
        public Builder localAddress(@Nullable InetSocketAddress localAddress) {
            if (localAddress != null && localAddress.isUnresolved()) {
                throw new IllegalArgumentException("localAddress must be resolved, found: " + localAddress);
            }
            this.localAddress = localAddress;
            return this;
        }

        /**
         * Sets {@code TCP_NODELAY}.
         *
         * @param on the flag
         * @return this builder
         */
        public Builder tcpNoDelay(boolean on) {
            this.tcpNoDelay = on;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public ConnectOptions build() {
            return new ConnectOptions(this);
        }
    }
}
