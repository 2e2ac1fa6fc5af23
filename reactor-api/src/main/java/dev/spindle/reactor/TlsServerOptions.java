package dev.spindle.reactor;

import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Options of the server side of TLS, built with {@link #builder(SSLContext)} (a context with
 * the server's key material) or {@link #builder(KeyStore, char[])}. Immutable.
 *
 * <p>Defaults: TLS 1.3 and TLS 1.2 only, the context's cipher suites, no client authentication,
 * no ALPN, a 10-second handshake timeout, and failed handshakes logged at debug level only.
 */
public final class TlsServerOptions {
    /** Whether the server asks the client for a certificate (mutual TLS). */
    public enum ClientAuth {
        /** No client certificate is requested. */
        NONE,
        /** A certificate is requested; a client without one is still accepted. */
        WANT,
        /** A certificate is required; a client without one fails the handshake. */
        NEED
    }

    private static final BiConsumer<SocketAddress, TlsHandshakeException> IGNORE_FAILURES = (remote, failure) -> { };

    private final SSLContext context;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final ClientAuth clientAuth;
    private final List<String> applicationProtocols;
    private final Duration handshakeTimeout;
    private final BiConsumer<SocketAddress, TlsHandshakeException> failureListener;

    private TlsServerOptions(Builder b) {
        this.context = b.context;
        this.protocols = b.protocols;
        this.cipherSuites = b.cipherSuites;
        this.clientAuth = b.clientAuth;
        this.applicationProtocols = b.applicationProtocols;
        this.handshakeTimeout = b.handshakeTimeout;
        this.failureListener = b.failureListener;
    }

    /**
     * A builder for a server whose key material (and, for mutual TLS, trust material) is in
     * {@code context}.
     *
     * @param context an initialised context with a key manager holding the server's key
     * @return the builder
     */
    public static Builder builder(SSLContext context) {
        return new Builder(Objects.requireNonNull(context, "sslContext must not be null"));
    }

    /**
     * A builder for a server whose private key and certificate chain are in {@code keyStore}
     * (e.g. a PKCS#12 file loaded with {@link KeyStore#getInstance(java.io.File, char[])}).
     * Client certificates, when asked for, are checked against the JVM's default trust store;
     * for mutual TLS with a private CA use {@link #builder(SSLContext)}.
     *
     * @param keyStore holds at least one private-key entry
     * @param keyPassword the password of the key entry
     * @return the builder
     * @throws IllegalArgumentException if the store holds no private key or the password is wrong
     */
    public static Builder builder(KeyStore keyStore, char[] keyPassword) {
        Objects.requireNonNull(keyStore, "keyStore must not be null");
        Objects.requireNonNull(keyPassword, "keyPassword must not be null");
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(keyStore.aliases())) {
                hasKey |= keyStore.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new IllegalArgumentException("keyStore holds no private key entry, found aliases: "
                        + Collections.list(keyStore.aliases()));
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, keyPassword);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new Builder(context);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the keyStore (" + keyStore.getType() + ") for a TLS server: "
                    + e.getMessage(), e);
        }
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
     * The protocol versions enabled.
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
     * Whether a client certificate is asked for.
     *
     * @return the mode, {@link ClientAuth#NONE} by default
     */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /**
     * The ALPN protocols this server speaks, most preferred first; empty for no ALPN.
     *
     * @return an immutable list
     */
    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /**
     * Bound on each handshake, from accept to handshake finished.
     *
     * @return the timeout
     */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Told of every failed handshake (on the reactor thread, after the connection was closed),
     * e.g. to count them; by default nothing.
     *
     * @return the listener
     */
    public BiConsumer<SocketAddress, TlsHandshakeException> handshakeFailureListener() {
        return failureListener;
    }

    @Override
    public String toString() {
        return "TlsServerOptions[protocols=" + protocols + ", cipherSuites=" + (cipherSuites.isEmpty() ? "default" : cipherSuites)
                + ", clientAuth=" + clientAuth + ", alpn=" + applicationProtocols + ", handshakeTimeout=" + handshakeTimeout + "]";
    }

    /** Builds {@link TlsServerOptions}. */
    public static final class Builder {
        private final SSLContext context;
        private List<String> protocols = TlsSettings.DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private ClientAuth clientAuth = ClientAuth.NONE;
        private List<String> applicationProtocols = List.of();
        private Duration handshakeTimeout = TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT;
        private BiConsumer<SocketAddress, TlsHandshakeException> failureListener = IGNORE_FAILURES;

        private Builder(SSLContext context) {
            this.context = context;
        }

        /**
         * Sets the protocol versions.
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
         * Sets client authentication (mutual TLS). Client certificates are checked by the
         * context's trust managers.
         *
         * @param clientAuth the mode
         * @return this builder
         */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth must not be null");
            return this;
        }

        /**
         * Sets the ALPN protocols this server speaks, most preferred first; a client that offers
         * ALPN but none of these fails the handshake.
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
         * Sets the listener told of failed handshakes (peer address, failure), on the reactor
         * thread; an exception it throws is logged.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder handshakeFailureListener(BiConsumer<SocketAddress, TlsHandshakeException> listener) {
            this.failureListener = Objects.requireNonNull(listener, "handshakeFailureListener must not be null");
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if the context does not support a protocol or cipher
         *     suite asked for
         */
        public TlsServerOptions build() {
            TlsSettings.checkSupported(context, protocols, cipherSuites);
            return new TlsServerOptions(this);
        }
    }
}
