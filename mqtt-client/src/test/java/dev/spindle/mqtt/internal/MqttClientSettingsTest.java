package dev.spindle.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.mqtt.MqttVersion;
import dev.spindle.reactor.ExponentialBackoff;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The factory configuration {@code dev.spindle.mqtt.client} read and checked: defaults, values
 * typed or as text (a {@code .cfg} file gives text), every bad value named with its key, the
 * password kept out of logs and service properties.
 */
class MqttClientSettingsTest {
    private static final String PID = "dev.spindle.mqtt.client~test";

    private static Map<String, Object> props(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", PID);
        m.put("service.factoryPid", MqttClientComponent.FACTORY_PID);
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static MqttClientConfig valid(Object... keyValues) {
        MqttClientSettings s = MqttClientSettings.of(props(keyValues));
        assertEquals(List.of(), s.problems());
        MqttClientConfig c = s.config();
        assertNotNull(c);
        return c;
    }

    private static List<String> problems(Object... keyValues) {
        MqttClientSettings s = MqttClientSettings.of(props(keyValues));
        assertNull(s.config(), () -> "expected no config for " + List.of(keyValues));
        assertFalse(s.problems().isEmpty());
        return s.problems();
    }

    @Test
    void onlyTheHostGivesTheDefaults() {
        MqttClientConfig c = valid("host", "broker.example");
        assertEquals("broker.example", c.host());
        assertEquals(1883, c.port());
        assertEquals(MqttVersion.V3_1_1, c.version());
        assertEquals("", c.clientId());
        assertTrue(c.cleanStart());
        assertEquals(Duration.ofSeconds(60), c.keepAlive());
        assertNull(c.username());
        assertNull(c.password());
        assertEquals(0, c.sessionExpirySeconds());
        assertEquals(10_000, c.maxQueuedRequests());
        assertEquals(1 << 20, c.maximumPacketSize());
        ExponentialBackoff reconnect = assertInstanceOf(ExponentialBackoff.class, c.reconnect());
        assertEquals(Duration.ofSeconds(1), reconnect.initialDelay());
        assertEquals(Duration.ofSeconds(60), reconnect.maxDelay());
        assertEquals("mqtt[?@broker.example:1883]", c.name());
    }

    @Test
    void valuesAsTextAreConvertedAndTrimmed() {
        MqttClientConfig c = valid("host", " 127.0.0.1 ", "port", "1884", "clientId", "sensor-7", "version", " 5",
                "cleanStart", "FALSE", "keepAliveSeconds", "30", "username", "ann", "password", " s3cret ",
                "sessionExpirySeconds", "4294967295", "maxQueuedRequests", "5", "maximumPacketSize", "4096",
                "reconnectInitialDelayMillis", "250", "reconnectMaxDelayMillis", "2000", "name", "sensor link");
        assertEquals("127.0.0.1", c.host());
        assertEquals(1884, c.port());
        assertEquals("sensor-7", c.clientId());
        assertEquals(MqttVersion.V5, c.version());
        assertFalse(c.cleanStart());
        assertEquals(Duration.ofSeconds(30), c.keepAlive());
        assertEquals("ann", c.username());
        assertArrayEquals(" s3cret ".getBytes(StandardCharsets.UTF_8), c.password(), "the password is not trimmed");
        assertEquals(4_294_967_295L, c.sessionExpirySeconds());
        assertEquals(5, c.maxQueuedRequests());
        assertEquals(4096, c.maximumPacketSize());
        ExponentialBackoff reconnect = assertInstanceOf(ExponentialBackoff.class, c.reconnect());
        assertEquals(Duration.ofMillis(250), reconnect.initialDelay());
        assertEquals(Duration.ofMillis(2000), reconnect.maxDelay());
        assertEquals("sensor link", c.name());
    }

    @Test
    void typedValuesAndSingleElementListsAreAccepted() {
        MqttClientConfig c = valid("host", new String[] {"h"}, "port", 8883L, "version", 5, "cleanStart", Boolean.TRUE,
                "keepAliveSeconds", (short) 0, "sessionExpirySeconds", 3600.0, "maxQueuedRequests", List.of(7));
        assertEquals(8883, c.port());
        assertEquals(MqttVersion.V5, c.version());
        assertEquals(Duration.ZERO, c.keepAlive());
        assertEquals(3600, c.sessionExpirySeconds());
        assertEquals(7, c.maxQueuedRequests());
    }

    @Test
    void zeroInitialDelayTurnsReconnectOff() {
        assertNull(valid("host", "h", "reconnectInitialDelayMillis", 0).reconnect());
    }

    @Test
    void anUnknownVersionIsNamedWithItsValue() {
        assertEquals(List.of("version must be 3.1.1 or 5, found: 7"), problems("host", "h", "version", "7"));
        assertEquals(List.of("version must be 3.1.1 or 5, found: 3"), problems("host", "h", "version", 3));
    }

    @Test
    void portsOutsideTheRangeOrNotNumbersAreNamed() {
        assertEquals(List.of("port must be in 1..65535, found: -1"), problems("host", "h", "port", -1));
        assertEquals(List.of("port must be in 1..65535, found: 0"), problems("host", "h", "port", "0"));
        assertEquals(List.of("port must be in 1..65535, found: 65536"), problems("host", "h", "port", 65536));
        assertEquals(List.of("port must be a whole number in 1..65535, found: 18x3"), problems("host", "h", "port", "18x3"));
        assertEquals(List.of("port must be a whole number in 1..65535, found: 1883.5"), problems("host", "h", "port", 1883.5));
    }

    @Test
    void aMissingOrBlankHostIsNamed() {
        assertEquals(List.of("host must be set to the broker's host name or address, found: nothing"), problems());
        assertEquals(List.of("host must be set to the broker's host name or address, found: '  '"),
                problems("host", "  "));
    }

    @Test
    void negativeNumbersAreNamed() {
        assertEquals(List.of("keepAliveSeconds must be in 0..65535, found: -5"), problems("host", "h", "keepAliveSeconds", -5));
        assertEquals(List.of("sessionExpirySeconds must be in 0..4294967295, found: -1"),
                problems("host", "h", "sessionExpirySeconds", "-1"));
        assertEquals(List.of("maxQueuedRequests must be at least 1, found: -3"),
                problems("host", "h", "maxQueuedRequests", -3));
        assertEquals(List.of("reconnectInitialDelayMillis must be at least 0, found: -1"),
                problems("host", "h", "reconnectInitialDelayMillis", -1L));
        assertEquals(List.of("reconnectMaxDelayMillis must be at least 1, found: 0"),
                problems("host", "h", "reconnectMaxDelayMillis", 0));
        assertEquals(List.of("maximumPacketSize must be in 16..268435460, found: 8"),
                problems("host", "h", "maximumPacketSize", 8));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertEquals(List.of("host must be set to the broker's host name or address, found: nothing",
                "port must be in 1..65535, found: -1", "version must be 3.1.1 or 5, found: 7",
                "cleanStart must be true or false, found: yes"),
                problems("port", -1, "version", "7", "cleanStart", "yes"));
    }

    @Test
    void theMaximumDelayMustNotBeBelowTheInitialOne() {
        assertEquals(List.of("reconnectMaxDelayMillis must not be below reconnectInitialDelayMillis (5000), found: 100"),
                problems("host", "h", "reconnectInitialDelayMillis", 5000, "reconnectMaxDelayMillis", 100));
    }

    @Test
    void combinationsTheClientRefusesAreReportedInItsWords() {
        assertEquals(List.of("MQTT 3.1.1 needs a clientId when cleanStart is false (MQTT-3.1.3-7)"),
                problems("host", "h", "cleanStart", false));
        assertEquals(List.of("MQTT 3.1.1 sends a password only with a username (MQTT-3.1.2-22)"),
                problems("host", "h", "password", "pw"));
        // MQTT 5 allows both.
        assertNotNull(valid("host", "h", "version", "5", "cleanStart", false, "password", "pw"));
    }

    @Test
    void aSeveralValuedKeyIsAProblemAndAPasswordListIsNotShown() {
        assertEquals(List.of("port must be a single value, found 2 values: [1, 2]"),
                problems("host", "h", "port", new Integer[] {1, 2}));
        List<String> p = problems("host", "h", "password", List.of("one-secret", "two-secret"));
        assertEquals(List.of("password must be a single value, found 2 values"), p);
    }

    @Test
    void serviceCarriesTheMqttPropertiesAndTheConfigurationsOwnButNoSecret() {
        MqttClientSettings s = MqttClientSettings.of(props("host", "h", "port", "1884", "clientId", "c1", "version", "5",
                "username", "u", "password", "top-secret", "site", "north", ".apiKey", "hidden", "service.id", 99L,
                "objectClass", new String[] {"x"}));
        Map<String, Object> p = s.serviceProperties("epoll");
        assertEquals("c1", p.get("mqtt.clientId"));
        assertEquals("h", p.get("mqtt.host"));
        assertEquals(1884, p.get("mqtt.port"));
        assertEquals("5", p.get("mqtt.version"));
        assertEquals("epoll", p.get("spindle.reactor.backend"));
        assertEquals("north", p.get("site"));
        assertEquals("u", p.get("username"));
        assertEquals(PID, p.get("service.pid"));
        assertEquals(MqttClientComponent.FACTORY_PID, p.get("service.factoryPid"));
        for (String hidden : List.of("password", ".apiKey", "service.id", "objectClass")) {
            assertFalse(p.containsKey(hidden), hidden + " must not be a service property: " + p);
        }
        assertFalse(p.toString().contains("top-secret"), p::toString);
        assertFalse(s.toString().contains("top-secret"), s::toString);
        assertFalse(s.serviceProperties(null).containsKey("spindle.reactor.backend"));
    }

    @Test
    void theDefaultVersionIsTheServicePropertyWhenNoneIsGiven() {
        Map<String, Object> p = MqttClientSettings.of(props("host", "h")).serviceProperties("select");
        assertEquals("3.1.1", p.get("mqtt.version"));
        assertEquals(1883, p.get("mqtt.port"));
        assertEquals("", p.get("mqtt.clientId"));
    }

    @Test
    void aKeyInTheWrongCaseIsAWarningNotAProblem() {
        MqttClientSettings s = MqttClientSettings.of(props("host", "h", "KeepAliveSeconds", "5", "Password", "pw"));
        assertNotNull(s.config());
        assertEquals(Duration.ofSeconds(60), s.config().keepAlive());
        assertEquals(List.of("key 'KeepAliveSeconds' is ignored: keys are case-sensitive, did you mean 'keepAliveSeconds'?",
                "key 'Password' is ignored: keys are case-sensitive, did you mean 'password'?"),
                s.warnings().stream().sorted().toList());
        assertFalse(s.serviceProperties("x").containsKey("Password"));
    }

    @Test
    void thePidIsTakenFromTheProperties() {
        assertEquals(PID, MqttClientSettings.of(props("host", "h")).pid());
        assertEquals(MqttClientComponent.FACTORY_PID, MqttClientSettings.of(Map.of("host", "h")).pid());
    }

    @Test
    void theKeysAreTheMetatypeAttributes() {
        List<String> attributes = Arrays.stream(MqttClientConfiguration.class.getDeclaredMethods())
                .map(Method::getName).sorted().toList();
        assertEquals(MqttClientSettings.KEYS.stream().sorted().toList(), attributes);
    }
}
