package dev.spindle.reactor;

import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Options of the client side of TLS, built with {@link #builder()}. Immutable.
 *
 * <p>Defaults: the JVM's default {@link SSLContext} (its trust store: {@code cacerts} unless
 * {@code javax.net.ssl.trustStore} says otherwise, and its key managers for a client
 * certificate), TLS 1.3 and TLS 1.2 only, the context's cipher suites, host-name verification
 * on (endpoint identification {@code "HTTPS"}: the server's certificate must name the host
 * connected to, or the SNI name), SNI sent with the host connected to when it is a name (never
 * for an address literal), no ALPN, and a 10-second handshake timeout. A client certificate for
 * mutual TLS comes from the context's key managers.
 */
public final class TlsClientOptions {
    private final SSLContext context;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final boolean verifyHostName;
    private final @Nullable String serverName;
    private final boolean sni;
    private final List<String> applicationProtocols;
    private final Duration handshakeTimeout;

    private TlsClientOptions(Builder b, SSLContext context) {
        this.context = context;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.verifyHostName = b.verifyHostName;
        this.serverName = b.serverName;
        this.sni = b.sni;
        this.applicationProtocols = b.applicationProtocols;
        this.handshakeTimeout = b.handshakeTimeout;
    }

    /**
     * The defaults, with {@link SSLContext#getDefault()}.
     *
     * @return the defaults
     * @throws IllegalStateException if the JVM has no default SSL context
     */
    public static TlsClientOptions defaults() {
        return builder().build();
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
     * The SSL context engines are made from.
     *
     * @return the context
     */
    public SSLContext sslContext() {
        return context;
    }

    /**
     * The protocol versions enabled, e.g. {@code [TLSv1.3, TLSv1.2]}.
     *
     * @return an immutable list
     */
    public List<String> protocols() {
        return protocols;
    }

    /**
     * The cipher suites enabled; empty for the context's defaults.
     *
     * @return an immutable list
     */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /**
     * Whether the server's certificate must name the host (endpoint identification
     * {@code "HTTPS"}).
     *
     * @return true by default
     */
    public boolean verifyHostName() {
        return verifyHostName;
    }

    /**
     * The SNI name set explicitly, or null to use the host connected to.
     *
     * @return the name or null
     */
    public @Nullable String serverName() {
        return serverName;
    }

    /**
     * Whether SNI is sent at all.
     *
     * @return true by default
     */
    public boolean sni() {
        return sni;
    }

    /**
     * The SNI name sent when connecting to {@code host}: the explicit {@link #serverName()}, else
     * {@code host} when it is a valid host name, else none (address literals are never sent).
     *
     * @param host the host connected to
     * @return the name, or null for no SNI
     */
    public @Nullable String serverNameFor(String host) {
        if (!sni) {
            return null;
        }
        if (serverName != null) {
            return serverName;
        }
        return isHostName(host) ? host : null;
    }

    /**
     * The ALPN protocols offered, in order of preference; empty for no ALPN.
     *
     * @return an immutable list
     */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /**
     * Bound on the handshake, from TCP connected to handshake finished.
     *
     * @return the timeout
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    @Override
    public String toString() {
        return "TlsClientOptions[protocols=" + protocols + ", cipherSuites=" + (cipherSuites.isEmpty() ? "default" : cipherSuites)
                + ", verifyHostName=" + verifyHostName + ", sni=" + (sni ? serverName == null ? "host" : serverName : "off")
                + ", alpn=" + applicationProtocols + ", handshakeTimeout=" + handshakeTimeout + "]";
    }

    /** Whether the JDK accepts {@code host} as an SNI host name (address literals it does not). */
    static boolean isHostName(String host) {
        if (host.isEmpty() || host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return false;
        }
        try {
            new SNIHostName(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Builds {@link TlsClientOptions}. */
    public static final class Builder {
        private @Nullable SSLContext context;
        private List<String> protocols = TlsSettings.DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private boolean verifyHostName = true;
        private @Nullable String serverName;
        private boolean sni = true;
        private List<String> applicationProtocols = List.of();
        private Duration handshakeTimeout = TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT;

        private Builder() {
        }

        /**
         * Sets the SSL context: its trust managers decide which servers are trusted, its key
         * managers supply a client certificate for mutual TLS.
         *
         * @param context the context
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.context = Objects.requireNonNull(context, "sslContext must not be null");
            return this;
        }

        /**
         * Sets the protocol versions, e.g. {@code List.of("TLSv1.3")}.
         *
         * @param protocols non-empty, each supported by the context
         * @return this builder
         */
        public Builder protocols(Collection<String> protocols) {
            this.protocols = TlsSettings.names("protocols", protocols, false);
            return this;
        }

        /**
         * Sets the cipher suites; empty restores the context's defaults.
         *
         * @param cipherSuites each supported by the context
         * @return this builder
         */
        public Builder cipherSuites(Collection<String> cipherSuites) {
            this.cipherSuites = TlsSettings.names("cipherSuites", cipherSuites, true);
            return this;
        }

        /**
         * Turns host-name verification on (the default) or off. Off, any server with a trusted
         * certificate is accepted whatever name it is for: only for tests and pinned set-ups.
         *
         * @param on the flag
         * @return this builder
         */
        public Builder verifyHostName(boolean on) {
            this.verifyHostName = on;
            return this;
        }

        /**
         * Sends {@code name} as SNI instead of the host connected to (e.g. when connecting to
         * an address literal); verification then accepts a certificate for either.
         *
         * @param name a host name, not an address literal; null restores the default
         * @return this builder
         * @throws IllegalArgumentException if the JDK does not accept it as an SNI host name
         */
        public Builder serverName(@Nullable String name) {
            if (name != null && !isHostName(name)) {
                throw new IllegalArgumentException("serverName must be a host name (not an address literal), found: '"
                        + name + "'");
            }
            this.serverName = name;
            return this;
        }

        /**
         * Turns SNI on (the default) or off.
         *
         * @param on the flag
         * @return this builder
         */
        public Builder sni(boolean on) {
            this.sni = on;
            return this;
        }

        /**
         * Sets the ALPN protocols to offer, most preferred first (e.g. {@code "mqtt"},
         * {@code "h2"}); empty for none.
         *
         * @param protocols the names
         * @return this builder
         */
        public Builder applicationProtocols(Collection<String> protocols) {
            this.applicationProtocols = TlsSettings.applicationProtocols(protocols);
            return this;
        }

        /**
         * Sets the handshake timeout.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = TlsSettings.handshakeTimeout(timeout);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if the context does not support a protocol or cipher
         *     suite asked for
         * @throws IllegalStateException if no context was set and the JVM has no default one
         */
        public TlsClientOptions build() {
            SSLContext c = context;
            if (c == null) {
                try {
                    c = SSLContext.getDefault();
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException("the JVM has no default SSLContext: " + e.getMessage(), e);
                }
            }
            TlsSettings.checkSupported(c, protocols, cipherSuites);
            return new TlsClientOptions(this, c);
        }
    }
}
