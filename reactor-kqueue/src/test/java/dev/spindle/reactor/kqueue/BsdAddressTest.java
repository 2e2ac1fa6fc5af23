package dev.spindle.reactor.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Socket addresses and timeouts as the BSD kernels read them, byte for byte. */
class BsdAddressTest {

    private static byte[] encode(BsdPlatform p, InetAddress ip, int port, int[] length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment at = arena.allocate(BsdPlatform.SOCKADDR_STORAGE_SIZE);
            at.fill((byte) 0x33);
            length[0] = BsdIo.encode(at, p, ip, port);
            return at.asSlice(0, length[0]).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    @Test
    void anIpv4AddressStartsWithItsLengthAndTheOneByteFamily() throws Exception {
        int[] len = new int[1];
        byte[] expected = {16, 2, 0x1F, (byte) 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        for (BsdPlatform p : BsdPlatform.ALL) {
            assertArrayEquals(expected, encode(p, InetAddress.getByName("127.0.0.1"), 8080, len), p.toString());
            assertEquals(16, len[0]);
        }
    }

    @Test
    void anIpv6AddressCarriesTheFamilyNumberOfItsSystem() throws Exception {
        int[] len = new int[1];
        InetAddress loopback = InetAddress.getByName("::1");
        byte[] darwin = encode(BsdPlatform.DARWIN_AARCH64, loopback, 443, len);
        assertEquals(28, len[0]);
        byte[] expected = new byte[28];
        expected[0] = 28;
        expected[1] = 30; // AF_INET6 on Darwin
        expected[2] = 0x01;
        expected[3] = (byte) 0xBB;
        expected[23] = 1; // ::1, sin6_addr at 8..23; flowinfo (4..7) and scope id (24..27) zero
        assertArrayEquals(expected, darwin);
        expected[1] = 28; // AF_INET6 on FreeBSD
        assertArrayEquals(expected, encode(BsdPlatform.FREEBSD_X86_64, loopback, 443, len));

        InetAddress scoped = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);
        byte[] withScope = encode(BsdPlatform.FREEBSD_AARCH64, scoped, 1, len);
        assertArrayEquals(new byte[] {3, 0, 0, 0}, java.util.Arrays.copyOfRange(withScope, 24, 28), "sin6_scope_id, little-endian");
    }

    @Test
    void decodingReversesEncodingAndMapsIpv4InIpv6ToIpv4() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment at = arena.allocate(BsdPlatform.SOCKADDR_STORAGE_SIZE);
            for (BsdPlatform p : BsdPlatform.ALL) {
                for (String host : new String[] {"127.0.0.1", "::1", "10.1.2.3", "2001:db8::7"}) {
                    InetAddress ip = InetAddress.getByName(host);
                    BsdIo.encode(at, p, ip, 65535);
                    assertEquals(new InetSocketAddress(ip, 65535), BsdIo.decode(at, p), p + " " + host);
                }
                BsdIo.encode(at, p, InetAddress.getByName("::ffff:1.2.3.4"), 5);
                InetSocketAddress mapped = BsdIo.decode(at, p);
                assertInstanceOf(Inet4Address.class, mapped.getAddress());
                assertEquals("1.2.3.4", mapped.getAddress().getHostAddress());
            }
        }
    }

    @Test
    void aLinuxStyleOrForeignFamilyIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment at = arena.allocate(BsdPlatform.SOCKADDR_STORAGE_SIZE);
            // Linux: a 16-bit family first (2, 0 in little-endian), no length byte: family reads as 0.
            at.copyFrom(MemorySegment.ofArray(new byte[] {2, 0, 0x1F, (byte) 0x90, 127, 0, 0, 1}));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BsdIo.decode(at, BsdPlatform.DARWIN_X86_64));
            assertEquals("address family 0", e.getMessage());
            at.fill((byte) 0);
            at.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 1, (byte) 30); // Darwin's AF_INET6 is FreeBSD's AF_ATM
            assertThrows(IllegalArgumentException.class, () -> BsdIo.decode(at, BsdPlatform.FREEBSD_X86_64));
        }
    }

    @Test
    void timeoutsAreTimespecsWithNanosecondsAndABoundedLength() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(BsdPlatform.TIMESPEC);
            long[][] cases = {
                {0, 0, 0},
                {1, 0, 1},
                {999_999_999, 0, 999_999_999},
                {1_000_000_000, 1, 0},
                {1_500_000_250L, 1, 500_000_250},
                {86_399_999_999_999L, 86_399, 999_999_999},
                {86_400_000_000_000L, 86_400, 0},
                {5 * 86_400_000_000_000L + 7, 86_400, 0},
                {Long.MAX_VALUE / 4, 86_400, 0},
            };
            for (long[] c : cases) {
                BsdIo.encodeTimespec(ts, c[0]);
                assertEquals(c[1], ts.get(JAVA_LONG, 0), "tv_sec for " + c[0]);
                assertEquals(c[2], ts.get(JAVA_LONG, 8), "tv_nsec for " + c[0]);
            }
        }
    }
}
