package dev.spindle.mqtt.internal.codec.v311;

import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.internal.codec.AbstractMqttCodec;
import dev.spindle.mqtt.internal.packet.Ack;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Connect;
import dev.spindle.mqtt.internal.packet.Disconnect;
import dev.spindle.mqtt.internal.packet.Packet;
import dev.spindle.mqtt.internal.packet.PacketType;
import dev.spindle.mqtt.internal.packet.Pingreq;
import dev.spindle.mqtt.internal.packet.Pingresp;
import dev.spindle.mqtt.internal.packet.Publish;
import dev.spindle.mqtt.internal.packet.Suback;
import dev.spindle.mqtt.internal.packet.Subscribe;
import dev.spindle.mqtt.internal.packet.Unsuback;
import dev.spindle.mqtt.internal.packet.Unsubscribe;
import java.nio.ByteBuffer;

/**
 * The MQTT 3.1.1 codec. AUTH does not exist in this version: encoding one throws
 * {@link IllegalArgumentException}, receiving type 15 is a malformed packet. PINGREQ, PINGRESP
 * and DISCONNECT have no body. Stateless and thread-safe: use {@link #INSTANCE}.
 */
public final class Mqtt311Codec extends AbstractMqttCodec {
    /** The one instance. */
    public static final Mqtt311Codec INSTANCE = new Mqtt311Codec();

    private Mqtt311Codec() {
    }

    @Override
    public MqttVersion version() {
        return MqttVersion.V3_1_1;
    }

    @Override
    protected boolean supports(PacketType type) {
        return type != PacketType.AUTH;
    }

    @Override
    protected long remainingLength(Packet packet) {
        switch (packet.type()) {
            case CONNECT:
                return Mqtt311ConnectCodec.remainingLength((Connect) packet);
            case CONNACK:
                return Mqtt311ConnackCodec.remainingLength((Connack) packet);
            case PUBLISH:
                return Mqtt311PublishCodec.remainingLength((Publish) packet);
            case PUBACK:
            case PUBREC:
            case PUBREL:
            case PUBCOMP:
                return Mqtt311AckCodec.remainingLength((Ack) packet);
            case SUBSCRIBE:
                return Mqtt311SubscribeCodec.remainingLength((Subscribe) packet);
            case SUBACK:
                return Mqtt311SubackCodec.remainingLength((Suback) packet);
            case UNSUBSCRIBE:
                return Mqtt311UnsubscribeCodec.remainingLength((Unsubscribe) packet);
            case UNSUBACK:
                return Mqtt311UnsubackCodec.remainingLength((Unsuback) packet);
            case PINGREQ:
            case PINGRESP:
            case DISCONNECT:
                return 0;
            default:
                throw new IllegalArgumentException(packet.type() + " cannot be sent with MQTT 3.1.1");
        }
    }

    @Override
    protected void encodeBody(Packet packet, ByteBuffer dst) {
        switch (packet.type()) {
            case CONNECT:
                Mqtt311ConnectCodec.encode((Connect) packet, dst);
                break;
            case CONNACK:
                Mqtt311ConnackCodec.encode((Connack) packet, dst);
                break;
            case PUBLISH:
                Mqtt311PublishCodec.encode((Publish) packet, dst);
                break;
            case PUBACK:
            case PUBREC:
            case PUBREL:
            case PUBCOMP:
                Mqtt311AckCodec.encode((Ack) packet, dst);
                break;
            case SUBSCRIBE:
                Mqtt311SubscribeCodec.encode((Subscribe) packet, dst);
                break;
            case SUBACK:
                Mqtt311SubackCodec.encode((Suback) packet, dst);
                break;
            case UNSUBSCRIBE:
                Mqtt311UnsubscribeCodec.encode((Unsubscribe) packet, dst);
                break;
            case UNSUBACK:
                Mqtt311UnsubackCodec.encode((Unsuback) packet, dst);
                break;
            default:
                break; // no body
        }
    }

    @Override
    protected Packet decodeBody(PacketType type, int flags, ByteBuffer body) {
        switch (type) {
            case CONNECT:
                return Mqtt311ConnectCodec.decode(body);
            case CONNACK:
                return Mqtt311ConnackCodec.decode(body);
            case PUBLISH:
                return Mqtt311PublishCodec.decode(flags, body);
            case PUBACK:
            case PUBREC:
            case PUBREL:
            case PUBCOMP:
                return Mqtt311AckCodec.decode(type, body);
            case SUBSCRIBE:
                return Mqtt311SubscribeCodec.decode(body);
            case SUBACK:
                return Mqtt311SubackCodec.decode(body);
            case UNSUBSCRIBE:
                return Mqtt311UnsubscribeCodec.decode(body);
            case UNSUBACK:
                return Mqtt311UnsubackCodec.decode(body);
            case PINGREQ:
                return Pingreq.INSTANCE;
            case PINGRESP:
                return Pingresp.INSTANCE;
            case DISCONNECT:
                return Disconnect.NORMAL;
            default:
                throw new IllegalStateException("unsupported type passed the fixed-header check: " + type);
        }
    }
}
