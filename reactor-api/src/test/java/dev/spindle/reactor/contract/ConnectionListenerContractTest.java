package dev.spindle.reactor.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionListener;
import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.Registration;
import dev.spindle.reactor.TlsClientOptions;
import dev.spindle.reactor.TlsServerOptions;
import dev.spindle.reactor.TlsTransport;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.UnixListenOptions;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DescriptorReactor.addConnectionListener} on real loopback sockets: every stream
 * connection of the reactor (TCP accepted and made, UNIX-domain, TLS as its TCP transport) is
 * reported made after its protocol's {@code connectionMade} and lost after its protocol's
 * {@code connectionLost}, with the same cause, on the loop thread, paired, isolated from a
 * failing listener, and before {@code terminate()} returns.
 *
 * <p>A backend passes this suite for free when its stream transports extend
 * {@code AbstractStreamTransport} and go through its {@code start()} and its end; the suite
 * checks that they really do.
 */
@Timeout(60)
public abstract class ConnectionListenerContractTest extends ReactorContractSupport {
    /** Where the UNIX-domain tests put their socket files. */
    @TempDir
    protected Path dir;

    /** For subclasses. */
    protected ConnectionListenerContractTest() {
    }

    /** One entry of the shared log: who (protocol or listener), what, on which transport. */
    private record Entry(String who, String what, Transport transport, @Nullable Throwable cause, boolean onLoop) {
        @Override
        public String toString() {
            return who + " " + what;
        }
    }

    /** The protocols' and listeners' events, interleaved in the order the loop made them. */
    private final List<Entry> log = new CopyOnWriteArrayList<>();

    /** A recording protocol that also writes its made/lost to the shared log. */
    private class Logged extends RecordingProtocol {
        private final String who;
        private final boolean echo;

        Logged(String who, boolean echo) {
            this.who = who;
            this.echo = echo;
        }

        @Override
        protected void onConnectionMade(Transport t) {
            log.add(new Entry(who, "made", t, null, t.reactor().inLoop()));
        }

        @Override
        protected void onData(java.nio.ByteBuffer data) {
            if (echo) {
                transport().write(data);
            }
        }

        @Override
        protected void onConnectionLost(@Nullable Throwable cause) {
            log.add(new Entry(who, "lost", transport(), cause, transport().reactor().inLoop()));
        }
    }

    /** A listener that writes to the shared log; may throw. */
    private class Listener implements ConnectionListener {
        private final String who;
        private final boolean throwing;
        final AtomicInteger calls = new AtomicInteger();

        Listener(String who, boolean throwing) {
            this.who = who;
            this.throwing = throwing;
        }

        @Override
        public void connectionMade(Transport t) {
            calls.incrementAndGet();
            log.add(new Entry(who, "made", t, null, t.reactor().inLoop()));
            if (throwing) {
                throw new IllegalStateException("listener bug (made), expected by the test");
            }
        }

        @Override
        public void connectionLost(Transport t, @Nullable Throwable cause) {
            calls.incrementAndGet();
            log.add(new Entry(who, "lost", t, cause, t.reactor().inLoop() && !t.isOpen()));
            if (throwing) {
                throw new IllegalStateException("listener bug (lost), expected by the test");
            }
        }
    }

    /** The log's entries about {@code t}, as {@code who what}. */
    private List<String> about(Transport t) {
        List<String> out = new ArrayList<>();
        for (Entry e : log) {
            if (e.transport() == t) {
                out.add(e.toString());
            }
        }
        return out;
    }

    private List<Entry> entries(String who, String what) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : log) {
            if (e.who().equals(who) && e.what().equals(what)) {
                out.add(e);
            }
        }
        return out;
    }

    private void awaitEntries(String who, String what, int n) {
        ReactorHarness.await(n + " × " + who + " " + what + " in " + log, () -> entries(who, what).size() >= n);
    }

    private void assertAllOnLoop() {
        for (Entry e : log) {
            assertTrue(e.onLoop(), "on the loop thread (and, for a loss, after the transport closed): " + e);
        }
    }

    /** Listens on loopback; each accepted connection gets an echoing {@link Logged} protocol. */
    private Server listenTcp(ReactorHarness h, String who) {
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        return h.call(() -> {
            ListeningPort lp = h.reactor().listenTcp(new InetSocketAddress(BlockingPeer.LOOPBACK, 0), remote -> {
                Logged p = new Logged(who, true);
                accepted.add(p);
                return p;
            });
            return new Server(lp, lp.port(), accepted);
        });
    }

    /** Both ends of one loopback TCP connection: the client's protocol and transport, the server's protocol. */
    private record Pair(Logged client, Transport transport, RecordingProtocol accepted) {
    }

    /** Connects a new (non-echoing) client to {@code server} and waits until both ends are made. */
    private Pair connectPair(ReactorHarness h, Server server) {
        Logged client = new Logged("client", false);
        Transport t = connect(h, server.port(), client);
        return new Pair(client, t, server.next());
    }

    @Test
    @DisplayName("TCP echo: the accepted and the connected transport are each reported made after their protocol's connectionMade and lost after its connectionLost (clean: null), on the loop")
    public void tcpConnectionsAreReportedAfterTheirProtocol() {
        ReactorHarness h = started();
        Listener listener = new Listener("listener", false);
        // Registered from the test thread: registration is thread-safe.
        h.reactor().addConnectionListener(listener);
        Pair pair = connectPair(h, listenTcp(h, "server"));
        Logged client = pair.client();
        Transport t = pair.transport();
        RecordingProtocol accepted = pair.accepted();
        h.run(() -> t.write("ping".getBytes(UTF_8)));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 4);
        awaitEntries("listener", "made", 2);
        h.run(t::close);
        awaitEntries("listener", "lost", 2);

        assertEquals(List.of("client made", "listener made", "client lost", "listener lost"), about(t));
        assertEquals(List.of("server made", "listener made", "server lost", "listener lost"), about(accepted.transport()));
        for (Entry e : entries("listener", "lost")) {
            assertNull(e.cause(), "a clean close on both ends: " + e);
        }
        assertEquals(4, log.stream().filter(e -> e.who().equals("listener")).count(), "nothing else: " + log);
        assertAllOnLoop();
    }

    @Test
    @DisplayName("abort: the aborting side is reported lost with a ConnectionLostException, the same cause its protocol got; the peer's loss is reported too")
    public void abortIsReportedWithItsCause() {
        ReactorHarness h = started();
        h.reactor().addConnectionListener(new Listener("listener", false));
        Pair pair = connectPair(h, listenTcp(h, "server"));
        Logged client = pair.client();
        Transport t = pair.transport();
        RecordingProtocol accepted = pair.accepted();
        awaitEntries("listener", "made", 2);
        h.run(t::abort);
        ReactorHarness.await(accepted.lost());
        awaitEntries("listener", "lost", 2);

        Throwable protocolCause = ReactorHarness.await(client.lost());
        Entry clientLost = entries("listener", "lost").stream().filter(e -> e.transport() == t).findFirst().orElseThrow();
        assertInstanceOf(ConnectionLostException.class, clientLost.cause());
        assertSame(protocolCause, clientLost.cause());
        assertEquals(List.of("server made", "listener made", "server lost", "listener lost"), about(accepted.transport()));
        assertAllOnLoop();
    }

    @Test
    @DisplayName("UNIX-domain sockets: the accepted and the connected transport are reported made and lost")
    public void unixConnectionsAreReported() {
        ReactorHarness h = started();
        h.reactor().addConnectionListener(new Listener("listener", false));
        Path path = dir.resolve("listener.sock");
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        h.call(() -> h.reactor().listenUnix(path, remote -> {
            Logged p = new Logged("server", true);
            accepted.add(p);
            return p;
        }, UnixListenOptions.defaults()));
        Server server = new Server(null, -1, accepted);
        Logged client = new Logged("client", false);
        Transport t = ReactorHarness.await(h.call(() -> h.reactor().connectUnix(path, client).result()));
        RecordingProtocol serverSide = server.next();
        awaitEntries("listener", "made", 2);
        h.run(t::close);
        awaitEntries("listener", "lost", 2);

        assertEquals(List.of("client made", "listener made", "client lost", "listener lost"), about(t));
        assertEquals(List.of("server made", "listener made", "server lost", "listener lost"),
                about(serverSide.transport()));
        assertAllOnLoop();
    }

    @Test
    @DisplayName("TLS: each connection is reported once, as its TCP transport (not the TlsTransport), made before the handshake, lost after the TLS protocol's loss")
    public void tlsConnectionsAreReportedAsTheirTcpTransport() {
        TestPki pki = TestPki.create("Spindle listener test CA");
        TestPki.Identity localhost = pki.server("localhost", "127.0.0.1");
        ReactorHarness h = started();
        h.reactor().addConnectionListener(new Listener("listener", false));
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        int port = h.call(() -> h.reactor().listenTls(new InetSocketAddress(BlockingPeer.LOOPBACK, 0), remote -> {
            Logged p = new Logged("server", true);
            accepted.add(p);
            return p;
        }, TlsServerOptions.builder(localhost.serverContext()).build()).port());
        Logged client = new Logged("client", false);
        Transport tls = ReactorHarness.await(h.call(() -> h.reactor().connectTls("127.0.0.1", port, client,
                TlsClientOptions.builder().sslContext(pki.clientContext()).build()).result()));
        RecordingProtocol serverSide = new Server(null, port, accepted).next();
        h.run(() -> tls.write("over tls".getBytes(UTF_8)));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 8);
        h.run(tls::close);
        ReactorHarness.await(serverSide.lost());
        awaitEntries("listener", "lost", 2);

        List<Entry> made = entries("listener", "made");
        assertEquals(2, made.size(), "one report per connection: " + log);
        for (Entry e : made) {
            assertFalse(e.transport() instanceof TlsTransport, "reported as its TCP transport: " + e.transport());
        }
        Entry clientTcp = made.stream().filter(e -> h.call(() -> e.transport().localAddress().equals(tls.localAddress())))
                .findFirst().orElseThrow(() -> new AssertionError("no TCP transport under the client's TLS: " + log));
        assertTrue(log.indexOf(clientTcp) < log.indexOf(entries("client", "made").get(0)),
                "the TCP connection is reported before the handshake completes: " + log);
        assertTrue(log.indexOf(entries("client", "lost").get(0))
                < log.indexOf(entries("listener", "lost").stream().filter(e -> e.transport() == clientTcp.transport())
                        .findFirst().orElseThrow()), "the loss after the TLS protocol's: " + log);
        assertAllOnLoop();
    }

    @Test
    @DisplayName("a connection its factory refuses is never reported; a later one is")
    public void refusedConnectionIsNotReported() throws Exception {
        ReactorHarness h = started();
        Listener listener = new Listener("listener", false);
        h.reactor().addConnectionListener(listener);
        int refusing = h.call(() -> h.reactor().listenTcp(new InetSocketAddress(BlockingPeer.LOOPBACK, 0), remote -> null)
                .port());
        try (Socket s = new Socket(BlockingPeer.LOOPBACK, refusing)) {
            s.setSoTimeout((int) ReactorHarness.WAIT.toMillis());
            InputStream in = s.getInputStream();
            // The server closes a refused connection: end of stream (or a reset) once handled.
            try {
                assertEquals(-1, in.read());
            } catch (java.net.SocketException reset) {
                // Also a sign the server dropped it.
            }
        }
        Transport t = connectPair(h, listenTcp(h, "server")).transport();
        awaitEntries("listener", "made", 2);
        h.run(t::close);
        awaitEntries("listener", "lost", 2);
        assertEquals(4, listener.calls.get(), "only the accepted connection's two transports: " + log);
    }

    @Test
    @DisplayName("isolation and removal: a throwing listener changes nothing for the connection or the others; a removed listener hears nothing more")
    public void throwingAndRemovedListeners() {
        ReactorHarness h = started();
        Listener bad = new Listener("bad", true);
        Listener good = new Listener("good", false);
        Registration badReg = h.reactor().addConnectionListener(bad);
        Registration goodReg = h.reactor().addConnectionListener(good);
        Server server = listenTcp(h, "server");
        Pair pair = connectPair(h, server);
        Logged client = pair.client();
        Transport t = pair.transport();
        RecordingProtocol accepted = pair.accepted();
        h.run(() -> t.write("still works".getBytes(UTF_8)));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 11);
        h.run(t::close);
        assertNull(ReactorHarness.await(client.lost()), "the client's protocol saw a clean close");
        assertNull(ReactorHarness.await(accepted.lost()));
        awaitEntries("good", "lost", 2);
        assertEquals(List.of("client made", "bad made", "good made", "client lost", "bad lost", "good lost"), about(t));

        assertTrue(goodReg.remove());
        assertFalse(goodReg.remove());
        int before = good.calls.get();
        Transport second = connectPair(h, server).transport();
        h.run(second::close);
        awaitEntries("bad", "lost", 4);
        assertEquals(before, good.calls.get(), "a removed listener is not called");
        assertTrue(badReg.remove());
        assertAllOnLoop();
    }

    @Test
    @DisplayName("terminate(): every open connection is reported lost, with a ConnectionLostException, on the loop thread, before terminate() returns")
    public void terminateReportsEveryLossBeforeReturning() {
        ReactorHarness h = started();
        h.reactor().addConnectionListener(new Listener("listener", false));
        connectPair(h, listenTcp(h, "server"));
        awaitEntries("listener", "made", 2);
        Reactor r = h.reactor();
        r.terminate();
        List<Entry> lost = entries("listener", "lost");
        assertEquals(2, lost.size(), "both ends lost before terminate() returned: " + log);
        for (Entry e : lost) {
            assertNotNull(e.cause());
            assertInstanceOf(ConnectionLostException.class, e.cause());
        }
        assertAllOnLoop();
    }
}
