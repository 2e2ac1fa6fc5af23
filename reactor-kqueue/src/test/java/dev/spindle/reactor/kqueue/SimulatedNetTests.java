package dev.spindle.reactor.kqueue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import dev.spindle.reactor.contract.ReactorContractSupport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingDatagramProtocol;
import dev.spindle.reactor.contract.RecordingProtocol;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the UDP and UNIX contract tests cannot show over the simulated kernel, checked against the
 * system calls it recorded: the option numbers and structure bytes of multicast, broadcast and the
 * send buffer per system, BSD's disconnect, and the BSD limit of {@code sun_path}. Subclassed per
 * system.
 */
@Timeout(60)
abstract class SimulatedNetTests extends ReactorContractSupport {
    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    final SimulatedKernel kernel = new SimulatedKernel(platform());

    @TempDir
    Path dir;

    abstract BsdPlatform platform();

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return KqueueTesting.simulated(config, kernel);
    }

    private static DatagramTransport bind(ReactorHarness h, InetSocketAddress at, RecordingDatagramProtocol p,
            UdpOptions options) {
        return h.call(() -> h.reactor().listenUdp(at, p, options));
    }

    private List<SimulatedKernel.SockOpt> options(DatagramTransport t, int level, int name) {
        int fd = ((KqueueDatagramTransport) t).fd();
        return kernel.sockopts().stream().filter(o -> o.fd() == fd && o.level() == level && o.name() == name).toList();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    @Test
    void broadcastNeedsSoBroadcast() throws Exception {
        ReactorHarness h = started();
        RecordingDatagramProtocol receiver = new RecordingDatagramProtocol();
        DatagramTransport rt = bind(h, new InetSocketAddress(InetAddress.getByAddress(new byte[4]), 0), receiver,
                UdpOptions.defaults());
        int port = ((InetSocketAddress) h.call(rt::localAddress)).getPort();
        InetSocketAddress limited = new InetSocketAddress(InetAddress.getByAddress(new byte[] {-1, -1, -1, -1}), port);
        DatagramTransport on = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(),
                UdpOptions.builder().broadcast(true).build());
        DatagramTransport off = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        List<SimulatedKernel.SockOpt> set = options(on, 0xffff, 0x0020);
        assertEquals(1, set.size(), "SO_BROADCAST (0x0020) once");
        assertArrayEquals(new byte[] {1, 0, 0, 0}, set.get(0).value());
        assertEquals(List.of(), options(off, 0xffff, 0x0020));
        assertTrue(h.call(() -> on.send(ByteBuffer.wrap("all".getBytes(UTF_8)), limited)));
        assertEquals("all", receiver.next().text());
    }

    @Test
    void multicastOptionsCarryTheSystemsStructs() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        ReactorHarness h = started();
        InetAddress group = InetAddress.getByAddress(new byte[] {(byte) 239, (byte) 255, 83, 1});
        InetAddress ssm = InetAddress.getByAddress(new byte[] {(byte) 232, 83, 0, 1});
        InetAddress source = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        byte[] loAddress = {127, 0, 0, 1};
        DatagramTransport t = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(),
                UdpOptions.builder().multicastTtl(3).multicastLoopback(false).multicastInterface(lo).build());
        // ip(4): u_char for the TTL and the loop flag; IP_MULTICAST_IF takes the interface's address.
        assertArrayEquals(new byte[] {3}, options(t, 0, 10).get(0).value(), "IP_MULTICAST_TTL");
        assertArrayEquals(new byte[] {0}, options(t, 0, 11).get(0).value(), "IP_MULTICAST_LOOP");
        assertArrayEquals(loAddress, options(t, 0, 9).get(0).value(), "IP_MULTICAST_IF");
        h.run(() -> {
            t.joinGroup(group, lo);
            t.joinGroup(group, lo); // no second system call
            t.joinGroup(ssm, lo, source);
            assertTrue(t.leaveGroup(group, lo));
            assertFalse(t.leaveGroup(group, lo));
            assertTrue(t.leaveGroup(ssm, lo, source));
        });
        byte[] mreq = concat(group.getAddress(), loAddress);
        byte[] mreqSource = concat(ssm.getAddress(), source.getAddress(), loAddress); // source before interface
        assertEquals(1, options(t, 0, 12).size(), "IP_ADD_MEMBERSHIP (12) once");
        assertArrayEquals(mreq, options(t, 0, 12).get(0).value());
        assertArrayEquals(mreq, options(t, 0, 13).get(0).value(), "IP_DROP_MEMBERSHIP (13)");
        assertArrayEquals(mreqSource, options(t, 0, 70).get(0).value(), "IP_ADD_SOURCE_MEMBERSHIP (70)");
        assertArrayEquals(mreqSource, options(t, 0, 71).get(0).value(), "IP_DROP_SOURCE_MEMBERSHIP (71)");
    }

    @Test
    void ipv6MulticastUsesIpv6MreqAndTheSystemsGroupSourceReq() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        InetAddress v6Loopback = InetAddress.getByName("::1");
        ReactorHarness h = started();
        InetAddress group = InetAddress.getByName("ff15::5350");
        InetAddress source = InetAddress.getByName("fd00::2");
        DatagramTransport t = bind(h, new InetSocketAddress(v6Loopback, 0), new RecordingDatagramProtocol(),
                UdpOptions.builder().multicastTtl(5).build());
        assertArrayEquals(new byte[] {0, 0, 0, 0}, options(t, 41, 27).get(0).value(), "IPV6_V6ONLY (27) off");
        assertArrayEquals(new byte[] {5, 0, 0, 0}, options(t, 41, 10).get(0).value(), "IPV6_MULTICAST_HOPS (10)");
        h.run(() -> {
            t.joinGroup(group, lo);
            t.joinGroup(group, lo, source);
        });
        byte[] index = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(lo.getIndex()).array();
        assertArrayEquals(concat(group.getAddress(), index), options(t, 41, 12).get(0).value(), "IPV6_JOIN_GROUP (12)");
        byte[] gsr = options(t, 41, 82).get(0).value();
        boolean darwin = platform().os() == BsdPlatform.Os.DARWIN;
        int groupAt = darwin ? 4 : 8;
        assertEquals(darwin ? 260 : 264, gsr.length, "sizeof(struct group_source_req)");
        assertArrayEquals(index, java.util.Arrays.copyOfRange(gsr, 0, 4), "gsr_interface");
        for (int at : new int[] {groupAt, groupAt + 128}) {
            assertEquals(28, gsr[at], "sin6_len");
            assertEquals(platform().afInet6(), gsr[at + 1], "sin6_family");
        }
        assertArrayEquals(group.getAddress(), java.util.Arrays.copyOfRange(gsr, groupAt + 8, groupAt + 24));
        assertArrayEquals(source.getAddress(), java.util.Arrays.copyOfRange(gsr, groupAt + 136, groupAt + 152));
        assertInstanceOf(Inet6Address.class, ((InetSocketAddress) h.call(t::localAddress)).getAddress());
    }

    @Test
    void theSendBufferIsRaisedToTheLargestDatagramUnlessConfigured() {
        ReactorHarness h = started();
        DatagramTransport plain = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        DatagramTransport sized = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(),
                UdpOptions.builder().sendBufferSize(20_000).build());
        // net.inet.udp.maxdgram is 9,216 on both systems: the default buffer would refuse larger datagrams.
        List<SimulatedKernel.SockOpt> raised = options(plain, 0xffff, 0x1001);
        assertEquals(1, raised.size());
        assertEquals(UdpOptions.MAX_IPV4_PAYLOAD, ByteBuffer.wrap(raised.get(0).value()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
        List<SimulatedKernel.SockOpt> configured = options(sized, 0xffff, 0x1001);
        assertEquals(1, configured.size());
        assertEquals(20_000, ByteBuffer.wrap(configured.get(0).value()).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt());
    }

    @Test
    void disconnectLeavesTheSocketOnTheWildcardAddressWithItsPort() {
        ReactorHarness h = started();
        RecordingDatagramProtocol p = new RecordingDatagramProtocol();
        DatagramTransport t = bind(h, LOOPBACK_ANY_PORT, p, UdpOptions.defaults());
        DatagramTransport peer = bind(h, LOOPBACK_ANY_PORT, new RecordingDatagramProtocol(), UdpOptions.defaults());
        InetSocketAddress bound = (InetSocketAddress) h.call(t::localAddress);
        InetSocketAddress peerAddress = (InetSocketAddress) h.call(peer::localAddress);
        h.run(() -> {
            t.connect(peerAddress);
            t.disconnect();
        });
        InetSocketAddress after = (InetSocketAddress) h.call(t::localAddress);
        assertTrue(after.getAddress().isAnyLocalAddress(), "udp_disconnect resets the address: " + after);
        assertEquals(bound.getPort(), after.getPort());
        h.run(() -> peer.send(ByteBuffer.wrap("still here".getBytes(UTF_8)), bound));
        assertEquals("still here", p.next().text());
    }

    @Test
    void aPathLinuxWouldTakeButBsdCannotIsAClearError() {
        ReactorHarness h = started();
        String name = "s".repeat(Math.max(1, 104 - dir.toString().length() - 1));
        Path path = dir.resolve(name); // 104 bytes: over BSD's 103, within Linux's 107
        assertEquals(104, path.toString().length());
        CannotListenException e = h.call(() -> assertThrows(CannotListenException.class,
                () -> h.reactor().listenUnix(UnixAddress.path(path), remote -> null, UnixListenOptions.defaults())));
        assertTrue(e.getMessage().contains("too long") && e.getMessage().contains("103"), e.getMessage());
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        Throwable f = ReactorHarness.awaitFailure(h.call(() -> h.reactor().connectUnix(UnixAddress.path(path),
                new RecordingProtocol(), ConnectOptions.defaults()).result()));
        assertInstanceOf(ConnectionFailedException.class, f);
        assertTrue(f.getMessage().contains("too long"), f.getMessage());
        assertEquals(0, kernel.openDescriptors() - descriptorsOfTheLoop(), kernel.describeOpen().toString());
    }

    /** The kqueue itself. */
    private static int descriptorsOfTheLoop() {
        return 1;
    }
}
