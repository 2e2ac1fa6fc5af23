package dev.spindle.reactor.epoll;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.reactor.DatagramSendException;
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
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What only the epoll backend does with UDP: a dual-stack {@code AF_INET6} socket that reaches
 * IPv4 peers as IPv4-mapped addresses and reports them as {@link Inet4Address}es, an IPv4 socket
 * refusing an IPv6 target with a clear error, the ephemeral port kept across connect and
 * disconnect, and the sender's address object reused while the sender stays the same.
 */
@Timeout(30)
class EpollUdpTest extends ReactorContractSupport {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }

    @Test
    void aDualStackSocketTalksToIpv4PeersAsIpv4Addresses() throws IOException {
        assumeTrue(canBindIpv6Wildcard(), "no IPv6 on this machine");
        ReactorHarness h = started();
        RecordingDatagramProtocol.Echo echo = new RecordingDatagramProtocol.Echo();
        InetAddress v6Any = InetAddress.getByAddress(new byte[16]);
        DatagramTransport t = h.call(() -> h.reactor().listenUdp(new InetSocketAddress(v6Any, 0), echo,
                UdpOptions.builder().protocolFamily(StandardProtocolFamily.INET6).build()));
        InetSocketAddress local = (InetSocketAddress) h.call(t::localAddress);
        assertInstanceOf(Inet6Address.class, local.getAddress());
        try (DatagramSocket peer = closeLater(new DatagramSocket(new InetSocketAddress(LOOPBACK, 0)))) {
            peer.setSoTimeout((int) ReactorHarness.WAIT.toMillis());
            byte[] ping = "over IPv4 to a dual-stack socket".getBytes(UTF_8);
            peer.send(new DatagramPacket(ping, ping.length, new InetSocketAddress(LOOPBACK, local.getPort())));
            RecordingDatagramProtocol.Received got = echo.next();
            assertEquals(peer.getLocalSocketAddress(), got.sender(), "reported as an IPv4 address, not ::ffff:127.0.0.1");
            assertInstanceOf(Inet4Address.class, ((InetSocketAddress) got.sender()).getAddress());
            DatagramPacket back = new DatagramPacket(new byte[100], 100);
            peer.receive(back);
            assertEquals("over IPv4 to a dual-stack socket", new String(back.getData(), 0, back.getLength(), UTF_8));
            assertEquals(local.getPort(), back.getPort());
        }
    }

    @Test
    void anIpv4SocketRefusesAnIpv6TargetClearly() throws IOException {
        ReactorHarness h = started();
        DatagramTransport t = h.call(() -> h.reactor().listenUdp(new InetSocketAddress(LOOPBACK, 0), new RecordingDatagramProtocol()));
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), 9);
        DatagramSendException e = h.call(() -> assertThrows(DatagramSendException.class,
                () -> t.send(ByteBuffer.wrap(new byte[1]), v6)));
        assertTrue(e.getMessage().contains("address family"), e.getMessage());
        assertTrue(h.call(t::isOpen));
    }

    @Test
    void theEphemeralPortSurvivesConnectAndDisconnect() {
        ReactorHarness h = started();
        RecordingDatagramProtocol a = new RecordingDatagramProtocol();
        RecordingDatagramProtocol.Echo b = new RecordingDatagramProtocol.Echo();
        InetAddress any = new InetSocketAddress(0).getAddress();
        DatagramTransport at = h.call(() -> h.reactor().listenUdp(new InetSocketAddress(any, 0), a,
                UdpOptions.builder().protocolFamily(StandardProtocolFamily.INET).build()));
        DatagramTransport bt = h.call(() -> h.reactor().listenUdp(new InetSocketAddress(LOOPBACK, 0), b));
        int port = ((InetSocketAddress) h.call(at::localAddress)).getPort();
        InetSocketAddress bAddress = (InetSocketAddress) h.call(bt::localAddress);
        for (int i = 0; i < 3; i++) {
            h.run(() -> {
                at.connect(bAddress);
                assertEquals(LOOPBACK, ((InetSocketAddress) at.localAddress()).getAddress(), "connected: the route's source");
                at.send(ByteBuffer.wrap("c".getBytes(UTF_8)));
                at.disconnect();
                InetSocketAddress after = (InetSocketAddress) at.localAddress();
                assertEquals(port, after.getPort(), "Linux drops an ephemeral port on disconnect; it is bound again");
                assertTrue(after.getAddress().isAnyLocalAddress(), after.toString());
            });
            assertEquals(port, ((InetSocketAddress) b.next().sender()).getPort());
            assertEquals("c", a.next().text(), "the echo reaches the port after the disconnect");
        }
    }

    @Test
    void theSendersAddressObjectIsReusedWhileTheSenderStaysTheSame() {
        ReactorHarness h = started();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        DatagramTransport r = h.call(() -> h.reactor().listenUdp(new InetSocketAddress(LOOPBACK, 0), receiver));
        DatagramTransport s1 = h.call(() -> h.reactor().listenUdp(new InetSocketAddress(LOOPBACK, 0), new RecordingDatagramProtocol()));
        DatagramTransport s2 = h.call(() -> h.reactor().listenUdp(new InetSocketAddress(LOOPBACK, 0), new RecordingDatagramProtocol()));
        InetSocketAddress to = (InetSocketAddress) h.call(r::localAddress);
        h.run(() -> {
            s1.send(new byte[] {1}, to);
            s1.send(new byte[] {2}, to);
        });
        RecordingDatagramProtocol.Received first = receiver.next();
        assertSame(first.sender(), receiver.next().sender(), "decoded once for the same sender");
        h.run(() -> s2.send(new byte[] {3}, to));
        RecordingDatagramProtocol.Received other = receiver.next();
        assertEquals(h.call(s2::localAddress), other.sender());
        h.run(() -> s1.send(new byte[] {4}, to));
        assertEquals(first.sender(), receiver.next().sender());
    }

    private static boolean canBindIpv6Wildcard() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(new byte[16]), 0))) {
            return s.isBound();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
