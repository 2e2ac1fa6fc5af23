package dev.spindle.mqtt;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The server's accepting CONNACK, as {@link MqttListener#connected} sees it. For MQTT 3.1.1
 * every MQTT 5 property reads as its default.
 *
 * @param sessionPresent            the server kept a session for this client
 * @param reasonCode                0 (success)
 * @param sessionExpirySeconds      MQTT 5: the session expiry the server chose, or -1 if it did not say
 * @param receiveMaximum            MQTT 5: how many QoS 1/2 publishes the server takes at once (65535 if not said)
 * @param maximumQos                MQTT 5: the highest QoS the server accepts (2 if not said)
 * @param retainAvailable           MQTT 5: retained messages are supported
 * @param maximumPacketSize         MQTT 5: the largest packet the server takes, or 0 for no limit
 * @param assignedClientIdentifier  MQTT 5: the identifier the server assigned, or null
 * @param topicAliasMaximum         MQTT 5: topic aliases the server accepts from the client (0 = none)
 * @param reasonString              MQTT 5: the server's reason string, or null
 * @param userProperties            MQTT 5: user properties
 * @param wildcardSubscriptionAvailable       MQTT 5: wildcards are supported
 * @param subscriptionIdentifiersAvailable    MQTT 5: subscription identifiers are supported
 * @param sharedSubscriptionAvailable         MQTT 5: shared subscriptions are supported
 * @param serverKeepAliveSeconds    MQTT 5: the keep alive the server imposes, or -1 if it did not
 * @param responseInformation       MQTT 5: the response information, or null
 * @param serverReference           MQTT 5: another server to use, or null
 */
public record MqttConnack(boolean sessionPresent, int reasonCode, long sessionExpirySeconds, int receiveMaximum,
        int maximumQos, boolean retainAvailable, long maximumPacketSize, @Nullable String assignedClientIdentifier,
        int topicAliasMaximum, @Nullable String reasonString, List<UserProperty> userProperties,
        boolean wildcardSubscriptionAvailable, boolean subscriptionIdentifiersAvailable,
        boolean sharedSubscriptionAvailable, int serverKeepAliveSeconds, @Nullable String responseInformation,
        @Nullable String serverReference) {
    /** Copies the user properties. */
    public MqttConnack {
        userProperties = List.copyOf(userProperties);
    }
}
