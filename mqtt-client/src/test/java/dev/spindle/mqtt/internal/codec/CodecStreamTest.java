package dev.spindle.mqtt.internal.codec;

import static dev.spindle.mqtt.internal.codec.CodecAssertions.NO_LIMIT;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertIncremental;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.assertRoundTrip;
import static dev.spindle.mqtt.internal.codec.CodecAssertions.toArray;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.internal.packet.Packet;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every sample packet of each version through the codec contract, alone and in streams. */
class CodecStreamTest {
    private static List<Packet> samples(MqttVersion v) {
        return v == MqttVersion.V5 ? SamplePackets.v5() : SamplePackets.v311();
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void everySampleRoundTripsAndKeepsTheContract(MqttVersion v) {
        for (Packet p : samples(v)) {
            assertRoundTrip(MqttCodec.of(v), p);
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aStreamFedByteByByteYieldsEachPacketOnceInOrder(MqttVersion v) {
        assertIncremental(MqttCodec.of(v), samples(v));
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void aStreamInRandomChunksYieldsEachPacketOnceInOrder(MqttVersion v) {
        MqttCodec codec = MqttCodec.of(v);
        List<Packet> packets = new ArrayList<>(samples(v));
        packets.addAll(samples(v));
        Collections.shuffle(packets, new Random(11));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (Packet p : packets) {
            stream.writeBytes(toArray(codec.encode(p)));
        }
        byte[] all = stream.toByteArray();
        Random r = new Random(3);
        for (int round = 0; round < 20; round++) {
            ByteBuffer acc = ByteBuffer.allocate(all.length);
            List<Packet> out = new ArrayList<>();
            int i = 0;
            while (i < all.length) {
                int n = Math.min(all.length - i, 1 + r.nextInt(r.nextBoolean() ? 7 : 5000));
                acc.put(all, i, n);
                i += n;
                acc.flip();
                Packet p;
                while ((p = codec.decode(acc, NO_LIMIT)) != null) {
                    out.add(p);
                }
                acc.compact();
            }
            assertEquals(packets, out);
            assertEquals(0, acc.position());
        }
    }

    @ParameterizedTest
    @EnumSource(MqttVersion.class)
    void decodingAfterTheLastPacketIsIncomplete(MqttVersion v) {
        MqttCodec codec = MqttCodec.of(v);
        ByteBuffer in = codec.encode(samples(v).get(0));
        codec.decode(in, NO_LIMIT);
        assertNull(codec.decode(in, NO_LIMIT));
    }

    @Test
    void theSamplesCoverEveryPacketType() {
        for (MqttVersion v : MqttVersion.values()) {
            long types = samples(v).stream().map(Packet::type).distinct().count();
            assertEquals(v == MqttVersion.V5 ? 15 : 14, types, "packet types among the " + v + " samples");
        }
    }
}
