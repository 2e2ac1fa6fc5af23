package dev.spindle.mqtt;

import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.RetryPolicy;
import dev.spindle.reactor.TlsClientOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything an {@link MqttClient} needs to know before it starts: the server, the protocol
 * version, the session, the timers and the bounds. Immutable, independent of any reactor (the
 * same configuration moves to a new reactor when the OSGi {@code Reactor} service changes).
 *
 * <h2>Timers (SPEC §1.6)</h2>
 * {@code keepAlive} is sent in CONNECT; the client sends PINGREQ when it has <em>sent</em>
 * nothing for that long. {@code receiveIdlePing} sends PINGREQ when nothing was
 * <em>received</em> for that long; {@code receiveIdleAbort} closes the connection with
 * {@link MqttTimeoutException} when nothing was received for that long (a PINGRESP counts),
 * from the TCP connection on (TLS handshake and CONNACK included). Defaults: keep alive 60 s,
 * ping = keep alive, abort = 1.5 × keep alive; with keep alive 0 the ping and abort timers are
 * off unless set. Zero disables the ping and abort timers.
 */
public final class MqttClientConfig {
    /** The largest packet MQTT can express: a 268,435,455-byte remaining length plus 5 bytes of header. */
    public static final int MAX_PACKET_SIZE_LIMIT = 268_435_460;

    private final String host;
    private final int port;
    private final @Nullable TlsClientOptions tls;
    private final ConnectOptions connectOptions;
    private final MqttVersion version;
    private final String clientId;
    private final boolean cleanStart;
    private final Duration keepAlive;
    private final Duration receiveIdlePing;
    private final Duration receiveIdleAbort;
    private final @Nullable String username;
    private final byte @Nullable [] password;
    private final @Nullable MqttMessage will;
    private final long willDelaySeconds;
    private final long sessionExpirySeconds;
    private final int receiveMaximum;
    private final int maximumPacketSize;
    private final int topicAliasMaximum;
    private final int maxInFlight;
    private final int maxQueuedRequests;
    private final List<UserProperty> connectUserProperties;
    private final @Nullable RetryPolicy reconnect;
    private final String name;

    private MqttClientConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.tls = b.tls;
        this.connectOptions = b.connectOptions;
        this.version = b.version;
        this.clientId = b.clientId;
        this.cleanStart = b.cleanStart;
        this.keepAlive = b.keepAlive;
        this.receiveIdlePing = b.receiveIdlePing != null ? b.receiveIdlePing : b.keepAlive;
        this.receiveIdleAbort = b.receiveIdleAbort != null ? b.receiveIdleAbort
                : Duration.ofMillis(b.keepAlive.toMillis() * 3 / 2);
        this.username = b.username;
        this.password = b.password;
        this.will = b.will;
        this.willDelaySeconds = b.willDelaySeconds;
        this.sessionExpirySeconds = b.sessionExpirySeconds;
        this.receiveMaximum = b.receiveMaximum;
        this.maximumPacketSize = b.maximumPacketSize;
        this.topicAliasMaximum = b.topicAliasMaximum;
        this.maxInFlight = b.maxInFlight;
        this.maxQueuedRequests = b.maxQueuedRequests;
        this.connectUserProperties = List.copyOf(b.connectUserProperties);
        this.reconnect = b.reconnect;
        this.name = b.name != null ? b.name
                : "mqtt[" + (clientId.isEmpty() ? "?" : clientId) + "@" + host + ":" + port + "]";
    }

    /** A builder with the defaults: port 1883, MQTT 3.1.1, clean start, keep alive 60 s. */
    public static Builder builder(String host) {
        return new Builder(host);
    }

    /** The server's host name or address. */
    public String host() {
        return host;
    }

    /** The server's port. */
    public int port() {
        return port;
    }

    /** TLS options, or null for plain TCP. */
    public @Nullable TlsClientOptions tls() {
        return tls;
    }

    /** TCP connect options (timeout, local address, no-delay). */
    public ConnectOptions connectOptions() {
        return connectOptions;
    }

    /** The protocol version. */
    public MqttVersion version() {
        return version;
    }

    /** The client identifier; empty asks the server to assign one. */
    public String clientId() {
        return clientId;
    }

    /** The clean session (3.1.1) / clean start (5) flag. */
    public boolean cleanStart() {
        return cleanStart;
    }

    /** The keep alive sent in CONNECT; zero turns it off. */
    public Duration keepAlive() {
        return keepAlive;
    }

    /** Send PINGREQ after receiving nothing this long; zero turns it off. */
    public Duration receiveIdlePing() {
        return receiveIdlePing;
    }

    /** Give up on a connection that delivered nothing this long; zero turns it off. */
    public Duration receiveIdleAbort() {
        return receiveIdleAbort;
    }

    /** The user name, or null. */
    public @Nullable String username() {
        return username;
    }

    /** A copy of the password, or null. */
    public byte @Nullable [] password() {
        return password == null ? null : password.clone();
    }

    /** The last will, or null. */
    public @Nullable MqttMessage will() {
        return will;
    }

    /** MQTT 5 will delay interval in seconds. */
    public long willDelaySeconds() {
        return willDelaySeconds;
    }

    /** MQTT 5 session expiry interval in seconds (0: the session ends with the connection). */
    public long sessionExpirySeconds() {
        return sessionExpirySeconds;
    }

    /** MQTT 5 receive maximum: QoS 1/2 publishes the server may have unacknowledged towards this client. */
    public int receiveMaximum() {
        return receiveMaximum;
    }

    /** The largest packet this client accepts; a larger one is a protocol error (0x95). */
    public int maximumPacketSize() {
        return maximumPacketSize;
    }

    /** MQTT 5 topic alias maximum: aliases the server may use towards this client. */
    public int topicAliasMaximum() {
        return topicAliasMaximum;
    }

    /** The most QoS 1/2 publishes this client has unacknowledged at once (also capped by the server's receive maximum). */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** The bound on requests waiting to be sent or acknowledged; beyond it requests fail with {@link MqttQueueFullException}. */
    public int maxQueuedRequests() {
        return maxQueuedRequests;
    }

    /** MQTT 5 user properties sent in CONNECT. */
    public List<UserProperty> connectUserProperties() {
        return connectUserProperties;
    }

    /**
     * How long to wait before starting again after an activation failed, or null (the default)
     * to stay in {@code ERROR}. See {@link Builder#reconnect}.
     */
    public @Nullable RetryPolicy reconnect() {
        return reconnect;
    }

    /** The name used in logs and thread-free diagnostics. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "MqttClientConfig[" + name + ", " + version + (tls != null ? ", tls" : "") + ", cleanStart=" + cleanStart
                + ", keepAlive=" + keepAlive.toSeconds() + "s]";
    }

    /** Builds an {@link MqttClientConfig}; not thread-safe. Each setter checks its value at once. */
    public static final class Builder {
        private final String host;
        private int port = 1883;
        private @Nullable TlsClientOptions tls;
        private ConnectOptions connectOptions = ConnectOptions.defaults();
        private MqttVersion version = MqttVersion.V3_1_1;
        private String clientId = "";
        private boolean cleanStart = true;
        private Duration keepAlive = Duration.ofSeconds(60);
        private @Nullable Duration receiveIdlePing;
        private @Nullable Duration receiveIdleAbort;
        private @Nullable String username;
        private byte @Nullable [] password;
        private @Nullable MqttMessage will;
        private long willDelaySeconds;
        private long sessionExpirySeconds;
        private int receiveMaximum = 65535;
        private int maximumPacketSize = 1 << 20;
        private int topicAliasMaximum = 16;
        private int maxInFlight = 1000;
        private int maxQueuedRequests = 10_000;
        private final List<UserProperty> connectUserProperties = new ArrayList<>();
        private @Nullable RetryPolicy reconnect;
        private @Nullable String name;

        private Builder(String host) {
            Objects.requireNonNull(host, "host must not be null");
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            this.host = host;
        }

        /** The server's port; default 1883 (8883 is usual with TLS). */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be in 1..65535, found: " + port);
            }
            this.port = port;
            return this;
        }

        /** Connect with TLS; null for plain TCP. */
        public Builder tls(@Nullable TlsClientOptions tls) {
            this.tls = tls;
            return this;
        }

        /** TCP connect options; default {@link ConnectOptions#defaults()} (30 s timeout). */
        public Builder connectOptions(ConnectOptions options) {
            this.connectOptions = Objects.requireNonNull(options, "connectOptions must not be null");
            return this;
        }

        /** The protocol version; default MQTT 3.1.1. */
        public Builder version(MqttVersion version) {
            this.version = Objects.requireNonNull(version, "version must not be null");
            return this;
        }

        /** The client identifier; default empty (the server assigns one; MQTT 3.1.1 then needs clean start). */
        public Builder clientId(String clientId) {
            Objects.requireNonNull(clientId, "clientId must not be null");
            if (clientId.indexOf('\0') >= 0 || clientId.getBytes(StandardCharsets.UTF_8).length > 65535) {
                throw new IllegalArgumentException("clientId must be UTF-8 of at most 65535 bytes without U+0000, found: "
                        + clientId.length() + " chars");
            }
            this.clientId = clientId;
            return this;
        }

        /** Clean session / clean start; default true. */
        public Builder cleanStart(boolean cleanStart) {
            this.cleanStart = cleanStart;
            return this;
        }

        /** The keep alive; 0 to 65,535 whole seconds, default 60 s. */
        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = seconds("keepAlive", keepAlive, 65535);
            return this;
        }

        /** Ping after receiving nothing this long; zero turns it off. Default: the keep alive. */
        public Builder receiveIdlePing(Duration period) {
            this.receiveIdlePing = nonNegative("receiveIdlePing", period);
            return this;
        }

        /** Abort after receiving nothing this long; zero turns it off. Default: 1.5 × keep alive. */
        public Builder receiveIdleAbort(Duration period) {
            this.receiveIdleAbort = nonNegative("receiveIdleAbort", period);
            return this;
        }

        /** The user name; null for none. */
        public Builder username(@Nullable String username) {
            this.username = username;
            return this;
        }

        /** The password (copied); null for none. MQTT 3.1.1 needs a user name with it. */
        public Builder password(byte @Nullable [] password) {
            if (password != null && password.length > 65535) {
                throw new IllegalArgumentException("password must be at most 65535 bytes, found: " + password.length);
            }
            this.password = password == null ? null : password.clone();
            return this;
        }

        /** The password as UTF-8; null for none. */
        public Builder password(@Nullable String password) {
            return password(password == null ? null : password.getBytes(StandardCharsets.UTF_8));
        }

        /** The last will; null for none. */
        public Builder will(@Nullable MqttMessage will) {
            this.will = will;
            return this;
        }

        /** MQTT 5 will delay interval in seconds (0..4294967295); default 0. */
        public Builder willDelaySeconds(long seconds) {
            this.willDelaySeconds = unsignedInt("willDelaySeconds", seconds);
            return this;
        }

        /** MQTT 5 session expiry interval in seconds (0..4294967295, 4294967295 = never); default 0. */
        public Builder sessionExpirySeconds(long seconds) {
            this.sessionExpirySeconds = unsignedInt("sessionExpirySeconds", seconds);
            return this;
        }

        /** MQTT 5 receive maximum, 1..65535; default 65535. */
        public Builder receiveMaximum(int max) {
            if (max < 1 || max > 65535) {
                throw new IllegalArgumentException("receiveMaximum must be in 1..65535, found: " + max);
            }
            this.receiveMaximum = max;
            return this;
        }

        /** The largest packet accepted, 16..268435460 bytes; default 1 MiB. */
        public Builder maximumPacketSize(int bytes) {
            if (bytes < 16 || bytes > MAX_PACKET_SIZE_LIMIT) {
                throw new IllegalArgumentException("maximumPacketSize must be in 16.." + MAX_PACKET_SIZE_LIMIT + ", found: " + bytes);
            }
            this.maximumPacketSize = bytes;
            return this;
        }

        /** MQTT 5 topic aliases the server may use towards this client, 0..65535; default 16. */
        public Builder topicAliasMaximum(int max) {
            if (max < 0 || max > 65535) {
                throw new IllegalArgumentException("topicAliasMaximum must be in 0..65535, found: " + max);
            }
            this.topicAliasMaximum = max;
            return this;
        }

        /** The most QoS 1/2 publishes unacknowledged at once, 1..65535; default 1000. */
        public Builder maxInFlight(int max) {
            if (max < 1 || max > 65535) {
                throw new IllegalArgumentException("maxInFlight must be in 1..65535, found: " + max);
            }
            this.maxInFlight = max;
            return this;
        }

        /** The bound on queued requests (sent-but-unacknowledged included), at least 1; default 10,000. */
        public Builder maxQueuedRequests(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxQueuedRequests must be at least 1, found: " + max);
            }
            this.maxQueuedRequests = max;
            return this;
        }

        /** Adds an MQTT 5 user property to CONNECT. */
        public Builder connectUserProperty(String name, String value) {
            connectUserProperties.add(new UserProperty(name, value));
            return this;
        }

        /**
         * Reconnect after failures: when an activation ends in {@code ERROR} (the connection
         * failed or broke, the server refused or misbehaved), the client calls {@code start()}
         * again after {@code policy.delay(n)}, n counting the failures since the last accepted
         * CONNACK. {@link MqttListener#reconnectScheduled} tells each wait. {@code stop()} and
         * {@code terminate()} cancel a wait; a clean stop never reconnects. While a reconnect is
         * pending the client is in {@code ERROR} with one scheduled call (the only exception to
         * "inactive means no scheduled call"). Null (the default): no reconnect, haka-mqtt's
         * one-activation-per-start.
         */
        public Builder reconnect(@Nullable RetryPolicy policy) {
            this.reconnect = policy;
            return this;
        }

        /** The name in logs; default {@code mqtt[clientId@host:port]}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name must not be null");
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if the combination is invalid: MQTT 3.1.1 with an empty
         *                                  client identifier and no clean session, or a password
         *                                  without a user name
         */
        public MqttClientConfig build() {
            if (version == MqttVersion.V3_1_1 && clientId.isEmpty() && !cleanStart) {
                throw new IllegalArgumentException("MQTT 3.1.1 needs a clientId when cleanStart is false (MQTT-3.1.3-7)");
            }
            if (version == MqttVersion.V3_1_1 && password != null && username == null) {
                throw new IllegalArgumentException("MQTT 3.1.1 sends a password only with a username (MQTT-3.1.2-22)");
            }
            return new MqttClientConfig(this);
        }

        private static Duration seconds(String what, Duration d, long max) {
            Objects.requireNonNull(d, what + " must not be null");
            if (d.isNegative() || d.getSeconds() > max || d.getNano() != 0) {
                throw new IllegalArgumentException(what + " must be whole seconds in 0.." + max + ", found: " + d);
            }
            return d;
        }

        private static Duration nonNegative(String what, Duration d) {
            Objects.requireNonNull(d, what + " must not be null");
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, found: " + d);
            }
            return d;
        }

        private static long unsignedInt(String what, long v) {
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException(what + " must be in 0..4294967295, found: " + v);
            }
            return v;
        }
    }
}
