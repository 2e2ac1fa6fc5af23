package dev.spindle.reactor.epoll;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.ReactorContractSupport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.contract.StreamPattern;
import dev.spindle.reactor.select.SelectReactorProvider;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
     *
     * @return the server; its port number is -1 unless it listens on an IP address
     */
    static Server accepting(ReactorHarness h, Function<ProtocolFactory, ListeningPort> listen,
            Supplier<? extends RecordingProtocol> protocols) {
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        return h.call(() -> {
            ListeningPort port = listen.apply(remote -> {
                RecordingProtocol p = protocols.get();
                accepted.add(p);
                return p;
            });
            SocketAddress local = port.localAddress();
            return new Server(port, local instanceof InetSocketAddress ? ((InetSocketAddress) local).getPort() : -1, accepted);
        });
    }

    /** Listens on a pairing's server reactor, one protocol from {@code protocols} per connection. */
    interface Listen {
        Server listen(Supplier<? extends RecordingProtocol> protocols);
    }

    /** Connects from a pairing's client reactor to {@code server} and waits for the transport. */
    interface Connect {
        Transport connect(Server server, RecordingProtocol protocol);
    }

    /**
     * Half-close across the pairing: the client writes a request and shuts its output down; the
     * server, seeing the end of stream, replies and closes; both ends close cleanly.
     */
    static void assertHalfCloseLetsTheServerReply(Ends e, Listen listen, Connect connect) {
        Server server = listen.listen(() -> new RecordingProtocol() {
            @Override
            protected boolean onEof(boolean keepOpen) {
                transport().write(("reply:" + receivedText()).getBytes(UTF_8));
                transport().close();
                return true;
            }
        });
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect.connect(server, client);
        RecordingProtocol accepted = server.next();
        e.client.run(() -> {
            t.write("request".getBytes(UTF_8));
            t.shutdownOutput();
        });
        assertNull(ReactorHarness.await(client.lost()));
        assertEquals("reply:request", client.receivedText());
        assertEquals(List.of("made", "data", "eof", "lost"), client.events());
        assertNull(ReactorHarness.await(accepted.lost()));
        assertEquals(List.of("made", "data", "eof", "lost"), accepted.events());
    }

    /**
     * Back-pressure across the pairing: a server that starts with reading paused makes the
     * client unwritable once; when it resumes, every byte arrives intact and the client becomes
     * writable again.
     */
    static void assertBackPressureUntilTheReceiverResumes(Ends e, Listen listen, Connect connect) {
        Server server = listen.listen(() -> new RecordingProtocol() {
            @Override
            protected void onConnectionMade(Transport t) {
                t.pauseReading();
            }
        });
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect.connect(server, client);
        RecordingProtocol receiver = server.next();
        StreamPattern.Source src = new StreamPattern.Source();
        long written = e.client.call(() -> {
            fillUntilUnwritable(t, src, 64 * 1024, 4L << 20);
            return src.offset();
        });
        assertEquals(List.of(false), client.writability());
        assertEquals(0, receiver.receivedBytes(), "the receiver is paused");

        e.server.run(() -> receiver.transport().resumeReading());
        ReactorHarness.await("all " + written + " bytes", () -> receiver.receivedBytes() == written);
        receiver.pattern().assertIntact();
        ReactorHarness.await("writable again", () -> client.writability().equals(List.of(false, true)));
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
