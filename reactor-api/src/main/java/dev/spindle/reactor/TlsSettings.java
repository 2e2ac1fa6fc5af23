package dev.spindle.reactor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/** The checks {@link TlsClientOptions} and {@link TlsServerOptions} share. */
final class TlsSettings {
    /** TLS 1.3 and 1.2, in order of preference. */
    static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private TlsSettings() {
    }

    static List<String> names(String what, Collection<String> values, boolean mayBeEmpty) {
        Objects.requireNonNull(values, what + " must not be null");
        List<String> copy = new ArrayList<>(values.size());
        for (String v : values) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException(what + " must not contain null or blank names, found: " + values);
            }
            if (copy.contains(v)) {
                throw new IllegalArgumentException(what + " must not name '" + v + "' twice, found: " + values);
            }
            copy.add(v);
        }
        if (!mayBeEmpty && copy.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return List.copyOf(copy);
    }

    static List<String> applicationProtocols(Collection<String> values) {
        List<String> copy = names("applicationProtocols", values, true);
        for (String p : copy) {
            if (p.length() > 255) {
                throw new IllegalArgumentException("an ALPN protocol name is at most 255 bytes, found one of "
                        + p.length() + " characters: " + p);
            }
        }
        return copy;
    }

    static Duration handshakeTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "handshakeTimeout must not be null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, found: " + timeout);
        }
        return timeout;
    }

    /** Checks that {@code context} supports every protocol and cipher suite asked for. */
    static void checkSupported(SSLContext context, List<String> protocols, List<String> cipherSuites) {
        SSLParameters supported;
        try {
            supported = context.getSupportedSSLParameters();
            // An uninitialised context fails here, not at the first connection.
            context.createSSLEngine();
        } catch (IllegalStateException | UnsupportedOperationException e) {
            throw new IllegalArgumentException("the SSLContext cannot make engines (is it initialised?): " + e.getMessage(), e);
        }
        List<String> protocolsSupported = Arrays.asList(supported.getProtocols());
        for (String p : protocols) {
            if (!protocolsSupported.contains(p)) {
                throw new IllegalArgumentException("protocol '" + p + "' is not supported by the SSLContext ("
                        + context.getProtocol() + " from " + context.getProvider().getName() + "), supported: "
                        + protocolsSupported);
            }
        }
        List<String> ciphersSupported = Arrays.asList(supported.getCipherSuites());
        for (String c : cipherSuites) {
            if (!ciphersSupported.contains(c)) {
                throw new IllegalArgumentException("cipher suite '" + c + "' is not supported by the SSLContext ("
                        + context.getProvider().getName() + ")");
            }
        }
    }
}
