package dev.spindle.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
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
 * Side-by-side echo benchmark: Spindle, Netty and a C reference server, one fresh server
 * process per measurement, the same {@link LoadGenerator} against each.
 *
 * <p>Usage: {@code EchoBench [--servers LIST] [--rows LIST] [--runs N] [--duration S] [--warmup S]
 * [--placement LIST] [--pin] [--tls] [--baseline NAME] [--goal NAME] [--server-jvm-args "ARGS"]
 * [--out FILE]}. {@code --tls} runs every row over TLS ({@link BenchTls}: TLS 1.3,
 * {@value BenchTls#CIPHER}, the JDK's {@code SSLEngine} in every process; Netty with
 * {@code SslProvider.JDK}) with one certificate made for the run; the C server has no TLS.
 *
 * <p>Servers: {@code netty-nio}, {@code netty-epoll} ({@link NettyEchoServer}),
 * {@code spindle-NAME} ({@link SpindleEchoServer} with backend NAME) and {@code c-epoll}
 * ({@link NativeEchoServer}, compiled with gcc on first use). Rows: {@code CxM} is a ping-pong
 * row with C connections and M-byte messages; {@code streamCxM} a streaming row. The default
 * rows are C in {1, 16, 128} by M in {64, 4096}, plus {@code stream16x65536}.
 *
 * <p>Placements ({@code --placement}, a comma-separated list; each gives its own table):
 * {@code separate} puts the server on CPU 0 and the load generator on CPU 1, {@code same} puts
 * both on CPU 0 ({@code taskset}), {@code none} leaves placement to the kernel. {@code --pin} is
 * {@code --placement separate}.
 *
 * <p>For each row, each run, each placement, each server (the server order rotates from run to
 * run, so every server takes every position): start the server, wait for its {@code LISTENING}
 * line, run the load generator, read the server's CPU time ({@link ServerCpu}, the server
 * process's own {@code /proc} accounting) when the generator prints {@code MEASURE_START} and
 * {@code MEASURE_END}, stop the server. Each figure is the median over the runs; ratios divide
 * medians. With {@code --out FILE} the table also goes to FILE and every single run to
 * {@code FILE.csv}.
 */
public final class EchoBench {

    private static final String DEFAULT_ROWS = "1x64,1x4096,16x64,16x4096,128x64,128x4096,stream16x65536";
    private static final String DEFAULT_SERVERS = "spindle-epoll,netty-epoll,netty-nio,spindle-select,c-epoll";
    private static final List<String> JVM_OPTIONS = List.of(
            "-Xmx1g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED");
    private static final long LISTEN_TIMEOUT_SECONDS = 30;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final String NETTY_EPOLL = "netty-epoll";

    /** Goal thresholds of issue 4 for the goal server against Netty-epoll and the C server. */
    private static final double GOAL_RPS_VS_NETTY = 1.00;
    private static final double GOAL_CPU_VS_NETTY = 0.95;
    private static final double GOAL_CPU_VS_C = 1.05;

    /** One line of the table. */
    record Row(int connections, int size, boolean stream) {
        String label() {
            return (stream ? "stream " : "") + connections + "x" + size;
        }
    }

    /** Where the server and the load generator run. */
    enum Placement {
        NONE("none", -1, -1, "not pinned"),
        SEPARATE("separate", 0, 1, "server on CPU 0, load generator on CPU 1"),
        SAME("same", 0, 0, "server and load generator both on CPU 0");

        final String label;
        final int serverCpu;
        final int loadCpu;
        final String description;

        Placement(String label, int serverCpu, int loadCpu, String description) {
            this.label = label;
            this.serverCpu = serverCpu;
            this.loadCpu = loadCpu;
            this.description = description;
        }

        boolean pinned() {
            return serverCpu >= 0;
        }
    }

    /** One load-generator run against one server; CPU in microseconds per request. */
    record Measurement(double rps, long p50, long p99, double mbps, double cpuMicrosPerRequest) {}

    private final String java;
    private final String classPath;
    private final int duration;
    private final int warmup;
    private final List<String> serverJvmArgs;
    private final List<String> tlsArgs;

    private EchoBench(int duration, int warmup, List<String> serverJvmArgs, Path tlsKeyStore) {
        this.java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.classPath = System.getProperty("java.class.path");
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
                Set.of("servers", "rows", "runs", "duration", "warmup", "baseline", "goal", "placement",
                        "server-jvm-args", "out"),
                Set.of("pin", "tls"));
        List<String> servers = Arrays.stream(cli.get("servers", DEFAULT_SERVERS).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        if (servers.isEmpty()) {
            throw cli.usage("--servers must name at least one server");
        }
        for (String server : servers) {
            checkServer(cli, server);
        }
        List<Row> rows = parseRows(cli, cli.get("rows", DEFAULT_ROWS));
        int runs = cli.getInt("runs", 1, 1, 100);
        int duration = cli.getInt("duration", 10, 1, 3600);
        int warmup = cli.getInt("warmup", 3, 0, 3600);
        List<Placement> placements = parsePlacements(cli);
        if (placements.stream().anyMatch(Placement::pinned)) {
            checkPinning(cli);
        }
        String baseline = cli.get("baseline", servers.contains(NETTY_EPOLL) ? NETTY_EPOLL
                : servers.stream().filter(s -> s.startsWith("netty")).findFirst().orElse(servers.get(0)));
        if (!servers.contains(baseline)) {
            throw cli.usage("--baseline must be one of the servers " + servers + ", found: " + baseline);
        }
        String goal = cli.get("goal", servers.contains("spindle-epoll") ? "spindle-epoll" : "");
        if (!goal.isEmpty() && !servers.contains(goal)) {
            throw cli.usage("--goal must be one of the servers " + servers + ", found: " + goal);
        }
        if (cli.has("tls") && servers.contains(NativeEchoServer.NAME)) {
            throw cli.usage(NativeEchoServer.NAME + " has no TLS; leave it out of --servers with --tls");
        }
        if (servers.contains(NativeEchoServer.NAME)) {
            try {
                NativeEchoServer.binary(); // build it now, so a missing compiler stops the run before it starts
            } catch (NativeEchoServer.UnavailableException e) {
                throw cli.usage(e.getMessage());
            }
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
        EchoBench bench = new EchoBench(duration, warmup, serverJvmArgs, tlsKeyStore);
        Instant started = Instant.now();
        String loadBefore = loadAverage();
        Map<Placement, Map<String, Map<Row, List<Measurement>>>> results = new LinkedHashMap<>();
        for (Placement placement : placements) {
            Map<String, Map<Row, List<Measurement>>> byServer = new LinkedHashMap<>();
            for (String server : servers) {
                byServer.put(server, new HashMap<>());
            }
            results.put(placement, byServer);
        }
        StringBuilder csv = new StringBuilder("placement,row,run,server,rps,p50us,p99us,mbps,cpu_us_per_req\n");
        for (Row row : rows) {
            for (int run = 0; run < runs; run++) {
                for (Placement placement : placements) {
                    for (String server : rotate(servers, run)) {
                        String what = String.format(Locale.ROOT, "[%s %s run %d/%d] %s",
                                placement.label, row.label(), run + 1, runs, server);
                        try {
                            Measurement m = bench.measure(server, row, placement);
                            results.get(placement).get(server).computeIfAbsent(row, r -> new ArrayList<>()).add(m);
                            System.err.printf(Locale.ROOT,
                                    "%s: %.1f req/s p50 %d us p99 %d us %.2f MB/s cpu %.3f us/req%n",
                                    what, m.rps(), m.p50(), m.p99(), m.mbps(), m.cpuMicrosPerRequest());
                            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%.1f,%d,%d,%.2f,%.4f%n",
                                    placement.label, row.label().replace(' ', '-'), run + 1, server, m.rps(),
                                    m.p50(), m.p99(), m.mbps(), m.cpuMicrosPerRequest()));
                        } catch (IOException | TimeoutException | RuntimeException e) {
                            System.err.println(what + ": FAILED: " + e);
                        }
                    }
                }
            }
        }

        String loadAfter = loadAverage();
        StringBuilder report = new StringBuilder();
        for (Placement placement : placements) {
            report.append(bench.report(servers, rows, runs, baseline, goal, placement, results.get(placement),
                    started, loadBefore, loadAfter));
        }
        System.out.print(report);
        System.out.flush();
        if (cli.has("out")) {
            Path out = Path.of(cli.get("out", ""));
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, report, StandardCharsets.UTF_8);
            Path csvFile = Path.of(out + ".csv");
            Files.writeString(csvFile, csv, StandardCharsets.UTF_8);
            System.err.println("wrote " + out + " and " + csvFile);
        }
    }

    /** The servers, started at position {@code run} and wrapping around. */
    static List<String> rotate(List<String> servers, int run) {
        List<String> order = new ArrayList<>(servers.size());
        for (int i = 0; i < servers.size(); i++) {
            order.add(servers.get((run + i) % servers.size()));
        }
        return order;
    }

    private static void checkServer(CliArgs cli, String server) {
        if (server.equals("netty-nio") || server.equals(NETTY_EPOLL) || server.equals(NativeEchoServer.NAME)) {
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
        throw cli.usage("--servers takes netty-nio, netty-epoll, c-epoll or spindle-BACKEND, found: " + server);
    }

    private static List<Placement> parsePlacements(CliArgs cli) {
        if (cli.has("pin") && cli.has("placement")) {
            throw cli.usage("--pin is --placement separate; give one of them");
        }
        String text = cli.has("pin") ? "separate" : cli.get("placement", "none");
        List<Placement> placements = new ArrayList<>();
        for (String part : text.split(",")) {
            String name = part.strip();
            Placement found = null;
            for (Placement p : Placement.values()) {
                if (p.label.equals(name)) {
                    found = p;
                }
            }
            if (found == null) {
                throw cli.usage("--placement takes a list of none, separate, same; found: " + name);
            }
            if (!placements.contains(found)) {
                placements.add(found);
            }
        }
        return placements;
    }

    static void checkPinning(CliArgs cli) {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            throw cli.usage("pinned placements need at least 2 CPUs, found: " + Runtime.getRuntime().availableProcessors());
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "taskset"))) {
                return;
            }
        }
        throw cli.usage("pinned placements need taskset (util-linux) on the PATH, found none in: " + path);
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

    static List<String> pinned(int cpu, List<String> command) {
        if (cpu < 0) {
            return command;
        }
        List<String> all = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
        all.addAll(command);
        return all;
    }

    private List<String> javaCommand(List<String> jvmArgs, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_OPTIONS);
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(args);
        return command;
    }

    private List<String> serverCommand(String server) throws IOException, InterruptedException {
        if (server.equals(NativeEchoServer.NAME)) {
            return NativeEchoServer.command(0);
        }
        if (server.startsWith("netty-")) {
            return javaCommand(serverJvmArgs, NettyEchoServer.class.getName(),
                    withTls(List.of("--transport", server.substring("netty-".length()), "--port", "0")));
        }
        return javaCommand(serverJvmArgs, "dev.spindle.bench.SpindleEchoServer",
                withTls(List.of("--backend", server.substring("spindle-".length()), "--port", "0")));
    }

    private List<String> withTls(List<String> args) {
        List<String> all = new ArrayList<>(args);
        all.addAll(tlsArgs);
        return all;
    }

    private Measurement measure(String server, Row row, Placement placement)
            throws IOException, InterruptedException, TimeoutException {
        Process process = new ProcessBuilder(pinned(placement.serverCpu, serverCommand(server)))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        LIVE.add(process);
        try {
            int port = awaitListening(server, process);
            // taskset execs the server, so the pid is the server's own: its /proc accounting is read.
            return load(process.pid(), port, row, placement);
        } finally {
            stop(process);
        }
    }

    static int awaitListening(String server, Process process) throws IOException, InterruptedException,
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

    private Measurement load(long serverPid, int port, Row row, Placement placement)
            throws IOException, InterruptedException, TimeoutException {
        List<String> command = pinned(placement.loadCpu, javaCommand(List.of(), LoadGenerator.class.getName(),
                withTls(List.of(
                        "--host", "127.0.0.1", "--port", Integer.toString(port),
                        "--connections", Integer.toString(row.connections()), "--size", Integer.toString(row.size()),
                        "--duration", Integer.toString(duration), "--warmup", Integer.toString(warmup),
                        "--mode", row.stream() ? "stream" : "pingpong"))));
        Process generator = new ProcessBuilder(command)
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
        // ms per request * 1000 = µs per request
        double cpuMicros = requests == 0 ? Double.NaN : (cpu[1] - cpu[0]) * 1000.0 / requests;
        return new Measurement(Double.parseDouble(result.get("rps")), Long.parseLong(result.get("p50us")),
                Long.parseLong(result.get("p99us")), Double.parseDouble(result.get("mbps")), cpuMicros);
    }

    static void stop(Process process) throws InterruptedException {
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

    /** The 1, 5 and 15 minute load averages, or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).strip().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private String report(List<String> servers, List<Row> rows, int runs, String baseline, String goal,
            Placement placement, Map<String, Map<Row, List<Measurement>>> results, Instant started,
            String loadBefore, String loadAfter) {
        boolean hasC = servers.contains(NativeEchoServer.NAME);
        StringBuilder out = new StringBuilder();
        out.append("## Echo benchmark, ").append(started.truncatedTo(ChronoUnit.SECONDS))
                .append(", placement: ").append(placement.label).append("\n\n");
        out.append(String.format(Locale.ROOT,
                "Java %s (%s), %s %s, %d CPUs; %s; warm-up %d s, measured %d s, median of %d run%s;"
                        + " server JVM %s; load average %s before, %s after.%n%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getProperty("os.name"), System.getProperty("os.version"),
                Runtime.getRuntime().availableProcessors(),
                placement.description
                        + (tlsArgs.isEmpty() ? "" : "; TLS " + BenchTls.PROTOCOL + " " + BenchTls.CIPHER
                                + " (JDK SSLEngine in every process)"),
                warmup, duration, runs, runs == 1 ? "" : "s",
                String.join(" ", JVM_OPTIONS) + (serverJvmArgs.isEmpty() ? "" : " " + String.join(" ", serverJvmArgs)),
                loadBefore, loadAfter));
        out.append("| server | C | M | req/s | p50 µs | p99 µs | MB/s | CPU µs/req | req/s ÷ ").append(baseline)
                .append(" | CPU ÷ ").append(baseline);
        if (hasC) {
            out.append(" | req/s ÷ c-epoll | CPU ÷ c-epoll");
        }
        out.append(" |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|").append(hasC ? "---:|---:|" : "").append('\n');
        for (Row row : rows) {
            Measurement base = median(results.get(baseline).get(row));
            Measurement c = hasC ? median(results.get(NativeEchoServer.NAME).get(row)) : null;
            for (String server : servers) {
                List<Measurement> all = results.get(server).get(row);
                Measurement m = median(all);
                String size = row.stream() ? row.size() + " (stream)" : Integer.toString(row.size());
                String runsNote = all == null || all.size() == runs ? "" : " (" + (all == null ? 0 : all.size()) + " runs)";
                if (m == null) {
                    out.append(String.format(Locale.ROOT, "| %s%s | %d | %s | n/a | n/a | n/a | n/a | n/a | n/a | n/a |%s%n",
                            server, runsNote, row.connections(), size, hasC ? " n/a | n/a |" : ""));
                    continue;
                }
                out.append(String.format(Locale.ROOT, "| %s%s | %d | %s | %,.0f | %s | %s | %.1f | %.2f | %s | %s |",
                        server, runsNote, row.connections(), size, m.rps(),
                        row.stream() ? "–" : Long.toString(m.p50()), row.stream() ? "–" : Long.toString(m.p99()),
                        m.mbps(), m.cpuMicrosPerRequest(), ratio(m.rps(), base == null ? 0 : base.rps()),
                        ratio(m.cpuMicrosPerRequest(), base == null ? 0 : base.cpuMicrosPerRequest())));
                if (hasC) {
                    out.append(String.format(Locale.ROOT, " %s | %s |", ratio(m.rps(), c == null ? 0 : c.rps()),
                            ratio(m.cpuMicrosPerRequest(), c == null ? 0 : c.cpuMicrosPerRequest())));
                }
                out.append('\n');
            }
        }
        out.append("\nreq/s: echoed messages per second (stream rows: M-byte units of echoed data). ")
                .append("MB/s: echoed data, 10^6 bytes. Latency: round trip seen by the load generator, ")
                .append("bucket resolution about 1.6 %. CPU µs/req: user + system time of the server process ")
                .append("over the measured window (/proc/<pid>/stat, 1/").append(ServerCpu.ticksPerSecond())
                .append(" s ticks) per request. Ratios divide the medians. Servers: ").append(String.join(", ", servers))
                .append(".\n\n");
        if (!goal.isEmpty() && servers.contains(NETTY_EPOLL) && hasC && !goal.equals(NETTY_EPOLL)) {
            out.append(goalTable(rows, goal, placement, results));
        }
        return out.toString();
    }

    private static String goalTable(List<Row> rows, String goal, Placement placement,
            Map<String, Map<Row, List<Measurement>>> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "### Goals, %s, placement %s%n%n", goal, placement.label));
        out.append(String.format(Locale.ROOT, "| row | req/s ÷ netty-epoll (≥ %.2f) | CPU ÷ netty-epoll (≤ %.2f)"
                + " | CPU ÷ c-epoll (≤ %.2f) |%n|---|---|---|---|%n", GOAL_RPS_VS_NETTY, GOAL_CPU_VS_NETTY, GOAL_CPU_VS_C));
        int[] met = new int[3];
        int[] total = new int[3];
        for (Row row : rows) {
            Measurement g = median(results.get(goal).get(row));
            Measurement n = median(results.get(NETTY_EPOLL).get(row));
            Measurement c = median(results.get(NativeEchoServer.NAME).get(row));
            out.append("| ").append(row.label()).append(" | ");
            out.append(verdict(g == null || n == null ? Double.NaN : g.rps() / n.rps(), GOAL_RPS_VS_NETTY, true, met, total, 0));
            out.append(" | ");
            out.append(verdict(g == null || n == null ? Double.NaN : g.cpuMicrosPerRequest() / n.cpuMicrosPerRequest(),
                    GOAL_CPU_VS_NETTY, false, met, total, 1));
            out.append(" | ");
            out.append(verdict(g == null || c == null ? Double.NaN : g.cpuMicrosPerRequest() / c.cpuMicrosPerRequest(),
                    GOAL_CPU_VS_C, false, met, total, 2));
            out.append(" |\n");
        }
        out.append(String.format(Locale.ROOT, "| **met** | %d of %d | %d of %d | %d of %d |%n%n",
                met[0], total[0], met[1], total[1], met[2], total[2]));
        return out.toString();
    }

    private static String verdict(double ratio, double goal, boolean atLeast, int[] met, int[] total, int column) {
        if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
            return "n/a";
        }
        total[column]++;
        boolean ok = atLeast ? ratio >= goal : ratio <= goal;
        if (ok) {
            met[column]++;
        }
        return String.format(Locale.ROOT, "%.2f %s", ratio, ok ? "met" : "**missed**");
    }

    private static String ratio(double value, double base) {
        return base == 0 || Double.isNaN(base) || Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value / base);
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
                median(runs.stream().mapToDouble(Measurement::cpuMicrosPerRequest).toArray()));
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
