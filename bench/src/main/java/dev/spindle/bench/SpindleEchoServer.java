package dev.spindle.bench;

import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.TlsServerOptions;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.quick.Reactors;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Set;

/**
 * The Spindle side of the echo benchmark: one reactor thread that both accepts and serves.
 *
 * <p>Usage: {@code SpindleEchoServer [--backend NAME] [--port N] [--tls-keystore FILE] [--ignore-stdin] [--alloc-report]
 * [--alloc-warm-reads N]}.
 * With {@code --tls-keystore} it serves TLS ({@link BenchTls}: TLS 1.3, one cipher suite) with
 * the key in that PKCS#12 file.
 * With {@code --alloc-report} it prints, when it stops, the bytes the reactor thread allocated
 * per received buffer after the first {@code --alloc-warm-reads} reads (default
 * {@value AllocProbe#WARM_READS}; the connection set-up and the JIT's first compilations are left
 * out): the hot path's allocation. With the server pinned to a busy core the JIT compiles late,
 * so give it more warm reads there.
 * {@code --backend} sets the system property {@code spindle.reactor.backend} before the reactor
 * is created. Binds 127.0.0.1 (port 0 picks a free one), prints {@code LISTENING <port>} once
 * bound, and runs until killed or until standard input closes (unless {@code --ignore-stdin}).
 */
public final class SpindleEchoServer {

    private SpindleEchoServer() {}

    /** Runs the server; see the class comment for the options. */
    public static void main(String[] args) throws IOException, GeneralSecurityException {
        try {
            run(args);
        } catch (CliArgs.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws IOException, GeneralSecurityException {
        CliArgs cli = CliArgs.parse("SpindleEchoServer", args, Set.of("port", "backend", "tls-keystore", "alloc-warm-reads"),
                Set.of("ignore-stdin", "alloc-report"));
        TlsServerOptions tls = !cli.has("tls-keystore") ? null
                : TlsServerOptions.builder(BenchTls.serverContext(Path.of(cli.get("tls-keystore", ""))))
                        .protocols(BenchTls.protocols()).cipherSuites(BenchTls.ciphers()).build();
        AllocProbe probe = cli.has("alloc-report")
                ? new AllocProbe(cli.getInt("alloc-warm-reads", AllocProbe.WARM_READS, 1, Integer.MAX_VALUE)) : null;
        int port = cli.getInt("port", 0, 0, 65535);
        if (cli.has("backend")) {
            System.setProperty("spindle.reactor.backend", cli.get("backend", ""));
        }

        Reactor reactor = Reactors.create();
        reactor.callWhenRunning(() -> {
            try {
                ProtocolFactory echo = remote -> probe == null ? new EchoProtocol() : new ProbedEchoProtocol(probe);
                InetSocketAddress bind = new InetSocketAddress("127.0.0.1", port);
                ListeningPort listening = tls == null ? reactor.listenTcp(bind, echo) : reactor.listenTls(bind, echo, tls);
                System.out.println("LISTENING " + ((InetSocketAddress) listening.localAddress()).getPort());
                System.out.flush();
            } catch (RuntimeException e) {
                // The harness waits for LISTENING; say why it will not come and end the run.
                System.err.println("SpindleEchoServer: cannot listen on 127.0.0.1:" + port + ": " + e);
                reactor.stop();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(reactor::stop, "spindle-echo-shutdown"));
        if (!cli.has("ignore-stdin")) {
            Thread watcher = new Thread(() -> {
                StdinEof.await();
                reactor.stop();
            }, "spindle-echo-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        if (probe != null) {
            probe.watchCurrentThread();
        }
        reactor.run();
        if (probe != null) {
            probe.report();
        }
    }

    /**
     * Counts reads on the loop thread; a watcher thread reads the loop thread's allocation
     * counter once the warm-up count is passed.
     *
     * <p>The hot path only increments a counter: a test such as {@code if (++reads == warm)} in
     * it would be compiled as a never-taken branch, and taking it once would deoptimize the
     * compiled read path, whose interpreted run (until it is compiled again) allocates what the
     * compiled code does not. That transient then lands in the figure it is meant to measure.
     */
    static final class AllocProbe {
        static final int WARM_READS = 200_000;
        private static final long WATCH_MILLIS = 20;
        private final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        private final long warmReads;
        private volatile long reads; // written by the loop thread only
        private volatile long startReads = -1;
        private volatile long startBytes = -1;

        AllocProbe(long warmReads) {
            this.warmReads = warmReads;
        }

        /** Starts watching the calling thread, which is about to run the loop. */
        void watchCurrentThread() {
            long loopThread = Thread.currentThread().threadId();
            Thread watcher = new Thread(() -> {
                try {
                    while (reads < warmReads) {
                        Thread.sleep(WATCH_MILLIS);
                    }
                    // Bytes first, then reads: reads counted in between are attributed to no bytes,
                    // which can only make the figure smaller by a few reads' worth, never larger.
                    long bytes = threads.getThreadAllocatedBytes(loopThread);
                    startReads = reads;
                    startBytes = bytes;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "alloc-probe");
            watcher.setDaemon(true);
            watcher.start();
        }

        void onRead() {
            reads++; // one writer, the loop thread: not a lost update
        }

        // Called on the thread that ran the loop, after it returned.
        void report() {
            long bytesAtStart = startBytes;
            long readsAtStart = startReads;
            if (bytesAtStart < 0) {
                System.out.println("ALLOC reads=" + reads + " (fewer than " + warmReads + ": no figure)");
                return;
            }
            long bytes = threads.getCurrentThreadAllocatedBytes() - bytesAtStart;
            long measured = reads - readsAtStart;
            System.out.printf("ALLOC reads=%d bytes=%d bytesPerRead=%.4f%n", measured, bytes,
                    measured == 0 ? 0.0 : (double) bytes / measured);
        }
    }

    /** {@link EchoProtocol} that also counts reads for the {@link AllocProbe}. */
    static final class ProbedEchoProtocol implements Protocol {
        private final AllocProbe probe;
        private Transport transport;

        ProbedEchoProtocol(AllocProbe probe) {
            this.probe = probe;
        }

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            probe.onRead();
            transport.write(data);
        }
    }

    /**
     * Writes every received buffer straight back. The buffer is valid only during the call;
     * {@link Transport#write} sends what it can at once and copies the rest.
     */
    static final class EchoProtocol implements Protocol {

        // per connection, set in connectionMade before any dataReceived
        private Transport transport;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }
}
