package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.internal.codec.AbstractMqttCodec;
import dev.spindle.mqtt.internal.packet.Ack;
import dev.spindle.mqtt.internal.packet.Auth;
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
 * The MQTT 5.0 codec: every packet type with its properties and reason codes. Encoding uses the
 * short forms the specification allows (acknowledgements, DISCONNECT and AUTH without a reason
 * code or properties when they would say "success, nothing more"). Stateless and thread-safe:
 * use {@link #INSTANCE}.
 */
public final class Mqtt5Codec extends AbstractMqttCodec {
    /** The one instance. */
    public static final Mqtt5Codec INSTANCE = new Mqtt5Codec();

    private Mqtt5Codec() {
    }

    @Override
    public MqttVersion version() {
        return MqttVersion.V5;
    }

    @Override
    protected boolean supports(PacketType type) {
        return true;
    }

    @Override
    protected long remainingLength(Packet packet) {
        switch (packet.type()) {
            case CONNECT:
                return Mqtt5ConnectCodec.remainingLength((Connect) packet);
            case CONNACK:
                return Mqtt5ConnackCodec.remainingLength((Connack) packet);
            case PUBLISH:
                return Mqtt5PublishCodec.remainingLength((Publish) packet);
            case PUBACK:
            case PUBREC:
            case PUBREL:
            case PUBCOMP:
                return Mqtt5AckCodec.remainingLength((Ack) packet);
            case SUBSCRIBE:
                return Mqtt5SubscribeCodec.remainingLength((Subscribe) packet);
            case SUBACK:
                return Mqtt5SubackCodec.remainingLength((Suback) packet);
            case UNSUBSCRIBE:
                return Mqtt5UnsubscribeCodec.remainingLength((Unsubscribe) packet);
            case UNSUBACK:
                return Mqtt5UnsubackCodec.remainingLength((Unsuback) packet);
            case DISCONNECT:
                return Mqtt5DisconnectCodec.remainingLength((Disconnect) packet);
            case AUTH:
                return Mqtt5AuthCodec.remainingLength((Auth) packet);
            default:
                return 0; // PINGREQ, PINGRESP
        }
    }

    @Override
    protected void encodeBody(Packet packet, ByteBuffer dst) {
        switch (packet.type()) {
            case CONNECT:
                Mqtt5ConnectCodec.encode((Connect) packet, dst);
                break;
            case CONNACK:
                Mqtt5ConnackCodec.encode((Connack) packet, dst);
                break;
            case PUBLISH:
                Mqtt5PublishCodec.encode((Publish) packet, dst);
                break;
            case PUBACK:
            case PUBREC:
            case PUBREL:
            case PUBCOMP:
                Mqtt5AckCodec.encode((Ack) packet, dst);
                break;
            case SUBSCRIBE:
                Mqtt5SubscribeCodec.encode((Subscribe) packet, dst);
                break;
            case SUBACK:
                Mqtt5SubackCodec.encode((Suback) packet, dst);
                break;
            case UNSUBSCRIBE:
                Mqtt5UnsubscribeCodec.encode((Unsubscribe) packet, dst);
                break;
            case UNSUBACK:
                Mqtt5UnsubackCodec.encode((Unsuback) packet, dst);
                break;
            case DISCONNECT:
                Mqtt5DisconnectCodec.encode((Disconnect) packet, dst);
                break;
            case AUTH:
                Mqtt5AuthCodec.encode((Auth) packet, dst);
                break;
            default:
                break; // PINGREQ, PINGRESP: no body
        }
    }

    @Override
    protected Packet decodeBody(PacketType type, int flags, ByteBuffer body) {
        switch (type) {
            case CONNECT:
                return Mqtt5ConnectCodec.decode(body);
            case CONNACK:
                return Mqtt5ConnackCodec.decode(body);
            case PUBLISH:
                return Mqtt5PublishCodec.decode(flags, body);
            case PUBACK:
            case PUBREC:
            case PUBREL:
            case PUBCOMP:
                return Mqtt5AckCodec.decode(type, body);
            case SUBSCRIBE:
                return Mqtt5SubscribeCodec.decode(body);
            case SUBACK:
                return Mqtt5SubackCodec.decode(body);
            case UNSUBSCRIBE:
                return Mqtt5UnsubscribeCodec.decode(body);
            case UNSUBACK:
                return Mqtt5UnsubackCodec.decode(body);
            case DISCONNECT:
                return Mqtt5DisconnectCodec.decode(body);
            case AUTH:
                return Mqtt5AuthCodec.decode(body);
            case PINGREQ:
                return Pingreq.INSTANCE;
            case PINGRESP:
                return Pingresp.INSTANCE;
            default:
                throw new IllegalStateException("no decoder for " + type);
        }
    }
}
