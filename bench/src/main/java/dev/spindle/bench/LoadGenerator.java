package dev.spindle.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop load for an echo server on the loopback interface.
 *
 * <p>Usage: {@code LoadGenerator --port N [--host 127.0.0.1] [--connections C] [--size M]
 * [--duration S] [--warmup S] [--mode pingpong|stream]}.
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

    // per run, mutable; only the selector thread touches them
    private boolean measuring;
    private long requests;
    private long echoedBytes;
    private long errors;
    private int open;

    private LoadGenerator(int mode, int size) {
        this.mode = mode;
        this.size = size;
        this.window = Math.max(4L * size, 256 * 1024);
    }

    /** Runs the load; see the class comment for the options. */
    public static void main(String[] args) throws IOException {
        try {
            run(args);
        } catch (CliArgs.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws IOException {
        CliArgs cli = CliArgs.parse("LoadGenerator", args,
                Set.of("host", "port", "connections", "size", "duration", "warmup", "mode"), Set.of());
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

        LoadGenerator generator = new LoadGenerator(mode, size);
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
                channel.configureBlocking(false);
                Connection connection = new Connection(channel);
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

        Connection(SocketChannel channel) {
            this.channel = channel;
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
            channel.write(out);
            setWriteInterest(out.hasRemaining());
        }

        void readReply() throws IOException {
            in.clear();
            int n = channel.read(in);
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
        }

        void writeStream() throws IOException {
            while (sent - echoed < window) {
                if (!out.hasRemaining()) {
                    out.clear();
                }
                int n = channel.write(out);
                if (n == 0) {
                    setWriteInterest(true);
                    return;
                }
                sent += n;
            }
            // window full: wait for echoes before writing more
            setWriteInterest(false);
        }

        void readStream() throws IOException {
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                throw new IOException("server closed the connection");
            }
            echoed += n;
            if (measuring) {
                echoedBytes += n;
            }
            if (!writeInterest && sent - echoed < window) {
                writeStream();
            }
        }
    }
}
