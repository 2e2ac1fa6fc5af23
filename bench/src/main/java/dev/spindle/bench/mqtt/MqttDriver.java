package dev.spindle.bench.mqtt;

import dev.spindle.bench.CliArgs;
import dev.spindle.bench.ServerCpu;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One MQTT client library running one workload against a broker, in its own JVM: the process
 * {@link MqttBench} starts for every measurement.
 *
 * <p>Usage: {@code MqttDriver --client NAME --mqtt 3|5 --workload qos0|qos1|rtt --size BYTES
 * --messages N --warmup N --port PORT}. Clients: {@code spindle-epoll}, {@code spindle-select},
 * {@code paho}, {@code hivemq}.
 *
 * <p>Workloads, all on one fresh topic per process:
 * <ul>
 *   <li>{@code qos0}: a subscriber client (QoS 0 subscription) and a publisher client of the same
 *       library in this process; the publisher sends N messages at QoS 0 as fast as the library's
 *       back-pressure lets it; timed from the first publish until the subscriber has all N.</li>
 *   <li>{@code qos1}: the same at QoS 1 (QoS 1 subscription), with at most 100 publishes not yet
 *       acknowledged (PUBACK).</li>
 *   <li>{@code rtt}: one client subscribes to the topic and publishes QoS 1 to it, one message at
 *       a time; each round trip is publish call to message received.</li>
 * </ul>
 * The warm-up is the same workload with {@code --warmup} messages, in the same connections,
 * right before the measured part.
 *
 * <p>Prints one line, for example {@code RESULT client=paho mqtt=3 workload=qos0 size=64
 * msgs=100000 secs=1.234 rate=81037.3 cpuTicks=120 cpuUsPerMsg=12.00 p50us=0 p99us=0 errors=0},
 * where the CPU figure is this whole process (user + system, all threads, from
 * {@code /proc/self/stat}) over the measured part, per message, and exits 0; on a failure it
 * prints {@code ERROR ...} and exits 1.
 */
public final class MqttDriver {

    /** QoS 1 publishes not yet acknowledged at most (the {@code qos1} workload). */
    static final int QOS1_WINDOW = 100;
    /** Bound on QoS 0 publishes the library has not yet written, where the library has none of its own. */
    static final int QOS0_WINDOW = 1000;
    private static final long WAIT_SECONDS = 120;

    /** A client library: makes connected clients. */
    interface Library {
        /** A client connected to 127.0.0.1:{@code port} with a clean session; blocks until CONNACK. */
        Conn connect(String clientId, int port, int mqttVersion) throws Exception;

        /** Releases the library's threads. */
        void close() throws Exception;
    }

    /** One connected client of a library. */
    interface Conn {
        /**
         * Subscribes to {@code topic}; blocks until SUBACK. {@code onMessage} runs for every message
         * received, after the payload length was read from the library's message.
         */
        void subscribe(String topic, int qos, Runnable onMessage) throws Exception;

        /** Publishes at QoS 0, first waiting while the library's own bound (or the driver's) is reached. */
        void publishQos0(String topic, byte[] payload) throws Exception;

        /** Publishes at QoS 1; {@code onAck} runs on PUBACK, or on failure after {@code failed} is set. */
        void publishQos1(String topic, byte[] payload, Runnable onAck, AtomicReference<Throwable> failed) throws Exception;

        /** Disconnects cleanly; blocks until done. */
        void close() throws Exception;
    }

    private MqttDriver() {}

    /** Runs one workload; see the class comment. */
    public static void main(String[] args) {
        try {
            CliArgs cli = CliArgs.parse("MqttDriver", args,
                    Set.of("client", "mqtt", "workload", "size", "messages", "warmup", "port"), Set.of());
            String client = cli.get("client", "spindle-epoll");
            int mqtt = cli.getInt("mqtt", 3, 3, 5);
            if (mqtt == 4) {
                throw cli.usage("--mqtt must be 3 (3.1.1) or 5, found: 4");
            }
            String workload = cli.get("workload", "qos0");
            int size = cli.getInt("size", 64, 0, 1 << 20);
            int messages = cli.getInt("messages", 100_000, 1, Integer.MAX_VALUE);
            int warmup = cli.getInt("warmup", messages / 2, 0, Integer.MAX_VALUE);
            if (!cli.has("port")) {
                throw cli.usage("--port is required");
            }
            int port = cli.getInt("port", 0, 1, 65535);
            String result = run(client, mqtt, workload, size, messages, warmup, port);
            System.out.println(result);
            System.out.flush();
            System.exit(0);
        } catch (CliArgs.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        } catch (Throwable e) {
            System.out.println("ERROR " + e);
            e.printStackTrace();
            System.out.flush();
            System.exit(1);
        }
    }

    /** Opens the library, runs the workload, closes everything; returns the {@code RESULT} line. */
    static String run(String client, int mqtt, String workload, int size, int messages, int warmup, int port)
            throws Exception {
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'x');
        String topic = "bench/" + UUID.randomUUID();
        String tag = Long.toHexString(System.nanoTime());
        Library library = library(client);
        Measured m;
        try {
            switch (workload) {
                case "qos0", "qos1" -> {
                    int qos = workload.equals("qos0") ? 0 : 1;
                    Conn sub = library.connect("bench-sub-" + tag, port, mqtt);
                    Conn pub = library.connect("bench-pub-" + tag, port, mqtt);
                    Receiver receiver = new Receiver();
                    sub.subscribe(topic, qos, receiver::received);
                    if (warmup > 0) {
                        throughput(pub, topic, payload, qos, warmup, receiver);
                    }
                    m = throughput(pub, topic, payload, qos, messages, receiver);
                    pub.close();
                    sub.close();
                }
                case "rtt" -> {
                    Conn c = library.connect("bench-rtt-" + tag, port, mqtt);
                    Semaphore arrived = new Semaphore(0);
                    c.subscribe(topic, 1, arrived::release);
                    if (warmup > 0) {
                        roundTrips(c, topic, payload, warmup, arrived);
                    }
                    m = roundTrips(c, topic, payload, messages, arrived);
                    c.close();
                }
                default -> throw new IllegalArgumentException("unknown --workload, found: " + workload + "; known: qos0 qos1 rtt");
            }
        } finally {
            library.close();
        }
        double secs = m.nanos / 1e9;
        double cpuUs = m.cpuTicks * 1e6 / ServerCpu.ticksPerSecond() / messages;
        return String.format(Locale.ROOT,
                "RESULT client=%s mqtt=%d workload=%s size=%d msgs=%d secs=%.3f rate=%.1f cpuTicks=%d cpuUsPerMsg=%.3f"
                        + " p50us=%.1f p99us=%.1f errors=0",
                client, mqtt, workload, size, messages, secs, messages / secs, m.cpuTicks, cpuUs, m.p50us, m.p99us);
    }

    private static Library library(String client) throws Exception {
        return switch (client) {
            case "spindle-epoll" -> new SpindleMqttDriver("epoll");
            case "spindle-select" -> new SpindleMqttDriver("select");
            case "paho" -> new PahoMqttDriver();
            case "hivemq" -> new HiveMqMqttDriver();
            default -> throw new IllegalArgumentException(
                    "unknown --client, found: " + client + "; known: spindle-epoll spindle-select paho hivemq");
        };
    }

    private record Measured(long nanos, long cpuTicks, double p50us, double p99us) {}

    /** Counts messages; opens a latch when the count reaches the phase's target. */
    private static final class Receiver {
        private final AtomicLong received = new AtomicLong();
        private volatile long target = Long.MAX_VALUE;
        private volatile CountDownLatch reached = new CountDownLatch(1);

        void received() {
            if (received.incrementAndGet() == target) {
                reached.countDown();
            }
        }

        CountDownLatch expect(long count) {
            CountDownLatch latch = new CountDownLatch(1);
            reached = latch;
            target = received.get() + count;
            return latch;
        }

        long count() {
            return received.get();
        }
    }

    private static Measured throughput(Conn pub, String topic, byte[] payload, int qos, int count, Receiver receiver)
            throws Exception {
        long self = ProcessHandle.current().pid();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Semaphore window = new Semaphore(QOS1_WINDOW);
        CountDownLatch all = receiver.expect(count);
        long before = receiver.count();
        long cpu0 = ServerCpu.cpuTicks(self);
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            if (qos == 0) {
                pub.publishQos0(topic, payload);
            } else {
                if (!window.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no PUBACK for " + WAIT_SECONDS + " s");
                }
                pub.publishQos1(topic, payload, window::release, failed);
            }
            if (failed.get() != null) {
                throw new IllegalStateException("a publish failed", failed.get());
            }
        }
        if (!all.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the subscriber received " + (receiver.count() - before) + " of " + count
                    + " messages within " + WAIT_SECONDS + " s");
        }
        long nanos = System.nanoTime() - t0;
        long cpu = ServerCpu.cpuTicks(self) - cpu0;
        if (qos == 1) {
            // Every PUBACK in before the next phase, outside the measured part.
            if (!window.tryAcquire(QOS1_WINDOW, WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("PUBACKs missing after " + WAIT_SECONDS + " s");
            }
        }
        if (failed.get() != null) {
            throw new IllegalStateException("a publish failed", failed.get());
        }
        return new Measured(nanos, cpu, 0, 0);
    }

    private static Measured roundTrips(Conn c, String topic, byte[] payload, int count, Semaphore arrived)
            throws Exception {
        long self = ProcessHandle.current().pid();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Semaphore acked = new Semaphore(0);
        long[] rtt = new long[count];
        long cpu0 = ServerCpu.cpuTicks(self);
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            c.publishQos1(topic, payload, acked::release, failed);
            if (!arrived.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("message " + i + " did not come back within " + WAIT_SECONDS + " s");
            }
            rtt[i] = System.nanoTime() - start;
            if (failed.get() != null) {
                throw new IllegalStateException("a publish failed", failed.get());
            }
        }
        long nanos = System.nanoTime() - t0;
        long cpu = ServerCpu.cpuTicks(self) - cpu0;
        if (!acked.tryAcquire(count, WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("PUBACKs missing after " + WAIT_SECONDS + " s");
        }
        Arrays.sort(rtt);
        return new Measured(nanos, cpu, percentile(rtt, 50) / 1e3, percentile(rtt, 99) / 1e3);
    }

    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
