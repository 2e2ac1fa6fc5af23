package dev.spindle.cli;

import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import dev.spindle.reactor.Tls;
import dev.spindle.reactor.TlsServerOptions;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@code spindle echo}: a TCP echo server that runs the reactor on the calling thread until
 * {@link #shutdown(Duration)} (from a JVM shutdown hook on Ctrl-C or SIGTERM, or from a test)
 * stops it cleanly through {@link Reactor#stop()}.
 */
final class EchoCommand {
    /** Told once the server listens; for tests, which run the command in-process. */
    @FunctionalInterface
    interface Observer {
        /**
         * The server listens. Called on the reactor thread.
         *
         * @param command the running command, to {@link #shutdown} it
         * @param address the bound address, with the port chosen for port 0
         */
        void listening(EchoCommand command, InetSocketAddress address);

        /**
         * The server listens on a UNIX-domain socket ({@code --unix}). Called on the reactor thread.
         *
         * @param command the running command
         * @param path the socket file
         */
        default void listeningUnix(EchoCommand command, java.nio.file.Path path) {
        }
    }

    // --unix replaces a stale socket file (a killed server's), never a live one or another file
    private static final UnixListenOptions UNIX_OPTIONS = UnixListenOptions.builder().removeStaleSocket(true).build();

    private final Reactor reactor;
    // an InetSocketAddress, or a UnixAddress for --unix
    private final SocketAddress bindAddress;
    private final PrintStream out;
    private final PrintStream err;
    private final @Nullable Observer observer;
    private final CountDownLatch finished = new CountDownLatch(1);
    // set before run(): serve TLS with these options instead of plain TCP
    private @Nullable TlsServerOptions tls;

    // written by shutdown() on any thread, read on the reactor thread
    private volatile boolean stopRequested;
    // written on the reactor thread, read by run() after the loop ended
    private volatile boolean listenFailed;

    EchoCommand(Reactor reactor, SocketAddress bindAddress, PrintStream out, PrintStream err,
            @Nullable Observer observer) {
        this.reactor = reactor;
        this.bindAddress = bindAddress;
        this.out = out;
        this.err = err;
        this.observer = observer;
    }

    /**
     * Serves TLS instead of plain TCP. Call before {@link #run()}.
     *
     * @param options the server's TLS options
     * @return this command
     */
    EchoCommand tls(TlsServerOptions options) {
        this.tls = options;
        return this;
    }

    /**
     * Listens and runs the reactor on the calling thread until it is stopped.
     *
     * @return the exit code: 0 after a clean stop, 1 if the server could not listen or the loop
     *     failed
     */
    int run() {
        int code = 0;
        try {
            if (!stopRequested) {
                reactor.callWhenRunning(this::listen);
                reactor.run();
            }
            if (listenFailed) {
                code = 1;
            } else {
                out.println("stopped");
            }
        } catch (RuntimeException e) {
            err.println("spindle: the echo server failed: " + e);
            code = 1;
        } finally {
            out.flush();
            err.flush();
            finished.countDown();
        }
        return code;
    }

    /**
     * Asks the reactor to stop (it finishes queued work and flushes open connections first) and
     * waits until {@link #run()} has returned. Thread-safe; idempotent.
     *
     * @param timeout how long to wait
     * @return true if {@code run()} returned within the timeout
     * @throws InterruptedException if interrupted while waiting
     */
    boolean shutdown(Duration timeout) throws InterruptedException {
        stopRequested = true;
        reactor.stop();
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The reactor's state, for diagnostics.
     *
     * @return the state
     */
    ReactorState state() {
        return reactor.state();
    }

    private void listen() {
        if (stopRequested) {
            // shutdown() raced with start-up: stop() may have hit the reactor before run().
            reactor.stop();
            return;
        }
        ListeningPort port;
        try {
            TlsServerOptions t = tls;
            if (bindAddress instanceof UnixAddress) {
                port = reactor.listenUnix((UnixAddress) bindAddress,
                        t == null ? remote -> new EchoProtocol() : Tls.server(t, remote -> new EchoProtocol()), UNIX_OPTIONS);
            } else {
                port = t == null ? reactor.listenTcp((InetSocketAddress) bindAddress, remote -> new EchoProtocol())
                        : reactor.listenTls((InetSocketAddress) bindAddress, remote -> new EchoProtocol(), t);
            }
        } catch (RuntimeException e) {
            listenFailed = true;
            err.println("spindle: cannot listen on " + describe(bindAddress) + ": " + e.getMessage());
            reactor.stop();
            return;
        }
        if (bindAddress instanceof UnixAddress) {
            listeningUnix(((UnixAddress) bindAddress).path());
            return;
        }
        InetSocketAddress bound = (InetSocketAddress) port.localAddress();
        out.println("listening on " + format(bound) + " (backend " + reactor.backendName() + (tls == null ? "" : ", TLS") + ")");
        out.flush();
        Observer o = observer;
        if (o != null) {
            o.listening(this, bound);
        }
    }

    /** Stopping the reactor closes the port, which removes the socket file. */
    private void listeningUnix(java.nio.file.Path path) {
        out.println("listening on " + describe(bindAddress) + " (backend " + reactor.backendName()
                + (tls == null ? "" : ", TLS") + ")");
        out.flush();
        Observer o = observer;
        if (o != null) {
            o.listeningUnix(this, path);
        }
    }

    /** {@code unix:/run/echo.sock}, or the TCP address as {@link #format} writes it. */
    static String describe(SocketAddress address) {
        return address instanceof InetSocketAddress ? format((InetSocketAddress) address) : "unix:" + address;
    }

    /** {@code 127.0.0.1:7000}, {@code [::1]:7000}. */
    static String format(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet6Address) {
            host = "[" + host + "]";
        }
        return host + ":" + address.getPort();
    }
}
