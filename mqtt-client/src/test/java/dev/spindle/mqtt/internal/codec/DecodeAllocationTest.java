package dev.spindle.mqtt.internal.codec;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.NO_LIMIT;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.wire;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.MqttVersion;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Lengths read from the wire are checked against the bytes present before anything is
 * allocated for them: a small packet that declares a huge field costs a small amount of memory.
 * Measured with the JVM's per-thread allocation counter, against bounds hundreds of times
 * larger than what a correct decoder uses and far smaller than what trusting the length costs.
 */
class DecodeAllocationTest {
    /**
     * {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}, reached by reflection: the
     * test sources compile inside the module, which does not read the management modules.
     */
    private static final Method ALLOCATED = allocatedBytesMethod();
    private static final Object THREADS = threads();

    private static Method allocatedBytesMethod() {
        try {
            return Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static Object threads() {
        try {
            return Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static long allocated() {
        try {
            return (Long) ALLOCATED.invoke(THREADS, Thread.currentThread().getId());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static long allocatedWhile(Runnable r) {
        long before = allocated();
        r.run();
        return allocated() - before;
    }

    @Test
    void declaredLengthsBeyondThePacketAllocateNothingOfTheirSize() {
        assumeTrue(ALLOCATED != null && THREADS != null && ALLOCATED.getDeclaringClass().isInstance(THREADS)
                && allocated() > 0, "no per-thread allocation counter");
        MqttCodec v5 = MqttCodec.of(MqttVersion.V5);
        // A PUBLISH of 9 bytes whose topic claims 65,535 bytes.
        byte[] topic = wire(0x30, 0x07, 0xFF, 0xFF, 'a', 'b', 'c', 'd', 'e');
        // A CONNACK of 9 bytes whose property list claims 268,435,455 bytes.
        byte[] props = wire(0x20, 0x07, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 0x00);
        // A CONNECT whose password claims 65,535 bytes.
        byte[] password = wire(0x10, 0x10, 0, 4, "MQTT", 5, 0x42, 0, 0, 0, 0, 0, 0xFF, 0xFF, 1, 2, 3);
        // A header that declares 268,435,455 bytes with no limit: waits, allocates nothing for it.
        byte[] header = wire(0x30, 0xFF, 0xFF, 0xFF, 0x7F, 0, 1, 'a');
        for (int warm = 0; warm < 2_000; warm++) {
            run(v5, topic, props, password, header);
        }
        long bytes = allocatedWhile(() -> {
            for (int i = 0; i < 100; i++) {
                run(v5, topic, props, password, header);
            }
        });
        // 100 rounds of four decodes: a trusted length alone would be over 6.5 MB.
        assertTrue(bytes < 2_000_000, "allocated " + bytes + " bytes");
    }

    private static void run(MqttCodec codec, byte[] topic, byte[] props, byte[] password, byte[] header) {
        assertThrows(MqttDecodeException.class, () -> codec.decode(ByteBuffer.wrap(topic), NO_LIMIT));
        assertThrows(MqttDecodeException.class, () -> codec.decode(ByteBuffer.wrap(props), NO_LIMIT));
        assertThrows(MqttDecodeException.class, () -> codec.decode(ByteBuffer.wrap(password), NO_LIMIT));
        if (codec.decode(ByteBuffer.wrap(header), NO_LIMIT) != null) {
            throw new AssertionError("a packet from a header");
        }
    }
}
