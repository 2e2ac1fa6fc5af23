package dev.spindle.reactor.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ClientEndpoint;
import dev.spindle.reactor.ClientService;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.RetryPolicy;
import dev.spindle.reactor.TlsClientOptions;
import dev.spindle.reactor.TlsServerOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconnecting {@link ClientService} on real loopback sockets (SPEC §3): the state machine
 * itself is covered on the manual clock by {@code ClientServiceTest}; this checks it against a
 * backend's real connects, refusals and closes.
 */
@Timeout(30)
public abstract class ClientServiceContractTest extends ReactorContractSupport {

    /** For subclasses. */
    protected ClientServiceContractTest() {
    }

    @Test
    @DisplayName("CS-2/CS-4/CS-7/CS-14/CS-20: against a loopback listener that is closed and reopened, the service reconnects; stop() completes; no scheduled call is left")
    public void reconnectsToAReopenedListener() throws InterruptedException {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        Server server = listen(h, RecordingProtocol.Echo::new);
        int port = server.port();
        List<Integer> policyCalls = new CopyOnWriteArrayList<>();
        RetryPolicy policy = n -> {
            policyCalls.add(n);
            return Duration.ofMillis(20);
        };
        ClientService<RecordingProtocol> service = ClientService
                .builder(r, ClientEndpoint.tcp(r, "127.0.0.1", port), remote -> new RecordingProtocol())
                .retryPolicy(policy).name("contract-client").build();
        service.start();

        RecordingProtocol first = ReactorHarness.await(service.whenConnected());
        RecordingProtocol firstAccepted = server.next();
        h.run(() -> first.transport().write("one".getBytes(UTF_8)));
        ReactorHarness.await("the first echo", () -> "one".equals(first.receivedText()));

        // The server goes away: no listener, and its side of the connection closed.
        h.run(() -> {
            server.listeningPort().close();
            firstAccepted.transport().close();
        });
        assertNull(ReactorHarness.await(first.lost()), "the server's clean close");
        // Reconnecting is refused while nothing listens: each refusal is one more failed attempt.
        ReactorHarness.await("three retries scheduled", () -> policyCalls.size() >= 3);
        assertEquals(List.of(1, 2, 3), policyCalls.subList(0, 3), "the lost connection, then two refused attempts");

        // The server comes back on the same port.
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        ListeningPort reopened = h.call(() -> r.listenTcp(new InetSocketAddress(BlockingPeer.LOOPBACK, port), remote -> {
            RecordingProtocol p = new RecordingProtocol.Echo();
            accepted.add(p);
            return p;
        }));
        RecordingProtocol second = ReactorHarness.await(service.whenConnected());
        assertNotSame(first, second);
        assertEquals(ClientService.State.CONNECTED, service.state());
        RecordingProtocol secondAccepted = accepted.poll(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(secondAccepted != null, "the reopened listener accepted the reconnection");
        h.run(() -> second.transport().write("two".getBytes(UTF_8)));
        ReactorHarness.await("the second echo", () -> "two".equals(second.receivedText()));

        int retries = policyCalls.size();
        ReactorHarness.await(service.stop());
        assertEquals(ClientService.State.STOPPED, service.state());
        assertNull(ReactorHarness.await(second.lost()), "stop() closes cleanly");
        assertEquals(1, second.lostCalls());
        assertEquals(List.of(), h.call(r::pendingCalls), "no retry timer or connect timeout left");
        assertEquals(retries, policyCalls.size(), "no retry after stop()");
        assertEquals(0, first.offLoopCalls() + second.offLoopCalls());
        h.run(reopened::close);
    }

    /** Connects through {@code endpoint}, echoes, loses the connection to the server's close, reconnects, stops. */
    private static void reconnectThrough(ReactorHarness h, ClientEndpoint endpoint, BlockingQueue<RecordingProtocol> accepted)
            throws InterruptedException {
        Reactor r = h.reactor();
        ClientService<RecordingProtocol> service = ClientService
                .builder(r, endpoint, remote -> new RecordingProtocol())
                .retryPolicy(RetryPolicy.fixed(Duration.ofMillis(20))).name("contract-" + endpoint).build();
        service.start();
        RecordingProtocol first = ReactorHarness.await(service.whenConnected());
        RecordingProtocol firstAccepted = accepted.poll(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertTrue(firstAccepted != null, "the server accepted " + endpoint);
        h.run(() -> first.transport().write("one".getBytes(UTF_8)));
        ReactorHarness.await("the first echo over " + endpoint, () -> "one".equals(first.receivedText()));
        h.run(() -> firstAccepted.transport().close());
        ReactorHarness.await(first.lost());
        RecordingProtocol second = ReactorHarness.await(service.whenConnected());
        assertNotSame(first, second);
        assertTrue(accepted.poll(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS) != null, "reconnected to " + endpoint);
        h.run(() -> second.transport().write("two".getBytes(UTF_8)));
        ReactorHarness.await("the second echo over " + endpoint, () -> "two".equals(second.receivedText()));
        ReactorHarness.await(service.stop());
        assertEquals(ClientService.State.STOPPED, service.state());
        assertEquals(List.of(), h.call(r::pendingCalls), "no retry timer or connect timeout left");
    }

    private static ProtocolFactory recording(BlockingQueue<RecordingProtocol> accepted) {
        return remote -> {
            RecordingProtocol p = new RecordingProtocol.Echo();
            accepted.add(p);
            return p;
        };
    }

    @Test
    @DisplayName("CS-2/CS-7: ClientEndpoint.tls: the service connects over TLS (handshake included), reconnects after the server closes, stops")
    public void reconnectsOverTls() throws InterruptedException {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        TestPki pki = TestPki.create("client service CA");
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        ListeningPort port = h.call(() -> r.listenTls(new InetSocketAddress(BlockingPeer.LOOPBACK, 0), recording(accepted),
                TlsServerOptions.builder(pki.server("localhost", "127.0.0.1").serverContext()).build()));
        ClientEndpoint endpoint = ClientEndpoint.tls(r, "127.0.0.1", port.port(),
                TlsClientOptions.builder().sslContext(pki.clientContext()).build());
        assertEquals("tls:127.0.0.1:" + port.port(), endpoint.toString());
        reconnectThrough(h, endpoint, accepted);
        h.run(port::close);
    }

    @Test
    @DisplayName("CS-2/CS-7: ClientEndpoint.unix: the service connects to a socket file, reconnects after the server closes, stops")
    public void reconnectsOverUnixSocket(@TempDir Path dir) throws InterruptedException {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        Path path = dir.resolve("cs.sock");
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        ListeningPort port = h.call(() -> r.listenUnix(path, recording(accepted)));
        ClientEndpoint endpoint = ClientEndpoint.unix(r, path);
        assertEquals("unix:" + path, endpoint.toString());
        reconnectThrough(h, endpoint, accepted);
        h.run(port::close);
    }
}
