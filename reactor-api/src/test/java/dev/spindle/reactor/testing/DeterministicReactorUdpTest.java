package dev.spindle.reactor.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.DatagramRefusedException;
import dev.spindle.reactor.DatagramSendException;
import dev.spindle.reactor.DatagramTooLargeException;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.contract.RecordingDatagramProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * In-memory UDP of {@link DeterministicReactor} ({@link MemoryDatagramTransport}): delivery
 * between endpoints pass by pass, and through it the backend-neutral transport code that real
 * sockets rarely reach (a full socket buffer, the bounded send queue, read bursts).
 */
class DeterministicReactorUdpTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final DeterministicReactor reactor = DeterministicReactor.create();

    @BeforeEach
    void start() {
        reactor.start();
    }

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    private MemoryDatagramTransport bind(RecordingDatagramProtocol p, UdpOptions options) {
        return (MemoryDatagramTransport) reactor.listenUdp(new InetSocketAddress(LOOPBACK, 0), p, options);
    }

    private MemoryDatagramTransport bind(RecordingDatagramProtocol p) {
        return bind(p, UdpOptions.defaults());
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    private static List<String> texts(RecordingDatagramProtocol p) {
        return p.all().stream().map(RecordingDatagramProtocol.Received::text).toList();
    }

    @Test
    @DisplayName("listenUdp records endpoints with fake ephemeral ports; a datagram arrives in the next pass with the sender's address; echo takes one more")
    void datagramsArriveInTheNextPass() {
        RecordingDatagramProtocol.Echo server = new RecordingDatagramProtocol.Echo();
        RecordingDatagramProtocol client = new RecordingDatagramProtocol();
        MemoryDatagramTransport s = bind(server);
        MemoryDatagramTransport c = bind(client);
        assertEquals(List.of(s, c), reactor.udpEndpoints());
        assertEquals(DeterministicReactor.FIRST_EPHEMERAL_PORT, s.port());
        assertEquals(0, s.requestedAddress().getPort());
        assertSame(s, server.transport(), "started runs inside listenUdp");

        assertTrue(c.send(bytes("ping"), s.localAddress()));
        assertEquals(0, server.all().size(), "nothing arrives inside the send");
        reactor.runPending();
        assertEquals(List.of("ping"), texts(server));
        assertEquals(c.localAddress(), server.all().get(0).sender());
        assertEquals(List.of(), texts(client));
        reactor.runPending();
        assertEquals(List.of("ping"), texts(client));
        assertEquals(s.localAddress(), client.all().get(0).sender());
        assertEquals(List.of(), s.takeSent());
    }

    @Test
    @DisplayName("datagrams to addresses no endpoint has are recorded by takeSent; deliver() makes one arrive from outside")
    void outsideTrafficIsRecordedAndInjected() {
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        MemoryDatagramTransport t = bind(p);
        InetSocketAddress outside = new InetSocketAddress(LOOPBACK, 5353);
        t.send(bytes("query"), outside);
        List<MemoryDatagramTransport.Datagram> sent = t.takeSent();
        assertEquals(1, sent.size());
        assertEquals(outside, sent.get(0).address());
        assertEquals("query", new String(sent.get(0).data(), UTF_8));
        assertEquals(List.of(), t.takeSent(), "taken");

        t.deliver("answer".getBytes(UTF_8), outside);
        reactor.runUntilIdle();
        assertEquals(List.of("answer"), texts(p));
        assertEquals(outside, p.all().get(0).sender());
    }

    @Test
    @DisplayName("a datagram over maxPacketSize is reported as DatagramTooLargeException and not delivered; one of exactly the limit is")
    void oversizedDatagramIsReported() {
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        MemoryDatagramTransport t = bind(p, UdpOptions.builder().maxPacketSize(10).build());
        InetSocketAddress from = new InetSocketAddress(LOOPBACK, 7000);
        t.deliver(new byte[11], from);
        t.deliver("0123456789".getBytes(UTF_8), from);
        reactor.runUntilIdle();
        assertEquals(List.of("started", "error:DatagramTooLargeException", "datagram"), p.events());
        DatagramTooLargeException e = assertInstanceOf(DatagramTooLargeException.class, p.nextError());
        assertEquals(from, e.peer());
        assertEquals(10, e.limit());
        assertEquals(List.of("0123456789"), texts(p));
    }

    @Test
    @DisplayName("a full socket buffer queues sends in order (writable=false), beyond maxQueuedDatagrams they are dropped and counted; room again flushes them (writable=true)")
    void fullSocketBufferQueuesThenDrops() {
        RecordingDatagramProtocol sender = new RecordingDatagramProtocol();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        MemoryDatagramTransport s = bind(sender, UdpOptions.builder().maxQueuedDatagrams(3).build());
        MemoryDatagramTransport r = bind(receiver);
        s.sendBufferFull(true);
        ByteBuffer fourth = bytes("four");
        assertTrue(s.send(bytes("one"), r.localAddress()));
        assertFalse(s.isWritable());
        assertTrue(s.send(bytes("two"), r.localAddress()));
        assertTrue(s.send(bytes("three"), r.localAddress()));
        assertFalse(s.send(fourth, r.localAddress()), "the queue is full");
        assertFalse(fourth.hasRemaining(), "a dropped datagram's buffer is consumed too");
        assertEquals(3, s.queuedDatagrams());
        assertEquals(11, s.queuedBytes());
        assertEquals(1, s.droppedDatagrams());
        assertEquals(List.of("started", "writable=false"), sender.events());

        reactor.runUntilIdle();
        assertEquals(List.of(), texts(receiver), "still full");
        s.sendBufferFull(false);
        reactor.runUntilIdle();
        assertEquals(List.of("one", "two", "three"), texts(receiver));
        assertEquals(List.of("started", "writable=false", "writable=true"), sender.events());
        assertTrue(s.isWritable());
        assertEquals(0, s.queuedDatagrams());
        assertEquals(0, s.queuedBytes());
        assertTrue(s.send(bytes("five"), r.localAddress()));
        reactor.runPending();
        assertEquals(List.of("one", "two", "three", "five"), texts(receiver));
    }

    @Test
    @DisplayName("the send queue is bounded in bytes too; maxQueuedDatagrams(0) drops at once without a writability change")
    void queueBoundedInBytesAndCanBeOff() {
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        MemoryDatagramTransport r = bind(receiver);
        MemoryDatagramTransport s = bind(new RecordingDatagramProtocol(), UdpOptions.builder().maxQueuedBytes(10).build());
        s.sendBufferFull(true);
        assertTrue(s.send(ByteBuffer.allocate(6), r.localAddress()));
        assertFalse(s.send(ByteBuffer.allocate(5), r.localAddress()), "6 + 5 > 10 bytes");
        assertTrue(s.send(ByteBuffer.allocate(4), r.localAddress()));
        assertEquals(10, s.queuedBytes());

        RecordingDatagramProtocol noQueue = new RecordingDatagramProtocol();
        MemoryDatagramTransport n = bind(noQueue, UdpOptions.builder().maxQueuedDatagrams(0).build());
        n.sendBufferFull(true);
        assertFalse(n.send(bytes("lost"), r.localAddress()));
        assertEquals(1, n.droppedDatagrams());
        assertTrue(n.isWritable());
        assertEquals(List.of("started"), noQueue.events());
    }

    @Test
    @DisplayName("a queued datagram the OS refuses when flushed (broadcast without the option) is dropped and reported as DatagramSendException; the rest of the queue goes on")
    void queuedDatagramRefusedAtFlushIsReported() throws UnknownHostException {
        RecordingDatagramProtocol sender = new RecordingDatagramProtocol();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        MemoryDatagramTransport s = bind(sender);
        MemoryDatagramTransport r = bind(receiver);
        InetSocketAddress broadcast = new InetSocketAddress(InetAddress.getByName("127.255.255.255"), r.port());
        DatagramSendException now = assertThrows(DatagramSendException.class, () -> s.send(bytes("x"), broadcast));
        assertTrue(String.valueOf(now.getMessage()).contains("UdpOptions.broadcast(true)"), now.getMessage());
        assertNotNull(now.getCause());

        s.sendBufferFull(true);
        assertTrue(s.send(bytes("first"), r.localAddress()));
        assertTrue(s.send(bytes("refused later"), broadcast), "queued behind the first, not tried yet");
        assertTrue(s.send(bytes("fine"), r.localAddress()));
        s.sendBufferFull(false);
        reactor.runUntilIdle();
        assertEquals(List.of("first", "fine"), texts(receiver));
        DatagramSendException later = assertInstanceOf(DatagramSendException.class, sender.nextError());
        assertEquals(broadcast, later.target());
        assertEquals(1, s.droppedDatagrams());
        assertEquals(List.of("started", "writable=false", "error:DatagramSendException", "writable=true"), sender.events());
    }

    @Test
    @DisplayName("close() drops queued datagrams (counted), stops once with null; a closed transport refuses calls")
    void closeDropsTheQueue() {
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        MemoryDatagramTransport t = bind(p);
        MemoryDatagramTransport r = bind(new RecordingDatagramProtocol());
        t.sendBufferFull(true);
        t.send(bytes("a"), r.localAddress());
        t.send(bytes("b"), r.localAddress());
        t.close();
        t.close();
        assertEquals(2, t.droppedDatagrams());
        assertEquals(0, t.queuedDatagrams());
        assertFalse(t.isOpen());
        assertEquals(List.of("started", "writable=false", "stopped"), p.events());
        assertNull(p.stoppedStage().join());
        assertThrows(IllegalStateException.class, () -> t.send(bytes("c"), r.localAddress()));
        assertThrows(IllegalStateException.class, t::disconnect);
        reactor.runUntilIdle();
        assertEquals(1, p.stoppedCalls());
    }

    @Test
    @DisplayName("a connected endpoint receives only from its peer; connect() drops datagrams queued for others")
    void connectedEndpointFiltersOthers() {
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        MemoryDatagramTransport t = bind(p);
        MemoryDatagramTransport peer = bind(new RecordingDatagramProtocol());
        MemoryDatagramTransport other = bind(new RecordingDatagramProtocol());
        t.sendBufferFull(true);
        t.send(bytes("for other"), other.localAddress());
        t.send(bytes("for peer"), peer.localAddress());
        t.connect(peer.localAddress());
        assertEquals(1, t.queuedDatagrams());
        assertEquals(1, t.droppedDatagrams());
        t.sendBufferFull(false);

        other.send(bytes("filtered"), t.localAddress());
        peer.send(bytes("welcome"), t.localAddress());
        t.deliver("also filtered".getBytes(UTF_8), new InetSocketAddress(LOOPBACK, 9999));
        reactor.runUntilIdle();
        assertEquals(List.of("welcome"), texts(p));
        t.disconnect();
        other.send(bytes("now welcome"), t.localAddress());
        reactor.runUntilIdle();
        assertEquals(List.of("welcome", "now welcome"), texts(p));
    }

    @Test
    @DisplayName("ICMP port unreachable (simulated) on a connected endpoint: reported on the next read and on a send met by it; the send is retried; the transport stays open")
    void refusalIsReportedFromReadAndSend() {
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        MemoryDatagramTransport t = bind(p);
        InetSocketAddress closed = new InetSocketAddress(LOOPBACK, 9);
        t.connect(closed);
        assertTrue(t.send(bytes("a")));
        assertTrue(t.send(bytes("b")), "met the pending error, retried and sent");
        assertEquals(List.of("started"), p.events(), "nothing is reported inside send()");
        assertEquals(2, t.takeSent().size());
        reactor.runUntilIdle();
        assertEquals(List.of("started", "error:DatagramRefusedException", "error:DatagramRefusedException"), p.events());
        DatagramRefusedException e = assertInstanceOf(DatagramRefusedException.class, p.nextError());
        assertEquals(closed, e.peer());
        assertTrue(t.isOpen());
        assertEquals(0, t.droppedDatagrams());
    }

    @Test
    @DisplayName("reading yields after 32 datagrams per readiness event (fairness); the rest come in the next pass")
    void readBurstIsBounded() {
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        MemoryDatagramTransport t = bind(p);
        for (int i = 0; i < 40; i++) {
            t.deliver(new byte[] {(byte) i}, new InetSocketAddress(LOOPBACK, 7000));
        }
        reactor.runPending();
        assertEquals(32, p.all().size());
        reactor.runPending();
        assertEquals(40, p.all().size());
    }

    @Test
    @DisplayName("pauseReading keeps datagrams waiting; resumeReading delivers them")
    void pausedEndpointKeepsDatagrams() {
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        MemoryDatagramTransport t = bind(p);
        t.pauseReading();
        t.deliver("later".getBytes(UTF_8), new InetSocketAddress(LOOPBACK, 7000));
        reactor.runUntilIdle();
        assertEquals(List.of(), texts(p));
        t.resumeReading();
        reactor.runUntilIdle();
        assertEquals(List.of("later"), texts(p));
    }

    @Test
    @DisplayName("multicast: a group datagram reaches the endpoints on its port that joined (source filter honoured), not the others")
    void multicastReachesMembers() throws UnknownHostException, SocketException {
        NetworkInterface ni = anyInterface();
        InetAddress group = InetAddress.getByName("239.1.2.3");
        InetAddress any = InetAddress.getByAddress(new byte[4]);
        UdpOptions reuse = UdpOptions.builder().reuseAddress(true).build();
        RecordingDatagramProtocol member = new RecordingDatagramProtocol();
        RecordingDatagramProtocol notMember = new RecordingDatagramProtocol();
        RecordingDatagramProtocol otherSource = new RecordingDatagramProtocol();
        DatagramTransport m = reactor.listenUdp(new InetSocketAddress(any, 5000), member, reuse);
        reactor.listenUdp(new InetSocketAddress(any, 5000), notMember, reuse);
        DatagramTransport o = reactor.listenUdp(new InetSocketAddress(group, 5000), otherSource, reuse);
        MemoryDatagramTransport sender = bind(new RecordingDatagramProtocol());
        m.joinGroup(group, ni);
        o.joinGroup(group, ni, InetAddress.getByName("192.0.2.77"));
        assertEquals(List.of("239.1.2.3%" + ni.getName()), ((MemoryDatagramTransport) m).memberships());

        sender.send(bytes("hello group"), new InetSocketAddress(group, 5000));
        reactor.runUntilIdle();
        assertEquals(List.of("hello group"), texts(member));
        assertEquals(List.of(), texts(notMember));
        assertEquals(List.of(), texts(otherSource));
        assertEquals(List.of(), sender.takeSent(), "taken by a member");

        assertTrue(m.leaveGroup(group, ni));
        assertFalse(m.leaveGroup(group, ni));
        sender.send(bytes("nobody"), new InetSocketAddress(group, 5000));
        reactor.runUntilIdle();
        assertEquals(List.of("hello group"), texts(member));
        assertEquals(1, sender.takeSent().size());
        assertThrows(IllegalArgumentException.class, () -> m.joinGroup(LOOPBACK, ni));
    }

    @Test
    @DisplayName("the port of an open endpoint cannot be bound again unless both use reuseAddress; after close it can")
    void portInUse() {
        InetSocketAddress at = new InetSocketAddress(LOOPBACK, 6000);
        DatagramTransport first = reactor.listenUdp(at, new RecordingDatagramProtocol());
        CannotListenException e = assertThrows(CannotListenException.class,
                () -> reactor.listenUdp(at, new RecordingDatagramProtocol()));
        assertTrue(String.valueOf(e.getMessage()).contains("6000"), e.getMessage());
        first.close();
        reactor.listenUdp(at, new RecordingDatagramProtocol());
        UdpOptions reuse = UdpOptions.builder().reuseAddress(true).build();
        InetSocketAddress shared = new InetSocketAddress(LOOPBACK, 6001);
        reactor.listenUdp(shared, new RecordingDatagramProtocol(), reuse);
        reactor.listenUdp(shared, new RecordingDatagramProtocol(), reuse);
    }

    @Test
    @DisplayName("a wildcard bind takes UdpOptions.protocolFamily; a specific address keeps its own family")
    void wildcardTakesTheProtocolFamily() throws UnknownHostException {
        InetAddress v6Any = InetAddress.getByAddress(new byte[16]);
        DatagramTransport t = reactor.listenUdp(new InetSocketAddress(v6Any, 0), new RecordingDatagramProtocol(),
                UdpOptions.builder().protocolFamily(StandardProtocolFamily.INET).build());
        InetAddress bound = ((InetSocketAddress) t.localAddress()).getAddress();
        assertEquals(4, bound.getAddress().length);
        assertTrue(bound.isAnyLocalAddress());
        DatagramTransport specific = reactor.listenUdp(new InetSocketAddress(LOOPBACK, 0), new RecordingDatagramProtocol(),
                UdpOptions.builder().protocolFamily(StandardProtocolFamily.INET6).build());
        assertEquals(LOOPBACK, ((InetSocketAddress) specific.localAddress()).getAddress());
    }

    @Test
    @DisplayName("sending to 255.255.255.255 needs broadcast(true); oversized sends throw; neither closes the transport")
    void sendRules() throws UnknownHostException {
        MemoryDatagramTransport off = bind(new RecordingDatagramProtocol(), UdpOptions.builder().maxPacketSize(100).build());
        InetSocketAddress broadcast = new InetSocketAddress(InetAddress.getByName("255.255.255.255"), 9);
        DatagramSendException e = assertThrows(DatagramSendException.class, () -> off.send(bytes("x"), broadcast));
        assertTrue(String.valueOf(e.getMessage()).contains("UdpOptions.broadcast(true)"), e.getMessage());
        ByteBuffer big = ByteBuffer.allocate(101);
        DatagramTooLargeException tooLarge = assertThrows(DatagramTooLargeException.class,
                () -> off.send(big, new InetSocketAddress(LOOPBACK, 9)));
        assertEquals(101, tooLarge.size());
        assertEquals(0, big.position());
        assertTrue(off.isOpen());
        assertEquals(List.of(), off.takeSent());

        MemoryDatagramTransport on = bind(new RecordingDatagramProtocol(), UdpOptions.builder().broadcast(true).build());
        assertTrue(on.send(bytes("x"), broadcast));
        assertEquals(broadcast, on.takeSent().get(0).address());
    }

    @Test
    @DisplayName("stop() closes endpoints with stopped(null); terminate() with a cause")
    void stopAndTerminateCloseEndpoints() {
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        MemoryDatagramTransport t = bind(p);
        reactor.stop();
        reactor.runUntilIdle();
        assertFalse(t.isOpen());
        assertNull(p.stoppedStage().join());

        reactor.start();
        RecordingDatagramProtocol q = new RecordingDatagramProtocol();
        MemoryDatagramTransport u = bind(q);
        reactor.terminate();
        assertFalse(u.isOpen());
        Throwable cause = q.stoppedStage().join();
        assertNotNull(cause);
        assertInstanceOf(ReactorException.class, cause);
        assertEquals(1, q.stoppedCalls());
    }

    @Test
    @DisplayName("an exception from started closes the transport: stopped gets a ReactorException carrying it")
    void exceptionFromStartedCloses() {
        IllegalStateException failure = new IllegalStateException("started failure (expected by the test)");
        RecordingDatagramProtocol p = new RecordingDatagramProtocol() {
            @Override
            protected void onStarted(DatagramTransport t) {
                throw failure;
            }
        };
        DatagramTransport t = reactor.listenUdp(new InetSocketAddress(LOOPBACK, 0), p);
        assertFalse(t.isOpen());
        Throwable cause = p.stoppedStage().join();
        assertInstanceOf(ReactorException.class, cause);
        assertSame(failure, cause.getCause());
    }

    private static NetworkInterface anyInterface() throws SocketException {
        NetworkInterface lo = NetworkInterface.getByInetAddress(LOOPBACK);
        if (lo != null) {
            return lo;
        }
        return NetworkInterface.getNetworkInterfaces().nextElement();
    }
}
