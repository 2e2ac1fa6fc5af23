package dev.spindle.reactor.epoll;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spindle.reactor.TlsClientOptions;
import dev.spindle.reactor.TlsServerOptions;
import dev.spindle.reactor.TlsTransport;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.contract.StreamPattern;
import dev.spindle.reactor.contract.TestPki;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS with the two ends on different backends, both ways: the handshake, an echo, the
 * {@code close_notify} of a clean close in either direction, and megabytes both ways under
 * back-pressure. TLS sits on the backends' TCP transports, so this checks that the record layer
 * sees the same reads, writes and ends of stream from epoll as from select.
 */
@Timeout(60)
class CrossBackendTlsTest extends CrossBackendSupport {
    private static final TestPki PKI = TestPki.create("Spindle cross-backend CA");
    private static final TestPki.Identity LOCALHOST = PKI.server("localhost", "127.0.0.1");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    static Stream<Arguments> pairingsAndVersions() {
        return Stream.of(Pairing.values())
                .flatMap(p -> Stream.of(Arguments.of(p, "TLSv1.3"), Arguments.of(p, "TLSv1.2")));
    }

    @ParameterizedTest
    @MethodSource("pairingsAndVersions")
    void echoThenTheClientsCloseNotify(Pairing p, String version) {
        Ends e = ends(p);
        Server server = listenTls(e.server, TlsServerOptions.builder(LOCALHOST.serverContext()).protocols(List.of(version)).build(),
                RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connectTls(e.client, server.port(), client, clientOptions().protocols(List.of(version)).build());
        RecordingProtocol accepted = server.next();
        assertEquals(version, e.client.call(() -> assertInstanceOf(TlsTransport.class, t).session().getProtocol()));
        assertEquals(version, e.server.call(() -> ((TlsTransport) accepted.transport()).session().getProtocol()));

        String text = "hello over " + version + " across backends";
        e.client.run(() -> t.write(text.getBytes(UTF_8)));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == text.length());
        assertEquals(text, client.receivedText());

        e.client.run(t::close);
        assertNull(ReactorHarness.await(client.lost()));
        assertNull(ReactorHarness.await(accepted.lost()), "close_notify is a clean end of stream");
        assertEquals(List.of("made", "data", "lost"), client.events());
        assertEquals(List.of("made", "data", "eof", "lost"), accepted.events());
        assertEquals(0, client.offLoopCalls() + accepted.offLoopCalls());
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void theServersCloseNotifyIsACleanEndOfStreamForTheClient(Pairing p) {
        Ends e = ends(p);
        Server server = listenTls(e.server, TlsServerOptions.builder(LOCALHOST.serverContext()).build(), () -> new RecordingProtocol() {
            @Override
            protected void onConnectionMade(Transport t) {
                t.write("goodbye".getBytes(UTF_8));
                t.close();
            }
        });
        RecordingProtocol client = new RecordingProtocol();
        connectTls(e.client, server.port(), client, clientOptions().build());
        RecordingProtocol accepted = server.next();
        assertNull(ReactorHarness.await(client.lost()));
        assertEquals("goodbye", client.receivedText());
        assertEquals(List.of("made", "data", "eof", "lost"), client.events());
        assertNull(ReactorHarness.await(accepted.lost()));
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void megabytesEchoedIntactUnderBackPressure(Pairing p) {
        Ends e = ends(p);
        Server server = listenTls(e.server, TlsServerOptions.builder(LOCALHOST.serverContext()).build(), RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connectTls(e.client, server.port(), client, clientOptions().build());
        server.next();
        long total = 4L << 20;
        StreamPattern.Source src = new StreamPattern.Source();
        e.client.run(() -> {
            while (src.offset() < total) {
                t.write(src.next(16 * 1024));
            }
        });
        ReactorHarness.await("the 4 MiB echo", () -> client.receivedBytes() == total);
        client.pattern().assertIntact();
    }

    private static TlsClientOptions.Builder clientOptions() {
        return TlsClientOptions.builder().sslContext(PKI.clientContext());
    }

    private static Server listenTls(ReactorHarness h, TlsServerOptions options, Supplier<? extends RecordingProtocol> protocols) {
        return accepting(h, f -> h.reactor().listenTls(new InetSocketAddress(LOOPBACK, 0), f, options), protocols);
    }

    private static Transport connectTls(ReactorHarness h, int port, RecordingProtocol protocol, TlsClientOptions options) {
        return ReactorHarness.await(h.call(() -> h.reactor().connectTls("127.0.0.1", port, protocol, options).result()));
    }
}
