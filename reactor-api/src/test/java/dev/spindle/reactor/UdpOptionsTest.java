package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link UdpOptions}: defaults, limits, and error messages that name the value found. */
class UdpOptionsTest {

    @Test
    @DisplayName("defaults: maxPacketSize 8192 (Twisted), broadcast and reuse off, TTL 1, loopback on, system buffers, family from the address, queue 1024 datagrams / 1 MiB")
    void defaults() {
        UdpOptions o = UdpOptions.defaults();
        assertEquals(8192, o.maxPacketSize());
        assertFalse(o.broadcast());
        assertFalse(o.reuseAddress());
        assertNull(o.multicastInterface());
        assertEquals(1, o.multicastTtl());
        assertTrue(o.multicastLoopback());
        assertEquals(0, o.receiveBufferSize());
        assertEquals(0, o.sendBufferSize());
        assertNull(o.protocolFamily());
        assertEquals(1024, o.maxQueuedDatagrams());
        assertEquals(1 << 20, o.maxQueuedBytes());
    }

    @Test
    @DisplayName("maxPacketSize accepts 1..65527 (the IPv6 payload limit) and rejects the rest naming the value")
    void maxPacketSizeLimits() {
        assertEquals(1, UdpOptions.builder().maxPacketSize(1).build().maxPacketSize());
        assertEquals(65_527, UdpOptions.builder().maxPacketSize(65_527).build().maxPacketSize());
        rejects(b -> b.maxPacketSize(0), "0");
        rejects(b -> b.maxPacketSize(65_528), "65528");
        rejects(b -> b.maxPacketSize(-5), "-5");
    }

    @Test
    @DisplayName("out-of-range TTL, negative buffer sizes and queue bounds, and the UNIX family are rejected naming the value")
    void otherLimits() {
        rejects(b -> b.multicastTtl(256), "256");
        rejects(b -> b.multicastTtl(-1), "-1");
        rejects(b -> b.receiveBufferSize(-1), "-1");
        rejects(b -> b.sendBufferSize(-2), "-2");
        rejects(b -> b.maxQueuedDatagrams(-3), "-3");
        rejects(b -> b.maxQueuedBytes(-4), "-4");
        rejects(b -> b.protocolFamily(StandardProtocolFamily.UNIX), "UNIX");
        assertEquals(StandardProtocolFamily.INET6,
                UdpOptions.builder().protocolFamily(StandardProtocolFamily.INET6).build().protocolFamily());
    }

    @Test
    @DisplayName("toBuilder copies every option")
    void toBuilderCopies() {
        UdpOptions o = UdpOptions.builder().maxPacketSize(1200).broadcast(true).reuseAddress(true).multicastTtl(0)
                .multicastLoopback(false).receiveBufferSize(4096).sendBufferSize(8192)
                .protocolFamily(StandardProtocolFamily.INET).maxQueuedDatagrams(3).maxQueuedBytes(300).build();
        assertEquals(o.toString(), o.toBuilder().build().toString());
        assertEquals(1200, o.toBuilder().build().maxPacketSize());
    }

    private static void rejects(Consumer<UdpOptions.Builder> change, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> change.accept(UdpOptions.builder()));
        assertTrue(String.valueOf(e.getMessage()).contains("found: " + value), e.getMessage());
    }
}
