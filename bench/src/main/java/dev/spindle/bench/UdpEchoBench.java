package dev.spindle.bench;

import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Side-by-side UDP echo benchmark: Spindle's epoll backend with and without {@code recvmmsg}/
 * {@code sendmmsg} batching, Spindle's select backend and Netty's native epoll datagram channel,
 * one fresh server process per measurement, the same {@link UdpLoadGenerator} against each.
 *
 * <p>Usage: {@code UdpEchoBench [--servers LIST] [--rows LIST] [--runs N] [--duration S]
 * [--warmup S] [--placement LIST] [--out FILE]}.
 *
 * <p>Servers: {@code spindle-epoll} ({@link SpindleUdpEchoServer}, batches of 16),
 * {@code spindle-epoll-nobatch} (batch size 1: {@code recvmsg}/{@code sendmsg}),
 * {@code spindle-select}, {@code netty-epoll} ({@link NettyUdpEchoServer}, {@code recvmmsg}
 * with 16 datagrams per call) and {@code netty-epoll-nobatch}. Rows: {@code FxM} is F flows
 * (client sockets) with M-byte datagrams, ping-pong; the default rows are F in {1, 16} by M in
 * {64, 1024}. Placements as in {@link EchoBench}: {@code separate} (server on CPU 0, load on CPU
 * 1), {@code same} (both on CPU 0), {@code none}.
 *
 * <p>For each row, run, placement and server (the order rotates from run to run): start the
 * server, wait for {@code LISTENING}, run the load generator, which reads the server's CPU time
 * itself at the start and end of its window, stop the server. Figures are medians over the
 * runs; ratios divide medians.
 */
public final class UdpEchoBench {
    private static final String DEFAULT_SERVERS = "spindle-epoll,spindle-epoll-nobatch,spindle-select,netty-epoll";
    private static final String DEFAULT_ROWS = "1x64,1x1024,16x64,16x1024";
    private static final List<String> JVM_OPTIONS = List.of("-Xmx1g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED");
    private static final String NETTY = "netty-epoll";
    private static final String BATCHED = "spindle-epoll";
    private static final String UNBATCHED = "spindle-epoll-nobatch";

    /** One line of the table: F flows of M-byte datagrams. */
    record Row(int flows, int size) {
        String label() {
            return flows + "x" + size;
        }
    }

    /** One load-generator run against one server. */
    record Measurement(double rps, double p50, double p99, double cpuMicrosPerRequest, double lost) {}

    private final String java;
    private final String classPath;
    private final int duration;
    private final int warmup;

    private UdpEchoBench(int duration, int warmup) {
        this.java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        this.classPath = System.getProperty("java.class.path");
        this.duration = duration;
        this.warmup = warmup;
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
        CliArgs cli = CliArgs.parse("UdpEchoBench", args,
                Set.of("servers", "rows", "runs", "duration", "warmup", "placement", "out"), Set.of());
        List<String> servers = Arrays.stream(cli.get("servers", DEFAULT_SERVERS).split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        for (String server : servers) {
            if (!List.of(BATCHED, UNBATCHED, "spindle-select", NETTY, NETTY + "-nobatch").contains(server)) {
                throw cli.usage("--servers takes spindle-epoll, spindle-epoll-nobatch, spindle-select, netty-epoll,"
                        + " netty-epoll-nobatch; found: " + server);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String spec : cli.get("rows", DEFAULT_ROWS).split(",")) {
            String[] fm = spec.strip().split("x");
            try {
                rows.add(new Row(Integer.parseInt(fm[0]), Integer.parseInt(fm[1])));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw cli.usage("--rows takes FxM (flows x bytes), found: " + spec);
            }
        }
        for (Row row : rows) {
            if (row.flows() < 1 || row.flows() > 10_000 || row.size() < 8 || row.size() > NettyUdpEchoServer.MAX_PAYLOAD) {
                throw cli.usage("--rows: F in 1..10000 and M in 8.." + NettyUdpEchoServer.MAX_PAYLOAD + ", found: "
                        + row.label());
            }
        }
        int runs = cli.getInt("runs", 1, 1, 100);
        List<EchoBench.Placement> placements = new ArrayList<>();
        for (String name : cli.get("placement", "separate").split(",")) {
            EchoBench.Placement found = Arrays.stream(EchoBench.Placement.values())
                    .filter(p -> p.label.equals(name.strip())).findFirst()
                    .orElseThrow(() -> cli.usage("--placement takes a list of none, separate, same; found: " + name));
            if (!placements.contains(found)) {
                placements.add(found);
            }
        }
        if (placements.stream().anyMatch(p -> p.pinned())) {
            EchoBench.checkPinning(cli);
        }
        UdpEchoBench bench = new UdpEchoBench(cli.getInt("duration", 10, 1, 3600), cli.getInt("warmup", 3, 0, 3600));

        Instant started = Instant.now();
        String loadBefore = EchoBench.loadAverage();
        Map<EchoBench.Placement, Map<String, Map<Row, List<Measurement>>>> results = new LinkedHashMap<>();
        StringBuilder csv = new StringBuilder("placement,row,run,server,rps,p50us,p99us,cpu_us_per_req,lost\n");
        for (Row row : rows) {
            for (int run = 0; run < runs; run++) {
                for (EchoBench.Placement placement : placements) {
                    for (String server : EchoBench.rotate(servers, run)) {
                        String what = String.format(Locale.ROOT, "[%s %s run %d/%d] %s", placement.label, row.label(),
                                run + 1, runs, server);
                        try {
                            Measurement m = bench.measure(server, row, placement);
                            results.computeIfAbsent(placement, p -> new HashMap<>())
                                    .computeIfAbsent(server, s -> new HashMap<>())
                                    .computeIfAbsent(row, r -> new ArrayList<>()).add(m);
                            System.err.printf(Locale.ROOT, "%s: %.1f req/s p50 %.0f us p99 %.0f us cpu %.3f us/req lost %.0f%n",
                                    what, m.rps(), m.p50(), m.p99(), m.cpuMicrosPerRequest(), m.lost());
                            csv.append(String.format(Locale.ROOT, "%s,%s,%d,%s,%.1f,%.0f,%.0f,%.4f,%.0f%n", placement.label,
                                    row.label(), run + 1, server, m.rps(), m.p50(), m.p99(), m.cpuMicrosPerRequest(), m.lost()));
                        } catch (IOException | RuntimeException e) {
                            System.err.println(what + ": FAILED: " + e);
                        }
                    }
                }
            }
        }
        String loadAfter = EchoBench.loadAverage();
        StringBuilder report = new StringBuilder();
        for (EchoBench.Placement placement : placements) {
            report.append(bench.report(servers, rows, runs, placement, results.getOrDefault(placement, Map.of()), started,
                    loadBefore, loadAfter));
        }
        System.out.print(report);
        System.out.flush();
        if (cli.has("out")) {
            Path out = Path.of(cli.get("out", ""));
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, report, StandardCharsets.UTF_8);
            Files.writeString(Path.of(out + ".csv"), csv, StandardCharsets.UTF_8);
        }
    }

    private List<String> serverCommand(String server) {
        String main;
        List<String> args;
        switch (server) {
            case BATCHED -> {
                main = SpindleUdpEchoServer.class.getName();
                args = List.of("--backend", "epoll", "--batch", "16");
            }
            case UNBATCHED -> {
                main = SpindleUdpEchoServer.class.getName();
                args = List.of("--backend", "epoll", "--batch", "1");
            }
            case "spindle-select" -> {
                main = SpindleUdpEchoServer.class.getName();
                args = List.of("--backend", "select");
            }
            case NETTY -> {
                main = NettyUdpEchoServer.class.getName();
                args = List.of("--batch", "16");
            }
            default -> {
                main = NettyUdpEchoServer.class.getName();
                args = List.of("--batch", "1");
            }
        }
        return javaCommand(main, args);
    }

    private List<String> javaCommand(String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(args);
        return command;
    }

    private Measurement measure(String server, Row row, EchoBench.Placement placement)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(EchoBench.pinned(placement.serverCpu, serverCommand(server)))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            int port;
            try {
                port = EchoBench.awaitListening(server, process);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException(server + " did not print LISTENING", e);
            }
            List<String> command = EchoBench.pinned(placement.loadCpu, javaCommand(UdpLoadGenerator.class.getName(), List.of(
                    "--port", Integer.toString(port), "--flows", Integer.toString(row.flows()),
                    "--size", Integer.toString(row.size()), "--duration", Integer.toString(duration),
                    "--warmup", Integer.toString(warmup), "--server-pid", Long.toString(process.pid()))));
            Process generator = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Map<String, String> result = new HashMap<>();
            try (BufferedReader lines = generator.inputReader(StandardCharsets.UTF_8)) {
                generator.getOutputStream().close();
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("RESULT ")) {
                        for (String pair : line.substring("RESULT ".length()).split(" ")) {
                            int eq = pair.indexOf('=');
                            result.put(pair.substring(0, eq), pair.substring(eq + 1));
                        }
                    } else {
                        System.err.println("[load] " + line);
                    }
                }
                if (!generator.waitFor(warmup + duration + 60L, TimeUnit.SECONDS) || generator.exitValue() != 0
                        || result.isEmpty()) {
                    throw new IOException("load generator failed: " + result);
                }
            } finally {
                generator.destroyForcibly();
            }
            return new Measurement(Double.parseDouble(result.get("rps")), Double.parseDouble(result.get("p50us")),
                    Double.parseDouble(result.get("p99us")), Double.parseDouble(result.get("cpuUsPerReq")),
                    Double.parseDouble(result.get("lost")));
        } finally {
            EchoBench.stop(process);
        }
    }

    private String report(List<String> servers, List<Row> rows, int runs, EchoBench.Placement placement,
            Map<String, Map<Row, List<Measurement>>> results, Instant started, String loadBefore, String loadAfter) {
        StringBuilder out = new StringBuilder();
        out.append("## UDP echo benchmark, ").append(started.truncatedTo(ChronoUnit.SECONDS)).append(", placement: ")
                .append(placement.label).append("\n\n");
        out.append(String.format(Locale.ROOT,
                "Java %s, %s %s, %d CPUs; %s; warm-up %d s, measured %d s, median of %d run%s; server JVM %s;"
                        + " load average %s before, %s after.%n%n",
                System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.version"),
                Runtime.getRuntime().availableProcessors(), placement.description, warmup, duration, runs,
                runs == 1 ? "" : "s", String.join(" ", JVM_OPTIONS), loadBefore, loadAfter));
        out.append("| server | flows | M | req/s | p50 µs | p99 µs | CPU µs/req | lost | req/s ÷ netty-epoll"
                + " | CPU ÷ netty-epoll | req/s ÷ nobatch | CPU ÷ nobatch |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            Measurement netty = median(results.getOrDefault(NETTY, Map.of()).get(row));
            Measurement unbatched = median(results.getOrDefault(UNBATCHED, Map.of()).get(row));
            for (String server : servers) {
                Measurement m = median(results.getOrDefault(server, Map.of()).get(row));
                if (m == null) {
                    out.append(String.format(Locale.ROOT, "| %s | %d | %d | n/a | | | | | | | | |%n", server, row.flows(),
                            row.size()));
                    continue;
                }
                out.append(String.format(Locale.ROOT, "| %s | %d | %d | %,.0f | %.0f | %.0f | %.2f | %.0f | %s | %s | %s | %s |%n",
                        server, row.flows(), row.size(), m.rps(), m.p50(), m.p99(), m.cpuMicrosPerRequest(), m.lost(),
                        ratio(m, netty, Measurement::rps), ratio(m, netty, Measurement::cpuMicrosPerRequest),
                        server.startsWith("spindle-epoll") ? ratio(m, unbatched, Measurement::rps) : "",
                        server.startsWith("spindle-epoll") ? ratio(m, unbatched, Measurement::cpuMicrosPerRequest) : ""));
            }
        }
        out.append("\nreq/s: echoed datagrams per second over all flows. Latency: round trip seen by the load generator."
                + " CPU µs/req: user + system time of the server process over the measured window (/proc/<pid>/stat, 1/"
                + ServerCpu.ticksPerSecond() + " s ticks) per echoed datagram. lost: datagrams of the window resent after "
                + UdpLoadGenerator.RESEND_MILLIS + " ms without an echo. nobatch: spindle-epoll-nobatch.\n\n");
        return out.toString();
    }

    private static String ratio(Measurement m, Measurement base, ToDoubleFunction<Measurement> field) {
        if (base == null) {
            return "n/a";
        }
        double b = field.applyAsDouble(base);
        return b == 0 || Double.isNaN(b) ? "n/a" : String.format(Locale.ROOT, "%.2f", field.applyAsDouble(m) / b);
    }

    private static Measurement median(List<Measurement> runs) {
        if (runs == null || runs.isEmpty()) {
            return null;
        }
        return new Measurement(
                EchoBench.median(runs.stream().mapToDouble(Measurement::rps).toArray()),
                EchoBench.median(runs.stream().mapToDouble(Measurement::p50).toArray()),
                EchoBench.median(runs.stream().mapToDouble(Measurement::p99).toArray()),
                EchoBench.median(runs.stream().mapToDouble(Measurement::cpuMicrosPerRequest).toArray()),
                EchoBench.median(runs.stream().mapToDouble(Measurement::lost).toArray()));
    }
}
