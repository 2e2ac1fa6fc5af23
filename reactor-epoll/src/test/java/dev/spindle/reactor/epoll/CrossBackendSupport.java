package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.ReactorContractSupport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.select.SelectReactorProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the cross-backend tests share: the two pairings (an epoll client against a select server,
 * a select client against an epoll server) and the two started reactors of one test, closed by
 * the contract support after it.
 */
abstract class CrossBackendSupport extends ReactorContractSupport {

    /** Which backend runs which end. */
    enum Pairing {
        EPOLL_CLIENT_SELECT_SERVER(true, false),
        SELECT_CLIENT_EPOLL_SERVER(false, true);

        final boolean epollClient;
        final boolean epollServer;

        Pairing(boolean epollClient, boolean epollServer) {
            this.epollClient = epollClient;
            this.epollServer = epollServer;
        }
    }

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }

    private Reactor backend(boolean epoll) {
        ReactorConfig c = config().build();
        return epoll ? EpollTesting.newReactor(c) : new SelectReactorProvider().create(c);
    }

    /** The two reactors of a pairing, started, with the backends the pairing names. */
    final Ends ends(Pairing p) {
        ReactorHarness client = harness(backend(p.epollClient)).start();
        ReactorHarness server = harness(backend(p.epollServer)).start();
        assertEquals(p.epollClient ? "epoll" : "select", client.reactor().backendName());
        assertEquals(p.epollServer ? "epoll" : "select", server.reactor().backendName());
        return new Ends(client, server);
    }

    /**
     * Listens on the server's loop with {@code listen}, given a factory that records each
     * accepted connection's protocol.
     */
    static Accepting accepting(ReactorHarness h, Function<ProtocolFactory, ListeningPort> listen,
            Supplier<? extends RecordingProtocol> protocols) {
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        return h.call(() -> {
            ListeningPort port = listen.apply(remote -> {
                RecordingProtocol p = protocols.get();
                accepted.add(p);
                return p;
            });
            return new Accepting(port, port.localAddress(), accepted);
        });
    }

    /** A listening port of any kind and the protocols of the connections it accepted. */
    static final class Accepting {
        /** The port; loop thread only. */
        final ListeningPort port;
        /** Its bound address, read on the loop when it was opened. */
        final SocketAddress address;
        private final BlockingQueue<RecordingProtocol> accepted;

        Accepting(ListeningPort port, SocketAddress address, BlockingQueue<RecordingProtocol> accepted) {
            this.port = port;
            this.address = address;
            this.accepted = accepted;
        }

        /** The bound TCP port number. */
        int portNumber() {
            return ((InetSocketAddress) address).getPort();
        }

        /** The protocol of the next accepted connection, once it is made. */
        RecordingProtocol next() {
            RecordingProtocol p;
            try {
                p = accepted.poll(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (p == null) {
                throw new AssertionError("no connection accepted within " + ReactorHarness.WAIT);
            }
            ReactorHarness.await(p.made());
            return p;
        }
    }

    /** The client and server reactors of one test. */
    static final class Ends {
        final ReactorHarness client;
        final ReactorHarness server;

        Ends(ReactorHarness client, ReactorHarness server) {
            this.client = client;
            this.server = server;
        }
    }
}
