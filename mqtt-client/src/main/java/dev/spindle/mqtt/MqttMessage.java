package dev.spindle.mqtt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An application message: what {@link MqttClient#publish} sends and what
 * {@link MqttListener#messageReceived} receives. Immutable; the payload is copied in and handed
 * out read-only. The MQTT 5 properties are ignored on an MQTT 3.1.1 connection.
 */
public final class MqttMessage {
    private final String topic;
    private final byte[] payload;
    private final Qos qos;
    private final boolean retain;
    private final boolean duplicate;
    private final @Nullable Boolean payloadUtf8;
    private final long messageExpirySeconds;
    private final @Nullable String contentType;
    private final @Nullable String responseTopic;
    private final byte @Nullable [] correlationData;
    private final List<UserProperty> userProperties;
    private final List<Integer> subscriptionIdentifiers;

    private MqttMessage(Builder b) {
        this.topic = b.topic;
        this.payload = b.payload;
        this.qos = b.qos;
        this.retain = b.retain;
        this.duplicate = b.duplicate;
        this.payloadUtf8 = b.payloadUtf8;
        this.messageExpirySeconds = b.messageExpirySeconds;
        this.contentType = b.contentType;
        this.responseTopic = b.responseTopic;
        this.correlationData = b.correlationData;
        this.userProperties = List.copyOf(b.userProperties);
        this.subscriptionIdentifiers = List.copyOf(b.subscriptionIdentifiers);
    }

    /**
     * A builder for a message to {@code topic}.
     *
     * @throws IllegalArgumentException if the topic is empty, contains {@code +}, {@code #} or
     *                                  U+0000, or is longer than 65,535 UTF-8 bytes
     */
    public static Builder builder(String topic) {
        return new Builder(topic);
    }

    /** A message with a UTF-8 text payload at QoS 0, not retained. */
    public static MqttMessage of(String topic, String text) {
        return builder(topic).payload(text.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** A builder that starts from this message. */
    public Builder toBuilder() {
        Builder b = new Builder(topic);
        b.payload = payload;
        b.qos = qos;
        b.retain = retain;
        b.duplicate = duplicate;
        b.payloadUtf8 = payloadUtf8;
        b.messageExpirySeconds = messageExpirySeconds;
        b.contentType = contentType;
        b.responseTopic = responseTopic;
        b.correlationData = correlationData;
        b.userProperties.addAll(userProperties);
        b.subscriptionIdentifiers.addAll(subscriptionIdentifiers);
        return b;
    }

    /** The topic name. */
    public String topic() {
        return topic;
    }

    /** The payload, read-only; each call returns a new view positioned at 0. */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(payload).asReadOnlyBuffer();
    }

    /** A copy of the payload. */
    public byte[] payloadBytes() {
        return payload.clone();
    }

    /** The payload decoded as UTF-8 (malformed input replaced). */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** The payload length in bytes. */
    public int payloadLength() {
        return payload.length;
    }

    /** The quality of service (of delivery to this client, for a received message). */
    public Qos qos() {
        return qos;
    }

    /** The retain flag. */
    public boolean retain() {
        return retain;
    }

    /** The DUP flag of a received message: the server may have sent it before. */
    public boolean duplicate() {
        return duplicate;
    }

    /** MQTT 5 payload format indicator: true for UTF-8 text, false for unspecified bytes, null if absent. */
    public @Nullable Boolean payloadUtf8() {
        return payloadUtf8;
    }

    /** MQTT 5 message expiry interval in seconds, or -1 if the message does not expire. */
    public long messageExpirySeconds() {
        return messageExpirySeconds;
    }

    /** MQTT 5 content type, or null. */
    public @Nullable String contentType() {
        return contentType;
    }

    /** MQTT 5 response topic (request/response), or null. */
    public @Nullable String responseTopic() {
        return responseTopic;
    }

    /** A copy of the MQTT 5 correlation data, or null. */
    public byte @Nullable [] correlationData() {
        return correlationData == null ? null : correlationData.clone();
    }

    /** MQTT 5 user properties, in order. */
    public List<UserProperty> userProperties() {
        return userProperties;
    }

    /** MQTT 5 subscription identifiers of the subscriptions that matched (received messages only). */
    public List<Integer> subscriptionIdentifiers() {
        return subscriptionIdentifiers;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MqttMessage m)) {
            return false;
        }
        return topic.equals(m.topic) && Arrays.equals(payload, m.payload) && qos == m.qos && retain == m.retain
                && duplicate == m.duplicate && Objects.equals(payloadUtf8, m.payloadUtf8)
                && messageExpirySeconds == m.messageExpirySeconds && Objects.equals(contentType, m.contentType)
                && Objects.equals(responseTopic, m.responseTopic) && Arrays.equals(correlationData, m.correlationData)
                && userProperties.equals(m.userProperties) && subscriptionIdentifiers.equals(m.subscriptionIdentifiers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, retain);
    }

    @Override
    public String toString() {
        return "MqttMessage[topic=" + topic + ", qos=" + qos.value() + (retain ? ", retain" : "")
                + (duplicate ? ", dup" : "") + ", " + payload.length + " bytes]";
    }

    /** Builds an {@link MqttMessage}; not thread-safe. */
    public static final class Builder {
        private final String topic;
        private byte[] payload = new byte[0];
        private Qos qos = Qos.AT_MOST_ONCE;
        private boolean retain;
        private boolean duplicate;
        private @Nullable Boolean payloadUtf8;
        private long messageExpirySeconds = -1;
        private @Nullable String contentType;
        private @Nullable String responseTopic;
        private byte @Nullable [] correlationData;
        private final List<UserProperty> userProperties = new ArrayList<>();
        private final List<Integer> subscriptionIdentifiers = new ArrayList<>();

        private Builder(String topic) {
            Topics.checkTopicName(topic);
            this.topic = topic;
        }

        /** The payload (copied). */
        public Builder payload(byte[] payload) {
            this.payload = Objects.requireNonNull(payload, "payload must not be null").clone();
            return this;
        }

        /** The payload: the remaining bytes of {@code payload} (copied; its position is not moved). */
        public Builder payload(ByteBuffer payload) {
            ByteBuffer view = Objects.requireNonNull(payload, "payload must not be null").duplicate();
            byte[] copy = new byte[view.remaining()];
            view.get(copy);
            this.payload = copy;
            return this;
        }

        /** The payload as UTF-8 text. */
        public Builder payload(String text) {
            this.payload = Objects.requireNonNull(text, "text must not be null").getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** The quality of service; default QoS 0. */
        public Builder qos(Qos qos) {
            this.qos = Objects.requireNonNull(qos, "qos must not be null");
            return this;
        }

        /** The retain flag; default false. */
        public Builder retain(boolean retain) {
            this.retain = retain;
            return this;
        }

        /** The DUP flag; set by the client on received messages, ignored on publish. */
        public Builder duplicate(boolean duplicate) {
            this.duplicate = duplicate;
            return this;
        }

        /** MQTT 5 payload format indicator; null leaves it out. */
        public Builder payloadUtf8(@Nullable Boolean utf8) {
            this.payloadUtf8 = utf8;
            return this;
        }

        /**
         * MQTT 5 message expiry interval in seconds; -1 (the default) for none.
         *
         * @throws IllegalArgumentException if not in -1..4294967295
         */
        public Builder messageExpirySeconds(long seconds) {
            if (seconds < -1 || seconds > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("messageExpirySeconds must be in -1..4294967295, found: " + seconds);
            }
            this.messageExpirySeconds = seconds;
            return this;
        }

        /** MQTT 5 content type; null leaves it out. */
        public Builder contentType(@Nullable String contentType) {
            this.contentType = contentType;
            return this;
        }

        /** MQTT 5 response topic; null leaves it out. */
        public Builder responseTopic(@Nullable String responseTopic) {
            if (responseTopic != null) {
                Topics.checkTopicName(responseTopic);
            }
            this.responseTopic = responseTopic;
            return this;
        }

        /** MQTT 5 correlation data (copied); null leaves it out. */
        public Builder correlationData(byte @Nullable [] data) {
            this.correlationData = data == null ? null : data.clone();
            return this;
        }

        /** Adds an MQTT 5 user property. */
        public Builder userProperty(String name, String value) {
            userProperties.add(new UserProperty(name, value));
            return this;
        }

        /** Adds MQTT 5 subscription identifiers; set by the client on received messages, ignored on publish. */
        public Builder subscriptionIdentifiers(List<Integer> ids) {
            subscriptionIdentifiers.addAll(ids);
            return this;
        }

        /** The message. */
        public MqttMessage build() {
            return new MqttMessage(this);
        }
    }
}
