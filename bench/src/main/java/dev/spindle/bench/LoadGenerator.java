package dev.spindle.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * Closed-loop load for an echo server on the loopback interface.
 *
 * <p>Usage: {@code LoadGenerator --port N [--host 127.0.0.1] [--connections C] [--size M]
 * [--duration S] [--warmup S] [--mode pingpong|stream] [--tls-keystore FILE]}.
 *
 * <p>With {@code --tls-keystore} every connection is TLS through the JDK's {@code SSLEngine}
 * ({@link BenchTls}: TLS 1.3, one cipher suite, trusting only the certificate in that file). The
 * handshakes happen while connecting, before the warm-up; sizes and counts are plaintext.
 *
 * <p>All connections are non-blocking {@link SocketChannel}s served by <em>one</em> selector
 * thread, so on a 2-core machine the generator uses one core and leaves the other to the
 * server. The generator can therefore be the bottleneck itself; it is the same for every
 * server measured, and the server's CPU per request (measured by {@link EchoBench}) shows how
 * close the server was to its own limit.
 *
 * <ul>
 *   <li>{@code pingpong}: each connection sends one M-byte message, waits until M bytes have
 *       come back, records the round trip and sends the next at once. Closed loop: a slow reply
 *       delays the next request, so there is no coordinated-omission correction to make.
 *   <li>{@code stream}: each connection writes M-byte buffers without waiting and reads
 *       everything echoed back; at most {@code max(4 M, 256 KiB)} bytes per connection are
 *       in flight, which bounds what the server must buffer.
 * </ul>
 *
 * <p>Output, on standard output: {@code MEASURE_START} when the warm-up ends,
 * {@code MEASURE_END} when the measured window ends (a harness samples the server's CPU time
 * at these lines), then one line {@code RESULT key=value ...}. Only replies completed inside
 * the window count. MB are 10^6 bytes of echoed data.
 */
public final class LoadGenerator {

    private static final int PINGPONG = 0;
    private static final int STREAM = 1;
    private static final long MAX_SELECT_MILLIS = 100;

    // per run, fixed
    private final int mode;
    private final int size;
    private final long window;
    private final LatencyHistogram histogram = new LatencyHistogram();
    private final List<Connection> connections = new ArrayList<>();
    private final SSLContext tls; // null: plain TCP

    // per run, mutable; only the selector thread touches them
    private boolean measuring;
    private long requests;
    private long echoedBytes;
    private long errors;
    private int open;

    private LoadGenerator(int mode, int size, SSLContext tls) {
        this.mode = mode;
        this.size = size;
        this.tls = tls;
        this.window = Math.max(4L * size, 256 * 1024);
    }

    /** Runs the load; see the class comment for the options. */
    public static void main(String[] args) throws IOException, GeneralSecurityException {
        try {
            run(args);
        } catch (CliArgs.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws IOException, GeneralSecurityException {
        CliArgs cli = CliArgs.parse("LoadGenerator", args,
                Set.of("host", "port", "connections", "size", "duration", "warmup", "mode", "tls-keystore"), Set.of());
        String host = cli.get("host", "127.0.0.1");
        InetAddress address = InetAddress.getByName(host);
        if (!address.isLoopbackAddress()) {
            throw cli.usage("--host must be a loopback address, found: " + host);
        }
        if (!cli.has("port")) {
            throw cli.usage("--port is required");
        }
        int port = cli.getInt("port", 0, 1, 65535);
        int connections = cli.getInt("connections", 16, 1, 10_000);
        int size = cli.getInt("size", 64, 1, 16 << 20);
        int duration = cli.getInt("duration", 10, 1, 3600);
        int warmup = cli.getInt("warmup", 3, 0, 3600);
        String modeName = cli.get("mode", "pingpong");
        int mode = switch (modeName) {
            case "pingpong" -> PINGPONG;
            case "stream" -> STREAM;
            default -> throw cli.usage("--mode must be pingpong or stream, found: " + modeName);
        };

        SSLContext tls = cli.has("tls-keystore") ? BenchTls.clientContext(Path.of(cli.get("tls-keystore", ""))) : null;
        LoadGenerator generator = new LoadGenerator(mode, size, tls);
        generator.generate(new InetSocketAddress(address, port), connections,
                TimeUnit.SECONDS.toNanos(warmup), TimeUnit.SECONDS.toNanos(duration), modeName);
    }

    private void generate(InetSocketAddress server, int count, long warmupNanos, long durationNanos, String modeName)
            throws IOException {
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < count; i++) {
                SocketChannel channel = SocketChannel.open();
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.socket().connect(server, 5_000);
                Wire wire = tls == null ? PLAIN : TlsWire.handshake(tls, channel, server.getPort());
                channel.configureBlocking(false);
                Connection connection = new Connection(channel, wire);
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                connections.add(connection);
                open++;
            }

            long start = System.nanoTime();
            long plannedMeasureStart = start + warmupNanos;
            long plannedEnd = plannedMeasureStart + durationNanos;
            long measureStart = start;
            for (Connection connection : connections) {
                if (mode == PINGPONG) {
                    connection.sendRequest(start);
                } else {
                    connection.setWriteInterest(true);
                }
            }

            long now = start;
            while (now < plannedEnd && open > 0) {
                if (!measuring && now >= plannedMeasureStart) {
                    measuring = true;
                    measureStart = now;
                    System.out.println("MEASURE_START");
                    System.out.flush();
                }
                long nextBoundary = measuring ? plannedEnd : plannedMeasureStart;
                long waitMillis = Math.min(MAX_SELECT_MILLIS,
                        Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextBoundary - now)));
                selector.select(this::onReady, waitMillis);
                now = System.nanoTime();
            }
            if (!measuring) {
                // every connection failed during the warm-up: an empty window, still reported
                measuring = true;
                measureStart = now;
                System.out.println("MEASURE_START");
            }
            measuring = false;
            System.out.println("MEASURE_END");
            System.out.flush();
            long end = now;

            for (Connection connection : connections) {
                connection.channel.close();
            }
            report(modeName, count, (end - measureStart) / 1e9);
        }
    }

    private void report(String modeName, int count, double seconds) {
        long messages = mode == PINGPONG ? requests : echoedBytes / size;
        double secs = Math.max(seconds, 1e-9);
        String line = String.format(Locale.ROOT,
                "RESULT mode=%s conns=%d size=%d secs=%.3f reqs=%d rps=%.1f p50us=%d p99us=%d p999us=%d maxus=%d"
                        + " mbps=%.2f errors=%d",
                modeName, count, size, seconds, messages, messages / secs,
                histogram.valueAtPercentile(50), histogram.valueAtPercentile(99),
                histogram.valueAtPercentile(99.9), histogram.max(),
                echoedBytes / secs / 1e6, errors);
        System.out.println(line);
        System.out.flush();
    }

    private void onReady(SelectionKey key) {
        Connection connection = (Connection) key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            if (mode == PINGPONG) {
                if (key.isWritable()) {
                    connection.flush();
                }
                if (key.isReadable()) {
                    connection.readReply();
                }
            } else {
                if (key.isReadable()) {
                    connection.readStream();
                }
                if (key.isValid() && key.isWritable()) {
                    connection.writeStream();
                }
            }
        } catch (IOException e) {
            fail(connection, e);
        }
    }

    private void fail(Connection connection, Exception cause) {
        errors++;
        if (connection.channel.isOpen()) {
            open--;
            System.err.println("LoadGenerator: connection " + connections.indexOf(connection) + " failed: " + cause);
            try {
                connection.channel.close();
            } catch (IOException ignored) {
                // closing a broken channel: nothing more to learn
            }
        }
    }

    /** One client connection; only the selector thread uses it. */
    private final class Connection {

        final SocketChannel channel;
        final Wire wire;
        final ByteBuffer out;
        final ByteBuffer in;
        SelectionKey key;
        boolean writeInterest;

        // pingpong: the request in flight
        long sentAt;
        int received;

        // stream: totals since connect
        long sent;
        long echoed;

        Connection(SocketChannel channel, Wire wire) {
            this.channel = channel;
            this.wire = wire;
            this.out = ByteBuffer.allocateDirect(size);
            this.in = ByteBuffer.allocateDirect(Math.max(size, 64 * 1024));
            for (int i = 0; i < size; i++) {
                out.put(i, (byte) ('a' + i % 26));
            }
        }

        void setWriteInterest(boolean on) {
            if (on != writeInterest) {
                writeInterest = on;
                key.interestOps(on ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            }
        }

        void sendRequest(long now) throws IOException {
            out.clear();
            sentAt = now;
            received = 0;
            flush();
        }

        void flush() throws IOException {
            wire.write(channel, out);
            setWriteInterest(out.hasRemaining() || wire.pendingOutput());
        }

        void readReply() throws IOException {
            int n;
            do {
                in.clear();
                n = wire.read(channel, in);
                if (n < 0) {
                    throw new IOException("server closed the connection");
                }
                received += n;
                if (received >= size) {
                    long now = System.nanoTime();
                    if (measuring) {
                        histogram.record((now - sentAt) / 1_000);
                        requests++;
                        echoedBytes += size;
                    }
                    sendRequest(now);
                }
            } while (n > 0 && wire.bufferedInput());
        }

        void writeStream() throws IOException {
            while (sent - echoed < window) {
                if (!out.hasRemaining()) {
                    out.clear();
                }
                int n = wire.write(channel, out);
                if (n == 0) {
                    setWriteInterest(true);
                    return;
                }
                sent += n;
            }
            if (wire.pendingOutput()) {
                setWriteInterest(true);
                return;
            }
            // window full: wait for echoes before writing more
            setWriteInterest(false);
        }

        void readStream() throws IOException {
            int n;
            do {
                in.clear();
                n = wire.read(channel, in);
                if (n < 0) {
                    throw new IOException("server closed the connection");
                }
                echoed += n;
                if (measuring) {
                    echoedBytes += n;
                }
            } while (n > 0 && wire.bufferedInput());
            if (!writeInterest && sent - echoed < window) {
                writeStream();
            }
        }
    }

    /** How a connection's bytes reach the socket: as they are, or through TLS. */
    interface Wire {
        /** Reads what is available into {@code dst}: bytes read, 0 for none, -1 at end of stream. */
        int read(SocketChannel channel, ByteBuffer dst) throws IOException;

        /** Writes (some of) {@code src} without blocking: bytes of {@code src} taken. */
        int write(SocketChannel channel, ByteBuffer src) throws IOException;

        /** Whether bytes taken by {@link #write} still wait for the socket. */
        boolean pendingOutput();

        /** Whether input already read from the socket may hold more to {@link #read}. */
        boolean bufferedInput();
    }

    private static final Wire PLAIN = new Wire() {
        @Override
        public int read(SocketChannel channel, ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public int write(SocketChannel channel, ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public boolean pendingOutput() {
            return false;
        }

        @Override
        public boolean bufferedInput() {
            return false;
        }
    };

    /** TLS through one client {@link SSLEngine}; buffers per connection, reused. */
    static final class TlsWire implements Wire {
        private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
        private final SSLEngine engine;
        private final ByteBuffer netIn;
        private final ByteBuffer netOut;
        private boolean eof;

        private TlsWire(SSLEngine engine) {
            this.engine = engine;
            int packet = engine.getSession().getPacketBufferSize();
            this.netIn = ByteBuffer.allocateDirect(4 * packet);
            this.netOut = ByteBuffer.allocateDirect(packet);
            netOut.flip();
        }

        /** Runs the handshake on the still-blocking {@code channel}. */
        static TlsWire handshake(SSLContext context, SocketChannel channel, int port) throws IOException {
            SSLEngine e = context.createSSLEngine("localhost", port);
            e.setUseClientMode(true);
            e.setEnabledProtocols(BenchTls.protocols().toArray(new String[0]));
            e.setEnabledCipherSuites(BenchTls.ciphers().toArray(new String[0]));
            TlsWire w = new TlsWire(e);
            ByteBuffer app = ByteBuffer.allocate(e.getSession().getApplicationBufferSize());
            e.beginHandshake();
            while (true) {
                switch (e.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        w.netOut.clear();
                        e.wrap(EMPTY, w.netOut);
                        w.netOut.flip();
                        while (w.netOut.hasRemaining()) {
                            channel.write(w.netOut);
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        w.netIn.flip();
                        SSLEngineResult r = e.unwrap(w.netIn, app);
                        w.netIn.compact();
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && channel.read(w.netIn) < 0) {
                            throw new IOException("server closed the connection during the TLS handshake");
                        }
                        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new IOException("server closed TLS during the handshake");
                        }
                    }
                    case NEED_TASK -> {
                        Runnable task;
                        while ((task = e.getDelegatedTask()) != null) {
                            task.run();
                        }
                    }
                    default -> {
                        return w;
                    }
                }
            }
        }

        @Override
        public int read(SocketChannel channel, ByteBuffer dst) throws IOException {
            if (!eof && channel.read(netIn) < 0) {
                eof = true;
            }
            netIn.flip();
            int produced = 0;
            try {
                while (netIn.hasRemaining()) {
                    SSLEngineResult r = engine.unwrap(netIn, dst);
                    produced += r.bytesProduced();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        eof = true;
                        break;
                    }
                    if (r.getStatus() != SSLEngineResult.Status.OK) {
                        break;
                    }
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                    }
                }
            } finally {
                netIn.compact();
            }
            if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP && !netOut.hasRemaining()) {
                // TLS 1.3 post-handshake reply (key update): sent on the next write opportunity.
                netOut.clear();
                engine.wrap(EMPTY, netOut);
                netOut.flip();
                channel.write(netOut);
            }
            return produced == 0 && eof ? -1 : produced;
        }

        @Override
        public int write(SocketChannel channel, ByteBuffer src) throws IOException {
            if (netOut.hasRemaining()) {
                channel.write(netOut);
                if (netOut.hasRemaining()) {
                    return 0;
                }
            }
            if (!src.hasRemaining()) {
                return 0;
            }
            int before = src.remaining();
            netOut.clear();
            SSLEngineResult r;
            try {
                r = engine.wrap(src, netOut);
            } finally {
                netOut.flip();
            }
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("TLS wrap failed: " + r);
            }
            channel.write(netOut);
            return before - src.remaining();
        }

        @Override
        public boolean pendingOutput() {
            return netOut.hasRemaining();
        }

        @Override
        public boolean bufferedInput() {
            return netIn.position() > 0;
        }
    }
}
