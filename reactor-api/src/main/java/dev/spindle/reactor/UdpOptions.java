package dev.spindle.reactor;

import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import org.jspecify.annotations.Nullable;

/**
 * Options of a UDP socket made by {@link DescriptorReactor#listenUdp}, built with
 * {@link #builder()}. Immutable.
 *
 * <p>Defaults: {@link #maxPacketSize()} {@value #DEFAULT_MAX_PACKET_SIZE} (Twisted's), broadcast
 * off, {@code SO_REUSEADDR} off, the system's multicast interface, multicast TTL 1, multicast
 * loopback on, the system's buffer sizes, the bind address's protocol family, a send queue of
 * {@value #DEFAULT_MAX_QUEUED_DATAGRAMS} datagrams and {@value #DEFAULT_MAX_QUEUED_BYTES} bytes.
 */
public final class UdpOptions {
    /** The default {@link #maxPacketSize()}, as Twisted's {@code listenUDP}. */
    public static final int DEFAULT_MAX_PACKET_SIZE = 8192;
    /** The largest UDP payload over IPv4: 65,535 − 20 (IP header) − 8 (UDP header). */
    public static final int MAX_IPV4_PAYLOAD = 65_507;
    /** The largest UDP payload over IPv6 without jumbograms: 65,535 − 8 (UDP header). */
    public static final int MAX_IPV6_PAYLOAD = 65_527;
    /** The default {@link #maxQueuedDatagrams()}. */
    public static final int DEFAULT_MAX_QUEUED_DATAGRAMS = 1024;
    /** The default {@link #maxQueuedBytes()}: 1 MiB. */
    public static final int DEFAULT_MAX_QUEUED_BYTES = 1 << 20;

    private static final UdpOptions DEFAULTS = builder().build();

    private final int maxPacketSize;
    private final boolean broadcast;
    private final boolean reuseAddress;
    private final @Nullable NetworkInterface multicastInterface;
    private final int multicastTtl;
    private final boolean multicastLoopback;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final @Nullable StandardProtocolFamily protocolFamily;
    private final int maxQueuedDatagrams;
    private final int maxQueuedBytes;

    private UdpOptions(Builder b) {
        this.maxPacketSize = b.maxPacketSize;
        this.broadcast = b.broadcast;
        this.reuseAddress = b.reuseAddress;
        this.multicastInterface = b.multicastInterface;
        this.multicastTtl = b.multicastTtl;
        this.multicastLoopback = b.multicastLoopback;
        this.receiveBufferSize = b.receiveBufferSize;
        this.sendBufferSize = b.sendBufferSize;
        this.protocolFamily = b.protocolFamily;
        this.maxQueuedDatagrams = b.maxQueuedDatagrams;
        this.maxQueuedBytes = b.maxQueuedBytes;
    }

    /**
     * The defaults.
     *
     * @return the defaults
     */
    public static UdpOptions defaults() {
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
     * A builder holding these options, to change some of them.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxPacketSize = maxPacketSize;
        b.broadcast = broadcast;
        b.reuseAddress = reuseAddress;
        b.multicastInterface = multicastInterface;
        b.multicastTtl = multicastTtl;
        b.multicastLoopback = multicastLoopback;
        b.receiveBufferSize = receiveBufferSize;
        b.sendBufferSize = sendBufferSize;
        b.protocolFamily = protocolFamily;
        b.maxQueuedDatagrams = maxQueuedDatagrams;
        b.maxQueuedBytes = maxQueuedBytes;
        return b;
    }

    /**
     * The largest datagram this transport sends or receives, in bytes. A larger one is refused on
     * send ({@link DatagramTransport#send} throws {@link DatagramTooLargeException}) and reported
     * on receive ({@link DatagramProtocol#errorReceived} gets a
     * {@link DatagramTooLargeException}; the bytes are dropped). The transport keeps a receive
     * buffer of this size plus one byte.
     *
     * @return 1..{@value #MAX_IPV6_PAYLOAD}
     */
    public int maxPacketSize() {
        return maxPacketSize;
    }

    /**
     * Whether {@code SO_BROADCAST} is set: without it, sending to a broadcast address fails with
     * {@link DatagramSendException}.
     *
     * @return the flag
     */
    public boolean broadcast() {
        return broadcast;
    }

    /**
     * Whether {@code SO_REUSEADDR} is set before binding, so that several sockets may bind one
     * port (multicast listeners).
     *
     * @return the flag
     */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /**
     * The interface outgoing multicast datagrams leave by ({@code IP_MULTICAST_IF}).
     *
     * @return the interface, or null for the system's choice
     */
    public @Nullable NetworkInterface multicastInterface() {
        return multicastInterface;
    }

    /**
     * The time-to-live (IPv6: hop limit) of outgoing multicast datagrams; 0 keeps them on this
     * host.
     *
     * @return 0..255
     */
    public int multicastTtl() {
        return multicastTtl;
    }

    /**
     * Whether outgoing multicast datagrams are looped back to sockets of this host that joined
     * the group ({@code IP_MULTICAST_LOOP}).
     *
     * @return the flag
     */
    public boolean multicastLoopback() {
        return multicastLoopback;
    }

    /**
     * {@code SO_RCVBUF}.
     *
     * @return bytes, or 0 for the system default
     */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /**
     * {@code SO_SNDBUF}.
     *
     * @return bytes, or 0 for the system default
     */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /**
     * The protocol family of a socket bound to a wildcard address ({@code 0.0.0.0} or
     * {@code ::}): {@code INET} for IPv4 only, {@code INET6} for IPv6 (which on most systems also
     * receives IPv4). A specific bind address always decides the family itself.
     *
     * @return the family, or null to follow the bind address ({@code 0.0.0.0} is IPv4,
     *     {@code ::} IPv6)
     */
    public @Nullable StandardProtocolFamily protocolFamily() {
        return protocolFamily;
    }

    /**
     * Bound on the datagrams waiting in the send queue while the socket buffer is full.
     *
     * @return 0 (no queue: a datagram the socket refuses is dropped at once) or more
     */
    public int maxQueuedDatagrams() {
        return maxQueuedDatagrams;
    }

    /**
     * Bound on the bytes waiting in the send queue while the socket buffer is full.
     *
     * @return bytes
     */
    public int maxQueuedBytes() {
        return maxQueuedBytes;
    }

    @Override
    public String toString() {
        return "UdpOptions[maxPacketSize=" + maxPacketSize + ", broadcast=" + broadcast + ", reuseAddress="
                + reuseAddress + ", multicastInterface=" + (multicastInterface == null ? "default"
                        : multicastInterface.getName()) + ", multicastTtl=" + multicastTtl + ", multicastLoopback="
                + multicastLoopback + ", receiveBufferSize=" + receiveBufferSize + ", sendBufferSize=" + sendBufferSize
                + ", protocolFamily=" + protocolFamily + ", maxQueuedDatagrams=" + maxQueuedDatagrams
                + ", maxQueuedBytes=" + maxQueuedBytes + "]";
    }

    /** Builds {@link UdpOptions}. */
    public static final class Builder {
        private int maxPacketSize = DEFAULT_MAX_PACKET_SIZE;
        private boolean broadcast;
        private boolean reuseAddress;
        private @Nullable NetworkInterface multicastInterface;
        private int multicastTtl = 1;
        private boolean multicastLoopback = true;
        private int receiveBufferSize;
        private int sendBufferSize;
        private @Nullable StandardProtocolFamily protocolFamily;
        private int maxQueuedDatagrams = DEFAULT_MAX_QUEUED_DATAGRAMS;
        private int maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;

        private Builder() {
        }

        /**
         * Sets the largest datagram sent or received. Over IPv4 sends are further limited to
         * {@value UdpOptions#MAX_IPV4_PAYLOAD} bytes.
         *
         * @param bytes 1..{@value UdpOptions#MAX_IPV6_PAYLOAD}
         * @return this builder
         * @throws IllegalArgumentException out of range
         */
        public Builder maxPacketSize(int bytes) {
            if (bytes < 1 || bytes > MAX_IPV6_PAYLOAD) {
                throw new IllegalArgumentException("maxPacketSize must be in 1.." + MAX_IPV6_PAYLOAD
                        + " (65,507 is the most IPv4 carries), found: " + bytes);
            }
            this.maxPacketSize = bytes;
            return this;
        }

        /**
         * Sets {@code SO_BROADCAST}.
         *
         * @param on the flag
         * @return this builder
         */
        public Builder broadcast(boolean on) {
            this.broadcast = on;
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
         * Sets the interface for outgoing multicast.
         *
         * @param networkInterface the interface, or null for the system's choice
         * @return this builder
         */
        public Builder multicastInterface(@Nullable NetworkInterface networkInterface) {
            this.multicastInterface = networkInterface;
            return this;
        }

        /**
         * Sets the multicast time-to-live.
         *
         * @param ttl 0..255
         * @return this builder
         * @throws IllegalArgumentException out of range
         */
        public Builder multicastTtl(int ttl) {
            if (ttl < 0 || ttl > 255) {
                throw new IllegalArgumentException("multicastTtl must be in 0..255, found: " + ttl);
            }
            this.multicastTtl = ttl;
            return this;
        }

        /**
         * Sets multicast loopback.
         *
         * @param on the flag
         * @return this builder
         */
        public Builder multicastLoopback(boolean on) {
            this.multicastLoopback = on;
            return this;
        }

        /**
         * Sets {@code SO_RCVBUF}.
         *
         * @param bytes 0 (system default) or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder receiveBufferSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("receiveBufferSize must be 0 (system default) or more, found: "
                        + bytes);
            }
            this.receiveBufferSize = bytes;
            return this;
        }

        /**
         * Sets {@code SO_SNDBUF}.
         *
         * @param bytes 0 (system default) or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder sendBufferSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("sendBufferSize must be 0 (system default) or more, found: " + bytes);
            }
            this.sendBufferSize = bytes;
            return this;
        }

        /**
         * Sets the protocol family for wildcard binds.
         *
         * @param family {@code INET}, {@code INET6}, or null to follow the bind address
         * @return this builder
         * @throws IllegalArgumentException for {@code UNIX}
         */
        public Builder protocolFamily(@Nullable StandardProtocolFamily family) {
            if (family != null && family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
                throw new IllegalArgumentException("protocolFamily must be INET or INET6, found: " + family);
            }
            this.protocolFamily = family;
            return this;
        }

        /**
         * Sets the bound on queued datagrams.
         *
         * @param datagrams 0 (no queue) or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxQueuedDatagrams(int datagrams) {
            if (datagrams < 0) {
                throw new IllegalArgumentException("maxQueuedDatagrams must be 0 or more, found: " + datagrams);
            }
            this.maxQueuedDatagrams = datagrams;
            return this;
        }

        /**
         * Sets the bound on queued bytes.
         *
         * @param bytes 0 or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxQueuedBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxQueuedBytes must be 0 or more, found: " + bytes);
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public UdpOptions build() {
            return new UdpOptions(this);
        }
    }
}
