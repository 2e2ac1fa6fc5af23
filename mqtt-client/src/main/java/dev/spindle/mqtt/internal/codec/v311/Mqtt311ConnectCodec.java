package dev.spindle.mqtt.internal.codec.v311;

import static dev.spindle.mqtt.internal.codec.MqttPrimitives.malformed;

import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.internal.codec.ConnectFields;
import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Connect;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.Will;
import java.nio.ByteBuffer;

/** CONNECT in MQTT 3.1.1 (§3.1): no properties, and a password only with a user name. */
final class Mqtt311ConnectCodec {
    private Mqtt311ConnectCodec() {
    }

    static long remainingLength(Connect c) {
        if (c.password() != null && c.username() == null) {
            throw new IllegalArgumentException("MQTT 3.1.1 CONNECT cannot carry a password without a user name (MQTT-3.1.2-22)");
        }
        return ConnectFields.length(c, MqttVersion.V3_1_1);
    }

    static void encode(Connect c, ByteBuffer dst) {
        ConnectFields.putHeader(c, dst);
        MqttPrimitives.putString(dst, c.clientId());
        ConnectFields.putWillAndCredentials(c, dst);
    }

    static Connect decode(ByteBuffer body) {
        int header = ConnectFields.readHeader(body, MqttVersion.V3_1_1);
        int flags = header & 0xFF;
        if ((flags & ConnectFields.PASSWORD) != 0 && (flags & ConnectFields.USERNAME) == 0) {
            throw malformed("MQTT 3.1.1 CONNECT password flag must be 0 without the user name flag (MQTT-3.1.2-22), found flags "
                    + MqttPrimitives.hex(flags));
        }
        String clientId = MqttPrimitives.readString(body, "CONNECT client identifier");
        Will will = ConnectFields.readWill(body, flags, Properties.EMPTY);
        String username = ConnectFields.readUsername(body, flags);
        byte[] password = ConnectFields.readPassword(body, flags);
        return new Connect(MqttVersion.V3_1_1, clientId, (flags & ConnectFields.CLEAN_START) != 0, header >>> 8, username,
                password, will, Properties.EMPTY);
    }
}
