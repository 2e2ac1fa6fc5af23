package dev.spindle.cli;

import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.mqtt.MqttException;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.ReasonCodes;
import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.quick.Reactors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * {@code spindle mqtt pub} and {@code spindle mqtt sub}: an MQTT client on the command line with
 * the options of Mosquitto's {@code mosquitto_pub} and {@code mosquitto_sub} that matter most
 * ({@code -h -p -t -m -q -r -V -i -u -P -k}, {@code -l -s -n} for pub, {@code -v -C -W} for sub).
 * Exit codes: 0 success, 1 failure (connection, refusal, timeout), 2 bad arguments.
 */
final class MqttCommand {
    static final String USAGE_TEXT = String.join(System.lineSeparator(),
            "usage: spindle mqtt pub -t TOPIC (-m MESSAGE | -l | -s | -n) [options]",
            "       spindle mqtt sub -t FILTER [-t FILTER ...] [-v] [-C COUNT] [-W SECONDS] [options]",
            "",
            "pub: publish MESSAGE (-m), each line of standard input (-l), all of standard input as one",
            "     message (-s) or an empty message (-n) to TOPIC, wait for the acknowledgements, disconnect.",
            "sub: subscribe to each FILTER and print every message's payload (with -v: topic, a space,",
            "     payload) until -C COUNT messages arrived, -W SECONDS passed, or Ctrl-C.",
            "",
            "options:",
            "  -h, --host HOST         broker host (default localhost)",
            "  -p, --port PORT         broker port (default 1883)",
            "  -t, --topic TOPIC       topic (pub) or topic filter (sub, repeatable)",
            "  -q, --qos 0|1|2         quality of service (default 0)",
            "  -r, --retain            publish retained",
            "  -V, --protocol-version  mqttv311 (default), mqttv5, 311 or 5",
            "  -i, --id ID             client identifier (default spindle-pub-PID / spindle-sub-PID)",
            "  -c, --disable-clean-session  keep the session (needs -i)",
            "  -u, --username USER     user name",
            "  -P, --pw PASSWORD       password",
            "  -k, --keepalive SECONDS keep alive (default 60)",
            "  -W SECONDS              give up after this long (pub: after its input ended, default 30;",
            "                          sub: default never)",
            "  --backend NAME          reactor backend (default: the best available)",
            "  --help                  show this text");

    /** Exit code when {@code -W} ran out before {@code -C} messages arrived (mosquitto_sub's). */
    static final int TIMED_OUT = 27;

    private static final Set<String> FLAGS = Set.of("-r", "-l", "-s", "-n", "-v", "-c");
    private static final Map<String, String> LONG = Map.ofEntries(Map.entry("--host", "-h"), Map.entry("--port", "-p"),
            Map.entry("--topic", "-t"), Map.entry("--qos", "-q"), Map.entry("--retain", "-r"),
            Map.entry("--protocol-version", "-V"), Map.entry("--id", "-i"),
            Map.entry("--disable-clean-session", "-c"), Map.entry("--username", "-u"), Map.entry("--pw", "-P"),
            Map.entry("--keepalive", "-k"), Map.entry("--message", "-m"), Map.entry("--count", "-C"),
            Map.entry("--verbose", "-v"), Map.entry("--timeout", "-W"), Map.entry("--backend", "--backend"));
    private static final Set<String> PUB_ONLY = Set.of("-m", "-l", "-s", "-n", "-r");
    private static final Set<String> SUB_ONLY = Set.of("-v", "-C");

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    MqttCommand(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    /** A mistake in the arguments. */
    static final class Usage extends Exception {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message, null, false, false);
        }
    }

    /** Parsed options: single values, and the topics in order. */
    static final class Args {
        final String mode;
        final Map<String, String> values = new HashMap<>();
        final List<String> topics = new ArrayList<>();

        Args(String mode) {
            this.mode = mode;
        }

        boolean has(String flag) {
            return values.containsKey(flag);
        }

        int intValue(String flag, int dflt, int min, int max) throws Usage {
            String v = values.get(flag);
            if (v == null) {
                return dflt;
            }
            try {
                int n = Integer.parseInt(v.trim());
                if (n < min || n > max) {
                    throw new Usage(flag + " must be in " + min + ".." + max + ", found: " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new Usage(flag + " must be a number, found: '" + v + "'");
            }
        }
    }

    static Args parse(String[] args) throws Usage {
        if (args.length == 0 || !(args[0].equals("pub") || args[0].equals("sub"))) {
            throw new Usage("mqtt needs 'pub' or 'sub'" + (args.length == 0 ? "" : ", found: '" + args[0] + "'"));
        }
        Args a = new Args(args[0]);
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            String name = LONG.getOrDefault(arg, arg);
            if (!name.startsWith("-") || (!LONG.containsValue(name) && !name.equals("-m") && !name.equals("-l")
                    && !name.equals("-s") && !name.equals("-n"))) {
                throw new Usage("unknown option '" + arg + "'");
            }
            if ((a.mode.equals("sub") && PUB_ONLY.contains(name)) || (a.mode.equals("pub") && SUB_ONLY.contains(name))) {
                throw new Usage("option " + arg + " does not apply to 'mqtt " + a.mode + "'");
            }
            String value = "";
            if (!FLAGS.contains(name)) {
                if (i + 1 >= args.length) {
                    throw new Usage("option " + arg + " needs a value");
                }
                value = args[++i];
            }
            if (name.equals("-t")) {
                a.topics.add(value);
            } else if (a.values.put(name, value) != null) {
                throw new Usage("option " + arg + " is given twice");
            }
        }
        if (a.topics.isEmpty()) {
            throw new Usage("mqtt " + a.mode + " needs -t " + (a.mode.equals("pub") ? "TOPIC" : "FILTER"));
        }
        if (a.mode.equals("pub")) {
            if (a.topics.size() > 1) {
                throw new Usage("mqtt pub takes one -t TOPIC, found " + a.topics.size());
            }
            int sources = (a.has("-m") ? 1 : 0) + (a.has("-l") ? 1 : 0) + (a.has("-s") ? 1 : 0) + (a.has("-n") ? 1 : 0);
            if (sources != 1) {
                throw new Usage("mqtt pub needs exactly one of -m MESSAGE, -l, -s, -n");
            }
        }
        if (a.has("-c") && !a.has("-i")) {
            throw new Usage("-c (keep the session) needs -i ID");
        }
        return a;
    }

    private static MqttVersion version(Args a) throws Usage {
        String v = a.values.getOrDefault("-V", "mqttv311").trim();
        return switch (v) {
            case "mqttv311", "311", "3.1.1" -> MqttVersion.V3_1_1;
            case "mqttv5", "5" -> MqttVersion.V5;
            default -> throw new Usage("-V must be mqttv311 or mqttv5, found: '" + v + "'");
        };
    }

    /** Builds the client configuration; every bad value is a usage error naming it. */
    static MqttClientConfig config(Args a) throws Usage {
        try {
            String id = a.values.getOrDefault("-i", "spindle-" + a.mode + "-" + ProcessHandle.current().pid());
            MqttClientConfig.Builder b = MqttClientConfig.builder(a.values.getOrDefault("-h", "localhost"))
                    .port(a.intValue("-p", 1883, 1, 65535)).version(version(a)).clientId(id)
                    .cleanStart(!a.has("-c")).keepAlive(Duration.ofSeconds(a.intValue("-k", 60, 0, 65535)))
                    .username(a.values.get("-u")).password(a.values.get("-P"));
            if (a.has("-c") && version(a) == MqttVersion.V5) {
                b.sessionExpirySeconds(0xFFFF_FFFFL);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new Usage(e.getMessage());
        }
    }

    int run(String[] args) {
        for (String arg : args) {
            if (arg.equals("--help")) {
                out.println(USAGE_TEXT);
                out.flush();
                return Spindle.OK;
            }
        }
        Args a;
        MqttClientConfig config;
        Qos qos;
        try {
            a = parse(args);
            config = config(a);
            qos = Qos.of(a.intValue("-q", 0, 0, 2));
            a.intValue("-C", 1, 1, Integer.MAX_VALUE);
            a.intValue("-W", 1, 1, Integer.MAX_VALUE);
            for (String t : a.topics) {
                if (a.mode.equals("pub")) {
                    MqttMessage.builder(t);
                } else {
                    TopicSubscription.of(t, qos);
                }
            }
        } catch (Usage | IllegalArgumentException e) {
            err.println("spindle mqtt: " + e.getMessage());
            err.println();
            err.println(USAGE_TEXT);
            err.flush();
            return Spindle.USAGE;
        }
        Reactor reactor;
        try {
            String backend = a.values.get("--backend");
            ReactorConfig rc = ReactorConfig.builder().threadName("spindle-mqtt").daemon(true).build();
            reactor = backend == null ? Reactors.create(rc) : Reactors.provider(backend.trim()).create(rc);
        } catch (ReactorException e) {
            err.println("spindle mqtt: " + e.getMessage());
            err.flush();
            return Spindle.FAILED;
        }
        reactor.start();
        try {
            return a.mode.equals("pub") ? pub(reactor, a, config, qos) : sub(reactor, a, config, qos);
        } finally {
            reactor.stop();
        }
    }

    /** How many publishes pub keeps queued at most while it reads standard input line by line. */
    static final int PUB_WINDOW = 1000;

    private int pub(Reactor reactor, Args a, MqttClientConfig config, Qos qos) {
        MqttClient client = MqttClient.create(reactor, config);
        Ending ending = new Ending();
        client.addListener(ending);
        List<CompletableFuture<MqttAck>> acks = new ArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        String topic = a.topics.get(0);
        client.start();
        try {
            if (a.has("-l")) {
                // Line by line as the input comes (tail -f | spindle mqtt pub -l), never more than
                // PUB_WINDOW queued: the client's queue is bounded and so is this one.
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    while (client.queuedRequests() >= PUB_WINDOW) {
                        if (ending.failure.isDone()) {
                            return report(client, null);
                        }
                        Thread.sleep(1);
                    }
                    acks.add(publish(client, a, topic, qos, line.getBytes(StandardCharsets.UTF_8), refused));
                    if (acks.size() >= PUB_WINDOW) {
                        acks.removeIf(CompletableFuture::isDone);
                    }
                }
            } else {
                byte[] payload = a.has("-m") ? a.values.get("-m").getBytes(StandardCharsets.UTF_8)
                        : a.has("-s") ? in.readAllBytes() : new byte[0];
                acks.add(publish(client, a, topic, qos, payload, refused));
            }
        } catch (IOException e) {
            err.println("spindle mqtt: cannot read standard input: " + e.getMessage());
            client.terminate();
            return Spindle.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.terminate();
            return Spindle.FAILED;
        }
        int timeout = intOrDefault(a, "-W", 30);
        CompletableFuture<?> all = CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0]));
        try {
            CompletableFuture.anyOf(all, ending.failure).get(timeout, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            err.println("spindle mqtt: not done within " + timeout + " s (" + client.state() + ", "
                    + client.queuedRequests() + " messages unacknowledged)");
            client.terminate();
            return Spindle.FAILED;
        } catch (ExecutionException | InterruptedException e) {
            return report(client, e);
        }
        if (ending.failure.isDone()) {
            return report(client, null);
        }
        stopAndWait(client, ending);
        return refused.get() == 0 ? Spindle.OK : Spindle.FAILED;
    }

    private CompletableFuture<MqttAck> publish(MqttClient client, Args a, String topic, Qos qos, byte[] payload,
            AtomicInteger refused) {
        return client.publish(MqttMessage.builder(topic).payload(payload).qos(qos).retain(a.has("-r")).build())
                .toCompletableFuture().whenComplete((ack, failure) -> {
                    if (failure != null || !ack.isSuccess()) {
                        refused.incrementAndGet();
                        err.println("spindle mqtt: a message was not delivered: " + (failure != null
                                ? failure.getMessage() : ReasonCodes.describe(ack.reasonCode())
                                + (ack.reasonString() != null ? " (" + ack.reasonString() + ")" : "")));
                    }
                });
    }

    private int sub(Reactor reactor, Args a, MqttClientConfig config, Qos qos) {
        MqttClient client = MqttClient.create(reactor, config);
        Ending ending = new Ending();
        client.addListener(ending);
        int count = intOrDefault(a, "-C", 0);
        boolean verbose = a.has("-v");
        AtomicInteger seen = new AtomicInteger();
        CountDownLatch enough = new CountDownLatch(1);
        client.addListener(new MqttListener() {
            @Override
            public void messageReceived(MqttClient c, MqttMessage m) {
                if (count > 0 && seen.get() >= count) {
                    return;
                }
                synchronized (out) {
                    if (verbose) {
                        out.print(m.topic());
                        out.print(' ');
                    }
                    out.write(m.payloadBytes(), 0, m.payloadLength());
                    out.println();
                    out.flush();
                }
                if (seen.incrementAndGet() == count) {
                    enough.countDown();
                }
            }
        });
        List<TopicSubscription> filters = new ArrayList<>();
        for (String t : a.topics) {
            filters.add(TopicSubscription.of(t, qos));
        }
        CompletableFuture<MqttAck> subscribed = client.subscribe(filters).toCompletableFuture();
        Thread hook = new Thread(() -> stopAndWait(client, ending), "spindle-mqtt-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            client.start();
            MqttAck ack = CompletableFuture.anyOf(subscribed, ending.failure).thenApply(x -> subscribed.getNow(null))
                    .get(intOrDefault(a, "-W", Integer.MAX_VALUE / 1000), TimeUnit.SECONDS);
            if (ack == null) {
                return report(client, null);
            }
            for (int i = 0; i < ack.reasonCodes().size(); i++) {
                if (ReasonCodes.isError(ack.reasonCodes().get(i))) {
                    err.println("spindle mqtt: the broker refused the subscription to " + a.topics.get(i) + ": "
                            + ReasonCodes.describe(ack.reasonCodes().get(i)));
                    stopAndWait(client, ending);
                    return Spindle.FAILED;
                }
            }
            long deadline = a.has("-W") ? System.nanoTime() + TimeUnit.SECONDS.toNanos(intOrDefault(a, "-W", 0)) : Long.MAX_VALUE;
            while (true) {
                if (count > 0 && enough.await(10, TimeUnit.MILLISECONDS)) {
                    stopAndWait(client, ending);
                    return Spindle.OK;
                }
                if (count == 0) {
                    Thread.sleep(10);
                }
                if (ending.failure.isDone()) {
                    return report(client, null);
                }
                if (System.nanoTime() > deadline) {
                    err.println("spindle mqtt: timed out after " + intOrDefault(a, "-W", 0) + " s with " + seen.get()
                            + (count > 0 ? " of " + count : "") + " messages");
                    stopAndWait(client, ending);
                    return TIMED_OUT;
                }
            }
        } catch (TimeoutException e) {
            err.println("spindle mqtt: no subscription within " + intOrDefault(a, "-W", 0) + " s (" + client.state() + ")");
            client.terminate();
            return TIMED_OUT;
        } catch (ExecutionException | InterruptedException e) {
            return report(client, e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs (Ctrl-C) and stops the client
            }
        }
    }

    private static int intOrDefault(Args a, String flag, int dflt) {
        try {
            return a.intValue(flag, dflt, 0, Integer.MAX_VALUE);
        } catch (Usage e) {
            throw new IllegalStateException(e); // checked in run()
        }
    }

    private int report(MqttClient client, @Nullable Exception e) {
        MqttException cause = client.error();
        String why = cause != null ? cause.getMessage()
                : e != null ? String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                : "the client ended in " + client.state();
        err.println("spindle mqtt: " + why);
        err.flush();
        client.terminate();
        return Spindle.FAILED;
    }

    private static void stopAndWait(MqttClient client, Ending ending) {
        if (!client.state().isActive()) {
            return;
        }
        client.stop();
        try {
            ending.ended.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            client.terminate();
        }
    }

    /** Records how an activation ended: a failure completes {@code failure}; any end completes {@code ended}. */
    private static final class Ending implements MqttListener {
        final CompletableFuture<Object> failure = new CompletableFuture<>();
        final CompletableFuture<Object> ended = new CompletableFuture<>();

        @Override
        public void connectFailed(MqttClient client, @Nullable MqttException cause) {
            end(cause);
        }

        @Override
        public void disconnected(MqttClient client, @Nullable MqttException cause) {
            end(cause);
        }

        private void end(@Nullable MqttException cause) {
            if (cause != null) {
                failure.complete(cause);
            }
            ended.complete(cause == null ? "stopped" : cause);
        }
    }
}
