package dev.spindle.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Side-by-side echo benchmark: Spindle and its peers, one fresh server JVM per measurement, the
 * same {@link LoadGenerator} against each.
 *
 * <p>Usage: {@code EchoBench [--servers spindle-select,netty-nio] [--rows ...] [--runs N]
 * [--duration S] [--warmup S] [--pin] [--tls] [--baseline NAME] [--server-jvm-args "ARGS"] [--out FILE]}.
 * {@code --tls} runs every row over TLS ({@link BenchTls}: TLS 1.3, {@value BenchTls#CIPHER},
 * the JDK's {@code SSLEngine} in every process; Netty with {@code SslProvider.JDK}) with one
 * certificate made for the run.
 *
 * <p>Servers: {@code netty-nio}, {@code netty-epoll} ({@link NettyEchoServer}) and
 * {@code spindle-NAME} ({@link SpindleEchoServer} with backend NAME). Rows: {@code CxM} is a
 * ping-pong row with C connections and M-byte messages; {@code streamCxM} a streaming row. The
 * default rows are C in {1, 16, 128} by M in {64, 4096}, plus {@code stream16x65536}: 16
 * connections, the middle connection count, each writing 64 KiB buffers, which measures bulk
 * throughput with enough connections that one slow socket cannot idle the server.
 *
 * <p>For each row, each run, each server (servers alternate order from run to run, so neither
 * always goes first): start the server ({@code -Xmx1g -XX:+UseParallelGC}), wait for its
 * {@code LISTENING} line, run the load generator, read the server's CPU time when the
 * generator prints {@code MEASURE_START} and {@code MEASURE_END} (the same window its counts
 * cover), stop the server. With {@code --pin} the server runs on CPU 0 and the generator on
 * CPU 1 ({@code taskset}). Each figure in the table is the median over the runs.
 * {@code --server-jvm-args} adds space-separated options to every server JVM (for example
 * {@code --sun-misc-unsafe-memory-access=allow}, without which Netty 4.2 on Java 25 runs
 * without {@code sun.misc.Unsafe}, its default there).
 */
public final class EchoBench {

    private static final String DEFAULT_ROWS = "1x64,1x4096,16x64,16x4096,128x64,128x4096,stream16x65536";
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xmx1g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED");
    private static final long LISTEN_TIMEOUT_SECONDS = 30;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    /** One line of the table. */
    record Row(int connections, int size, boolean stream) {
        String label() {
            return (stream ? "stream " : "") + connections + "x" + size;
        }
    }

    /** One load-generator run against one server. */
    record Measurement(double rps, long p50, long p99, double mbps, double cpuMsPerThousand) {}

    private final String java;
    private final String classPath;
    private final boolean pin;
    private final int duration;
    private final int warmup;
    private final List<String> serverJvmArgs;
    private final List<String> tlsArgs;

    private EchoBench(boolean pin, int duration, int warmup, List<String> serverJvmArgs, Path tlsKeyStore) {
        this.java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.classPath = System.getProperty("java.class.path");
        this.pin = pin;
        this.duration = duration;
        this.warmup = warmup;
        this.serverJvmArgs = serverJvmArgs;
        this.tlsArgs = tlsKeyStore == null ? List.of() : List.of("--tls-keystore", tlsKeyStore.toString());
    }

    /** Runs the benchmark; see the class comment for the options. */
    public static void main(String[] args) throws IOException, InterruptedException {
        try {
            run(args);
        } catch (CliArgs.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws IOException, InterruptedException {
        CliArgs cli = CliArgs.parse("EchoBench", args,
                Set.of("servers", "rows", "runs", "duration", "warmup", "baseline", "server-jvm-args", "out"), Set.of("pin", "tls"));
        List<String> servers = Arrays.stream(cli.get("servers", "spindle-select,netty-nio").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String server : servers) {
            checkServer(cli, server);
        }
        if (servers.isEmpty()) {
            throw cli.usage("--servers must name at least one server");
        }
        List<Row> rows = parseRows(cli, cli.get("rows", DEFAULT_ROWS));
        int runs = cli.getInt("runs", 1, 1, 100);
        int duration = cli.getInt("duration", 10, 1, 3600);
        int warmup = cli.getInt("warmup", 3, 0, 3600);
        boolean pin = cli.has("pin");
        if (pin) {
            checkPinning(cli);
        }
        String baseline = cli.get("baseline",
                servers.stream().filter(s -> s.startsWith("netty")).findFirst().orElse(servers.get(0)));
        if (!servers.contains(baseline)) {
            throw cli.usage("--baseline must be one of the servers " + servers + ", found: " + baseline);
        }

        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly)));
        List<String> serverJvmArgs = Arrays.stream(cli.get("server-jvm-args", "").split(" "))
                .filter(s -> !s.isBlank()).toList();
        Path tlsKeyStore = null;
        if (cli.has("tls")) {
            Path dir = Files.createTempDirectory("spindle-bench-tls");
            tlsKeyStore = dir.resolve("bench.p12");
            BenchTls.createKeyStore(tlsKeyStore);
            tlsKeyStore.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
        }
        EchoBench bench = new EchoBench(pin, duration, warmup, serverJvmArgs, tlsKeyStore);
        Instant started = Instant.now();
        Map<String, Map<Row, List<Measurement>>> results = new LinkedHashMap<>();
        for (String server : servers) {
            results.put(server, new HashMap<>());
        }
        for (Row row : rows) {
            for (int run = 0; run < runs; run++) {
                List<String> order = new ArrayList<>(servers);
                if (run % 2 == 1) {
                    order = order.reversed();
                }
                for (String server : order) {
                    String what = String.format(Locale.ROOT, "[%s run %d/%d] %s", row.label(), run + 1, runs, server);
                    try {
                        Measurement m = bench.measure(server, row);
                        results.get(server).computeIfAbsent(row, r -> new ArrayList<>()).add(m);
                        System.err.printf(Locale.ROOT, "%s: %.1f req/s p50 %d us p99 %d us %.2f MB/s cpu %.2f ms/1k%n",
                                what, m.rps(), m.p50(), m.p99(), m.mbps(), m.cpuMsPerThousand());
                    } catch (IOException | TimeoutException | RuntimeException e) {
                        System.err.println(what + ": FAILED: " + e);
                    }
                }
            }
        }

        String report = bench.report(servers, rows, runs, baseline, results, started);
        System.out.print(report);
        System.out.flush();
        if (cli.has("out")) {
            Path out = Path.of(cli.get("out", ""));
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, report, StandardCharsets.UTF_8);
            System.err.println("wrote " + out);
        }
    }

    private static void checkServer(CliArgs cli, String server) {
        if (server.equals("netty-nio") || server.equals("netty-epoll")) {
            return;
        }
        if (server.startsWith("spindle-") && server.length() > "spindle-".length()) {
            try {
                Class.forName("dev.spindle.reactor.quick.Reactors", false, EchoBench.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw cli.usage(server + " needs reactor-quick on the class path; this build has none");
            }
            return;
        }
        throw cli.usage("--servers takes netty-nio, netty-epoll or spindle-BACKEND, found: " + server);
    }

    private static void checkPinning(CliArgs cli) {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            throw cli.usage("--pin needs at least 2 CPUs, found: " + Runtime.getRuntime().availableProcessors());
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "taskset"))) {
                return;
            }
        }
        throw cli.usage("--pin needs taskset (util-linux) on the PATH, found none in: " + path);
    }

    private static List<Row> parseRows(CliArgs cli, String text) {
        List<Row> rows = new ArrayList<>();
        for (String part : text.split(",")) {
            String spec = part.strip();
            boolean stream = spec.startsWith("stream");
            String[] cm = (stream ? spec.substring("stream".length()) : spec).split("x");
            try {
                if (cm.length != 2) {
                    throw new NumberFormatException();
                }
                int connections = Integer.parseInt(cm[0]);
                int size = Integer.parseInt(cm[1]);
                if (connections < 1 || connections > 10_000 || size < 1 || size > 16 << 20) {
                    throw new NumberFormatException();
                }
                rows.add(new Row(connections, size, stream));
            } catch (NumberFormatException e) {
                throw cli.usage("--rows takes CxM or streamCxM (C in 1..10000, M in 1..16777216), found: " + spec);
            }
        }
        return rows;
    }

    private List<String> command(int cpu, List<String> jvmArgs, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        if (pin) {
            command.addAll(List.of("taskset", "-c", Integer.toString(cpu)));
        }
        command.add(java);
        command.addAll(JVM_OPTIONS);
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(args);
        return command;
    }

    private List<String> serverCommand(String server) {
        if (server.startsWith("netty-")) {
            return command(0, serverJvmArgs, NettyEchoServer.class.getName(),
                    withTls(List.of("--transport", server.substring("netty-".length()), "--port", "0")));
        }
        return command(0, serverJvmArgs, "dev.spindle.bench.SpindleEchoServer",
                withTls(List.of("--backend", server.substring("spindle-".length()), "--port", "0")));
    }

    private List<String> withTls(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(tlsArgs);
        return all;
    }

    private Measurement measure(String server, Row row) throws IOException, InterruptedException, TimeoutException {
        Process process = new ProcessBuilder(serverCommand(server))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        LIVE.add(process);
        try {
            int port = awaitListening(server, process);
            return load(process.pid(), port, row);
        } finally {
            stop(process);
        }
    }

    private static int awaitListening(String server, Process process) throws IOException, InterruptedException,
            TimeoutException {
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (!listening.isDone() && line.startsWith("LISTENING ")) {
                        listening.complete(Integer.parseInt(line.substring("LISTENING ".length()).strip()));
                    } else {
                        System.err.println("[" + server + "] " + line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                listening.completeExceptionally(e);
            }
            listening.completeExceptionally(new IOException(server + " ended its output without LISTENING"));
        }, "echo-server-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return listening.get(LISTEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException(server + " did not start", e.getCause());
        }
    }

    private Measurement load(long serverPid, int port, Row row) throws IOException, InterruptedException,
            TimeoutException {
        Process generator = new ProcessBuilder(command(1, List.of(), LoadGenerator.class.getName(), withTls(List.of(
                        "--host", "127.0.0.1", "--port", Integer.toString(port),
                        "--connections", Integer.toString(row.connections()), "--size", Integer.toString(row.size()),
                        "--duration", Integer.toString(duration), "--warmup", Integer.toString(warmup),
                        "--mode", row.stream() ? "stream" : "pingpong"))))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        LIVE.add(generator);
        double[] cpu = {Double.NaN, Double.NaN};
        Map<String, String> result = new HashMap<>();
        try {
            generator.getOutputStream().close();
            try (BufferedReader lines = generator.inputReader(StandardCharsets.UTF_8)) {
                // Bounded: the generator ends its window by itself, and the wait below kills it if not.
                Thread watchdog = Thread.ofVirtual().start(() -> {
                    try {
                        if (!generator.waitFor(warmup + duration + 60L, TimeUnit.SECONDS)) {
                            generator.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        generator.destroyForcibly();
                    }
                });
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.equals("MEASURE_START")) {
                        cpu[0] = ServerCpu.cpuMillis(serverPid);
                    } else if (line.equals("MEASURE_END")) {
                        cpu[1] = ServerCpu.cpuMillis(serverPid);
                    } else if (line.startsWith("RESULT ")) {
                        for (String pair : line.substring("RESULT ".length()).split(" ")) {
                            int eq = pair.indexOf('=');
                            if (eq > 0) {
                                result.put(pair.substring(0, eq), pair.substring(eq + 1));
                            }
                        }
                    } else {
                        System.err.println("[load] " + line);
                    }
                }
                watchdog.join(TimeUnit.SECONDS.toMillis(10));
            }
            if (!generator.waitFor(10, TimeUnit.SECONDS)) {
                throw new TimeoutException("load generator did not end");
            }
        } finally {
            generator.destroyForcibly();
            LIVE.remove(generator);
        }
        if (generator.exitValue() != 0 || result.isEmpty()) {
            throw new IOException("load generator failed, exit " + generator.exitValue() + ", result " + result);
        }
        if (!result.getOrDefault("errors", "0").equals("0")) {
            throw new IOException("load generator saw " + result.get("errors") + " connection errors");
        }
        if (Double.isNaN(cpu[0]) || Double.isNaN(cpu[1])) {
            throw new IOException("no MEASURE_START/MEASURE_END from the load generator");
        }
        long requests = Long.parseLong(result.get("reqs"));
        double cpuPerThousand = requests == 0 ? Double.NaN : (cpu[1] - cpu[0]) / (requests / 1000.0);
        return new Measurement(Double.parseDouble(result.get("rps")), Long.parseLong(result.get("p50us")),
                Long.parseLong(result.get("p99us")), Double.parseDouble(result.get("mbps")), cpuPerThousand);
    }

    private static void stop(Process process) throws InterruptedException {
        try {
            // End of standard input asks the server to stop; a signal and then a kill follow if it does not.
            OutputStream stdin = process.getOutputStream();
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        }
        LIVE.remove(process);
    }

    private String report(List<String> servers, List<Row> rows, int runs, String baseline,
            Map<String, Map<Row, List<Measurement>>> results, Instant started) {
        StringBuilder out = new StringBuilder();
        out.append("## Echo benchmark, ").append(started.truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
        out.append(String.format(Locale.ROOT,
                "Java %s (%s), %s %s, %d CPUs; %s; warm-up %d s, measured %d s, median of %d run%s;"
                        + " server JVM %s.%n%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.version"),
                Runtime.getRuntime().availableProcessors(),
                (pin ? "server pinned to CPU 0, load generator to CPU 1" : "not pinned")
                        + (tlsArgs.isEmpty() ? "" : "; TLS " + BenchTls.PROTOCOL + " " + BenchTls.CIPHER
                                + " (JDK SSLEngine in every process)"),
                warmup, duration, runs, runs == 1 ? "" : "s",
                String.join(" ", JVM_OPTIONS) + (serverJvmArgs.isEmpty() ? "" : " " + String.join(" ", serverJvmArgs))));
        out.append("| server | C | M | req/s | p50 µs | p99 µs | MB/s | server CPU ms / 1k req | req/s ÷ ")
                .append(baseline).append(" |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            Measurement base = median(results.get(baseline).get(row));
            for (String server : servers) {
                Measurement m = median(results.get(server).get(row));
                String size = row.stream() ? row.size() + " (stream)" : Integer.toString(row.size());
                if (m == null) {
                    out.append(String.format(Locale.ROOT, "| %s | %d | %s | n/a | n/a | n/a | n/a | n/a | n/a |%n",
                            server, row.connections(), size));
                    continue;
                }
                String ratio = base == null || base.rps() == 0 ? "n/a"
                        : String.format(Locale.ROOT, "%.2f", m.rps() / base.rps());
                out.append(String.format(Locale.ROOT, "| %s | %d | %s | %,.0f | %s | %s | %.1f | %.2f | %s |%n",
                        server, row.connections(), size, m.rps(),
                        row.stream() ? "–" : Long.toString(m.p50()), row.stream() ? "–" : Long.toString(m.p99()),
                        m.mbps(), m.cpuMsPerThousand(), ratio));
            }
        }
        out.append("\nreq/s: echoed messages per second (stream rows: M-byte units of echoed data). ")
                .append("MB/s: echoed data, 10^6 bytes. Latency: round trip seen by the load generator, ")
                .append("bucket resolution about 1.6 %. Server CPU: user + system time of the server process ")
                .append("over the measured window (1/").append(ServerCpu.ticksPerSecond())
                .append(" s ticks) per 1,000 requests. Servers: ").append(String.join(", ", servers))
                .append(".\n");
        return out.toString();
    }

    private static Measurement median(List<Measurement> runs) {
        if (runs == null || runs.isEmpty()) {
            return null;
        }
        return new Measurement(
                median(runs.stream().mapToDouble(Measurement::rps).toArray()),
                Math.round(median(runs.stream().mapToDouble(Measurement::p50).toArray())),
                Math.round(median(runs.stream().mapToDouble(Measurement::p99).toArray())),
                median(runs.stream().mapToDouble(Measurement::mbps).toArray()),
                median(runs.stream().mapToDouble(Measurement::cpuMsPerThousand).toArray()));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
