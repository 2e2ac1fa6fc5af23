package dev.spindle.reactor.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.DatagramRefusedException;
import dev.spindle.reactor.DatagramSendException;
import dev.spindle.reactor.DatagramTooLargeException;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.UdpOptions;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * UDP on real sockets (SPEC NET-5; {@code DescriptorReactor.listenUdp},
 * {@code DatagramTransport}, {@code DatagramProtocol}): binding, datagrams both ways, connected
 * mode with ICMP errors, the size rules (oversized datagrams reported on receive, refused on
 * send, never truncated), broadcast, multicast, closing, and descriptors.
 *
 * <p>Sockets bind 127.0.0.1 (or ::1) except where a test needs another address and says why:
 * the broadcast receiver binds the IPv4 wildcard (a loopback broadcast reaches only wildcard
 * sockets), the multicast test uses an interface that supports multicast (Linux's {@code lo}
 * usually does not) with TTL 0, so nothing leaves the host.
 */
@Timeout(30)
public abstract class UdpContractTest extends ReactorContractSupport {
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(BlockingPeer.LOOPBACK, 0);
    private static final boolean LINUX = System.getProperty("os.name", "").startsWith("Linux");

    /** For subclasses. */
    protected UdpContractTest() {
    }

    @Test
    @DisplayName("NET-5: bind 127.0.0.1 port 0, echo ping-pong between two transports; started→datagram on the loop; sender is the peer's bound address")
    public void echoPingPongOnIpv4Loopback() {
        pingPong(LOOPBACK_ANY_PORT);
    }

    @Test
    @DisplayName("NET-5: bind ::1 port 0, echo ping-pong (where IPv6 loopback is available)")
    public void echoPingPongOnIpv6Loopback() throws UnknownHostException {
        InetAddress v6 = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        assumeTrue(canBind(v6), "IPv6 loopback ::1 cannot be bound on this machine");
        pingPong(new InetSocketAddress(v6, 0));
    }

    private void pingPong(InetSocketAddress bind) {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        RecordingDatagramProtocol.Echo server = new RecordingDatagramProtocol.Echo();
        RecordingDatagramProtocol client = new RecordingDatagramProtocol();
        DatagramTransport s = bind(h, bind, server, UdpOptions.defaults());
        DatagramTransport c = bind(h, bind, client, UdpOptions.defaults());
        InetSocketAddress serverAddress = local(h, s);
        InetSocketAddress clientAddress = local(h, c);
        assertEquals(bind.getAddress(), serverAddress.getAddress());
        assertTrue(serverAddress.getPort() > 0, "port 0 picks a free port: " + serverAddress);
        assertSame(s, ReactorHarness.await(server.startedStage()), "started runs inside listenUdp with the transport");
        h.run(() -> {
            assertSame(r, c.reactor());
            assertTrue(c.isOpen());
            assertFalse(c.isConnected());
            assertNull(c.remoteAddress());
            assertEquals(serverAddress.getPort(), s.port());
        });
        for (int round = 0; round < 3; round++) {
            String text = "ping " + round;
            assertTrue(h.call(() -> c.send(text.getBytes(UTF_8), serverAddress)));
            RecordingDatagramProtocol.Received atServer = server.next();
            assertEquals(text, atServer.text());
            assertEquals(clientAddress, atServer.sender());
            RecordingDatagramProtocol.Received back = client.next();
            assertEquals(text, back.text());
            assertEquals(serverAddress, back.sender());
        }
        assertEquals(List.of("started", "datagram", "datagram", "datagram"), client.events());
        assertEquals(0, client.offLoopCalls() + server.offLoopCalls());
    }

    @Test
    @DisplayName("NET-5: 1,000 datagrams of 4..1,403 bytes arrive whole, each exactly once (order not checked); send consumes the buffer")
    public void manyDatagramsArriveWhole() {
        ReactorHarness h = started();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        DatagramTransport rt = bind(h, LOOPBACK_ANY_PORT, receiver, UdpOptions.builder().receiveBufferSize(1 << 20).build());
        DatagramTransport sender = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        InetSocketAddress to = local(h, rt);
        int total = 1000;
        int window = 25;
        for (int first = 0; first < total; first += window) {
            int from = first;
            int end = Math.min(total, first + window);
            int notConsumed = h.call(() -> {
                int left = 0;
                for (int i = from; i < end; i++) {
                    ByteBuffer b = ByteBuffer.wrap(payload(i));
                    assertTrue(sender.send(b, to));
                    left += b.remaining();
                }
                return left;
            });
            assertEquals(0, notConsumed, "send must consume the buffer");
            // A window at a time: loopback drops what overflows the receive buffer.
            ReactorHarness.await(end + " datagrams", () -> receiver.all().size() >= end);
        }
        BitSet seen = new BitSet(total);
        for (RecordingDatagramProtocol.Received d : receiver.all()) {
            int i = ByteBuffer.wrap(d.data()).getInt();
            assertFalse(seen.get(i), "datagram " + i + " arrived twice");
            seen.set(i);
            assertArrayEquals(payload(i), d.data(), "contents of datagram " + i);
        }
        assertEquals(total, seen.cardinality());
    }

    private static byte[] payload(int i) {
        byte[] b = new byte[4 + (i * 37) % 1400];
        ByteBuffer.wrap(b).putInt(i);
        for (int k = 4; k < b.length; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }

    @Test
    @DisplayName("DatagramTransport.connect: send(data) needs no address, only the peer's datagrams arrive, disconnect lets others in again")
    public void connectedModeSendsToPeerAndFiltersOthers() {
        ReactorHarness h = started();
        RecordingDatagramProtocol a = new RecordingDatagramProtocol();
        RecordingDatagramProtocol b = new RecordingDatagramProtocol();
        RecordingDatagramProtocol c = new RecordingDatagramProtocol();
        DatagramTransport at = bind(h, LOOPBACK_ANY_PORT, a, UdpOptions.defaults());
        DatagramTransport bt = bind(h, LOOPBACK_ANY_PORT, b, UdpOptions.defaults());
        DatagramTransport ct = bind(h, LOOPBACK_ANY_PORT, c, UdpOptions.defaults());
        InetSocketAddress aAddress = local(h, at);
        InetSocketAddress bAddress = local(h, bt);
        InetSocketAddress cAddress = local(h, ct);

        h.run(() -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> bt.send(bytes("x")));
            assertTrue(String.valueOf(e.getMessage()).contains("connect"), e.getMessage());
            bt.connect(aAddress);
            assertTrue(bt.isConnected());
            assertEquals(aAddress, bt.remoteAddress());
            assertTrue(bt.send(bytes("via connect")));
            assertThrows(IllegalArgumentException.class, () -> bt.send(bytes("elsewhere"), cAddress));
            assertTrue(bt.send(bytes("to the peer by address"), aAddress));
        });
        RecordingDatagramProtocol.Received first = a.next();
        assertEquals("via connect", first.text());
        assertEquals(bAddress, first.sender());
        assertEquals("to the peer by address", a.next().text());

        // c's datagram is queued at b first; the kernel drops it because b is connected to a.
        h.run(() -> {
            ct.send(bytes("from c"), bAddress);
            at.send(bytes("from a"), bAddress);
        });
        RecordingDatagramProtocol.Received fromA = b.next();
        assertEquals("from a", fromA.text());
        assertEquals(aAddress, fromA.sender());

        h.run(() -> {
            bt.disconnect();
            assertFalse(bt.isConnected());
            assertNull(bt.remoteAddress());
            bt.disconnect();
            ct.send(bytes("after disconnect"), bAddress);
        });
        RecordingDatagramProtocol.Received fromC = b.next();
        assertEquals("after disconnect", fromC.text());
        assertEquals(cAddress, fromC.sender());
        assertEquals(List.of("from a", "after disconnect"), b.all().stream().map(RecordingDatagramProtocol.Received::text).toList());
    }

    @Test
    @DisplayName("DatagramProtocol.errorReceived: ICMP port unreachable on a connected socket is a DatagramRefusedException; the transport stays open and usable")
    public void icmpRefusalIsReportedAndTransportSurvives() throws IOException {
        ReactorHarness h = started();
        RecordingDatagramProtocol.Echo server = new RecordingDatagramProtocol.Echo();
        DatagramTransport st = bind(h, LOOPBACK_ANY_PORT, server, UdpOptions.defaults());
        InetSocketAddress serverAddress = local(h, st);
        RecordingDatagramProtocol client = new RecordingDatagramProtocol();
        DatagramTransport ct = bind(h, LOOPBACK_ANY_PORT, client, UdpOptions.defaults());
        InetSocketAddress closed = closedUdpPort();

        h.run(() -> {
            ct.connect(closed);
            assertTrue(ct.send(bytes("anyone there?")));
        });
        ReactorException error = client.nextError();
        DatagramRefusedException refused = assertInstanceOf(DatagramRefusedException.class, error);
        assertEquals(closed, refused.peer());
        assertTrue(String.valueOf(refused.getMessage()).contains(String.valueOf(closed.getPort())), refused.getMessage());
        assertTrue(h.call(ct::isOpen), "a refusal is not fatal");
        assertFalse(client.stoppedStage().isDone());

        h.run(() -> {
            ct.connect(serverAddress);
            ct.send(bytes("still alive"));
        });
        assertEquals("still alive", client.next().text());
        assertEquals(0, client.stoppedCalls());
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
    }

    @Test
    @DisplayName("UdpOptions.maxPacketSize: a datagram over the limit is reported as DatagramTooLargeException (sender, limit), never delivered truncated; one of exactly the limit and the next ones arrive")
    public void oversizedDatagramIsReportedNotTruncated() {
        ReactorHarness h = started();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        DatagramTransport rt = bind(h, LOOPBACK_ANY_PORT, receiver, UdpOptions.builder().maxPacketSize(1000).build());
        DatagramTransport st = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        InetSocketAddress to = local(h, rt);
        InetSocketAddress from = local(h, st);
        byte[] exactly = new byte[1000];
        for (int i = 0; i < exactly.length; i++) {
            exactly[i] = (byte) (i * 7 + 1);
        }
        h.run(() -> {
            st.send(new byte[2000], to);
            st.send(new byte[1001], to);
            st.send(exactly, to);
            st.send(bytes("next"), to);
        });
        for (int i = 0; i < 2; i++) {
            DatagramTooLargeException e = assertInstanceOf(DatagramTooLargeException.class, receiver.nextError());
            assertEquals(from, e.peer());
            assertEquals(1000, e.limit());
            assertEquals(-1, e.size());
            assertTrue(String.valueOf(e.getMessage()).contains("1000"), e.getMessage());
        }
        RecordingDatagramProtocol.Received whole = receiver.next();
        assertArrayEquals(exactly, whole.data());
        assertEquals("next", receiver.next().text());
        assertEquals(List.of("started", "error:DatagramTooLargeException", "error:DatagramTooLargeException", "datagram",
                "datagram"), receiver.events());
        assertTrue(h.call(rt::isOpen));
    }

    @Test
    @DisplayName("DatagramTransport.send: a datagram over maxPacketSize, or over 65,507 bytes to IPv4, throws DatagramTooLargeException and sends nothing")
    public void oversizedSendIsRejected() {
        ReactorHarness h = started();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        DatagramTransport rt = bind(h, LOOPBACK_ANY_PORT, receiver,
                UdpOptions.builder().maxPacketSize(UdpOptions.MAX_IPV6_PAYLOAD).receiveBufferSize(1 << 20).build());
        InetSocketAddress to = local(h, rt);
        DatagramTransport small = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(),
                UdpOptions.builder().maxPacketSize(1000).build());
        DatagramTransport large = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(),
                UdpOptions.builder().maxPacketSize(UdpOptions.MAX_IPV6_PAYLOAD).build());
        h.run(() -> {
            ByteBuffer tooBig = ByteBuffer.allocate(1001);
            DatagramTooLargeException e = assertThrows(DatagramTooLargeException.class, () -> small.send(tooBig, to));
            assertEquals(0, tooBig.position(), "a refused datagram leaves the buffer as it was");
            assertEquals(1000, e.limit());
            assertEquals(1001, e.size());
            assertEquals(to, e.peer());
            assertTrue(String.valueOf(e.getMessage()).contains("1001"), e.getMessage());

            DatagramTooLargeException ip = assertThrows(DatagramTooLargeException.class,
                    () -> large.send(ByteBuffer.allocate(UdpOptions.MAX_IPV4_PAYLOAD + 1), to));
            assertEquals(UdpOptions.MAX_IPV4_PAYLOAD, ip.limit());
            assertTrue(small.isOpen() && large.isOpen());

            assertTrue(small.send(ByteBuffer.allocate(1000), to));
            assertTrue(large.send(ByteBuffer.allocate(UdpOptions.MAX_IPV4_PAYLOAD), to));
        });
        assertEquals(1000, receiver.next().data().length, "nothing of the refused datagrams arrives first");
        assertEquals(UdpOptions.MAX_IPV4_PAYLOAD, receiver.next().data().length);
        assertEquals(0, receiver.waitingErrors());
    }

    @Test
    @DisplayName("UdpOptions.broadcast: off, a send to 255.255.255.255 (and on Linux to 127.255.255.255) throws DatagramSendException naming the option; on, a loopback broadcast reaches a wildcard socket")
    public void broadcastNeedsTheOption() throws UnknownHostException {
        ReactorHarness h = started();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        // The wildcard of the other family on purpose: protocolFamily(INET) must make it IPv4.
        InetAddress v6Any = InetAddress.getByAddress(new byte[16]);
        DatagramTransport rt = bind(h, new InetSocketAddress(v6Any, 0), receiver,
                UdpOptions.builder().protocolFamily(StandardProtocolFamily.INET).build());
        InetSocketAddress receiverAddress = local(h, rt);
        assertInstanceOf(Inet4Address.class, receiverAddress.getAddress(), "protocolFamily INET on a wildcard bind");
        assertTrue(receiverAddress.getAddress().isAnyLocalAddress());
        int port = receiverAddress.getPort();
        InetSocketAddress limited = new InetSocketAddress(InetAddress.getByAddress(new byte[] {-1, -1, -1, -1}), port);
        InetSocketAddress loopbackBroadcast = new InetSocketAddress(
                InetAddress.getByAddress(new byte[] {127, -1, -1, -1}), port);

        DatagramTransport off = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        h.run(() -> {
            DatagramSendException e = assertThrows(DatagramSendException.class, () -> off.send(bytes("x"), limited));
            assertTrue(String.valueOf(e.getMessage()).contains("broadcast"), e.getMessage());
            assertEquals(limited, e.target());
            if (LINUX) {
                DatagramSendException os = assertThrows(DatagramSendException.class,
                        () -> off.send(bytes("x"), loopbackBroadcast));
                assertTrue(String.valueOf(os.getMessage()).contains("broadcast"), os.getMessage());
                assertNotNull(os.getCause(), "the operating system's error");
            }
            assertTrue(off.isOpen());
        });

        DatagramTransport on = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(),
                UdpOptions.builder().broadcast(true).build());
        InetSocketAddress onAddress = local(h, on);
        assertTrue(h.call(() -> on.send(bytes("to everyone on lo"), loopbackBroadcast)));
        assumeTrue(LINUX, "loopback broadcast delivery (127.255.255.255 to wildcard sockets) is checked on Linux only");
        RecordingDatagramProtocol.Received got = receiver.next();
        assertEquals("to everyone on lo", got.text());
        assertEquals(onAddress, got.sender());
        assertEquals(0, receiver.waitingErrors());
    }

    @Test
    @DisplayName("DatagramTransport.joinGroup/leaveGroup: an IPv4 group (239.255.x.y) on a multicast interface, TTL 0; after leaving, the group's datagrams no longer arrive")
    public void multicastJoinAndLeave() throws IOException {
        MulticastSetup m = multicastSetup();
        ReactorHarness h = started();
        InetAddress group = InetAddress.getByAddress(new byte[] {(byte) 239, (byte) 255, 83,
            (byte) ThreadLocalRandom.current().nextInt(1, 255)});
        UdpOptions listener = UdpOptions.builder().reuseAddress(true).build();
        RecordingDatagramProtocol a = new RecordingDatagramProtocol();
        RecordingDatagramProtocol b = new RecordingDatagramProtocol();
        // Bound to the group address: only the group's datagrams, nothing from the network at large.
        DatagramTransport at = bind(h, new InetSocketAddress(group, 0), a, listener);
        int port = local(h, at).getPort();
        DatagramTransport bt = bind(h, new InetSocketAddress(group, port), b, listener);
        DatagramTransport sender = bind(h, new InetSocketAddress(m.address, 0), new RecordingDatagramProtocol(),
                UdpOptions.builder().multicastInterface(m.networkInterface).multicastTtl(0).multicastLoopback(true).build());
        InetSocketAddress senderAddress = local(h, sender);
        InetSocketAddress to = new InetSocketAddress(group, port);

        h.run(() -> {
            at.joinGroup(group, m.networkInterface);
            at.joinGroup(group, m.networkInterface); // a second join is a no-op
            bt.joinGroup(group, m.networkInterface);
            sender.send(bytes("one"), to);
        });
        RecordingDatagramProtocol.Received one = a.next();
        assertEquals("one", one.text());
        assertEquals(senderAddress, one.sender());
        assertEquals("one", b.next().text());

        h.run(() -> {
            assertTrue(at.leaveGroup(group, m.networkInterface));
            assertFalse(at.leaveGroup(group, m.networkInterface), "leaving twice");
            sender.send(bytes("two"), to);
        });
        assertEquals("two", b.next().text(), "b is still a member");
        h.run(() -> {
            at.joinGroup(group, m.networkInterface);
            sender.send(bytes("three"), to);
        });
        assertEquals("three", a.next().text(), "\"two\" (sent while a was not a member) must not have arrived at a");
        assertEquals("three", b.next().text());
        assertEquals(0, a.waitingErrors() + b.waitingErrors());

        h.run(() -> {
            InetAddress notMulticast = BlockingPeer.LOOPBACK;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> at.joinGroup(notMulticast, m.networkInterface));
            assertTrue(String.valueOf(e.getMessage()).contains("127.0.0.1"), e.getMessage());
        });
    }

    @Test
    @DisplayName("DatagramTransport.joinGroup(group, interface, source): source-specific membership takes the named source only")
    public void sourceSpecificJoinFiltersOtherSources() throws IOException {
        MulticastSetup m = multicastSetup();
        ReactorHarness h = started();
        InetAddress group = InetAddress.getByAddress(new byte[] {(byte) 232, 83, 0,
            (byte) ThreadLocalRandom.current().nextInt(1, 255)});
        RecordingDatagramProtocol wrongSource = new RecordingDatagramProtocol();
        RecordingDatagramProtocol rightSource = new RecordingDatagramProtocol();
        UdpOptions listener = UdpOptions.builder().reuseAddress(true).build();
        DatagramTransport wt = bind(h, new InetSocketAddress(group, 0), wrongSource, listener);
        int port = local(h, wt).getPort();
        DatagramTransport rt = bind(h, new InetSocketAddress(group, port), rightSource, listener);
        DatagramTransport sender = bind(h, new InetSocketAddress(m.address, 0), new RecordingDatagramProtocol(),
                UdpOptions.builder().multicastInterface(m.networkInterface).multicastTtl(0).build());
        InetAddress elsewhere = InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) 254});
        assumeTrue(!elsewhere.equals(m.address), "the interface has the address used as the other source");
        try {
            h.run(() -> wt.joinGroup(group, m.networkInterface, elsewhere));
        } catch (ReactorException e) {
            assumeTrue(false, "source-specific multicast is not supported here: " + e.getMessage());
        }
        h.run(() -> {
            rt.joinGroup(group, m.networkInterface, m.address);
            sender.send(bytes("ssm one"), new InetSocketAddress(group, port));
        });
        assertEquals("ssm one", rightSource.next().text());
        h.run(() -> {
            assertTrue(wt.leaveGroup(group, m.networkInterface, elsewhere));
            wt.joinGroup(group, m.networkInterface, m.address);
            sender.send(bytes("ssm two"), new InetSocketAddress(group, port));
        });
        assertEquals("ssm two", wrongSource.next().text(), "\"ssm one\" came from a source it did not ask for");
        assertEquals("ssm two", rightSource.next().text());
    }

    @Test
    @DisplayName("DatagramTransport.close() inside datagramReceived: no further datagram is delivered, stopped(null) once, the port is free again")
    public void closeFromInsideCallback() throws IOException {
        ReactorHarness h = started();
        RecordingDatagramProtocol closer = new RecordingDatagramProtocol() {
            @Override
            protected void onDatagram(ByteBuffer data, SocketAddress sender) {
                transport().close();
                transport().close();
            }
        };
        DatagramTransport ct = bind(h, LOOPBACK_ANY_PORT, closer, UdpOptions.defaults());
        InetSocketAddress address = local(h, ct);
        DatagramTransport st = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        h.run(() -> {
            st.send(bytes("one"), address);
            st.send(bytes("two"), address);
        });
        assertNull(ReactorHarness.await(closer.stoppedStage()));
        h.run(() -> {
            assertFalse(ct.isOpen());
            assertFalse(ct.isWritable());
            assertThrows(IllegalStateException.class, () -> ct.send(bytes("late"), address));
            assertThrows(IllegalStateException.class, () -> ct.connect(address));
        });
        assertEquals(List.of("started", "datagram", "stopped"), closer.events());
        assertEquals(1, closer.stoppedCalls());
        h.run(() -> { }); // the port is free by the next task at the latest (DatagramTransport.close)
        assertPortFree(address);
    }

    @Test
    @DisplayName("DatagramProtocol: an exception from datagramReceived is logged and the transport goes on (Twisted's behaviour)")
    public void exceptionFromDatagramReceivedDoesNotCloseTheTransport() {
        ReactorHarness h = started();
        RecordingDatagramProtocol thrower = new RecordingDatagramProtocol() {
            @Override
            protected void onDatagram(ByteBuffer data, SocketAddress sender) {
                if (data.get(data.position()) == '!') {
                    throw new IllegalStateException("datagramReceived failure (expected by the test)");
                }
            }
        };
        DatagramTransport tt = bind(h, LOOPBACK_ANY_PORT, thrower, UdpOptions.defaults());
        InetSocketAddress address = local(h, tt);
        DatagramTransport st = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        h.run(() -> {
            st.send(bytes("!boom"), address);
            st.send(bytes("fine"), address);
        });
        assertEquals("!boom", thrower.next().text());
        assertEquals("fine", thrower.next().text());
        assertTrue(h.call(tt::isOpen));
        assertEquals(0, thrower.stoppedCalls());
    }

    @Test
    @DisplayName("DatagramTransport.pauseReading: datagrams wait while paused and arrive after resumeReading")
    public void pauseAndResumeReading() {
        ReactorHarness h = started();
        RecordingDatagramProtocol paused = new RecordingDatagramProtocol();
        RecordingDatagramProtocol other = new RecordingDatagramProtocol();
        DatagramTransport pt = bind(h, LOOPBACK_ANY_PORT, paused, UdpOptions.defaults());
        DatagramTransport ot = bind(h, LOOPBACK_ANY_PORT, other, UdpOptions.defaults());
        DatagramTransport st = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        InetSocketAddress pausedAddress = local(h, pt);
        InetSocketAddress otherAddress = local(h, ot);
        h.run(() -> {
            pt.pauseReading();
            pt.pauseReading();
            assertTrue(pt.isReadingPaused());
            st.send(bytes("waits"), pausedAddress);
            st.send(bytes("marker"), otherAddress);
        });
        assertEquals("marker", other.next().text());
        // Both were in the kernel before the loop polled; a reading transport would have had its turn.
        assertEquals(0, h.call(paused::waiting));
        h.run(() -> {
            pt.resumeReading();
            assertFalse(pt.isReadingPaused());
        });
        assertEquals("waits", paused.next().text());
    }

    @Test
    @DisplayName("CoreReactor.stop(): UDP transports are closed (stopped(null)) and their ports can be bound again")
    public void stopClosesTheSocket() throws IOException {
        ReactorHarness h = started();
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        DatagramTransport t = bind(h, LOOPBACK_ANY_PORT, p, UdpOptions.defaults());
        InetSocketAddress address = local(h, t);
        h.reactor().stop();
        h.awaitState(ReactorState.STOPPED);
        assertNull(ReactorHarness.await(p.stoppedStage()));
        assertClosedOnce(p, t, address);
    }

    @Test
    @DisplayName("CoreReactor.terminate(): UDP transports are closed before it returns (stopped once, with the cause) and their ports can be bound again")
    public void terminateClosesTheSocket() throws IOException {
        ReactorHarness h = started();
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        DatagramTransport t = bind(h, LOOPBACK_ANY_PORT, p, UdpOptions.defaults());
        InetSocketAddress address = local(h, t);
        h.terminate();
        assertTrue(p.stoppedStage().isDone(), "stopped before terminate() returns");
        assertNotNull(p.stoppedStage().join());
        assertClosedOnce(p, t, address);
    }

    private static void assertClosedOnce(RecordingDatagramProtocol p, DatagramTransport t, InetSocketAddress address)
            throws IOException {
        assertEquals(1, p.stoppedCalls());
        assertFalse(t.isOpen());
        assertPortFree(address);
    }

    @Test
    @DisplayName("NET-5: binding a UDP port in use throws CannotListenException naming it; bad arguments throw IllegalArgumentException; off the loop IllegalStateException")
    public void listenFailuresAndArgumentChecks() throws IOException {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        DatagramSocket taken = closeLater(new DatagramSocket(LOOPBACK_ANY_PORT));
        int port = taken.getLocalPort();
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        h.run(() -> {
            CannotListenException e = assertThrows(CannotListenException.class,
                    () -> r.listenUdp(new InetSocketAddress(BlockingPeer.LOOPBACK, port), p));
            assertTrue(String.valueOf(e.getMessage()).contains(String.valueOf(port)), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> r.listenUdp(InetSocketAddress.createUnresolved("localhost", 0), p));
            DatagramTransport t = r.listenUdp(LOOPBACK_ANY_PORT, p);
            assertThrows(IllegalArgumentException.class,
                    () -> t.send(bytes("x"), InetSocketAddress.createUnresolved("localhost", 9)));
            assertThrows(IllegalArgumentException.class, () -> t.connect(InetSocketAddress.createUnresolved("localhost", 9)));
            t.close();
        });
        assertEquals(List.of("started", "stopped"), p.events(), "the failed bind never started the protocol");
        assertThrows(IllegalStateException.class, () -> r.listenUdp(LOOPBACK_ANY_PORT, new RecordingDatagramProtocol()));
        DatagramTransport t = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        assertThrows(IllegalStateException.class, () -> t.send(bytes("x"), LOOPBACK_ANY_PORT));
        assertThrows(IllegalStateException.class, t::close);
        assertTrue(h.call(t::isOpen));
        assertEquals(ReactorState.STARTED, h.call(r::state));
    }

    @Test
    @DisplayName("Descriptors: 200 bind/close cycles and 200 failed binds leave no descriptor open (Linux /proc/self/fd)")
    public void noDescriptorLeakAcrossBindCloseCycles() throws IOException {
        Path fds = Paths.get("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "counting descriptors needs /proc/self/fd (Linux)");
        ReactorHarness h = started();
        DatagramTransport held = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        InetSocketAddress taken = local(h, held);
        cycles(h, 5, taken); // warm-up: descriptors opened once (class loading, caches) are counted before
        h.run(() -> { });
        long before = count(fds);
        for (int i = 0; i < 20; i++) {
            cycles(h, 10, taken);
        }
        h.run(() -> { }); // a pass later: backends that defer closing (select) have closed
        long after = count(fds);
        assertTrue(after <= before + 3, "open descriptors went from " + before + " to " + after
                + " over 200 bind/close cycles and 200 failed binds");
    }

    private static void cycles(ReactorHarness h, int n, InetSocketAddress taken) {
        h.run(() -> {
            for (int i = 0; i < n; i++) {
                RecordingDatagramProtocol p = new RecordingDatagramProtocol();
                DatagramTransport t = h.reactor().listenUdp(LOOPBACK_ANY_PORT, p);
                t.send(bytes("x"), t.localAddress());
                t.close();
                assertThrows(CannotListenException.class, () -> h.reactor().listenUdp(taken, p));
            }
        });
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Binds a transport on the loop.
     *
     * @param h the reactor
     * @param at the address
     * @param protocol the protocol
     * @param options the options
     * @return the transport
     */
    protected static DatagramTransport bind(ReactorHarness h, InetSocketAddress at, RecordingDatagramProtocol protocol,
            UdpOptions options) {
        return h.call(() -> h.reactor().listenUdp(at, protocol, options));
    }

    /**
     * A transport's bound address, read on the loop.
     *
     * @param h the reactor
     * @param t the transport
     * @return the address
     */
    protected static InetSocketAddress local(ReactorHarness h, DatagramTransport t) {
        return (InetSocketAddress) h.call(t::localAddress);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    private static boolean canBind(InetAddress a) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(a, 0))) {
            return s.isBound();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A UDP port on 127.0.0.1 that was just free (bound and released). */
    private static InetSocketAddress closedUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(LOOPBACK_ANY_PORT)) {
            return new InetSocketAddress(BlockingPeer.LOOPBACK, s.getLocalPort());
        }
    }

    /** Fails unless a plain socket (without SO_REUSEADDR) can bind {@code address}. */
    private static void assertPortFree(InetSocketAddress address) throws IOException {
        try (DatagramSocket s = new DatagramSocket(null)) {
            s.setReuseAddress(false);
            s.bind(address);
        }
    }

    /** The interface for the multicast tests, and an IPv4 address of it to send from. */
    private static final class MulticastSetup {
        final NetworkInterface networkInterface;
        final InetAddress address;

        MulticastSetup(NetworkInterface networkInterface, InetAddress address) {
            this.networkInterface = networkInterface;
            this.address = address;
        }
    }

    /**
     * The loopback interface if it supports multicast (on Linux {@code lo} usually lacks the
     * MULTICAST flag), else the first interface that is up, supports multicast and has an IPv4
     * address. Skips the test, saying why, when there is none.
     */
    private static MulticastSetup multicastSetup() throws SocketException {
        MulticastSetup found = null;
        List<String> seen = new ArrayList<>();
        for (Enumeration<NetworkInterface> e = NetworkInterface.getNetworkInterfaces(); e.hasMoreElements(); ) {
            NetworkInterface ni = e.nextElement();
            seen.add(ni.getName() + (ni.isUp() ? " up" : " down") + (ni.supportsMulticast() ? " multicast" : "")
                    + (ni.isLoopback() ? " loopback" : ""));
            InetAddress v4 = ipv4(ni);
            if (!ni.isUp() || !ni.supportsMulticast() || ni.isVirtual() || v4 == null) {
                continue;
            }
            if (ni.isLoopback()) {
                return new MulticastSetup(ni, v4);
            }
            if (found == null) {
                found = new MulticastSetup(ni, v4);
            }
        }
        if (found == null) {
            String why = "no network interface that is up, supports multicast and has an IPv4 address: " + seen;
            System.out.println("UdpContractTest: skipping a multicast test: " + why);
            assumeTrue(false, why);
        }
        return found;
    }

    private static @Nullable InetAddress ipv4(NetworkInterface ni) {
        for (Enumeration<InetAddress> a = ni.getInetAddresses(); a.hasMoreElements(); ) {
            InetAddress x = a.nextElement();
            if (x instanceof Inet4Address) {
                return x;
            }
        }
        return null;
    }
}
