package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.testing.DeterministicReactor;
import dev.spindle.reactor.testing.MemoryTransport;
import dev.spindle.reactor.testing.PendingConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientEndpoint#tcp} and {@link ClientEndpoint#failover} on a {@link DeterministicReactor}:
 * three TCP nodes on ports 1001, 1002 and 1003 whose attempts the test decides.
 */
class ClientEndpointFailoverTest {
    private final DeterministicReactor reactor = DeterministicReactor.create();
    private final List<ClientEndpoint> nodes = List.of(
            ClientEndpoint.tcp(reactor, "127.0.0.1", 1001),
            ClientEndpoint.tcp(reactor, "127.0.0.1", 1002),
            ClientEndpoint.tcp(reactor, "127.0.0.1", 1003));
    private final Protocol protocol = data -> { };

    @BeforeEach
    void start() {
        reactor.start();
    }

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    private PendingConnection last() {
        List<PendingConnection> all = reactor.tcpConnects();
        return all.get(all.size() - 1);
    }

    /** The ports tried so far, in order. */
    private List<Integer> ports() {
        List<Integer> p = new ArrayList<>();
        for (PendingConnection c : reactor.tcpConnects()) {
            p.add(c.target().getPort());
        }
        return p;
    }

    private static Throwable failureOf(CompletionStage<?> stage) {
        CompletableFuture<?> f = stage.toCompletableFuture();
        assertTrue(f.isCompletedExceptionally(), "failed: " + f);
        return assertThrows(CompletionException.class, f::join).getCause();
    }

    @Test
    @DisplayName("tcp: connect is reactor.connectTcp to host:port; the port is checked; toString names the target")
    void tcpEndpoint() {
        ClientEndpoint e = ClientEndpoint.tcp(reactor, "127.0.0.1", 1883, ConnectOptions.builder().timeout(Duration.ofSeconds(5)).build());
        assertEquals("tcp:127.0.0.1:1883", e.toString());
        assertEquals("tcp:[::1]:1883", ClientEndpoint.tcp(reactor, "::1", 1883).toString());
        ConnectAttempt a = e.connect(protocol);
        assertEquals(new InetSocketAddress("127.0.0.1", 1883), last().target());
        assertEquals(Duration.ofSeconds(5), last().options().timeout());
        MemoryTransport t = last().succeed();
        assertSame(t, a.result().toCompletableFuture().join());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> ClientEndpoint.tcp(reactor, "h", 0));
        assertTrue(bad.getMessage().contains("found: 0"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClientEndpoint.tcp(reactor, "h", 65536));
    }

    @Test
    @DisplayName("IN_ORDER: an attempt tries the nodes in list order until one connects; the next attempt starts at the first node again")
    void inOrderTriesDownTheList() {
        ClientEndpoint e = ClientEndpoint.failover(nodes, FailoverOrder.IN_ORDER);
        assertEquals("failover(in-order)[tcp:127.0.0.1:1001, tcp:127.0.0.1:1002, tcp:127.0.0.1:1003]", e.toString());
        ConnectAttempt a = e.connect(protocol);
        assertEquals(List.of(1001), ports(), "one node at a time");
        last().fail(new ConnectException("refused"));
        assertEquals(List.of(1001, 1002), ports());
        MemoryTransport t = last().succeed();
        assertSame(t, a.result().toCompletableFuture().join());
        assertEquals(List.of(1001, 1002), ports(), "the third node is not tried");

        e.connect(protocol);
        assertEquals(1001, last().target().getPort(), "IN_ORDER: the first node again");
    }

    @Test
    @DisplayName("IN_ORDER: when every node fails the attempt fails with each node's failure suppressed, in the order tried")
    void allNodesFail() {
        ClientEndpoint e = ClientEndpoint.failover(nodes, FailoverOrder.IN_ORDER);
        ConnectAttempt a = e.connect(protocol);
        List<ConnectException> causes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ConnectException c = new ConnectException("refused by node " + (i + 1));
            causes.add(c);
            last().fail(c);
        }
        assertEquals(List.of(1001, 1002, 1003), ports());
        Throwable f = failureOf(a.result());
        assertInstanceOf(ConnectionFailedException.class, f);
        assertTrue(f.getMessage().contains("any of the 3 nodes"), f.getMessage());
        Throwable[] suppressed = f.getSuppressed();
        assertEquals(3, suppressed.length);
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(ConnectionFailedException.class, suppressed[i], "the node's own failure");
            assertSame(causes.get(i), suppressed[i].getCause());
        }
    }

    @Test
    @DisplayName("ROUND_ROBIN: each attempt starts at the node after the one the previous attempt used last")
    void roundRobinStartsAfterTheLastNodeUsed() {
        ClientEndpoint e = ClientEndpoint.failover(nodes, FailoverOrder.ROUND_ROBIN);
        assertTrue(e.toString().startsWith("failover(round-robin)["), e.toString());
        e.connect(protocol);
        last().succeed();                                  // attempt 1: node 1
        e.connect(protocol);
        last().fail(new ConnectException("refused"));      // attempt 2: node 2 fails,
        last().succeed();                                  //            node 3 connects
        e.connect(protocol);                               // attempt 3: starts at node 1
        last().fail(new ConnectException("refused"));
        last().fail(new ConnectException("refused"));
        last().fail(new ConnectException("refused"));      //            all three fail, ending at node 3
        e.connect(protocol);                               // attempt 4: node 1 again
        assertEquals(List.of(1001, 1002, 1003, 1001, 1002, 1003, 1001), ports());
    }

    @Test
    @DisplayName("cancel: the node attempt in flight is cancelled, no further node is tried, the stage fails with a CancellationException cause")
    void cancelCancelsTheNodeInFlight() {
        ClientEndpoint e = ClientEndpoint.failover(nodes, FailoverOrder.IN_ORDER);
        ConnectAttempt a = e.connect(protocol);
        last().fail(new ConnectException("refused"));
        PendingConnection second = last();
        assertTrue(a.cancel());
        assertTrue(second.isAbandoned());
        assertEquals(List.of(1001, 1002), ports());
        Throwable f = failureOf(a.result());
        assertInstanceOf(ConnectionFailedException.class, f);
        assertInstanceOf(CancellationException.class, f.getCause());
        assertFalse(a.cancel(), "idempotent");
        assertEquals(List.of(), reactor.pendingCalls(), "no connect timeout left behind");
    }

    @Test
    @DisplayName("a node whose connect throws counts as failed; a node that connects after the attempt was cancelled is aborted")
    void throwingNodeAndLateNode() {
        IllegalStateException boom = new IllegalStateException("node unusable");
        ClientEndpoint throwing = p -> {
            throw boom;
        };
        ClientServiceFixture.RecordingEndpoint deaf = new ClientServiceFixture.RecordingEndpoint(nodes.get(1));
        deaf.cancelMode = ClientServiceFixture.RecordingEndpoint.CancelMode.IGNORE;
        ClientEndpoint e = ClientEndpoint.failover(Arrays.asList(throwing, deaf), FailoverOrder.IN_ORDER);
        ConnectAttempt a = e.connect(protocol);
        assertEquals(List.of(1002), ports(), "the throwing node was skipped");
        assertTrue(a.cancel());
        MemoryTransport late = last().succeed();
        assertFalse(late.isOpen(), "nobody wants it: aborted");

        ConnectAttempt b = e.connect(protocol);
        last().fail(new ConnectException("refused"));
        Throwable f = failureOf(b.result());
        assertSame(boom, f.getSuppressed()[0].getCause());
        assertEquals(2, f.getSuppressed().length);
    }

    @Test
    @DisplayName("arguments: no nodes, a null node")
    void arguments() {
        assertThrows(IllegalArgumentException.class, () -> ClientEndpoint.failover(List.of(), FailoverOrder.IN_ORDER));
        assertThrows(NullPointerException.class, () -> ClientEndpoint.failover(Arrays.asList(nodes.get(0), null),
                FailoverOrder.IN_ORDER));
        assertThrows(NullPointerException.class, () -> ClientEndpoint.failover(nodes, null));
    }

    @Test
    @DisplayName("with a ClientService, ROUND_ROBIN moves a lost connection on to the next node of the cluster")
    void clientServiceFailsOverAcrossTheCluster() {
        ClientService<Protocol> s = ClientService.builder(reactor, ClientEndpoint.failover(nodes, FailoverOrder.ROUND_ROBIN),
                remote -> protocol).retryPolicy(RetryPolicy.fixed(Duration.ofSeconds(1))).build();
        s.start();
        last().fail(new ConnectException("node 1 down"));
        MemoryTransport toNode2 = last().succeed();
        assertEquals(ClientService.State.CONNECTED, s.state());
        toNode2.reset(new IOException("node 2 went away"));
        assertEquals(ClientService.State.WAITING, s.state());
        reactor.advance(Duration.ofSeconds(1));
        last().succeed();
        assertEquals(ClientService.State.CONNECTED, s.state());
        assertEquals(List.of(1001, 1002, 1003), ports(), "the retry went to node 3 first");
        assertNull(s.stop().toCompletableFuture().join());
        assertEquals(List.of(), reactor.pendingCalls());
    }
}
