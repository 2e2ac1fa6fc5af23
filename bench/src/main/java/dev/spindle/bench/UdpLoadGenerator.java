package dev.spindle.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Closed-loop UDP load for an echo server on the loopback interface.
 *
 * <p>Usage: {@code UdpLoadGenerator --port N [--host 127.0.0.1] [--flows F] [--size M]
 * [--duration S] [--warmup S] [--server-pid PID]}.
 *
 * <p>F flows, each a connected non-blocking {@link DatagramChannel} of its own (its own port),
 * all served by <em>one</em> selector thread. Each flow sends one M-byte datagram carrying a
 * sequence number, waits for the echo of that number, records the round trip and sends the
 * next at once; so at most F datagrams are ever in flight. A datagram whose echo has not come
 * after {@value #RESEND_MILLIS} ms counts as lost and the flow sends a fresh one (an echo that
 * comes later is ignored); only those of the measured window are counted.
 *
 * <p>With {@code --server-pid} it reads the server process's CPU time ({@link ServerCpu}) when
 * the warm-up ends and when the window ends. Output, on standard output, one line
 * {@code RESULT flows=F size=M secs=S reqs=N rps=R p50us=A p99us=B mbps=C lost=L cpuUsPerReq=U}
 * ({@code cpuUsPerReq=NaN} without a pid). Only echoes completed inside the window count.
 */
public final class UdpLoadGenerator {
    static final long RESEND_MILLIS = 200;
    private static final long MAX_SELECT_MILLIS = 20;

    // per run, fixed
    private final int size;
    private final LatencyHistogram histogram = new LatencyHistogram();
    private final List<Flow> flows = new ArrayList<>();
    private final ByteBuffer receive;

    // per run, mutable; only the selector thread touches them
    private boolean measuring;
    private long requests;
    private long lost;

    private UdpLoadGenerator(int size) {
        this.size = size;
        this.receive = ByteBuffer.allocateDirect(Math.max(size, 8) + 1);
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
        CliArgs cli = CliArgs.parse("UdpLoadGenerator", args,
                Set.of("host", "port", "flows", "size", "duration", "warmup", "server-pid"), Set.of());
        InetAddress address = InetAddress.getByName(cli.get("host", "127.0.0.1"));
        if (!address.isLoopbackAddress()) {
            throw cli.usage("--host must be a loopback address, found: " + address);
        }
        if (!cli.has("port")) {
            throw cli.usage("--port is required");
        }
        int port = cli.getInt("port", 0, 1, 65535);
        int flows = cli.getInt("flows", 16, 1, 10_000);
        int size = cli.getInt("size", 64, 8, 65_507);
        int duration = cli.getInt("duration", 10, 1, 3600);
        int warmup = cli.getInt("warmup", 3, 0, 3600);
        long pid = cli.has("server-pid") ? Long.parseLong(cli.get("server-pid", "")) : -1;
        new UdpLoadGenerator(size).generate(new InetSocketAddress(address, port), flows,
                TimeUnit.SECONDS.toNanos(warmup), TimeUnit.SECONDS.toNanos(duration), pid);
    }

    private void generate(InetSocketAddress server, int count, long warmupNanos, long durationNanos, long pid)
            throws IOException {
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < count; i++) {
                DatagramChannel channel = DatagramChannel.open();
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
                channel.bind(new InetSocketAddress(server.getAddress(), 0));
                channel.connect(server);
                channel.configureBlocking(false);
                Flow flow = new Flow(channel, size);
                channel.register(selector, SelectionKey.OP_READ, flow);
                flows.add(flow);
            }
            long start = System.nanoTime();
            long plannedMeasureStart = start + warmupNanos;
            long plannedEnd = plannedMeasureStart + durationNanos;
            long measureStart = start;
            double cpuStart = Double.NaN;
            for (Flow flow : flows) {
                flow.send(start);
            }
            long now = start;
            long resendNanos = TimeUnit.MILLISECONDS.toNanos(RESEND_MILLIS);
            while (now < plannedEnd) {
                if (!measuring && now >= plannedMeasureStart) {
                    measuring = true;
                    measureStart = now;
                    cpuStart = pid < 0 ? Double.NaN : ServerCpu.cpuMillis(pid);
                }
                selector.select(this::onReadable, MAX_SELECT_MILLIS);
                now = System.nanoTime();
                for (Flow flow : flows) {
                    if (now - flow.sentAt > resendNanos) {
                        if (measuring) {
                            lost++;
                        }
                        flow.send(now);
                    }
                }
            }
            double cpuEnd = pid < 0 ? Double.NaN : ServerCpu.cpuMillis(pid);
            if (!measuring) {
                measureStart = now;
            }
            double seconds = Math.max((now - measureStart) / 1e9, 1e-9);
            for (Flow flow : flows) {
                flow.channel.close();
            }
            System.out.println(String.format(Locale.ROOT,
                    "RESULT flows=%d size=%d secs=%.3f reqs=%d rps=%.1f p50us=%d p99us=%d mbps=%.2f lost=%d cpuUsPerReq=%.4f",
                    count, size, seconds, requests, requests / seconds, histogram.valueAtPercentile(50),
                    histogram.valueAtPercentile(99), requests * (double) size / seconds / 1e6, lost,
                    requests == 0 ? Double.NaN : (cpuEnd - cpuStart) * 1000.0 / requests));
            System.out.flush();
        }
    }

    private void onReadable(SelectionKey key) {
        Flow flow = (Flow) key.attachment();
        try {
            while (true) {
                receive.clear();
                if (flow.channel.read(receive) <= 0) {
                    return;
                }
                if (receive.position() == size && receive.getLong(0) == flow.sequence) {
                    long now = System.nanoTime();
                    if (measuring) {
                        requests++;
                        histogram.record((now - flow.sentAt) / 1_000);
                    }
                    flow.send(now);
                }
            }
        } catch (IOException e) {
            // An ICMP refusal (server not there yet, or gone): the resend timer tries again.
            flow.sentAt = System.nanoTime();
        }
    }

    /** One client socket and the datagram it waits for. */
    private static final class Flow {
        final DatagramChannel channel;
        final ByteBuffer message;
        long sequence;
        long sentAt;

        Flow(DatagramChannel channel, int size) {
            this.channel = channel;
            this.message = ByteBuffer.allocateDirect(size);
        }

        void send(long now) {
            sequence++;
            message.clear();
            message.putLong(0, sequence);
            sentAt = now;
            try {
                channel.write(message);
            } catch (IOException e) {
                // Counted as lost by the resend timer.
            }
        }
    }
}
