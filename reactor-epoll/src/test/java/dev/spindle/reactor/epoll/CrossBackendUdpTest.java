package dev.spindle.reactor.epoll;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.DatagramRefusedException;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingDatagramProtocol;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.BitSet;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * UDP with the two ends on different backends, both ways: ping-pong with the sender each side
 * reports, a burst of datagrams of many sizes arriving whole, and connected mode, including the
 * ICMP refusal a connected socket reports once its peer is gone.
 */
@Timeout(60)
class CrossBackendUdpTest extends CrossBackendSupport {
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void pingPongWithTheSendersBoundAddresses(Pairing p) {
        Ends e = ends(p);
        RecordingDatagramProtocol.Echo server = new RecordingDatagramProtocol.Echo();
        RecordingDatagramProtocol client = new RecordingDatagramProtocol();
        DatagramTransport s = bind(e.server, server, UdpOptions.defaults());
        DatagramTransport c = bind(e.client, client, UdpOptions.defaults());
        InetSocketAddress serverAddress = (InetSocketAddress) e.server.call(s::localAddress);
        InetSocketAddress clientAddress = (InetSocketAddress) e.client.call(c::localAddress);
        for (int round = 0; round < 50; round++) {
            String text = "ping " + round;
            assertTrue(e.client.call(() -> c.send(text.getBytes(UTF_8), serverAddress)));
            RecordingDatagramProtocol.Received atServer = server.next();
            assertEquals(text, atServer.text());
            assertEquals(clientAddress, atServer.sender());
            RecordingDatagramProtocol.Received back = client.next();
            assertEquals(text, back.text());
            assertEquals(serverAddress, back.sender());
        }
        assertEquals(0, client.waitingErrors() + server.waitingErrors());
        assertEquals(0, client.offLoopCalls() + server.offLoopCalls());
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void aBurstOfManySizesArrivesWhole(Pairing p) {
        Ends e = ends(p);
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        DatagramTransport r = bind(e.server, receiver, UdpOptions.builder().receiveBufferSize(1 << 20).build());
        DatagramTransport sender = bind(e.client, new RecordingDatagramProtocol(), UdpOptions.defaults());
        InetSocketAddress to = (InetSocketAddress) e.server.call(r::localAddress);
        int total = 200;
        int window = 25;
        for (int first = 0; first < total; first += window) {
            int from = first;
            int end = first + window;
            e.client.run(() -> {
                for (int i = from; i < end; i++) {
                    // Heap and direct buffers alike.
                    byte[] data = payload(i);
                    ByteBuffer b = i % 2 == 0 ? ByteBuffer.wrap(data) : ByteBuffer.allocateDirect(data.length).put(data).flip();
                    assertTrue(sender.send(b, to));
                    assertFalse(b.hasRemaining(), "send consumes the buffer");
                }
            });
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

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void connectedModeThenTheRefusalOnceThePeerIsGone(Pairing p) {
        Ends e = ends(p);
        RecordingDatagramProtocol.Echo server = new RecordingDatagramProtocol.Echo();
        RecordingDatagramProtocol client = new RecordingDatagramProtocol();
        DatagramTransport s = bind(e.server, server, UdpOptions.defaults());
        DatagramTransport c = bind(e.client, client, UdpOptions.defaults());
        InetSocketAddress serverAddress = (InetSocketAddress) e.server.call(s::localAddress);
        e.client.run(() -> {
            c.connect(serverAddress);
            assertTrue(c.send(ByteBuffer.wrap("connected".getBytes(UTF_8))));
        });
        assertEquals("connected", server.next().text());
        RecordingDatagramProtocol.Received back = client.next();
        assertEquals("connected", back.text());
        assertEquals(serverAddress, back.sender());

        e.server.run(s::close);
        // select closes a deregistered channel on its next poll: wait until the port is really free.
        ReactorHarness.await("the server's port released", () -> isFree(serverAddress));
        e.client.run(() -> c.send(ByteBuffer.wrap("anyone there?".getBytes(UTF_8))));
        DatagramRefusedException refused = assertInstanceOf(DatagramRefusedException.class, client.nextError());
        assertEquals(serverAddress, refused.peer());
        assertTrue(e.client.call(c::isOpen), "a refusal is not fatal");
        assertEquals(0, client.stoppedCalls());
    }

    private static DatagramTransport bind(ReactorHarness h, RecordingDatagramProtocol protocol, UdpOptions options) {
        return h.call(() -> h.reactor().listenUdp(LOOPBACK_ANY_PORT, protocol, options));
    }

    private static boolean isFree(InetSocketAddress address) {
        try (DatagramSocket probe = new DatagramSocket(address)) {
            return probe.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] payload(int i) {
        byte[] b = new byte[4 + (i * 53) % 1400];
        ByteBuffer.wrap(b).putInt(i);
        for (int k = 4; k < b.length; k++) {
            b[k] = (byte) (i * 31 + k);
        }
        return b;
    }
}
