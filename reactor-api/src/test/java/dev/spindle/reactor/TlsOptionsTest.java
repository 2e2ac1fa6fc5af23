package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.contract.TestPki;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link TlsClientOptions} and {@link TlsServerOptions}: defaults and validation. */
class TlsOptionsTest {
    private static final TestPki PKI = TestPki.create("Options CA");

    @Test
    @DisplayName("Client defaults: the JVM's default context, TLS 1.3 + 1.2, host-name verification on, SNI from the host name only, no ALPN, 10 s handshake timeout")
    void clientDefaults() throws Exception {
        TlsClientOptions o = TlsClientOptions.defaults();
        assertSame(SSLContext.getDefault(), o.sslContext());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), o.protocols());
        assertEquals(List.of(), o.cipherSuites());
        assertTrue(o.verifyHostName());
        assertEquals("broker.example", o.serverNameFor("broker.example"));
        assertNull(o.serverNameFor("127.0.0.1"));
        assertNull(o.serverNameFor("::1"));
        assertNull(o.serverNameFor("[::1]"));
        assertEquals(List.of(), o.applicationProtocols());
        assertEquals(Duration.ofSeconds(10), o.handshakeTimeout());
    }

    @Test
    @DisplayName("Client SNI: serverName overrides; sni(false) sends none; an address literal is refused as serverName")
    void clientSni() {
        TlsClientOptions named = TlsClientOptions.builder().serverName("mqtt.example").build();
        assertEquals("mqtt.example", named.serverNameFor("10.0.0.1"));
        assertNull(TlsClientOptions.builder().sni(false).build().serverNameFor("broker.example"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsClientOptions.builder().serverName("10.0.0.1"));
        assertTrue(e.getMessage().contains("10.0.0.1"), e.getMessage());
    }

    @Test
    @DisplayName("Validation: unknown protocol or cipher suite, empty or duplicate lists, non-positive timeout, over-long ALPN name: IllegalArgumentException naming the value")
    void validation() {
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class,
                () -> TlsClientOptions.builder().protocols(List.of("TLSv9")).build());
        assertTrue(p.getMessage().contains("TLSv9"), p.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> TlsServerOptions.builder(PKI.server("localhost").serverContext()).cipherSuites(List.of("TLS_NOPE")).build());
        assertTrue(c.getMessage().contains("TLS_NOPE"), c.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TlsClientOptions.builder().protocols(List.of()));
        assertThrows(IllegalArgumentException.class, () -> TlsClientOptions.builder().protocols(List.of("TLSv1.3", "TLSv1.3")));
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> TlsClientOptions.builder().handshakeTimeout(Duration.ZERO));
        assertTrue(t.getMessage().contains("PT0S"), t.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TlsClientOptions.builder().applicationProtocols(List.of("x".repeat(256))));
        assertThrows(NullPointerException.class, () -> TlsServerOptions.builder((SSLContext) null));
    }

    @Test
    @DisplayName("Server from a KeyStore: a store with a key works; one without a private key is refused naming its aliases; an uninitialised context is refused")
    void serverFromKeyStore() throws Exception {
        TlsServerOptions o = TlsServerOptions.builder(PKI.server("localhost").keyStore(), TestPki.PASSWORD).build();
        assertEquals(TlsServerOptions.ClientAuth.NONE, o.clientAuth());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), o.protocols());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsServerOptions.builder(PKI.trustStore(), TestPki.PASSWORD));
        assertTrue(e.getMessage().contains("no private key"), e.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> TlsServerOptions.builder(PKI.server("localhost").keyStore(), "wrong".toCharArray()));
        assertTrue(wrong.getMessage().contains("keyStore"), wrong.getMessage());
        IllegalArgumentException uninit = assertThrows(IllegalArgumentException.class,
                () -> TlsServerOptions.builder(SSLContext.getInstance("TLS")).build());
        assertTrue(uninit.getMessage().contains("initialised"), uninit.getMessage());
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        assertThrows(IllegalArgumentException.class, () -> TlsServerOptions.builder(empty, new char[0]));
    }
}
