package dev.spindle.cli;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.quick.Reactors;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The {@code spindle} command. {@link #main} exits with the code {@link #run} returns: 0 on
 * success, 1 when the command fails, 2 for a mistake in the arguments (the message and the usage
 * go to standard error).
 */
public final class Spindle {
    /** Exit code of a successful command. */
    static final int OK = 0;
    /** Exit code of a command that failed. */
    static final int FAILED = 1;
    /** Exit code of a mistake in the arguments. */
    static final int USAGE = 2;

    /** How long the shutdown hook waits for the echo server to stop cleanly. */
    static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    static final String USAGE_TEXT = String.join(System.lineSeparator(),
            "usage: spindle <command> [options]",
            "",
            "commands:",
            "  info                    show the Java runtime, the reactor backends and which one is chosen",
            "  echo --port N           run a TCP echo server until Ctrl-C (port 0 picks a free port)",
            "       [--host ADDRESS]   address to listen on (default " + CommandLine.DEFAULT_HOST + ")",
            "  echo --unix PATH        run it on a UNIX-domain socket file instead (removed on stop;",
            "                          a stale one left by a killed server is replaced)",
            "  echo ... [--tls]        serve TLS 1.3/1.2 with a self-signed certificate made on first use",
            "       [--tls-keystore P] its PKCS#12 file (default ~/.spindle/echo-tls.p12, password "
                    + EchoTls.PASSWORD + ")",
            "  mqtt pub -t TOPIC -m MESSAGE [-h HOST] [-p PORT] [-q QOS] [-V mqttv5] ...",
            "                          publish like mosquitto_pub (spindle mqtt --help for all options)",
            "  mqtt sub -t FILTER [-v] [-C COUNT] [-h HOST] [-p PORT] ...",
            "                          subscribe and print messages like mosquitto_sub",
            "  help                    show this text",
            "",
            "options:",
            "  --backend NAME          use this backend (info, echo); the default is the available one",
            "                          with the highest priority, or -D" + Reactors.BACKEND_PROPERTY + "=NAME",
            "  -h, --help              show this text",
            "",
            "Java options (e.g. -Dspindle.reactor.backend=select) go in SPINDLE_JAVA_OPTS for ./spindle.");

    private final PrintStream out;
    private final PrintStream err;
    private final boolean installShutdownHook;
    private final EchoCommand.@Nullable Observer echoObserver;

    Spindle(PrintStream out, PrintStream err, boolean installShutdownHook, EchoCommand.@Nullable Observer echoObserver) {
        this.out = out;
        this.err = err;
        this.installShutdownHook = installShutdownHook;
        this.echoObserver = echoObserver;
    }

    /**
     * Runs {@code spindle} and exits the JVM with its exit code.
     *
     * @param args the command and its options
     */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.exit(code);
    }

    /**
     * Runs a command and returns its exit code instead of exiting. {@code echo} runs until the
     * JVM shuts down (Ctrl-C, SIGTERM): a shutdown hook then stops the reactor cleanly and waits
     * up to {@link #SHUTDOWN_WAIT} for it, and this method returns 0.
     *
     * @param args the command and its options
     * @param out standard output
     * @param err standard error
     * @return the exit code: 0 success, 1 failure, 2 bad arguments
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        int code = new Spindle(out, err, true, null).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    int execute(String[] args) {
        if (args.length > 0 && args[0].equals(CommandLine.MQTT)) {
            int code = new MqttCommand(out, err, System.in).run(java.util.Arrays.copyOfRange(args, 1, args.length));
            out.flush();
            err.flush();
            return code;
        }
        CommandLine line;
        try {
            line = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            err.println("spindle: " + e.getMessage());
            err.println();
            err.println(USAGE_TEXT);
            err.flush();
            return USAGE;
        }
        switch (line.command()) {
            case CommandLine.HELP:
                out.println(USAGE_TEXT);
                out.flush();
                return OK;
            case CommandLine.INFO:
                return InfoCommand.run(line.backend(), out, err);
            case CommandLine.ECHO:
                return echo(line);
            default:
                throw new IllegalStateException("unhandled command " + line.command());
        }
    }

    private int echo(CommandLine line) {
        java.nio.file.Path unix = line.unix();
        int port;
        try {
            port = unix != null ? 0 : line.port();
        } catch (CommandLine.UsageException e) {
            // parse() checked it already
            throw new IllegalStateException(e);
        }
        InetSocketAddress bindAddress = new InetSocketAddress(line.host(), port);
        if (bindAddress.isUnresolved()) {
            err.println("spindle: cannot resolve --host " + line.host());
            err.flush();
            return FAILED;
        }
        Reactor reactor;
        try {
            String backend = line.backend();
            ReactorConfig config = ReactorConfig.builder().threadName("spindle-echo").build();
            reactor = backend == null ? Reactors.create(config) : Reactors.provider(backend).create(config);
        } catch (ReactorException e) {
            err.println("spindle: " + e.getMessage());
            err.flush();
            return FAILED;
        }
        EchoCommand echo = new EchoCommand(reactor, unix != null ? dev.spindle.reactor.UnixAddress.path(unix) : bindAddress,
                out, err, echoObserver);
        if (line.tls() && !useTls(echo, line)) {
            return FAILED;
        }
        Thread hook = null;
        if (installShutdownHook) {
            hook = new Thread(() -> stopOnShutdown(echo), "spindle-echo-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        int code = echo.run();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shutdownInProgress) {
                // The hook is running (Ctrl-C); it returns once run() has, which it just did.
            }
        }
        return code;
    }

    private boolean useTls(EchoCommand echo, CommandLine line) {
        String path = line.tlsKeyStore();
        Path keyStore = path == null ? EchoTls.defaultKeyStore() : Path.of(path);
        EchoTls tls;
        try {
            tls = EchoTls.loadOrCreate(keyStore, line.host());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            err.println("spindle: cannot use the TLS key store " + keyStore + ": " + e.getMessage());
            err.flush();
            return false;
        }
        out.println("TLS certificate " + (tls.created() ? "created in " : "loaded from ") + tls.keyStorePath()
                + " (PKCS#12, password " + EchoTls.PASSWORD + ")");
        out.println("TLS certificate SHA-256 fingerprint: " + tls.fingerprint());
        echo.tls(tls.serverOptions());
        return true;
    }

    private void stopOnShutdown(EchoCommand echo) {
        try {
            if (!echo.shutdown(SHUTDOWN_WAIT)) {
                err.println("spindle: the echo server did not stop within " + SHUTDOWN_WAIT.toSeconds()
                        + " s (state " + echo.state() + "); exiting anyway");
                err.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
