package dev.spindle.mqtt.internal.codec;

import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.mqtt.UserProperty;
import dev.spindle.mqtt.internal.packet.Ack;
import dev.spindle.mqtt.internal.packet.Auth;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Connect;
import dev.spindle.mqtt.internal.packet.Disconnect;
import dev.spindle.mqtt.internal.packet.Packet;
import dev.spindle.mqtt.internal.packet.PacketType;
import dev.spindle.mqtt.internal.packet.Pingreq;
import dev.spindle.mqtt.internal.packet.Pingresp;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Publish;
import dev.spindle.mqtt.internal.packet.Suback;
import dev.spindle.mqtt.internal.packet.Subscribe;
import dev.spindle.mqtt.internal.packet.Unsuback;
import dev.spindle.mqtt.internal.packet.Unsubscribe;
import dev.spindle.mqtt.internal.packet.Will;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A varied set of valid packets of each version, for round trips, stream and mutation tests. */
public final class SamplePackets {
    private SamplePackets() {
    }

    /** A payload of {@code n} bytes that is not all zeros. */
    public static byte[] payload(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** Valid MQTT 3.1.1 packets, every type, with and without optional parts. */
    public static List<Packet> v311() {
        List<Packet> l = new ArrayList<>();
        l.add(new Connect(MqttVersion.V3_1_1, "client-1", true, 60, null, null, null, Properties.EMPTY));
        l.add(new Connect(MqttVersion.V3_1_1, "", false, 0, "user", "secret".getBytes(StandardCharsets.UTF_8),
                new Will("will/tøpic", payload(3), Qos.EXACTLY_ONCE, true, Properties.EMPTY), Properties.EMPTY));
        l.add(new Connect(MqttVersion.V3_1_1, "ü𝄞", true, 65535, "", new byte[0], null, Properties.EMPTY));
        l.add(new Connack(true, 0, Properties.EMPTY));
        l.add(new Connack(false, 5, Properties.EMPTY));
        l.add(new Publish("a/b", Qos.AT_MOST_ONCE, false, false, 0, payload(0), Properties.EMPTY));
        l.add(new Publish("a/b/c", Qos.AT_LEAST_ONCE, true, true, 1, payload(200), Properties.EMPTY));
        l.add(new Publish("x", Qos.EXACTLY_ONCE, false, false, 65535, payload(20_000), Properties.EMPTY));
        for (PacketType t : List.of(PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP)) {
            l.add(Ack.of(t, 42));
        }
        l.add(new Subscribe(7, List.of(TopicSubscription.of("a/#", Qos.AT_LEAST_ONCE),
                TopicSubscription.of("+/b", Qos.EXACTLY_ONCE), TopicSubscription.of("c", Qos.AT_MOST_ONCE)), Properties.EMPTY));
        l.add(new Suback(7, List.of(1, 2, 0x80, 0), Properties.EMPTY));
        l.add(new Unsubscribe(8, List.of("a/#", "c"), Properties.EMPTY));
        l.add(new Unsuback(8, List.of(), Properties.EMPTY));
        l.add(Pingreq.INSTANCE);
        l.add(Pingresp.INSTANCE);
        l.add(Disconnect.NORMAL);
        return l;
    }

    /** Valid MQTT 5.0 packets, every type, with and without properties and reason codes. */
    public static List<Packet> v5() {
        List<Packet> l = new ArrayList<>();
        l.add(new Connect(MqttVersion.V5, "client-1", true, 60, null, null, null, Properties.EMPTY));
        l.add(new Connect(MqttVersion.V5, "c", false, 10, "user", payload(4),
                new Will("will/topic", payload(5), Qos.AT_LEAST_ONCE, true, Properties.builder()
                        .number(PropertyId.WILL_DELAY_INTERVAL, 30).number(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1)
                        .number(PropertyId.MESSAGE_EXPIRY_INTERVAL, 0xFFFF_FFFFL).string(PropertyId.CONTENT_TYPE, "text/plain")
                        .string(PropertyId.RESPONSE_TOPIC, "reply/here").binary(PropertyId.CORRELATION_DATA, payload(8))
                        .userProperties(List.of(new UserProperty("k", "v"))).build()),
                Properties.builder().number(PropertyId.SESSION_EXPIRY_INTERVAL, 3600).number(PropertyId.RECEIVE_MAXIMUM, 100)
                        .number(PropertyId.MAXIMUM_PACKET_SIZE, 1 << 20).number(PropertyId.TOPIC_ALIAS_MAXIMUM, 10)
                        .number(PropertyId.REQUEST_RESPONSE_INFORMATION, 1).number(PropertyId.REQUEST_PROBLEM_INFORMATION, 0)
                        .string(PropertyId.AUTHENTICATION_METHOD, "SCRAM-SHA-1").binary(PropertyId.AUTHENTICATION_DATA, payload(6))
                        .userProperties(List.of(new UserProperty("a", "1"), new UserProperty("a", "2"))).build()));
        l.add(new Connect(MqttVersion.V5, "", true, 0, null, payload(2), null, Properties.EMPTY));
        l.add(new Connack(false, 0, Properties.EMPTY));
        l.add(new Connack(true, 0, Properties.builder().number(PropertyId.SESSION_EXPIRY_INTERVAL, 0)
                .number(PropertyId.RECEIVE_MAXIMUM, 65535).number(PropertyId.MAXIMUM_QOS, 1).number(PropertyId.RETAIN_AVAILABLE, 0)
                .number(PropertyId.MAXIMUM_PACKET_SIZE, 268_435_460).string(PropertyId.ASSIGNED_CLIENT_IDENTIFIER, "auto-1")
                .number(PropertyId.TOPIC_ALIAS_MAXIMUM, 0).string(PropertyId.REASON_STRING, "ok")
                .number(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, 1).number(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 0)
                .number(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, 1).number(PropertyId.SERVER_KEEP_ALIVE, 30)
                .string(PropertyId.RESPONSE_INFORMATION, "resp").string(PropertyId.SERVER_REFERENCE, "other:1883")
                .string(PropertyId.AUTHENTICATION_METHOD, "m").binary(PropertyId.AUTHENTICATION_DATA, payload(1))
                .userProperties(List.of(new UserProperty("", ""))).build()));
        l.add(new Connack(false, 0x87, Properties.builder().string(PropertyId.REASON_STRING, "no").build()));
        l.add(new Publish("a/b", Qos.AT_MOST_ONCE, false, false, 0, payload(0), Properties.EMPTY));
        l.add(new Publish("a/b/c", Qos.AT_LEAST_ONCE, true, true, 9, payload(300), Properties.builder()
                .number(PropertyId.PAYLOAD_FORMAT_INDICATOR, 0).number(PropertyId.MESSAGE_EXPIRY_INTERVAL, 5)
                .number(PropertyId.TOPIC_ALIAS, 3).string(PropertyId.RESPONSE_TOPIC, "r").binary(PropertyId.CORRELATION_DATA, payload(2))
                .number(PropertyId.SUBSCRIPTION_IDENTIFIER, 1).number(PropertyId.SUBSCRIPTION_IDENTIFIER, 268_435_455)
                .string(PropertyId.CONTENT_TYPE, "bin").userProperties(List.of(new UserProperty("x", "y"))).build()));
        l.add(new Publish("", Qos.EXACTLY_ONCE, false, false, 65535, payload(20_000),
                Properties.builder().number(PropertyId.TOPIC_ALIAS, 65535).build()));
        for (PacketType t : List.of(PacketType.PUBACK, PacketType.PUBREC, PacketType.PUBREL, PacketType.PUBCOMP)) {
            l.add(Ack.of(t, 42));
            int failure = t == PacketType.PUBACK || t == PacketType.PUBREC ? 0x10 : 0x92;
            l.add(new Ack(t, 43, failure, Properties.EMPTY));
            l.add(new Ack(t, 44, failure, Properties.builder().string(PropertyId.REASON_STRING, "why")
                    .userProperties(List.of(new UserProperty("n", "v"))).build()));
            l.add(new Ack(t, 45, 0, Properties.builder().userProperties(List.of(new UserProperty("n", "v"))).build()));
        }
        l.add(new Subscribe(7, List.of(new TopicSubscription("a/#", Qos.AT_LEAST_ONCE, true, true, 2),
                new TopicSubscription("$share/g/b", Qos.EXACTLY_ONCE, false, false, 1), TopicSubscription.of("c", Qos.AT_MOST_ONCE)),
                Properties.builder().number(PropertyId.SUBSCRIPTION_IDENTIFIER, 12345)
                        .userProperties(List.of(new UserProperty("s", "t"))).build()));
        l.add(new Subscribe(1, List.of(TopicSubscription.of("#", Qos.AT_MOST_ONCE)), Properties.EMPTY));
        l.add(new Suback(7, List.of(1, 2, 0, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2),
                Properties.builder().string(PropertyId.REASON_STRING, "r").build()));
        l.add(new Unsubscribe(8, List.of("a/#", "c"), Properties.builder().userProperties(List.of(new UserProperty("u", "v"))).build()));
        l.add(new Unsuback(8, List.of(0, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91), Properties.EMPTY));
        l.add(Pingreq.INSTANCE);
        l.add(Pingresp.INSTANCE);
        l.add(Disconnect.NORMAL);
        l.add(new Disconnect(0x04, Properties.EMPTY));
        l.add(new Disconnect(0x8B, Properties.builder().number(PropertyId.SESSION_EXPIRY_INTERVAL, 0)
                .string(PropertyId.REASON_STRING, "bye").string(PropertyId.SERVER_REFERENCE, "s2").build()));
        l.add(new Auth(0, Properties.EMPTY));
        l.add(new Auth(0x18, Properties.builder().string(PropertyId.AUTHENTICATION_METHOD, "SCRAM")
                .binary(PropertyId.AUTHENTICATION_DATA, payload(32)).build()));
        l.add(new Auth(0x19, Properties.EMPTY));
        return l;
    }
}
