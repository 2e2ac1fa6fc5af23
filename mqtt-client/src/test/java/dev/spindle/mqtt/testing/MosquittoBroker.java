package dev.spindle.mqtt.testing;

import dev.spindle.reactor.TlsClientOptions;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A real Mosquitto 2 broker (Debian's {@code mosquitto} package) in its own process, for
 * integration tests: {@code /usr/sbin/mosquitto -c <generated mosquitto.conf>} in a fresh temporary
 * directory, listening on free loopback ports.
 *
 * <pre>{@code
 * try (MosquittoBroker broker = MosquittoBroker.builder().tls(true).start()) {
 *     MqttClientConfig config = MqttClientConfig.builder(broker.host())
 *             .port(broker.tlsPort()).tls(broker.tlsClientOptions()).build();
 *     ...
 *     broker.restart();                // same ports: clients reconnect to the same address
 * }
 * }</pre>
 *
 * <h2>Ports</h2>
 * Each listener's port is found by binding port 0 on {@code 127.0.0.1} (the WebSocket listener:
 * on all interfaces, see {@link Builder#websockets(boolean)}), noting the port the kernel gave and
 * closing the socket again before Mosquitto starts. Another process may take the port in that
 * gap; Mosquitto then logs {@code Error: Address already in use} and exits, and the broker is
 * started again on newly chosen ports, up to five times. The ports, once Mosquitto bound them,
 * stay the broker's for its life: {@link #restart()} and a {@link #start()} after {@link #stop()}
 * use them again (retrying for up to ten seconds while they are still busy), so that a client
 * reconnects to the address it knew.
 *
 * <h2>Readiness</h2>
 * Mosquitto logs to standard error (unbuffered), which goes to {@code mosquitto.log} in the
 * broker's directory. {@link #start()} returns once the log shows the line {@code mosquitto
 * version ... running}, which Mosquitto prints after every listener is open; it fails with a
 * {@link MosquittoException} carrying the configuration and the log if Mosquitto exits first or is
 * not running within the start timeout (20 seconds by default).
 *
 * <h2>User</h2>
 * Run as root, Mosquitto drops to user {@code mosquitto} unless the configuration says
 * otherwise, and that user could not read the key and password files in a temporary directory
 * only its owner may enter. The generated configuration therefore says {@code user root} when the
 * test runs as root (Mosquitto then logs a warning about it), so the broker always runs as the
 * user who runs the tests and its files stay private to that user. Run as anyone else,
 * Mosquitto keeps its user and no {@code user} line is written.
 *
 * <h2>No process left behind</h2>
 * {@link #stop()} sends SIGTERM (Mosquitto closes its clients and writes its persistence file),
 * waits up to ten seconds, then sends SIGKILL, and waits for the exit status so that no zombie
 * remains. Brokers still running when the JVM exits are stopped the same way by a shutdown hook.
 * For a JVM that dies without running hooks (SIGKILL, a crash), Mosquitto is started through
 * util-linux's {@code setpriv --pdeathsig KILL} where that exists (every Linux with util-linux
 * 2.33 or newer): the kernel kills it when the thread that started it ends, which is why every
 * broker is started from one daemon thread that lives as long as the JVM.
 *
 * <h2>Missing Mosquitto</h2>
 * The executable is {@link Builder#executable(Path)} if set, else the system property
 * {@value #EXECUTABLE_PROPERTY}, else {@code /usr/sbin/mosquitto}, else {@code mosquitto} on the
 * {@code PATH}. When none exists, {@link #start()} throws a {@link MosquittoException} saying to
 * install Debian's {@code mosquitto} package ({@code .ci/run} does); no test is skipped for it.
 *
 * <p>Thread-safe: the lifecycle methods are synchronized. {@link #close()} stops the broker and
 * deletes its directory.
 */
public final class MosquittoBroker implements AutoCloseable {
    /** The address every listener binds and clients connect to. */
    public static final String HOST = "127.0.0.1";
    /** System property naming the Mosquitto executable when it is not {@code /usr/sbin/mosquitto}. */
    public static final String EXECUTABLE_PROPERTY = "spindle.mosquitto";
    /** Where Debian's package installs the broker. */
    public static final Path DEFAULT_EXECUTABLE = Path.of("/usr/sbin/mosquitto");

    static final String CONFIG_FILE = "mosquitto.conf";
    static final String LOG_FILE = "mosquitto.log";
    static final String PASSWORD_FILE = "passwd";
    static final String DATA_DIR = "data";
    private static final String INSTALL_HINT = "The MQTT integration tests need a real Mosquitto 2 broker: install Debian's "
            + "package with `sudo apt-get install mosquitto` (.ci/run does this), or set the system property "
            + EXECUTABLE_PROPERTY + " to a mosquitto 2.x executable.";
    private static final Pattern RUNNING = Pattern.compile("mosquitto version \\S+ running");
    private static final String ADDRESS_IN_USE = "Address already in use";
    private static final int PORT_ATTEMPTS = 5;
    private static final Duration SAME_PORT_WAIT = Duration.ofSeconds(10);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int LOG_LIMIT = 256 * 1024;
    // mosquitto_passwd's format in 2.0: $7$ = PBKDF2-HMAC-SHA512, 101 iterations, 12-byte salt, 64-byte hash.
    private static final int PBKDF2_ITERATIONS = 101;

    // per JVM: brokers with a live process, stopped by the shutdown hook
    private static final Set<MosquittoBroker> LIVE = ConcurrentHashMap.newKeySet();

    // per broker
    private final Settings settings;
    private final @Nullable MosquittoTls tls;
    private volatile @Nullable Path dir;
    private boolean closed;
    private int starts;

    // ports, chosen at the first start that succeeds and kept for the broker's life
    private int port;
    private int tlsPort;
    private int websocketPort;

    // per run
    private volatile @Nullable Process process;

    private MosquittoBroker(Settings settings) {
        this.settings = settings;
        this.tls = settings.tls ? MosquittoTls.create() : null;
    }

    /**
     * A builder with the defaults: one plain listener, anonymous clients allowed, persistence
     * off, Mosquitto's own limits.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a broker with the defaults.
     *
     * @return the running broker
     * @throws MosquittoException if Mosquitto is missing or does not start
     */
    public static MosquittoBroker startDefault() {
        return builder().start();
    }

    /**
     * Starts Mosquitto: at the first call on newly chosen ports, after {@link #stop()} on the
     * ports it had. Returns when the broker accepts connections.
     *
     * @return this broker
     * @throws MosquittoException if Mosquitto is missing, exits before it is ready, or is not
     *     ready within the start timeout; the message holds the configuration and the log
     * @throws IllegalStateException if it is running or closed
     */
    public synchronized MosquittoBroker start() {
        if (closed) {
            throw new IllegalStateException("the broker is closed: " + this);
        }
        if (process != null) {
            throw new IllegalStateException("the broker is already running: " + this);
        }
        Path exe = executable(settings.executable);
        boolean samePorts = port != 0;
        boolean started = false;
        try {
            startOn(exe, samePorts);
            started = true;
            return this;
        } catch (IOException e) {
            throw new MosquittoException("cannot start mosquitto: " + e.getMessage(), e);
        } finally {
            if (!started && !samePorts) {
                // Never bound: the next start() chooses afresh.
                port = 0;
                tlsPort = 0;
                websocketPort = 0;
            }
        }
    }

    private void startOn(Path exe, boolean samePorts) throws IOException {
        Path d = directory0();
        long sameDeadline = System.nanoTime() + SAME_PORT_WAIT.toNanos();
        for (int attempt = 1;; attempt++) {
            if (!samePorts) {
                choosePorts(attempt);
            }
            writeConfig(d);
            long logStart = appendMarker(d, attempt);
            Process p = launch(exe, d);
            if (awaitRunning(p, logStart)) {
                process = p;
                LIVE.add(this);
                starts++;
                return;
            }
            String log = readLog(logStart);
            if (log.contains(ADDRESS_IN_USE)) {
                if (!samePorts && attempt < PORT_ATTEMPTS) {
                    continue;
                }
                if (samePorts && System.nanoTime() - sameDeadline < 0) {
                    // Someone holds one of our ports for now (our own old process has been reaped).
                    pause(100);
                    continue;
                }
            }
            throw failure("mosquitto exited with status " + p.exitValue() + " before it was ready"
                    + (log.contains(ADDRESS_IN_USE) ? " (a port was taken; attempt " + attempt + ")" : ""), log);
        }
    }

    /**
     * Stops Mosquitto: SIGTERM, up to ten seconds for it to exit (it closes its clients' connections
     * and, with persistence on, writes its database), then SIGKILL; returns once the process has
     * exited and been reaped. Nothing happens if it is not running. The ports and the directory
     * are kept for {@link #start()}.
     *
     * @throws MosquittoException if the process survives SIGKILL for ten seconds
     */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            terminate(p, STOP_GRACE);
        } finally {
            process = null;
            LIVE.remove(this);
        }
    }

    /**
     * Kills Mosquitto at once with SIGKILL, like a crash: no goodbye to clients, no database
     * written (beyond what autosave wrote). Returns once the process has been reaped.
     *
     * @throws MosquittoException if the process survives SIGKILL for ten seconds
     */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        try {
            terminate(p, Duration.ZERO);
        } finally {
            process = null;
            LIVE.remove(this);
        }
    }

    /**
     * {@link #stop()} then {@link #start()} on the same ports: clients see their connections closed
     * and can reconnect to the same address. With persistence on, sessions and retained
     * messages survive.
     *
     * @return this broker
     * @throws MosquittoException as {@link #start()} and {@link #stop()}
     */
    public synchronized MosquittoBroker restart() {
        stop();
        return start();
    }

    /**
     * Stops the broker and deletes its directory. Idempotent.
     *
     * @throws MosquittoException as {@link #stop()}
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        try {
            stop();
        } finally {
            closed = true;
            Path d = dir;
            if (d != null) {
                deleteTree(d);
            }
        }
    }

    /**
     * Whether the Mosquitto process is alive.
     *
     * @return true between a successful {@link #start()} and {@link #stop()}, unless it died
     */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /**
     * The process id of the running Mosquitto.
     *
     * @return the pid
     * @throws IllegalStateException if it is not running
     */
    public long pid() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("the broker is not running: " + this);
        }
        return p.pid();
    }

    /**
     * How many times this broker was started successfully.
     *
     * @return 0 before the first {@link #start()}
     */
    public synchronized int starts() {
        return starts;
    }

    /**
     * The host clients connect to.
     *
     * @return {@value #HOST}
     */
    public String host() {
        return HOST;
    }

    /**
     * The plain MQTT listener's port.
     *
     * @return the port
     * @throws IllegalStateException before the first {@link #start()}
     */
    public synchronized int port() {
        requirePorts();
        return port;
    }

    /**
     * The TLS listener's port.
     *
     * @return the port
     * @throws IllegalStateException if TLS is off, or before the first {@link #start()}
     */
    public synchronized int tlsPort() {
        requireTls();
        requirePorts();
        return tlsPort;
    }

    /**
     * The MQTT-over-WebSocket listener's port (path {@code /}, sub-protocol {@code mqtt}).
     *
     * @return the port
     * @throws IllegalStateException if the WebSocket listener is off, or before the first
     *     {@link #start()}
     */
    public synchronized int websocketPort() {
        if (!settings.websockets) {
            throw new IllegalStateException("the WebSocket listener is off: build the broker with websockets(true)");
        }
        requirePorts();
        return websocketPort;
    }

    /**
     * Whether clients must present a certificate on the TLS listener.
     *
     * @return the setting
     */
    public boolean requiresClientCertificate() {
        return settings.requireCertificate;
    }

    /**
     * The broker's directory (configuration, log, password file, PEM files, persistence).
     *
     * @return the directory
     * @throws IllegalStateException before the first {@link #start()}
     */
    public synchronized Path directory() {
        Path d = dir;
        if (d == null) {
            throw new IllegalStateException("the broker has not been started: " + this);
        }
        return d;
    }

    /**
     * Mosquitto's log of every run of this broker so far (each run begins with a {@code #
     * MosquittoBroker} line), its last 256 KiB if longer. For failure messages.
     *
     * @return the log, empty before the first start
     */
    public String log() {
        Path d = dir;
        if (d == null) {
            return "";
        }
        try {
            return readLog(d.resolve(LOG_FILE), 0);
        } catch (IOException e) {
            return "(cannot read " + d.resolve(LOG_FILE) + ": " + e + ")";
        }
    }

    /**
     * The certificate of the CA that issued the broker's server certificate (made at test time)
     * and the client certificate of {@link #mutualTlsClientSslContext()}.
     *
     * @return the CA certificate
     * @throws IllegalStateException if TLS is off
     */
    public X509Certificate caCertificate() {
        return requireTls().caCertificate();
    }

    /**
     * A PKCS#12 key store whose only entry is the CA certificate, trusted.
     *
     * @return a new key store
     * @throws IllegalStateException if TLS is off
     */
    public KeyStore trustStore() {
        return requireTls().trustStore();
    }

    /**
     * A PKCS#12 key store with the client's key and certificate chain under alias {@code key},
     * password {@link #keyStorePassword()}, for mutual TLS.
     *
     * @return a new key store
     * @throws IllegalStateException if TLS is off
     */
    public KeyStore clientKeyStore() {
        return requireTls().clientKeyStore();
    }

    /**
     * The password of {@link #clientKeyStore()} and of its key entry.
     *
     * @return a copy of the password
     * @throws IllegalStateException if TLS is off
     */
    public char[] keyStorePassword() {
        requireTls();
        return MosquittoTls.password();
    }

    /**
     * The client certificate of {@link #clientKeyStore()}.
     *
     * @return the certificate
     * @throws IllegalStateException if TLS is off
     */
    public X509Certificate clientCertificate() {
        return requireTls().clientCertificate();
    }

    /**
     * An SSL context that trusts the broker's CA and has no client certificate.
     *
     * @return a new context
     * @throws IllegalStateException if TLS is off
     */
    public SSLContext clientSslContext() {
        return requireTls().clientContext();
    }

    /**
     * An SSL context that trusts the broker's CA and presents the client certificate when the
     * server asks (mutual TLS).
     *
     * @return a new context
     * @throws IllegalStateException if TLS is off
     */
    public SSLContext mutualTlsClientSslContext() {
        return requireTls().mutualClientContext();
    }

    /**
     * Client TLS options for the reactor that trust the broker: {@link #clientSslContext()} with
     * the defaults otherwise, host-name verification included (the server certificate names
     * {@value #HOST} and {@code localhost}).
     *
     * @return the options
     * @throws IllegalStateException if TLS is off
     */
    public TlsClientOptions tlsClientOptions() {
        return TlsClientOptions.builder().sslContext(clientSslContext()).build();
    }

    /**
     * As {@link #tlsClientOptions()} with {@link #mutualTlsClientSslContext()}: for a broker that
     * {@linkplain Builder#requireClientCertificate(boolean) requires a client certificate}.
     *
     * @return the options
     * @throws IllegalStateException if TLS is off
     */
    public TlsClientOptions mutualTlsClientOptions() {
        return TlsClientOptions.builder().sslContext(mutualTlsClientSslContext()).build();
    }

    @Override
    public String toString() {
        return "MosquittoBroker[" + HOST + ":" + (port == 0 ? "-" : Integer.toString(port))
                + (tls != null ? ", tls=" + (tlsPort == 0 ? "-" : Integer.toString(tlsPort))
                        + (settings.requireCertificate ? " (client certificate required)" : "") : "")
                + (settings.websockets ? ", websockets=" + (websocketPort == 0 ? "-" : Integer.toString(websocketPort)) : "")
                + (process != null ? ", running" : closed ? ", closed" : ", stopped")
                + (dir != null ? ", " + dir : "") + "]";
    }

    private MosquittoTls requireTls() {
        MosquittoTls t = tls;
        if (t == null) {
            throw new IllegalStateException("TLS is off: build the broker with tls(true)");
        }
        return t;
    }

    private void requirePorts() {
        if (port == 0) {
            throw new IllegalStateException("the broker has not been started: " + this);
        }
    }

    private Path directory0() throws IOException {
        Path d = dir;
        if (d == null) {
            d = Files.createTempDirectory("spindle-mosquitto-");
            if (d.toString().chars().anyMatch(Character::isWhitespace)) {
                deleteTree(d);
                // mosquitto.conf splits values at blanks: a path with one cannot be written there.
                throw new IOException("the temporary directory " + d + " has a blank in its path, which mosquitto.conf "
                        + "cannot hold; set java.io.tmpdir to a path without one");
            }
            Files.createDirectories(d.resolve(DATA_DIR));
            if (tls != null) {
                tls.writePemFiles(d);
            }
            if (!settings.users.isEmpty()) {
                StringBuilder sb = new StringBuilder();
                for (Map.Entry<String, String> u : settings.users.entrySet()) {
                    sb.append(u.getKey()).append(':').append(passwordHash(u.getValue())).append('\n');
                }
                writePrivate(d.resolve(PASSWORD_FILE), sb.toString());
            }
            dir = d;
        }
        return d;
    }

    private void choosePorts(int attempt) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            InetAddress loopback = InetAddress.getByName(HOST);
            // All held open together, so the listeners get distinct ports.
            ServerSocket plain = new ServerSocket(0, 1, loopback);
            held.add(plain);
            ServerSocket secure = null;
            ServerSocket ws = null;
            if (tls != null) {
                secure = new ServerSocket(0, 1, loopback);
                held.add(secure);
            }
            if (settings.websockets) {
                // Mosquitto's WebSocket listener binds every interface whatever address it is given.
                ws = new ServerSocket(0, 1);
                held.add(ws);
            }
            port = plain.getLocalPort();
            tlsPort = secure == null ? 0 : secure.getLocalPort();
            websocketPort = ws == null ? 0 : ws.getLocalPort();
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
        if (attempt == 1 && settings.firstPort != 0) {
            // The test hook: hand the port over still taken, to exercise the retry.
            port = settings.firstPort;
        }
    }

    private void writeConfig(Path d) throws IOException {
        StringBuilder c = new StringBuilder();
        c.append("# Written by ").append(MosquittoBroker.class.getName()).append(" for Mosquitto 2.0.\n");
        if (isRoot(d)) {
            // Else mosquitto would switch to user "mosquitto", who cannot read this private directory.
            c.append("user root\n");
        }
        c.append("log_dest stderr\n");
        c.append("log_timestamp_format %Y-%m-%dT%H:%M:%S\n");
        c.append("allow_anonymous ").append(settings.allowAnonymous).append('\n');
        if (!settings.users.isEmpty()) {
            c.append("password_file ").append(d.resolve(PASSWORD_FILE)).append('\n');
        }
        if (settings.maxPacketSize != 0) {
            c.append("max_packet_size ").append(settings.maxPacketSize).append('\n');
        }
        if (settings.maxInflightMessages >= 0) {
            c.append("max_inflight_messages ").append(settings.maxInflightMessages).append('\n');
        }
        if (settings.maxKeepalive >= 0) {
            c.append("max_keepalive ").append(settings.maxKeepalive).append('\n');
        }
        c.append("persistence ").append(settings.persistence).append('\n');
        if (settings.persistence) {
            c.append("persistence_location ").append(d.resolve(DATA_DIR)).append(File.separatorChar).append('\n');
        }
        for (String line : settings.extraConfig) {
            c.append(line).append('\n');
        }
        c.append("\nlistener ").append(port).append(' ').append(HOST).append('\n');
        if (tls != null) {
            c.append("\nlistener ").append(tlsPort).append(' ').append(HOST).append('\n');
            c.append("cafile ").append(d.resolve(MosquittoTls.CA_FILE)).append('\n');
            c.append("certfile ").append(d.resolve(MosquittoTls.CERT_FILE)).append('\n');
            c.append("keyfile ").append(d.resolve(MosquittoTls.KEY_FILE)).append('\n');
            c.append("require_certificate ").append(settings.requireCertificate).append('\n');
        }
        if (settings.websockets) {
            c.append("\nlistener ").append(websocketPort).append(' ').append(HOST).append('\n');
            c.append("protocol websockets\n");
        }
        writePrivate(d.resolve(CONFIG_FILE), c.toString());
    }

    private static boolean isRoot(Path d) {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(d, "unix:uid"));
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return false;
        }
    }

    private long appendMarker(Path d, int attempt) throws IOException {
        Path log = d.resolve(LOG_FILE);
        long start = Files.exists(log) ? Files.size(log) : 0;
        String line = "# MosquittoBroker: start " + (starts + 1) + (attempt > 1 ? " attempt " + attempt : "") + ", ports "
                + port + (tls != null ? ", tls " + tlsPort : "") + (settings.websockets ? ", websockets " + websocketPort : "")
                + "\n";
        Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return start;
    }

    private static Process launch(Path exe, Path d) throws IOException {
        List<String> command = new ArrayList<>();
        String setpriv = Launcher.SETPRIV;
        if (setpriv != null) {
            command.add(setpriv);
            command.add("--pdeathsig");
            command.add("KILL");
        }
        command.add(exe.toString());
        command.add("-c");
        command.add(d.resolve(CONFIG_FILE).toString());
        ProcessBuilder pb = new ProcessBuilder(command).directory(d.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(d.resolve(LOG_FILE).toFile()));
        Process p = Launcher.start(pb);
        p.getOutputStream().close();
        return p;
    }

    /** Polls the log (every 10 ms, bounded by the start timeout) until Mosquitto says it runs or exits. */
    private boolean awaitRunning(Process p, long logStart) throws IOException {
        long deadline = System.nanoTime() + settings.startTimeout.toNanos();
        while (true) {
            boolean alive = p.isAlive();
            if (RUNNING.matcher(readLog(logStart)).find()) {
                if (alive) {
                    return true;
                }
            }
            if (!alive) {
                return false;
            }
            if (System.nanoTime() - deadline >= 0) {
                terminate(p, Duration.ZERO);
                throw failure("mosquitto did not report running within " + settings.startTimeout, readLog(logStart));
            }
            pause(10);
        }
    }

    private MosquittoException failure(String what, String log) {
        String config;
        try {
            Path d = dir;
            config = d == null ? "(none)" : Files.readString(d.resolve(CONFIG_FILE), StandardCharsets.UTF_8);
        } catch (IOException e) {
            config = "(cannot read: " + e + ")";
        }
        return new MosquittoException(what + " (" + this + ")\n--- " + CONFIG_FILE + " ---\n" + config + "--- log ---\n" + log);
    }

    private String readLog(long from) throws IOException {
        return readLog(Objects.requireNonNull(dir).resolve(LOG_FILE), from);
    }

    private static String readLog(Path file, long from) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long length = f.length();
            long start = Math.max(from, length - LOG_LIMIT);
            byte[] b = new byte[(int) (length - start)];
            f.seek(start);
            f.readFully(b);
            String text = new String(b, StandardCharsets.UTF_8);
            return start > from ? "(" + (start - from) + " earlier bytes left out)\n" + text : text;
        }
    }

    /**
     * SIGTERM and {@code grace} for the exit (none: SIGKILL at once), then SIGKILL and up to ten
     * seconds more. Process.waitFor reaps the child, so no zombie is left.
     */
    private static void terminate(Process p, Duration grace) {
        boolean interrupted = false;
        try {
            if (!grace.isZero()) {
                p.destroy();
                try {
                    if (p.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            p.destroyForcibly();
            long deadline = System.nanoTime() + STOP_GRACE.toNanos();
            while (true) {
                try {
                    if (p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                    throw new MosquittoException("mosquitto (pid " + p.pid() + ") is still alive " + STOP_GRACE
                            + " after SIGKILL");
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MosquittoException("interrupted while waiting for mosquitto", e);
        }
    }

    static Path executable(@Nullable Path configured) {
        if (configured != null) {
            if (Files.isExecutable(configured) && !Files.isDirectory(configured)) {
                return configured;
            }
            throw new MosquittoException("Mosquitto is not installed: no executable at " + configured + ". " + INSTALL_HINT);
        }
        String property = System.getProperty(EXECUTABLE_PROPERTY);
        if (property != null && !property.isBlank()) {
            return executable(Path.of(property));
        }
        if (Files.isExecutable(DEFAULT_EXECUTABLE)) {
            return DEFAULT_EXECUTABLE;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    Path p = Path.of(entry, "mosquitto");
                    if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                        return p;
                    }
                }
            }
        }
        throw new MosquittoException("Mosquitto is not installed: no " + DEFAULT_EXECUTABLE + " and no mosquitto on the PATH. "
                + INSTALL_HINT);
    }

    /** A password file line's hash as mosquitto_passwd 2.0 writes it. */
    static String passwordHash(String password) {
        byte[] salt = new byte[12];
        new SecureRandom().nextBytes(salt);
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, PBKDF2_ITERATIONS, 512);
            byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA512").generateSecret(spec).getEncoded();
            spec.clearPassword();
            Base64.Encoder b64 = Base64.getEncoder();
            return "$7$" + PBKDF2_ITERATIONS + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA512", e);
        }
    }

    /** Writes {@code text} to a file only its owner may read (where the file system has POSIX permissions). */
    static void writePrivate(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the temporary directory's own protection has to do
        }
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the broker directory " + root, e);
        }
    }

    /** Stops every broker still running; the shutdown hook. Takes no lock: a test thread may hold one. */
    private static void stopAllAtExit() {
        for (MosquittoBroker b : LIVE) {
            Process p = b.process;
            if (p != null) {
                p.destroy();
            }
        }
        for (MosquittoBroker b : LIVE) {
            Process p = b.process;
            if (p != null) {
                try {
                    terminate(p, Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    // exiting anyway; the kernel's parent-death signal is the last resort
                }
            }
            Path d = b.dir;
            if (d != null) {
                try {
                    deleteTree(d);
                } catch (UncheckedIOException e) {
                    // best effort at exit
                }
            }
        }
    }

    /**
     * The one thread every Mosquitto is started from, and the shutdown hook. The thread never ends
     * before the JVM does: with {@code setpriv --pdeathsig} the kernel signals the child when the
     * thread that created it ends, not only the process.
     */
    private static final class Launcher {
        static final ExecutorService THREAD = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "mosquitto-launcher");
                    t.setDaemon(true);
                    return t;
                });
        static final @Nullable String SETPRIV = probeSetpriv();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(MosquittoBroker::stopAllAtExit, "mosquitto-shutdown"));
        }

        private Launcher() {
        }

        static Process start(ProcessBuilder pb) throws IOException {
            Future<Process> f = THREAD.submit(pb::start);
            try {
                return f.get();
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof IOException io) {
                    throw io;
                }
                throw new IOException("cannot start " + pb.command() + ": " + c, c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // The process may still start: kill it once it has.
                THREAD.execute(() -> {
                    try {
                        f.get().destroyForcibly();
                    } catch (InterruptedException | ExecutionException ignored) {
                        // nothing started
                    }
                });
                throw new IOException("interrupted while starting " + pb.command(), e);
            }
        }

        /** util-linux's setpriv if it takes --pdeathsig (2.33+), else null. */
        private static @Nullable String probeSetpriv() {
            for (String candidate : List.of("/usr/bin/setpriv", "/bin/setpriv")) {
                if (Files.isExecutable(Path.of(candidate))) {
                    try {
                        Process p = new ProcessBuilder(candidate, "--pdeathsig", "KILL", "true")
                                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                        p.getOutputStream().close();
                        if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                            return candidate;
                        }
                        p.destroyForcibly();
                    } catch (IOException e) {
                        return null;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return null;
                    }
                }
            }
            return null;
        }
    }

    /** The settings a {@link Builder} collected, frozen. */
    private static final class Settings {
        final boolean tls;
        final boolean requireCertificate;
        final boolean websockets;
        final boolean allowAnonymous;
        final Map<String, String> users;
        final int maxPacketSize;
        final int maxInflightMessages;
        final int maxKeepalive;
        final boolean persistence;
        final List<String> extraConfig;
        final @Nullable Path executable;
        final Duration startTimeout;
        final int firstPort;

        Settings(Builder b) {
            this.tls = b.tls;
            this.requireCertificate = b.requireCertificate;
            this.websockets = b.websockets;
            this.allowAnonymous = b.allowAnonymous;
            this.users = Map.copyOf(b.users);
            this.maxPacketSize = b.maxPacketSize;
            this.maxInflightMessages = b.maxInflightMessages;
            this.maxKeepalive = b.maxKeepalive;
            this.persistence = b.persistence;
            this.extraConfig = List.copyOf(b.extraConfig);
            this.executable = b.executable;
            this.startTimeout = b.startTimeout;
            this.firstPort = b.firstPort;
        }
    }

    /**
     * Builds a {@link MosquittoBroker}. Every setting is optional; not thread-safe.
     */
    public static final class Builder {
        private boolean tls;
        private boolean requireCertificate;
        private boolean websockets;
        private boolean allowAnonymous = true;
        private final Map<String, String> users = new LinkedHashMap<>();
        private int maxPacketSize;
        private int maxInflightMessages = -1;
        private int maxKeepalive = -1;
        private boolean persistence;
        private final List<String> extraConfig = new ArrayList<>();
        private @Nullable Path executable;
        private Duration startTimeout = Duration.ofSeconds(20);
        private int firstPort;

        private Builder() {
        }

        /**
         * Adds a TLS listener ({@link MosquittoBroker#tlsPort()}) beside the plain one, with a
         * server certificate for {@value MosquittoBroker#HOST} and {@code localhost} issued by a CA
         * made at test time; the client side gets it from {@link MosquittoBroker#tlsClientOptions()}
         * and its relatives. Needs BouncyCastle ({@code org.bouncycastle:bcpkix-jdk18on}) on the
         * test class path.
         *
         * @param on the flag (default off)
         * @return this builder
         */
        public Builder tls(boolean on) {
            this.tls = on;
            return this;
        }

        /**
         * Makes the TLS listener require a client certificate issued by the test CA
         * ({@code require_certificate true}); turns TLS on.
         *
         * @param on the flag (default off)
         * @return this builder
         */
        public Builder requireClientCertificate(boolean on) {
            this.requireCertificate = on;
            if (on) {
                this.tls = true;
            }
            return this;
        }

        /**
         * Adds an MQTT-over-WebSocket listener ({@link MosquittoBroker#websocketPort()}). Mosquitto
         * binds it on every interface whatever address it is given; the port is random and the
         * tests connect only through {@value MosquittoBroker#HOST}.
         *
         * @param on the flag (default off)
         * @return this builder
         */
        public Builder websockets(boolean on) {
            this.websockets = on;
            return this;
        }

        /**
         * Whether clients without a user name may connect ({@code allow_anonymous}). Mosquitto 2
         * refuses them by default; this harness allows them unless told otherwise.
         *
         * @param allow the flag (default true)
         * @return this builder
         */
        public Builder allowAnonymous(boolean allow) {
            this.allowAnonymous = allow;
            return this;
        }

        /**
         * Adds a user to the broker's password file (written with mosquitto_passwd's PBKDF2-SHA512
         * hash format).
         *
         * @param name non-empty, without {@code :} or line breaks
         * @param password without line breaks
         * @return this builder
         */
        public Builder user(String name, String password) {
            Objects.requireNonNull(name, "name must not be null");
            Objects.requireNonNull(password, "password must not be null");
            if (name.isEmpty() || name.indexOf(':') >= 0 || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("user name must be non-empty without ':' or line breaks, found: '" + name + "'");
            }
            if (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("password of " + name + " must not contain line breaks");
            }
            users.put(name, password);
            return this;
        }

        /**
         * Sets {@code max_packet_size}: the largest packet the broker accepts (it disconnects a
         * client that sends a larger one) and announces to MQTT 5 clients in CONNACK.
         *
         * @param bytes 20 or more; 0 for Mosquitto's default (no limit)
         * @return this builder
         */
        public Builder maxPacketSize(int bytes) {
            if (bytes != 0 && bytes < 20) {
                throw new IllegalArgumentException("maxPacketSize must be 0 or at least 20, found: " + bytes);
            }
            this.maxPacketSize = bytes;
            return this;
        }

        /**
         * Sets {@code max_inflight_messages}: QoS 1 and 2 messages in flight to one client at a
         * time (Receive Maximum in MQTT 5).
         *
         * @param count 0..65535, 0 for no limit
         * @return this builder
         */
        public Builder maxInflightMessages(int count) {
            if (count < 0 || count > 65535) {
                throw new IllegalArgumentException("maxInflightMessages must be in 0..65535, found: " + count);
            }
            this.maxInflightMessages = count;
            return this;
        }

        /**
         * Sets {@code max_keepalive}: MQTT 5 clients asking for a longer keep alive (or 0) are told
         * this one in CONNACK's Server Keep Alive; MQTT 3.1.1 clients asking for more are refused.
         *
         * @param seconds 10..65535
         * @return this builder
         */
        public Builder maxKeepalive(int seconds) {
            if (seconds < 10 || seconds > 65535) {
                throw new IllegalArgumentException("maxKeepalive must be in 10..65535, found: " + seconds);
            }
            this.maxKeepalive = seconds;
            return this;
        }

        /**
         * Turns persistence on: sessions, subscriptions, queued and retained messages are written
         * to {@code data/mosquitto.db} in the broker's directory when it stops and read back at
         * the next {@link MosquittoBroker#start()}.
         *
         * @param on the flag (default off)
         * @return this builder
         */
        public Builder persistence(boolean on) {
            this.persistence = on;
            return this;
        }

        /**
         * Adds raw lines to {@code mosquitto.conf}, after the general settings above and before
         * the listeners, e.g. {@code "max_queued_messages 10"}, {@code "retain_available false"} or
         * {@code "log_type all"}. Only general options take effect there: a listener option such as
         * {@code max_qos} or {@code max_connections} would configure Mosquitto's default listener,
         * which is not opened when listeners are given.
         *
         * @param lines one or more lines
         * @return this builder
         */
        public Builder extraConfig(String lines) {
            Objects.requireNonNull(lines, "lines must not be null");
            extraConfig.add(lines.strip());
            return this;
        }

        /**
         * Sets the Mosquitto executable, overriding {@value MosquittoBroker#EXECUTABLE_PROPERTY}
         * and {@code /usr/sbin/mosquitto}.
         *
         * @param path the executable
         * @return this builder
         */
        public Builder executable(Path path) {
            this.executable = Objects.requireNonNull(path, "executable must not be null");
            return this;
        }

        /**
         * Sets how long {@link MosquittoBroker#start()} waits for Mosquitto to say it runs.
         *
         * @param timeout positive (default 20 s)
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive, found: " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        /** Test hook: the first attempt's plain port, e.g. one held elsewhere, to exercise the retry. */
        Builder firstPort(int port) {
            this.firstPort = port;
            return this;
        }

        /**
         * A broker with these settings, not started (no process, no directory yet).
         *
         * @return the broker
         */
        public MosquittoBroker build() {
            return new MosquittoBroker(new Settings(this));
        }

        /**
         * {@link #build()} and {@link MosquittoBroker#start()}.
         *
         * @return the running broker
         * @throws MosquittoException if Mosquitto is missing or does not start
         */
        public MosquittoBroker start() {
            MosquittoBroker b = build();
            try {
                return b.start();
            } catch (RuntimeException e) {
                b.close();
                throw e;
            }
        }
    }
}
