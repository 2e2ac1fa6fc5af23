package dev.spindle.reactor.epoll;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import dev.spindle.reactor.contract.OpenDescriptors;
import dev.spindle.reactor.contract.ReactorContractSupport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProtocol;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the epoll backend does with UNIX-domain sockets: abstract names bound length-exact
 * (a NUL inside a name, the longest name, a name that is a prefix of another), a name bound
 * twice, the path of a client that bound one as its server sees it, and a full backlog
 * ({@code EAGAIN}).
 */
@Timeout(60)
class EpollUnixTest extends ReactorContractSupport {
    @TempDir
    Path dir;

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }

    private static String unique(String prefix) {
        return prefix + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    @Test
    void abstractNamesAreLengthExactIncludingNulsAndTheLongestName() {
        ReactorHarness h = started();
        String base = unique("spindle");
        UnixAddress withNul = UnixAddress.abstractName(base + "\0tail");
        String longest = (base + "x".repeat(UnixAddress.MAX_ABSTRACT_NAME_BYTES)).substring(0, UnixAddress.MAX_ABSTRACT_NAME_BYTES);
        UnixAddress longName = UnixAddress.abstractName(longest);
        for (UnixAddress name : List.of(withNul, longName)) {
            BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
            ListeningPort port = h.call(() -> h.reactor().listenUnix(name, remote -> record(accepted, new RecordingProtocol.Echo()),
                    UnixListenOptions.defaults()));
            RecordingProtocol client = new RecordingProtocol();
            Transport t = ReactorHarness.await(h.call(() -> h.reactor().connectUnix(name, client, ConnectOptions.defaults()).result()));
            h.run(() -> {
                assertEquals(name, port.localAddress());
                assertEquals(name, t.remoteAddress());
                assertEquals(UnixDomainSocketAddress.of(""), t.localAddress());
                t.write("exact".getBytes(UTF_8));
            });
            ReactorHarness.await("the echo over " + name, () -> client.receivedBytes() == 5);
        }
        // The name ends where the address length says: its prefix (before the NUL) is another name, not bound.
        ConnectionFailedException prefix = connectFails(h, UnixAddress.abstractName(base));
        assertInstanceOf(ConnectException.class, prefix.getCause(), prefix::toString);
        assertTrue(prefix.getMessage().contains("ECONNREFUSED"), prefix.getMessage());
    }

    @Test
    void anAbstractNameBoundTwiceIsRefusedWithEaddrinuse() {
        ReactorHarness h = started();
        UnixAddress name = UnixAddress.abstractName(unique("spindle-twice"));
        h.call(() -> h.reactor().listenUnix(name, remote -> null, UnixListenOptions.defaults()));
        CannotListenException e = h.call(() -> assertThrows(CannotListenException.class,
                () -> h.reactor().listenUnix(name, remote -> null, UnixListenOptions.defaults())));
        assertTrue(e.getMessage().contains("EADDRINUSE") && e.getMessage().contains(name.toString()), e.getMessage());
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
    }

    @Test
    void theServerSeesThePathOfAClientThatBoundOne() throws Exception {
        ReactorHarness h = started();
        BlockingQueue<Object> peers = new LinkedBlockingQueue<>();
        Path serverPath = dir.resolve("server.sock");
        h.call(() -> h.reactor().listenUnix(serverPath, remote -> {
            peers.add(remote);
            return new RecordingProtocol();
        }));
        Path clientPath = dir.resolve("client.sock");
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.bind(UnixDomainSocketAddress.of(clientPath));
            client.connect(UnixDomainSocketAddress.of(serverPath));
            Object peer = peers.poll(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(UnixDomainSocketAddress.of(clientPath), peer, "accept4's sockaddr_un, decoded");
        }
    }

    @Test
    void aFullBacklogFailsTheConnectAtOnceWithEagainAndLeaksNothing() throws Exception {
        OpenDescriptors.assumeCountable();
        ReactorHarness h = started();
        Path path = dir.resolve("full.sock");
        // A listener that never accepts, with the smallest backlog.
        ServerSocketChannel never = closeLater(ServerSocketChannel.open(StandardProtocolFamily.UNIX));
        never.bind(UnixDomainSocketAddress.of(path), 1);
        long before = OpenDescriptors.count();
        List<Transport> connected = new ArrayList<>();
        ConnectionFailedException failure = null;
        for (int i = 0; i < 64 && failure == null; i++) {
            CompletionStage<Transport> r = h.call(() -> h.reactor().connectUnix(path, new RecordingProtocol()).result());
            Throwable t = outcome(r);
            if (t == null) {
                connected.add(ReactorHarness.await(r));
            } else {
                failure = assertInstanceOf(ConnectionFailedException.class, t);
            }
        }
        assertTrue(failure != null, "the backlog never filled after " + connected.size() + " connects");
        assertTrue(failure.getMessage().contains("EAGAIN"), failure.getMessage());
        assertTrue(connected.size() >= 1, "the backlog takes at least one connection");
        for (int i = 0; i < 50; i++) {
            assertInstanceOf(ConnectionFailedException.class,
                    ReactorHarness.awaitFailure(h.call(() -> h.reactor().connectUnix(path, new RecordingProtocol()).result())));
        }
        h.run(() -> connected.forEach(Transport::abort));
        ReactorHarness.await("descriptors back to " + before, () -> OpenDescriptors.count() <= before + 2);
    }

    /** Waits for the stage: null if it succeeded, else its failure. */
    private static @Nullable Throwable outcome(CompletionStage<Transport> r) throws InterruptedException, TimeoutException {
        try {
            r.toCompletableFuture().get(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return ReactorHarness.unwrap(e.getCause());
        }
    }

    private static ConnectionFailedException connectFails(ReactorHarness h, UnixAddress address) {
        CompletionStage<Transport> r = h.call(() -> h.reactor().connectUnix(address, new RecordingProtocol(), ConnectOptions.defaults()).result());
        return assertInstanceOf(ConnectionFailedException.class, ReactorHarness.awaitFailure(r));
    }

    private static RecordingProtocol record(BlockingQueue<RecordingProtocol> accepted, RecordingProtocol p) {
        accepted.add(p);
        return p;
    }
}
