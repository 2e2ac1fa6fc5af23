package dev.spindle.reactor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionListener;
import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Registration;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code DescriptorReactor.addConnectionListener} on the shared skeleton
 * ({@code AbstractStreamTransport}), driven by hand: what is reported, in which order relative to
 * the protocol, the pairing of made and lost, removal, isolation of a failing listener.
 */
class ConnectionListenerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final DeterministicReactor reactor = DeterministicReactor.create();
    /** Protocol and listener events, interleaved as they happened. */
    private final List<String> log = new ArrayList<>();
    private final Map<Transport, String> names = new HashMap<>();
    private ListeningPort port;

    @BeforeEach
    void start() {
        reactor.start();
        port = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> new Logged("p"));
    }

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    private String name(Transport t) {
        return names.computeIfAbsent(t, x -> "t" + (names.size() + 1));
    }

    private static String cause(@Nullable Throwable cause) {
        return cause == null ? "null" : cause.getClass().getSimpleName();
    }

    /** A protocol that logs {@code <label> made|lost <transport>}; hooks run after the log entry. */
    private final class Logged implements Protocol {
        final String label;
        @Nullable Consumer<Transport> onMade;

        Logged(String label) {
            this.label = label;
        }

        @Override
        public void connectionMade(Transport t) {
            log.add(label + " made " + name(t));
            if (onMade != null) {
                onMade.accept(t);
            }
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            log.add(label + " data " + data.remaining());
        }

        @Override
        public void connectionLost(@Nullable Throwable cause) {
            log.add(label + " lost " + cause(cause));
        }
    }

    /** A listener that logs {@code <label> made|lost <transport> [cause]}. */
    private final class Recorder implements ConnectionListener {
        final String label;
        final List<Throwable> causes = new ArrayList<>();
        @Nullable Consumer<Transport> onMade;
        @Nullable RuntimeException throwing;

        Recorder(String label) {
            this.label = label;
        }

        @Override
        public void connectionMade(Transport t) {
            assertTrue(reactor.inLoop());
            log.add(label + " made " + name(t));
            if (onMade != null) {
                onMade.accept(t);
            }
            if (throwing != null) {
                throw throwing;
            }
        }

        @Override
        public void connectionLost(Transport t, @Nullable Throwable cause) {
            assertFalse(t.isOpen(), "told after the transport closed");
            log.add(label + " lost " + name(t) + " " + cause(cause));
            if (cause != null) {
                causes.add(cause);
            }
            if (throwing != null) {
                throw throwing;
            }
        }
    }

    private MemoryTransport accept() {
        MemoryTransport t = reactor.accept(port, new InetSocketAddress(LOOPBACK, 50_000 + names.size()));
        assertNotNull(t, "accepted");
        return t;
    }

    @Test
    @DisplayName("an accepted connection: the listener hears of it after the protocol's connectionMade and after its connectionLost, with the same transport")
    void acceptedConnectionAfterTheProtocol() {
        Recorder l = new Recorder("L");
        reactor.addConnectionListener(l);
        MemoryTransport t = accept();
        assertEquals(List.of("p made t1", "L made t1"), log);
        t.deliver(RecordingProtocol.bytes("ping"));
        t.close();
        assertEquals(List.of("p made t1", "L made t1", "p data 4", "p lost null", "L lost t1 null"), log);
        assertSame(t, names.keySet().iterator().next());
    }

    @Test
    @DisplayName("a connection made by connectTcp is reported before the attempt's stage completes")
    void connectedConnectionBeforeTheStage() {
        reactor.addConnectionListener(new Recorder("L"));
        CompletionStage<Transport> result = reactor.connectTcp("127.0.0.1", 1883, new Logged("c")).result();
        result.thenRun(() -> log.add("stage"));
        MemoryTransport t = reactor.tcpConnects().get(0).succeed();
        assertEquals(List.of("c made t1", "L made t1", "stage"), log);
        t.abort();
        assertEquals("L lost t1 ConnectionLostException", log.get(log.size() - 1));
    }

    @Test
    @DisplayName("UNIX-domain connections, accepted and made, are reported like TCP ones")
    void unixConnections() {
        reactor.addConnectionListener(new Recorder("L"));
        ListeningPort unix = reactor.listenUnix(UnixAddress.path(Path.of("/tmp/spindle-listener-test.sock")),
                remote -> new Logged("s"), UnixListenOptions.defaults());
        MemoryTransport server = reactor.acceptUnix(unix);
        assertNotNull(server);
        reactor.connectUnix(UnixAddress.path(Path.of("/tmp/other.sock")), new Logged("c"),
                dev.spindle.reactor.ConnectOptions.defaults());
        MemoryTransport client = reactor.unixConnects().get(0).succeed();
        server.close();
        client.close();
        assertEquals(List.of("s made t1", "L made t1", "c made t2", "L made t2", "s lost null", "L lost t1 null",
                "c lost null", "L lost t2 null"), log);
    }

    @Test
    @DisplayName("causes: abort and reset give a ConnectionLostException, terminate one that says so; the listener gets the protocol's cause")
    void causesArePassedOn() {
        Recorder l = new Recorder("L");
        reactor.addConnectionListener(l);
        MemoryTransport aborted = accept();
        MemoryTransport reset = accept();
        accept();
        aborted.abort();
        IOException peerReset = new IOException("Connection reset by peer");
        reset.reset(peerReset);
        reactor.terminate();
        assertEquals(3, l.causes.size());
        for (Throwable c : l.causes) {
            assertInstanceOf(ConnectionLostException.class, c);
        }
        assertSame(peerReset, l.causes.get(1).getCause());
        assertTrue(l.causes.get(2).getMessage().contains("terminated"), l.causes.get(2).getMessage());
        assertEquals(List.of("L lost t1 ConnectionLostException", "L lost t2 ConnectionLostException",
                "L lost t3 ConnectionLostException"), log.stream().filter(e -> e.startsWith("L lost")).toList());
    }

    @Test
    @DisplayName("not reported: a connection the factory refuses, and one that ends inside its protocol's connectionMade (close, abort, throw)")
    void connectionsThatNeverGotGoingAreNotReported() {
        reactor.addConnectionListener(new Recorder("L"));
        ListeningPort refusing = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> null);
        assertNull(reactor.accept(refusing, new InetSocketAddress(LOOPBACK, 1)));

        List<Consumer<Transport>> endings = List.of(Transport::close, Transport::abort, t -> {
            throw new IllegalStateException("protocol bug");
        });
        for (Consumer<Transport> ending : endings) {
            ListeningPort p = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> {
                Logged proto = new Logged("p");
                proto.onMade = ending;
                return proto;
            });
            MemoryTransport t = reactor.accept(p, new InetSocketAddress(LOOPBACK, 2));
            assertNotNull(t);
            assertFalse(t.isOpen());
        }
        assertEquals(List.of("p made t1", "p lost null", "p made t2", "p lost ConnectionLostException", "p made t3",
                "p lost ConnectionLostException"), log);
    }

    @Test
    @DisplayName("a connection closed in connectionMade with output pending is reported: it is still open when connectionMade returns")
    void closingWithPendingOutputIsReported() {
        reactor.addConnectionListener(new Recorder("L"));
        ListeningPort p = reactor.listenTcp(new InetSocketAddress(LOOPBACK, 0), remote -> {
            Logged proto = new Logged("p");
            proto.onMade = t -> {
                ((MemoryTransport) t).setWriteCapacity(0);
                t.write(RecordingProtocol.bytes("bye"));
                t.close();
            };
            return proto;
        });
        MemoryTransport t = reactor.accept(p, new InetSocketAddress(LOOPBACK, 3));
        assertNotNull(t);
        assertEquals(List.of("p made t1", "L made t1"), log);
        t.setWriteCapacity(MemoryTransport.UNLIMITED);
        t.flushWritable();
        assertEquals(List.of("p made t1", "L made t1", "p lost null", "L lost t1 null"), log);
    }

    @Test
    @DisplayName("pairing: a listener registered while a connection is open hears nothing of it, but of later ones")
    void lateListenerHearsOnlyLaterConnections() {
        MemoryTransport before = accept();
        reactor.addConnectionListener(new Recorder("L"));
        MemoryTransport after = accept();
        before.close();
        after.close();
        assertEquals(List.of("p made t1", "p made t2", "L made t2", "p lost null", "p lost null", "L lost t2 null"), log);
    }

    @Test
    @DisplayName("remove(): true once, then false; a removed listener is not told of the loss of a connection it saw made")
    void removedListenerIsNotCalled() {
        Registration r = reactor.addConnectionListener(new Recorder("L"));
        MemoryTransport t = accept();
        assertTrue(r.remove());
        assertFalse(r.remove());
        t.close();
        accept();
        assertEquals(List.of("p made t1", "L made t1", "p lost null", "p made t2"), log);
    }

    @Test
    @DisplayName("a listener removed by an earlier one during the same report is not called; the order is registration order")
    void removalDuringDispatch() {
        Recorder a = new Recorder("A");
        Recorder b = new Recorder("B");
        Recorder c = new Recorder("C");
        reactor.addConnectionListener(a);
        Registration rb = reactor.addConnectionListener(b);
        reactor.addConnectionListener(c);
        a.onMade = t -> rb.remove();
        accept().close();
        assertEquals(List.of("p made t1", "A made t1", "C made t1", "p lost null", "A lost t1 null", "C lost t1 null"), log);
    }

    @Test
    @DisplayName("the same listener registered twice is called twice")
    void registeredTwiceCalledTwice() {
        Recorder l = new Recorder("L");
        reactor.addConnectionListener(l);
        Registration second = reactor.addConnectionListener(l);
        accept();
        assertEquals(List.of("p made t1", "L made t1", "L made t1"), log);
        second.remove();
        accept().close();
        assertEquals(List.of("p made t1", "L made t1", "L made t1", "p made t2", "L made t2", "p lost null",
                "L lost t2 null"), log);
    }

    @Test
    @DisplayName("isolation: a listener that throws is logged; the connection, its protocol and the other listeners go on")
    void throwingListenerIsIsolated() {
        Recorder bad = new Recorder("bad");
        bad.throwing = new IllegalStateException("listener bug");
        reactor.addConnectionListener(bad);
        reactor.addConnectionListener(new Recorder("good"));
        MemoryTransport t = accept();
        assertTrue(t.isOpen());
        assertTrue(t.wantsRead(), "still reading");
        t.deliver(RecordingProtocol.bytes("abc"));
        t.close();
        assertEquals(List.of("p made t1", "bad made t1", "good made t1", "p data 3", "p lost null", "bad lost t1 null",
                "good lost t1 null"), log);
    }

    @Test
    @DisplayName("a listener that ends the connection in its connectionMade: those told so far hear of the loss, later ones hear nothing")
    void listenerEndingTheConnection() {
        Recorder a = new Recorder("A");
        Recorder b = new Recorder("B");
        Recorder c = new Recorder("C");
        b.onMade = Transport::abort;
        reactor.addConnectionListener(a);
        reactor.addConnectionListener(b);
        reactor.addConnectionListener(c);
        MemoryTransport t = accept();
        assertFalse(t.isOpen());
        assertEquals(List.of("p made t1", "A made t1", "B made t1", "p lost ConnectionLostException",
                "A lost t1 ConnectionLostException", "B lost t1 ConnectionLostException"), log);
    }

    /** A listener that adds {@code id} to {@code calls} for each connection made. */
    private static ConnectionListener adding(List<String> calls, String id) {
        return new ConnectionListener() {
            @Override
            public void connectionMade(Transport t) {
                calls.add(id);
            }
        };
    }

    @Test
    @DisplayName("registration is thread-safe: listeners added and removed from several threads at once leave exactly the kept ones")
    void concurrentRegistration() throws InterruptedException {
        List<String> calls = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int n = 0; n < 4; n++) {
            String id = "k" + n;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    reactor.addConnectionListener(adding(calls, "transient")).remove();
                }
                reactor.addConnectionListener(adding(calls, id));
            }, "registering-" + n);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(30_000);
            assertFalse(th.isAlive());
        }
        accept();
        assertEquals(4, calls.size(), calls.toString());
        assertEquals(List.of("k0", "k1", "k2", "k3"), calls.stream().sorted().toList());
    }

    @Test
    void nullListenerIsRejected() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> reactor.addConnectionListener(null));
        assertTrue(e.getMessage().contains("listener"), e.getMessage());
    }
}
