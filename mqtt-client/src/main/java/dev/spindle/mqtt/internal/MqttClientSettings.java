package dev.spindle.mqtt.internal;

import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.mqtt.MqttVersion;
import dev.spindle.reactor.ExponentialBackoff;
import dev.spindle.reactor.spi.ReactorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One checked factory configuration of the {@code MqttClient} service
 * ({@value MqttClientComponent#FACTORY_PID}): the {@link MqttClientConfig} to build clients with
 * and the service properties to register them with, or the problems that make the configuration
 * unusable. Immutable.
 *
 * <h2>Keys</h2>
 * <table>
 *   <caption>Configuration keys</caption>
 *   <tr><th>key</th><th>default</th><th>values</th></tr>
 *   <tr><td>{@code host}</td><td>(required)</td><td>the broker's host name or address</td></tr>
 *   <tr><td>{@code port}</td><td>1883</td><td>1..65535</td></tr>
 *   <tr><td>{@code clientId}</td><td>empty (assigned by the broker)</td><td>text</td></tr>
 *   <tr><td>{@code version}</td><td>3.1.1</td><td>{@code 3.1.1} or {@code 5}</td></tr>
 *   <tr><td>{@code cleanStart}</td><td>true</td><td>{@code true} or {@code false}</td></tr>
 *   <tr><td>{@code keepAliveSeconds}</td><td>60</td><td>0..65535 (0: off)</td></tr>
 *   <tr><td>{@code username}</td><td>empty (none)</td><td>text</td></tr>
 *   <tr><td>{@code password}</td><td>empty (none)</td><td>text; never logged, never a service property</td></tr>
 *   <tr><td>{@code sessionExpirySeconds}</td><td>0</td><td>0..4294967295 (MQTT 5)</td></tr>
 *   <tr><td>{@code maxQueuedRequests}</td><td>10000</td><td>at least 1</td></tr>
 *   <tr><td>{@code maximumPacketSize}</td><td>1048576</td><td>16..268435460</td></tr>
 *   <tr><td>{@code reconnectInitialDelayMillis}</td><td>1000</td><td>0 (no reconnect) or more</td></tr>
 *   <tr><td>{@code reconnectMaxDelayMillis}</td><td>60000</td><td>at least 1 and not below the initial delay</td></tr>
 *   <tr><td>{@code name}</td><td>{@code mqtt[clientId@host:port]}</td><td>text, for logs</td></tr>
 * </table>
 * Values may be given typed (numbers, booleans) or as text, as a {@code .cfg} file or the Karaf
 * console gives them. Text is trimmed, except the password. A key that differs from one of these
 * only in case is reported as a warning (it is otherwise ignored, like every unknown key).
 *
 * <h2>Service properties</h2>
 * The configuration's own properties, except {@code password}, private ones (a name starting with
 * a dot, the OSGi convention) and those the framework sets, plus {@value #CLIENT_ID_PROPERTY},
 * {@value #HOST_PROPERTY}, {@value #PORT_PROPERTY} (an {@code Integer}), {@value #VERSION_PROPERTY}
 * ({@code 3.1.1} or {@code 5}) and {@value ReactorProvider#BACKEND_PROPERTY} of the reactor.
 */
public final class MqttClientSettings {
    /** Service property: the client identifier as configured (may be empty): {@value}. */
    public static final String CLIENT_ID_PROPERTY = "mqtt.clientId";
    /** Service property: the broker's host: {@value}. */
    public static final String HOST_PROPERTY = "mqtt.host";
    /** Service property: the broker's port, an {@code Integer}: {@value}. */
    public static final String PORT_PROPERTY = "mqtt.port";
    /** Service property: the protocol version, {@code 3.1.1} or {@code 5}: {@value}. */
    public static final String VERSION_PROPERTY = "mqtt.version";

    /** The {@code version} value of MQTT 3.1.1: {@value}. */
    public static final String VERSION_3_1_1 = "3.1.1";
    /** The {@code version} value of MQTT 5.0: {@value}. */
    public static final String VERSION_5 = "5";

    /** Default {@code port}: {@value}. */
    public static final int DEFAULT_PORT = 1883;
    /** Default {@code keepAliveSeconds}: {@value}. */
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 60;
    /** Default {@code maxQueuedRequests}: {@value}. */
    public static final int DEFAULT_MAX_QUEUED_REQUESTS = 10_000;
    /** Default {@code maximumPacketSize}: {@value} (1 MiB). */
    public static final int DEFAULT_MAXIMUM_PACKET_SIZE = 1 << 20;
    /** Default {@code reconnectInitialDelayMillis}: {@value}. */
    public static final long DEFAULT_RECONNECT_INITIAL_DELAY_MILLIS = 1_000;
    /** Default {@code reconnectMaxDelayMillis}: {@value}. */
    public static final long DEFAULT_RECONNECT_MAX_DELAY_MILLIS = 60_000;

    static final String HOST = "host";
    static final String PORT = "port";
    static final String CLIENT_ID = "clientId";
    static final String VERSION = "version";
    static final String CLEAN_START = "cleanStart";
    static final String KEEP_ALIVE_SECONDS = "keepAliveSeconds";
    static final String USERNAME = "username";
    static final String PASSWORD = "password";
    static final String SESSION_EXPIRY_SECONDS = "sessionExpirySeconds";
    static final String MAX_QUEUED_REQUESTS = "maxQueuedRequests";
    static final String MAXIMUM_PACKET_SIZE = "maximumPacketSize";
    static final String RECONNECT_INITIAL_DELAY_MILLIS = "reconnectInitialDelayMillis";
    static final String RECONNECT_MAX_DELAY_MILLIS = "reconnectMaxDelayMillis";
    static final String NAME = "name";
    /** Every key this component reads, in the order of the Metatype form. */
    static final List<String> KEYS = List.of(HOST, PORT, CLIENT_ID, VERSION, CLEAN_START, KEEP_ALIVE_SECONDS, USERNAME,
            PASSWORD, SESSION_EXPIRY_SECONDS, MAX_QUEUED_REQUESTS, MAXIMUM_PACKET_SIZE, RECONNECT_INITIAL_DELAY_MILLIS,
            RECONNECT_MAX_DELAY_MILLIS, NAME);
    /** Properties the framework sets on every service: never copied from a configuration. */
    private static final Set<String> FRAMEWORK_PROPERTIES = Set.of("objectClass", "service.id", "service.bundleid",
            "service.scope");

    private final String pid;
    private final @Nullable MqttClientConfig config;
    private final List<String> problems;
    private final List<String> warnings;
    private final Map<String, Object> ownProperties;

    private MqttClientSettings(String pid, @Nullable MqttClientConfig config, List<String> problems, List<String> warnings,
            Map<String, Object> ownProperties) {
        this.pid = pid;
        this.config = config;
        this.problems = List.copyOf(problems);
        this.warnings = List.copyOf(warnings);
        this.ownProperties = Collections.unmodifiableMap(ownProperties);
    }

    /**
     * Reads and checks a configuration. Never throws.
     *
     * @param properties the component's properties (the configuration's, plus those Declarative
     *                   Services adds); not modified
     * @return the settings, valid or with their problems
     */
    public static MqttClientSettings of(Map<String, ?> properties) {
        Object pidValue = properties.get("service.pid");
        String pid = pidValue == null ? MqttClientComponent.FACTORY_PID : pidValue.toString();
        Reader r = new Reader(properties);
        String host = r.text(HOST, "");
        if (host.isEmpty() && !r.failed(HOST)) {
            r.problem(HOST + " must be set to the broker's host name or address, found: "
                    + (properties.get(HOST) == null ? "nothing" : "'" + properties.get(HOST) + "'"));
        }
        long port = r.whole(PORT, DEFAULT_PORT, 1, 65535);
        String clientId = r.text(CLIENT_ID, "");
        String versionText = r.text(VERSION, VERSION_3_1_1);
        MqttVersion version = switch (versionText) {
            case VERSION_3_1_1 -> MqttVersion.V3_1_1;
            case VERSION_5 -> MqttVersion.V5;
            default -> {
                if (!r.failed(VERSION)) {
                    r.problem(VERSION + " must be " + VERSION_3_1_1 + " or " + VERSION_5 + ", found: " + versionText);
                }
                yield null;
            }
        };
        boolean cleanStart = r.bool(CLEAN_START, true);
        long keepAlive = r.whole(KEEP_ALIVE_SECONDS, DEFAULT_KEEP_ALIVE_SECONDS, 0, 65535);
        String username = r.text(USERNAME, "");
        String password = r.secret(PASSWORD);
        long sessionExpiry = r.whole(SESSION_EXPIRY_SECONDS, 0, 0, 0xFFFF_FFFFL);
        long maxQueued = r.whole(MAX_QUEUED_REQUESTS, DEFAULT_MAX_QUEUED_REQUESTS, 1, Integer.MAX_VALUE);
        long maxPacket = r.whole(MAXIMUM_PACKET_SIZE, DEFAULT_MAXIMUM_PACKET_SIZE, 16,
                MqttClientConfig.MAX_PACKET_SIZE_LIMIT);
        long initialDelay = r.whole(RECONNECT_INITIAL_DELAY_MILLIS, DEFAULT_RECONNECT_INITIAL_DELAY_MILLIS, 0,
                Long.MAX_VALUE);
        long maxDelay = r.whole(RECONNECT_MAX_DELAY_MILLIS, DEFAULT_RECONNECT_MAX_DELAY_MILLIS, 1, Long.MAX_VALUE);
        if (!r.failed(RECONNECT_INITIAL_DELAY_MILLIS) && !r.failed(RECONNECT_MAX_DELAY_MILLIS) && maxDelay < initialDelay) {
            r.problem(RECONNECT_MAX_DELAY_MILLIS + " must not be below " + RECONNECT_INITIAL_DELAY_MILLIS + " ("
                    + initialDelay + "), found: " + maxDelay);
        }
        String name = r.text(NAME, "");

        Map<String, Object> own = ownProperties(properties);
        MqttClientConfig config = null;
        if (r.problems.isEmpty() && version != null) {
            try {
                MqttClientConfig.Builder b = MqttClientConfig.builder(host).port((int) port).clientId(clientId)
                        .version(version).cleanStart(cleanStart).keepAlive(Duration.ofSeconds(keepAlive))
                        .sessionExpirySeconds(sessionExpiry).maxQueuedRequests((int) maxQueued)
                        .maximumPacketSize((int) maxPacket);
                if (!username.isEmpty()) {
                    b.username(username);
                }
                if (!password.isEmpty()) {
                    b.password(password);
                }
                if (initialDelay > 0) {
                    b.reconnect(ExponentialBackoff.builder().initialDelay(Duration.ofMillis(initialDelay))
                            .maxDelay(Duration.ofMillis(maxDelay)).build());
                }
                if (!name.isEmpty()) {
                    b.name(name);
                }
                config = b.build();
            } catch (IllegalArgumentException | NullPointerException e) {
                r.problem(String.valueOf(e.getMessage()));
            }
        }
        if (config != null) {
            own.put(CLIENT_ID_PROPERTY, clientId);
            own.put(HOST_PROPERTY, host);
            own.put(PORT_PROPERTY, (int) port);
            own.put(VERSION_PROPERTY, versionText);
        }
        return new MqttClientSettings(pid, config, r.problems, r.warnings, own);
    }

    /**
     * The configuration's PID ({@code service.pid}), for logs.
     *
     * @return the PID
     */
    public String pid() {
        return pid;
    }

    /**
     * The client configuration, or null when the configuration is invalid.
     *
     * @return the config or null
     */
    public @Nullable MqttClientConfig config() {
        return config;
    }

    /**
     * Why the configuration cannot be used, each naming the key and the value found; empty when
     * it is valid.
     *
     * @return the problems
     */
    public List<String> problems() {
        return problems;
    }

    /**
     * What looks wrong but does not stop the client (a key that differs from a known one only in
     * case).
     *
     * @return the warnings
     */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * The properties to register a client of these settings with.
     *
     * @param backend the backend of the reactor it runs on, or null when unknown
     * @return a new modifiable map; no secret in it
     */
    public Map<String, Object> serviceProperties(@Nullable String backend) {
        Map<String, Object> out = new LinkedHashMap<>(ownProperties);
        if (backend != null) {
            out.put(ReactorProvider.BACKEND_PROPERTY, backend);
        } else {
            out.remove(ReactorProvider.BACKEND_PROPERTY);
        }
        return out;
    }

    /** The configuration, without the password: safe to log. */
    @Override
    public String toString() {
        MqttClientConfig c = config;
        return pid + (c != null ? ": " + c : ": invalid " + problems);
    }

    private static Map<String, Object> ownProperties(Map<String, ?> properties) {
        Map<String, Object> out = new TreeMap<>();
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            String key = e.getKey();
            if (key == null || e.getValue() == null || key.startsWith(".") || key.equalsIgnoreCase(PASSWORD)
                    || FRAMEWORK_PROPERTIES.contains(key)) {
                continue;
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    /** Converts values one key at a time, collecting problems. */
    private static final class Reader {
        final Map<String, ?> properties;
        final List<String> problems = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        final List<String> failedKeys = new ArrayList<>();

        Reader(Map<String, ?> properties) {
            this.properties = properties;
            for (String key : properties.keySet()) {
                for (String known : KEYS) {
                    if (key != null && !key.equals(known) && key.equalsIgnoreCase(known)) {
                        warnings.add("key '" + key + "' is ignored: keys are case-sensitive, did you mean '" + known + "'?");
                    }
                }
            }
        }

        void problem(String message) {
            problems.add(message);
        }

        boolean failed(String key) {
            return failedKeys.contains(key);
        }

        private void fail(String key, String message) {
            failedKeys.add(key);
            problems.add(message);
        }

        /** The single value of {@code key}, or null if absent; a list of several is a problem. */
        private @Nullable Object single(String key, boolean secret) {
            Object v = properties.get(key);
            if (v instanceof Collection<?> c) {
                v = c.size() == 1 ? c.iterator().next() : c;
            } else if (v instanceof Object[] a) {
                v = a.length == 1 ? a[0] : List.of(a);
            }
            if (v instanceof Collection<?> c) {
                fail(key, key + " must be a single value, found " + c.size() + " values"
                        + (secret ? "" : ": " + c));
                return null;
            }
            return v;
        }

        String text(String key, String defaultValue) {
            Object v = single(key, false);
            return v == null ? defaultValue : v.toString().trim();
        }

        String secret(String key) {
            Object v = single(key, true);
            if (v instanceof char[] chars) {
                return new String(chars);
            }
            return v == null ? "" : v.toString();
        }

        boolean bool(String key, boolean defaultValue) {
            Object v = single(key, false);
            if (v == null) {
                return defaultValue;
            }
            if (v instanceof Boolean b) {
                return b;
            }
            String s = v.toString().trim().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return Boolean.parseBoolean(s);
            }
            fail(key, key + " must be true or false, found: " + v);
            return defaultValue;
        }

        long whole(String key, long defaultValue, long min, long max) {
            Object v = single(key, false);
            if (v == null) {
                return defaultValue;
            }
            long n;
            if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                n = ((Number) v).longValue();
            } else if (v instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())
                    && Math.abs(num.doubleValue()) < 0x1p62) {
                n = (long) num.doubleValue();
            } else {
                try {
                    n = Long.parseLong(v.toString().trim());
                } catch (NumberFormatException e) {
                    fail(key, key + " must be a whole number " + range(min, max) + ", found: " + v);
                    return defaultValue;
                }
            }
            if (n < min || n > max) {
                fail(key, key + " must be " + range(min, max) + ", found: " + v);
                return defaultValue;
            }
            return n;
        }

        private static String range(long min, long max) {
            return max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "at least " + min : "in " + min + ".." + max;
        }
    }
}
