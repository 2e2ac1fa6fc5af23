package dev.spindle.mqtt.internal.packet;

import dev.spindle.mqtt.MqttVersion;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * CONNECT.
 *
 * @param version          the protocol version (its level is the protocol level byte)
 * @param clientId         the client identifier, possibly empty
 * @param cleanStart       clean session (3.1.1) / clean start (5)
 * @param keepAliveSeconds 0..65535
 * @param username         the user name, or null
 * @param password         the password (not copied), or null
 * @param will             the will, or null
 * @param properties       MQTT 5 CONNECT properties
 */
public record Connect(MqttVersion version, String clientId, boolean cleanStart, int keepAliveSeconds,
        @Nullable String username, byte @Nullable [] password, @Nullable Will will, Properties properties)
        implements Packet {
    /** Checks nulls and ranges. */
    public Connect {
        Objects.requireNonNull(version, "version must not be null");
        Objects.requireNonNull(clientId, "clientId must not be null");
        Objects.requireNonNull(properties, "properties must not be null");
        if (keepAliveSeconds < 0 || keepAliveSeconds > 65535) {
            throw new IllegalArgumentException("keepAliveSeconds must be in 0..65535, found: " + keepAliveSeconds);
        }
    }

    @Override
    public PacketType type() {
        return PacketType.CONNECT;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Connect c && c.version == version && c.clientId.equals(clientId) && c.cleanStart == cleanStart
                && c.keepAliveSeconds == keepAliveSeconds && Objects.equals(c.username, username)
                && Arrays.equals(c.password, password) && Objects.equals(c.will, will) && c.properties.equals(properties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, clientId, cleanStart, keepAliveSeconds, username, Arrays.hashCode(password), will,
                properties);
    }

    @Override
    public String toString() {
        return "Connect[" + version + ", clientId=" + clientId + ", cleanStart=" + cleanStart + ", keepAlive="
                + keepAliveSeconds + (username != null ? ", username=" + username : "")
                + (password != null ? ", password=<" + password.length + " bytes>" : "")
                + (will != null ? ", " + will : "") + ", " + properties + "]";
    }
}
