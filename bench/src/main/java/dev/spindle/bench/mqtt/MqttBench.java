package dev.spindle.bench.mqtt;

import dev.spindle.bench.CliArgs;
import dev.spindle.mqtt.testing.MosquittoBroker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs every MQTT client library for every workload row against one Mosquitto, each
 * measurement in a fresh {@link MqttDriver} JVM, and prints (and with {@code --out} writes) a
 * Markdown table of medians with the ratio of {@code spindle-epoll} to each peer.
 *
 * <p>The broker is {@link MosquittoBroker} (Debian's {@code /usr/sbin/mosquitto} with a
 * generated configuration on a free loopback port) with {@code max_inflight_messages 100} (so
 * that MQTT 5 clients, which obey the receive maximum Mosquitto announces from it, get the same
 * QoS 1 window of 100 as MQTT 3.1.1 ones) and {@code max_queued_messages 0} (Mosquitto drops
 * QoS 0 messages for a subscriber beyond its queue limit; without a limit, every published
 * message arrives and the count ends the measurement) and {@code set_tcp_nodelay true} (without
 * it Mosquitto's own Nagle delay meets the client's delayed ACK when it writes a PUBACK and a
 * PUBLISH back to back to one client: 40 ms stalls in every library's round trips). The loops nest as row → MQTT version →
 * run → client, the client order rotating from run to run.
 *
 * <p>Options: {@code --clients LIST}, {@code --rows LIST} ({@code qos0-64,qos0-4096,qos1-64,rtt-64}),
 * {@code --mqtt LIST} ({@code 3,5}), {@code --runs N}, {@code --messages N} (throughput rows),
 * {@code --rtt-messages N}, {@code --warmup-percent P} (warm-up messages as a percentage of the
 * measured ones), {@code --driver-jvm-args "ARGS"}, {@code --out FILE}.
 */
public final class MqttBench {

    private static final String BASELINE = "spindle-epoll";

    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final String classPath = System.getProperty("java.class.path");
    private final List<String> jvmArgs;

    private MqttBench(List<String> jvmArgs) {
        this.jvmArgs = jvmArgs;
    }

    private record Row(String name, String workload, int size) {
        static Row parse(String text) {
            int dash = text.lastIndexOf('-');
            if (dash < 0) {
                throw new IllegalArgumentException("a row is WORKLOAD-SIZE (qos0-64, qos1-64, rtt-64), found: " + text);
            }
            String workload = text.substring(0, dash);
            if (!Set.of("qos0", "qos1", "rtt").contains(workload)) {
                throw new IllegalArgumentException("unknown workload in row " + text + "; known: qos0 qos1 rtt");
            }
            return new Row(text, workload, Integer.parseInt(text.substring(dash + 1)));
        }
    }

    private record Result(double rate, double cpuUs, double p50us, double p99us) {
        static Result parse(String line) {
            Map<String, String> f = new HashMap<>();
            for (String kv : line.split(" ")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    f.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            return new Result(Double.parseDouble(f.get("rate")), Double.parseDouble(f.get("cpuUsPerMsg")),
                    Double.parseDouble(f.get("p50us")), Double.parseDouble(f.get("p99us")));
        }
    }

    /** Runs the benchmark; see the class comment. */
    public static void main(String[] args) throws Exception {
        CliArgs cli;
        try {
            cli = CliArgs.parse("MqttBench", args, Set.of("clients", "rows", "mqtt", "runs", "messages", "rtt-messages",
                    "warmup-percent", "driver-jvm-args", "out"), Set.of());
        } catch (CliArgs.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<String> clients = List.of(cli.get("clients", "spindle-epoll,spindle-select,paho,hivemq").split(","));
        List<Row> rows = Arrays.stream(cli.get("rows", "qos0-64,qos0-4096,qos1-64,rtt-64").split(",")).map(Row::parse).toList();
        List<Integer> versions = Arrays.stream(cli.get("mqtt", "3,5").split(",")).map(String::strip).map(Integer::valueOf).toList();
        int runs = cli.getInt("runs", 3, 1, 1000);
        int messages = cli.getInt("messages", 100_000, 1, Integer.MAX_VALUE);
        int rttMessages = cli.getInt("rtt-messages", 10_000, 1, Integer.MAX_VALUE);
        int warmupPercent = cli.getInt("warmup-percent", 50, 0, 1000);
        String jvmExtra = cli.get("driver-jvm-args", "").strip();
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED"));
        if (!jvmExtra.isEmpty()) {
            jvmArgs.addAll(List.of(jvmExtra.split("\\s+")));
        }
        MqttBench bench = new MqttBench(jvmArgs);
        String loadBefore = loadAverage();
        String started = LocalDateTime.now().withNano(0).toString();
        // row name + version -> client -> results of every run
        Map<String, Map<String, List<Result>>> results = new LinkedHashMap<>();
        try (MosquittoBroker broker = MosquittoBroker.builder().maxInflightMessages(100)
                .extraConfig("max_queued_messages 0").extraConfig("set_tcp_nodelay true").start()) {
            System.err.println("MqttBench: Mosquitto on 127.0.0.1:" + broker.port() + " (pid " + broker.pid() + ")");
            for (Row row : rows) {
                int n = row.workload.equals("rtt") ? rttMessages : messages;
                int warmup = (int) ((long) n * warmupPercent / 100);
                for (int version : versions) {
                    Map<String, List<Result>> perClient = results.computeIfAbsent(row.name + " " + version, k -> new LinkedHashMap<>());
                    for (int run = 0; run < runs; run++) {
                        for (int i = 0; i < clients.size(); i++) {
                            String client = clients.get((i + run) % clients.size());
                            Result r = bench.measure(client, version, row, n, warmup, broker.port());
                            perClient.computeIfAbsent(client, k -> new ArrayList<>());
                            if (r != null) {
                                perClient.get(client).add(r);
                            }
                        }
                    }
                }
            }
        }
        String loadAfter = loadAverage();
        String table = table(rows, versions, clients, results, runs, messages, rttMessages, warmupPercent,
                started, loadBefore, loadAfter);
        System.out.println(table);
        if (cli.has("out")) {
            Path out = Path.of(cli.get("out", ""));
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, table, StandardCharsets.UTF_8);
        }
    }

    /** One driver process; null (and a line on standard error) if it failed. */
    private Result measure(String client, int version, Row row, int messages, int warmup, int port)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classPath, MqttDriver.class.getName(), "--client", client,
                "--mqtt", Integer.toString(version), "--workload", row.workload, "--size", Integer.toString(row.size),
                "--messages", Integer.toString(messages), "--warmup", Integer.toString(warmup),
                "--port", Integer.toString(port)));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String result = null;
        StringBuilder other = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("RESULT ")) {
                    result = line;
                } else if (other.length() < 4000) {
                    other.append(line).append('\n');
                }
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        if (result == null || p.exitValue() != 0) {
            System.err.println("MqttBench: " + client + " MQTT " + version + " " + row.name + " failed (exit "
                    + p.exitValue() + "): " + other.toString().strip());
            return null;
        }
        System.err.println(result);
        return Result.parse(result);
    }

    private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = rs.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String table(List<Row> rows, List<Integer> versions, List<String> clients,
            Map<String, Map<String, List<Result>>> results, int runs, int messages, int rttMessages, int warmupPercent,
            String started, String loadBefore, String loadAfter) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "MQTT clients, started %s: %d run(s), %,d messages per throughput row,"
                + " %,d round trips per rtt row, warm-up %d %% of that; load average before %s, after %s%n%n",
                started, runs, messages, rttMessages, warmupPercent, loadBefore, loadAfter));
        t.append("| row | MQTT | client | msg/s | CPU µs/msg | p50 µs | p99 µs | runs | msg/s: ")
                .append(BASELINE).append(" ÷ this | CPU: ").append(BASELINE).append(" ÷ this |\n");
        t.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            for (int version : versions) {
                Map<String, List<Result>> perClient = results.getOrDefault(row.name + " " + version, Map.of());
                List<Result> base = perClient.getOrDefault(BASELINE, List.of());
                double baseRate = median(base, Result::rate);
                double baseCpu = median(base, Result::cpuUs);
                for (String client : clients) {
                    List<Result> rs = perClient.getOrDefault(client, List.of());
                    double rate = median(rs, Result::rate);
                    double cpu = median(rs, Result::cpuUs);
                    boolean rtt = row.workload.equals("rtt");
                    t.append(String.format(Locale.ROOT, "| %s | %s | %s | %,.0f | %.1f | %s | %s | %d | %s | %s |%n",
                            row.name, version == 5 ? "5" : "3.1.1", client, rate, cpu,
                            rtt ? String.format(Locale.ROOT, "%.0f", median(rs, Result::p50us)) : "–",
                            rtt ? String.format(Locale.ROOT, "%.0f", median(rs, Result::p99us)) : "–",
                            rs.size(),
                            client.equals(BASELINE) || base.isEmpty() ? "" : String.format(Locale.ROOT, "%.2f", baseRate / rate),
                            client.equals(BASELINE) || base.isEmpty() ? "" : String.format(Locale.ROOT, "%.2f", baseCpu / cpu)));
                }
            }
        }
        return t.toString();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).strip().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
