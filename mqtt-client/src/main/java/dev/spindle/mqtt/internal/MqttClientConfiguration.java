package dev.spindle.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * One {@code MqttClient} service, as a Metatype form shows it: the factory configuration
 * {@value MqttClientComponent#FACTORY_PID} (bnd writes
 * {@code OSGI-INF/metatype/dev.spindle.mqtt.client.xml} from this type). Every factory
 * configuration gives one client.
 *
 * <p>The component does not read its configuration through this type: Configuration Admin stores
 * whatever it is given (strings from a {@code .cfg} file, numbers from code), and Metatype's bounds
 * are only advice to consoles, so {@link MqttClientSettings#of} reads the raw properties, converts
 * and checks every value, and names the key and the value it found when one is wrong. The
 * defaults here are {@link MqttClientSettings}' constants.
 */
@ObjectClassDefinition(id = MqttClientComponent.FACTORY_PID, name = "Spindle MQTT client",
        description = "An MQTT 3.1.1 or 5.0 client on the Reactor service, registered as a dev.spindle.mqtt.MqttClient"
                + " service. One client per configuration.")
public @interface MqttClientConfiguration {
    /**
     * The broker's host name or address; required.
     *
     * @return the host
     */
    @AttributeDefinition(name = "Host", required = true,
            description = "The broker's host name or address (required).")
    String host();

    /**
     * The broker's port, 1..65535.
     *
     * @return the port
     */
    @AttributeDefinition(name = "Port", min = "1", max = "65535",
            description = "The broker's TCP port (1..65535). TLS is not configurable here: build the client in code.")
    int port() default MqttClientSettings.DEFAULT_PORT;

    /**
     * The client identifier; empty lets the broker assign one.
     *
     * @return the identifier, or empty
     */
    @AttributeDefinition(name = "Client identifier", required = false,
            description = "The MQTT client identifier; empty lets the broker assign one (MQTT 3.1.1 then needs clean start).")
    String clientId() default "";

    /**
     * The protocol version: {@code 3.1.1} or {@code 5}.
     *
     * @return the version
     */
    @AttributeDefinition(name = "MQTT version", options = {
            @Option(label = "MQTT 3.1.1", value = MqttClientSettings.VERSION_3_1_1),
            @Option(label = "MQTT 5.0", value = MqttClientSettings.VERSION_5)},
            description = "The protocol version: 3.1.1 or 5.")
    String version() default MqttClientSettings.VERSION_3_1_1;

    /**
     * Clean session (3.1.1) / clean start (5).
     *
     * @return the flag
     */
    @AttributeDefinition(name = "Clean start",
            description = "Clean session (MQTT 3.1.1) or clean start (MQTT 5): begin with no session state on the broker.")
    boolean cleanStart() default true;

    /**
     * The keep alive in seconds, 0..65535; 0 turns it off.
     *
     * @return seconds
     */
    @AttributeDefinition(name = "Keep alive (s)", min = "0", max = "65535",
            description = "The keep alive sent in CONNECT, in seconds (0..65535); 0 turns keep-alive pings off.")
    int keepAliveSeconds() default MqttClientSettings.DEFAULT_KEEP_ALIVE_SECONDS;

    /**
     * The user name; empty for none.
     *
     * @return the user name, or empty
     */
    @AttributeDefinition(name = "User name", required = false, description = "The user name; empty for none.")
    String username() default "";

    /**
     * The password; empty for none. Never logged, never a service property.
     *
     * @return the password, or empty
     */
    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
            description = "The password; empty for none. Never logged and never a service property.")
    String password() default "";

    /**
     * MQTT 5 session expiry interval in seconds, 0..4294967295.
     *
     * @return seconds
     */
    @AttributeDefinition(name = "Session expiry (s)", min = "0", max = "4294967295",
            description = "MQTT 5 session expiry interval in seconds (0..4294967295; 0 ends the session with the"
                    + " connection, 4294967295 never).")
    long sessionExpirySeconds() default 0;

    /**
     * The bound on requests queued or awaiting acknowledgement, at least 1.
     *
     * @return the bound
     */
    @AttributeDefinition(name = "Maximum queued requests", min = "1",
            description = "Publishes, subscribes and unsubscribes waiting to be sent or acknowledged (at least 1);"
                    + " beyond it requests fail at once with MqttQueueFullException.")
    int maxQueuedRequests() default MqttClientSettings.DEFAULT_MAX_QUEUED_REQUESTS;

    /**
     * The largest packet accepted, in bytes.
     *
     * @return bytes
     */
    @AttributeDefinition(name = "Maximum packet size", min = "16", max = "268435460",
            description = "The largest packet this client accepts, in bytes (16..268435460).")
    int maximumPacketSize() default MqttClientSettings.DEFAULT_MAXIMUM_PACKET_SIZE;

    /**
     * The first reconnect delay's bound in milliseconds; 0 turns reconnecting off.
     *
     * @return milliseconds
     */
    @AttributeDefinition(name = "Reconnect initial delay (ms)", min = "0",
            description = "After a failed or broken connection the client starts again after a random delay up to this"
                    + " (exponential back-off with full jitter, doubling per failure). 0 turns reconnecting off.")
    long reconnectInitialDelayMillis() default MqttClientSettings.DEFAULT_RECONNECT_INITIAL_DELAY_MILLIS;

    /**
     * The bound of every reconnect delay in milliseconds, not below the initial delay.
     *
     * @return milliseconds
     */
    @AttributeDefinition(name = "Reconnect maximum delay (ms)", min = "1",
            description = "The longest wait between reconnect attempts, in milliseconds (not below the initial delay).")
    long reconnectMaxDelayMillis() default MqttClientSettings.DEFAULT_RECONNECT_MAX_DELAY_MILLIS;

    /**
     * The name in logs; empty for {@code mqtt[clientId@host:port]}.
     *
     * @return the name, or empty
     */
    @AttributeDefinition(name = "Name", required = false,
            description = "The client's name in logs; empty for mqtt[clientId@host:port].")
    String name() default "";
}
