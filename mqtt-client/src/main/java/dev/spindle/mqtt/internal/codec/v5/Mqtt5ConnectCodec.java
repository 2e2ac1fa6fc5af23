package dev.spindle.mqtt.internal.codec.v5;

import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.internal.codec.ConnectFields;
import dev.spindle.mqtt.internal.codec.MqttPrimitives;
import dev.spindle.mqtt.internal.packet.Connect;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Will;
import java.nio.ByteBuffer;

/**
 * CONNECT in MQTT 5.0 (§3.1): the 3.1.1 layout plus CONNECT properties after the keep alive
 * and will properties before the will topic; a password may come without a user name.
 */
final class Mqtt5ConnectCodec {
    private Mqtt5ConnectCodec() {
    }

    static long remainingLength(Connect c) {
        long n = ConnectFields.length(c, MqttVersion.V5);
        if (authenticationDataWithoutMethod(c.properties())) {
            throw new IllegalArgumentException("CONNECT AUTHENTICATION_DATA needs an AUTHENTICATION_METHOD (§3.1.2.11.10)");
        }
        n += Mqtt5PropertiesCodec.sectionLength(c.properties(), PropertyScope.CONNECT);
        Will will = c.will();
        if (will != null) {
            n += Mqtt5PropertiesCodec.sectionLength(will.properties(), PropertyScope.WILL);
        }
        return n;
    }

    static void encode(Connect c, ByteBuffer dst) {
        ConnectFields.putHeader(c, dst);
        Mqtt5PropertiesCodec.put(dst, c.properties(), PropertyScope.CONNECT);
        MqttPrimitives.putString(dst, c.clientId());
        Will will = c.will();
        if (will != null) {
            Mqtt5PropertiesCodec.put(dst, will.properties(), PropertyScope.WILL);
        }
        ConnectFields.putWillAndCredentials(c, dst);
    }

    static Connect decode(ByteBuffer body) {
        int header = ConnectFields.readHeader(body, MqttVersion.V5);
        int flags = header & 0xFF;
        Properties properties = Mqtt5PropertiesCodec.read(body, PropertyScope.CONNECT);
        if (authenticationDataWithoutMethod(properties)) {
            throw MqttPrimitives.protocolError("CONNECT carries AUTHENTICATION_DATA without AUTHENTICATION_METHOD (§3.1.2.11.10)");
        }
        String clientId = MqttPrimitives.readString(body, "CONNECT client identifier");
        Properties willProperties = (flags & ConnectFields.WILL) != 0
                ? Mqtt5PropertiesCodec.read(body, PropertyScope.WILL) : Properties.EMPTY;
        Will will = ConnectFields.readWill(body, flags, willProperties);
        String username = ConnectFields.readUsername(body, flags);
        byte[] password = ConnectFields.readPassword(body, flags);
        return new Connect(MqttVersion.V5, clientId, (flags & ConnectFields.CLEAN_START) != 0, header >>> 8, username,
                password, will, properties);
    }

    private static boolean authenticationDataWithoutMethod(Properties p) {
        return p.has(PropertyId.AUTHENTICATION_DATA) && !p.has(PropertyId.AUTHENTICATION_METHOD);
    }
}
