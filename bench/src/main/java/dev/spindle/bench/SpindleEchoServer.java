package dev.spindle.bench;

import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.quick.Reactors;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * The Spindle side of the echo benchmark: one reactor thread that both accepts and serves.
 *
 * <p>Usage: {@code SpindleEchoServer [--backend NAME] [--port N] [--ignore-stdin]}.
 * {@code --backend} sets the system property {@code spindle.reactor.backend} before the reactor
 * is created. Binds 127.0.0.1 (port 0 picks a free one), prints {@code LISTENING <port>} once
 * bound, and runs until killed or until standard input closes (unless {@code --ignore-stdin}).
 */
public final class SpindleEchoServer {

    private SpindleEchoServer() {}

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
        CliArgs cli = CliArgs.parse("SpindleEchoServer", args, Set.of("port", "backend"), Set.of("ignore-stdin"));
        int port = cli.getInt("port", 0, 0, 65535);
        if (cli.has("backend")) {
            System.setProperty("spindle.reactor.backend", cli.get("backend", ""));
        }

        Reactor reactor = Reactors.create();
        reactor.callWhenRunning(() -> {
            try {
                ListeningPort listening = reactor.listenTcp(
                        new InetSocketAddress("127.0.0.1", port), remote -> new EchoProtocol());
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
        reactor.run();
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
