package dev.spindle.bench;

import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.quick.Reactors;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The Spindle side of the UDP echo benchmark: one reactor thread, one UDP socket that sends every
 * datagram back to its sender.
 *
 * <p>Usage: {@code SpindleUdpEchoServer [--backend NAME] [--batch N] [--port N] [--ignore-stdin]}.
 * {@code --backend} sets the system property {@code spindle.reactor.backend} and {@code --batch}
 * the epoll backend's {@code spindle.epoll.udp.batch} (datagrams per {@code recvmmsg} and
 * {@code sendmmsg}; 1 turns batching off) before the reactor is created. Binds 127.0.0.1 (port 0
 * picks a free one) with a 4 MiB receive buffer, prints {@code LISTENING <port>} once bound, and
 * runs until killed or until standard input closes (unless {@code --ignore-stdin}).
 */
public final class SpindleUdpEchoServer {
    /** The receive buffer every UDP echo server asks for, so that none drops datagrams for want of one. */
    static final int RECEIVE_BUFFER = 4 << 20;

    private SpindleUdpEchoServer() {}

    /** Runs the server; see the class comment for the options. */
    public static void main(String[] args) {
        try {
            run(args);
        } catch (CliArgs.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) {
        CliArgs cli = CliArgs.parse("SpindleUdpEchoServer", args, Set.of("port", "backend", "batch"), Set.of("ignore-stdin"));
        int port = cli.getInt("port", 0, 0, 65535);
        if (cli.has("backend")) {
            System.setProperty("spindle.reactor.backend", cli.get("backend", ""));
        }
        if (cli.has("batch")) {
            System.setProperty("spindle.epoll.udp.batch", Integer.toString(cli.getInt("batch", 16, 1, 32)));
        }
        Reactor reactor = Reactors.create();
        reactor.callWhenRunning(() -> {
            try {
                DatagramTransport t = reactor.listenUdp(new InetSocketAddress("127.0.0.1", port), new Echo(),
                        UdpOptions.builder().receiveBufferSize(RECEIVE_BUFFER).build());
                System.out.println("LISTENING " + ((InetSocketAddress) t.localAddress()).getPort());
                System.out.flush();
            } catch (RuntimeException e) {
                System.err.println("SpindleUdpEchoServer: cannot listen on 127.0.0.1:" + port + ": " + e);
                reactor.stop();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(reactor::stop, "spindle-udp-echo-shutdown"));
        if (!cli.has("ignore-stdin")) {
            Thread watcher = new Thread(() -> {
                StdinEof.await();
                reactor.stop();
            }, "spindle-udp-echo-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        reactor.run();
    }

    /** Sends each datagram back to its sender; the buffer is valid for the call, and send takes it at once or copies it. */
    static final class Echo implements DatagramProtocol {
        // set in started, before any datagram
        private DatagramTransport transport;

        @Override
        public void started(DatagramTransport transport) {
            this.transport = transport;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress sender) {
            transport.send(data, sender);
        }
    }
}
