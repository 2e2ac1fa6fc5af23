package dev.spindle.reactor.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.UnixAddress;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The UDP and UNIX-domain constants and structures against Darwin's and FreeBSD's headers, written
 * here as data per system ({@code sys/socket.h}, {@code netinet/in.h}, {@code netinet6/in6.h},
 * {@code sys/un.h}; xnu {@code bsd/}, FreeBSD 12+ {@code sys/}), with Linux's value in a comment
 * where it differs, since that is the mistake this test is there to catch.
 */
class BsdNetLayoutTest {

    @Test
    void udpAndMulticastConstantsMatchEachSystemsHeaders() {
        Map<String, Long> bsd = new LinkedHashMap<>();
        bsd.put("SOCK_DGRAM", 2L); // sys/socket.h
        bsd.put("SO_BROADCAST", 0x20L); // Linux: 6
        bsd.put("SO_REUSEPORT", 0x200L); // Linux: 15
        bsd.put("MSG_TRUNC", 0x10L); // Linux: 0x20
        bsd.put("IPPROTO_IP", 0L);
        bsd.put("IPPROTO_IPV6", 41L);
        bsd.put("IP_MULTICAST_IF", 9L); // netinet/in.h; Linux: 32
        bsd.put("IP_MULTICAST_TTL", 10L); // Linux: 33
        bsd.put("IP_MULTICAST_LOOP", 11L); // Linux: 34
        bsd.put("IP_ADD_MEMBERSHIP", 12L); // Linux: 35
        bsd.put("IP_DROP_MEMBERSHIP", 13L); // Linux: 36
        bsd.put("IP_ADD_SOURCE_MEMBERSHIP", 70L); // Linux: 39
        bsd.put("IP_DROP_SOURCE_MEMBERSHIP", 71L); // Linux: 40
        bsd.put("MCAST_JOIN_SOURCE_GROUP", 82L); // Linux: 46
        bsd.put("MCAST_LEAVE_SOURCE_GROUP", 83L); // Linux: 47
        bsd.put("IPV6_MULTICAST_IF", 9L); // netinet6/in6.h; Linux: 17
        bsd.put("IPV6_MULTICAST_HOPS", 10L); // Linux: 18
        bsd.put("IPV6_MULTICAST_LOOP", 11L); // Linux: 19
        bsd.put("IPV6_JOIN_GROUP", 12L); // Linux: 20
        bsd.put("IPV6_LEAVE_GROUP", 13L); // Linux: 21
        bsd.put("IPV6_V6ONLY", 27L); // Linux: 26
        bsd.put("MAX_UNIX_PATH_BYTES", 103L); // sys/un.h: char sun_path[104]; Linux: 108
        // The same numbers on both systems: each is checked against its own transcription.
        Map<String, Long> darwin = new LinkedHashMap<>(bsd);
        Map<String, Long> freebsd = new LinkedHashMap<>(bsd);
        for (BsdPlatform p : BsdPlatform.ALL) {
            Map<String, Long> expected = p.os() == BsdPlatform.Os.DARWIN ? darwin : freebsd;
            Map<String, Long> actual = new LinkedHashMap<>();
            for (String name : expected.keySet()) {
                try {
                    actual.put(name, ((Number) BsdPlatform.class.getDeclaredField(name).get(null)).longValue());
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(name, e);
                }
            }
            assertEquals(expected, actual, p.toString());
        }
    }

    @Test
    void membershipStructsAreTheBsdOnes() {
        // struct ip_mreq { struct in_addr imr_multiaddr; struct in_addr imr_interface; }: 8 bytes.
        assertEquals(Map.of("sizeof", 8L, "imr_multiaddr", 0L, "imr_interface", 4L),
                offsets(BsdPlatform.IP_MREQ, "imr_multiaddr", "imr_interface"));
        // struct ip_mreq_source { imr_multiaddr; imr_sourceaddr; imr_interface; }: the source second
        // on both BSDs (Linux: multiaddr, interface, sourceaddr).
        assertEquals(Map.of("sizeof", 12L, "imr_multiaddr", 0L, "imr_sourceaddr", 4L, "imr_interface", 8L),
                offsets(BsdPlatform.IP_MREQ_SOURCE, "imr_multiaddr", "imr_sourceaddr", "imr_interface"));
        // struct ipv6_mreq { struct in6_addr ipv6mr_multiaddr; unsigned int ipv6mr_interface; }: 20 bytes.
        assertEquals(Map.of("sizeof", 20L, "ipv6mr_multiaddr", 0L, "ipv6mr_interface", 16L),
                offsets(BsdPlatform.IPV6_MREQ, "ipv6mr_multiaddr", "ipv6mr_interface"));
        // struct group_source_req { uint32_t gsr_interface; struct sockaddr_storage gsr_group, gsr_source; }
        // Darwin netinet/in.h declares it inside #pragma pack(4); FreeBSD aligns sockaddr_storage to 8.
        Map<String, Long> darwin = Map.of("sizeof", 260L, "gsr_interface", 0L, "gsr_group", 4L, "gsr_source", 132L);
        Map<String, Long> freebsd = Map.of("sizeof", 264L, "gsr_interface", 0L, "gsr_group", 8L, "gsr_source", 136L);
        for (BsdPlatform p : BsdPlatform.ALL) {
            assertEquals(p.os() == BsdPlatform.Os.DARWIN ? darwin : freebsd,
                    offsets(p.groupSourceReq(), "gsr_interface", "gsr_group", "gsr_source"), p.toString());
        }
    }

    private static Map<String, Long> offsets(StructLayout s, String... names) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sizeof", s.byteSize());
        for (String n : names) {
            m.put(n, s.byteOffset(PathElement.groupElement(n)));
        }
        return m;
    }

    @Test
    void sockaddrUnCarriesSunLenFamilyAndTheNulTerminatedPath() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment at = arena.allocate(BsdPlatform.SOCKADDR_STORAGE_SIZE);
            at.fill((byte) 0x5A);
            int len = BsdIo.encodeUnix(at, UnixAddress.path(Path.of("/tmp/s.sock")), StandardCharsets.UTF_8);
            byte[] expected = new byte[2 + 11 + 1];
            expected[0] = (byte) expected.length; // sun_len: the length passed, NUL included
            expected[1] = 1; // sun_family = AF_UNIX (AF_LOCAL)
            System.arraycopy("/tmp/s.sock".getBytes(StandardCharsets.US_ASCII), 0, expected, 2, 11);
            assertEquals(expected.length, len);
            assertArrayEquals(expected, at.asSlice(0, len).toArray(JAVA_BYTE));
            assertEquals(0, at.get(JAVA_BYTE, 105), "the rest of sun_path is zeroed");

            String longest = "/" + "p".repeat(102); // 103 bytes: the most sun_path[104] holds with its NUL
            assertEquals(106, BsdIo.encodeUnix(at, UnixAddress.path(Path.of(longest)), StandardCharsets.UTF_8));
            // 104 bytes pass Linux's check (107) but not BSD's.
            IOException e = assertThrows(IOException.class,
                    () -> BsdIo.encodeUnix(at, UnixAddress.path(Path.of(longest + "p")), StandardCharsets.UTF_8));
            assertTrue(e.getMessage().contains("too long") && e.getMessage().contains("104 bytes")
                    && e.getMessage().contains("103"), e.getMessage());
        }
    }
}
