package dev.spindle.mqtt;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How the server acknowledged a request: the stage of {@link MqttClient#publish} completes with
 * the PUBACK (QoS 1) or PUBCOMP (QoS 2) reason, or with code 0 once a QoS 0 message was handed
 * to the connection; {@link MqttClient#subscribe} completes with one code per filter (the
 * granted QoS, or 0x80 and above for a refusal) and {@link MqttClient#unsubscribe} likewise
 * (always 0 for MQTT 3.1.1, which has no unsubscribe codes).
 *
 * <p>A publish refused by an MQTT 5 server (PUBACK/PUBREC code 0x80 or above) completes normally
 * with that code: the message was delivered to the server, which declined it.
 *
 * @param reasonCodes    one code for a publish, one per filter for (un)subscribe
 * @param reasonString   MQTT 5: the server's reason string, or null
 * @param userProperties MQTT 5: user properties
 */
public record MqttAck(List<Integer> reasonCodes, @Nullable String reasonString, List<UserProperty> userProperties) {
    /** Copies the lists. */
    public MqttAck {
        reasonCodes = List.copyOf(reasonCodes);
        userProperties = List.copyOf(userProperties);
    }

    /** The first (for a publish, the only) reason code. */
    public int reasonCode() {
        return reasonCodes.get(0);
    }

    /** Whether every code reports success (below 0x80). */
    public boolean isSuccess() {
        for (int c : reasonCodes) {
            if (ReasonCodes.isError(c)) {
                return false;
            }
        }
        return true;
    }
}
