package dev.spindle.reactor.epoll;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.DatagramRefusedException;
import dev.spindle.reactor.DatagramTooLargeException;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.contract.ReactorContractSupport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingDatagramProtocol;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Receiving in batches ({@code recvmmsg}) on the epoll backend: more datagrams than one batch,
 * a protocol that pauses in the middle of one, a datagram too large among small ones, an ICMP
 * error among datagrams, and the batch size against the memory bound. The datagrams are sent
 * while the receiver is paused, so that they wait together in the socket and arrive as batches.
 * Sending in batches needs a socket buffer that fills, which loopback never does:
 * {@link EpollUdpSendQueueTest}.
 */
@Timeout(30)
class EpollUdpBatchTest extends ReactorContractSupport {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }

    @Test
    void aBurstOfMoreThanOneBatchArrivesWholeAndInOrder() throws IOException {
        ReactorHarness h = started();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        EpollDatagramTransport r = (EpollDatagramTransport) h.call(() -> h.reactor().listenUdp(
                new InetSocketAddress(LOOPBACK, 0), receiver, UdpOptions.builder().receiveBufferSize(1 << 20).build()));
        int slots = h.call(r::batchSlots);
        assertEquals(EpollDatagramTransport.DEFAULT_BATCH, slots);
        int total = 5 * slots + 3;
        h.run(r::pauseReading);
        sendNumbered(local(h, r), 0, total);
        h.run(r::resumeReading);
        for (int i = 0; i < total; i++) {
            assertEquals("d" + i, receiver.next().text(), "in order");
        }
        assertEquals(slots, (int) h.call(r::largestReceiveBatch), "the waiting datagrams came as full batches");
        assertEquals(0, receiver.waitingErrors());
    }

    @Test
    void pausingInTheMiddleOfABatchKeepsTheRestUntilResumed() throws IOException {
        ReactorHarness h = started();
        List<Integer> deliveredDuringResume = new ArrayList<>();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol() {
            @Override
            protected void onDatagram(ByteBuffer data, SocketAddress sender) {
                if (all().size() == 3) {
                    transport().pauseReading();
                }
            }
        };
        EpollDatagramTransport r = (EpollDatagramTransport) h.call(() -> h.reactor().listenUdp(
                new InetSocketAddress(LOOPBACK, 0), receiver));
        InetSocketAddress to = local(h, r);
        h.run(r::pauseReading);
        sendNumbered(to, 0, 10);
        h.run(r::resumeReading);
        for (int i = 0; i < 3; i++) {
            assertEquals("d" + i, receiver.next().text());
        }
        assertTrue(h.call(r::isReadingPaused), "the protocol paused after its third datagram");
        assertEquals(10, (int) h.call(r::largestReceiveBatch), "all ten came in one batch: seven wait in their slots");
        // Another datagram makes the socket readable: a paused transport must not deliver it, nor the kept ones.
        sendNumbered(to, 10, 11);
        for (int turn = 0; turn < 5; turn++) {
            h.run(() -> { });
        }
        assertEquals(3, receiver.all().size(), () -> "delivered while paused: " + receiver.events());

        h.run(() -> {
            int before = receiver.all().size();
            r.resumeReading();
            deliveredDuringResume.add(receiver.all().size() - before);
        });
        for (int i = 3; i < 11; i++) {
            assertEquals("d" + i, receiver.next().text(), "the kept datagrams first, in order, then the new one");
        }
        assertEquals(List.of(0), deliveredDuringResume, "nothing is delivered from inside resumeReading");
        assertEquals(0, receiver.waitingErrors());
    }

    @Test
    void aTruncatedDatagramInsideABatchIsReportedAndTheOthersDelivered() throws IOException {
        ReactorHarness h = started();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        EpollDatagramTransport r = (EpollDatagramTransport) h.call(() -> h.reactor().listenUdp(
                new InetSocketAddress(LOOPBACK, 0), receiver, UdpOptions.builder().maxPacketSize(100).build()));
        InetSocketAddress to = local(h, r);
        byte[] exactly = new byte[100];
        for (int i = 0; i < exactly.length; i++) {
            exactly[i] = (byte) (i * 3 + 1);
        }
        h.run(r::pauseReading);
        try (DatagramSocket peer = closeLater(new DatagramSocket(new InetSocketAddress(LOOPBACK, 0)))) {
            send(peer, to, "a".getBytes(UTF_8));
            send(peer, to, new byte[500]);
            send(peer, to, "b".getBytes(UTF_8));
            send(peer, to, exactly);
            send(peer, to, new byte[101]);
            send(peer, to, "c".getBytes(UTF_8));
            h.run(r::resumeReading);
            assertEquals("a", receiver.next().text());
            assertEquals("b", receiver.next().text());
            assertArrayEquals(exactly, receiver.next().data(), "a datagram of exactly maxPacketSize is whole");
            assertEquals("c", receiver.next().text());
            for (int i = 0; i < 2; i++) {
                DatagramTooLargeException e = assertInstanceOf(DatagramTooLargeException.class, receiver.nextError());
                assertEquals(peer.getLocalSocketAddress(), e.peer());
                assertEquals(100, e.limit());
            }
        }
        assertEquals(List.of("started", "datagram", "error:DatagramTooLargeException", "datagram", "datagram",
                "error:DatagramTooLargeException", "datagram"), receiver.events());
        assertTrue(h.call(r::largestReceiveBatch) > 1, "received as a batch");
        assertTrue(h.call(r::isOpen));
    }

    @Test
    void anIcmpRefusalAmongWaitingDatagramsIsReportedAndTheDatagramsStillArrive() throws IOException {
        ReactorHarness h = started();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        EpollDatagramTransport r = (EpollDatagramTransport) h.call(() -> h.reactor().listenUdp(
                new InetSocketAddress(LOOPBACK, 0), receiver));
        InetSocketAddress to = local(h, r);
        DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();
        h.run(() -> {
            r.connect(peerAddress);
            r.pauseReading();
        });
        for (int i = 0; i < 5; i++) {
            send(peer, to, ("d" + i).getBytes(UTF_8));
        }
        peer.close();
        // Nobody listens on the peer's port now: this send draws an ICMP port unreachable, kept on the socket.
        h.run(() -> r.send(ByteBuffer.wrap("anyone?".getBytes(UTF_8))));
        h.run(r::resumeReading);
        for (int i = 0; i < 5; i++) {
            assertEquals("d" + i, receiver.next().text());
        }
        DatagramRefusedException refused = assertInstanceOf(DatagramRefusedException.class, receiver.nextError());
        assertEquals(peerAddress, refused.peer());
        assertTrue(h.call(r::isOpen), "a refusal is not fatal");
        assertEquals(0, receiver.waitingErrors(), () -> "one refusal only: " + receiver.events());
    }

    @Test
    void theBatchSizeKeepsTheSlotsUnderTheMemoryBound() {
        ReactorHarness h = started();
        EpollDatagramTransport big = (EpollDatagramTransport) h.call(() -> h.reactor().listenUdp(
                new InetSocketAddress(LOOPBACK, 0), new RecordingDatagramProtocol(),
                UdpOptions.builder().maxPacketSize(UdpOptions.MAX_IPV6_PAYLOAD).build()));
        // 65,527 bytes rounded up to 65,528: four slots fit in 256 KiB.
        assertEquals(EpollDatagramTransport.BATCH_MEMORY / 65_528, (int) h.call(big::batchSlots));
        EpollReactor reactor = (EpollReactor) h.reactor();
        h.run(() -> reactor.udpBatch = 1);
        EpollDatagramTransport single = (EpollDatagramTransport) h.call(() -> h.reactor().listenUdp(
                new InetSocketAddress(LOOPBACK, 0), new RecordingDatagramProtocol()));
        assertEquals(0, (int) h.call(single::batchSlots), "batch size 1: recvmsg and sendmsg, no slots");
    }

    @Test
    void theBatchPropertyIsClampedAndDefaultsToSixteen() {
        assertEquals(16, EpollDatagramTransport.batchSize(null));
        assertEquals(16, EpollDatagramTransport.batchSize("many"));
        assertEquals(1, EpollDatagramTransport.batchSize("1"));
        assertEquals(1, EpollDatagramTransport.batchSize("0"));
        assertEquals(24, EpollDatagramTransport.batchSize(" 24 "));
        assertEquals(32, EpollDatagramTransport.batchSize("1000"));
    }

    private static InetSocketAddress local(ReactorHarness h, DatagramTransport t) {
        return (InetSocketAddress) h.call(t::localAddress);
    }

    /** Sends "d{from}" .. "d{end - 1}" from a blocking socket of the test thread. */
    private void sendNumbered(InetSocketAddress to, int from, int end) throws IOException {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            for (int i = from; i < end; i++) {
                send(peer, to, ("d" + i).getBytes(UTF_8));
            }
        }
    }

    private static void send(DatagramSocket peer, InetSocketAddress to, byte[] data) throws IOException {
        peer.send(new DatagramPacket(data, data.length, to));
    }
}
