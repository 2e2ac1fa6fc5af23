package dev.spindle.reactor.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * UNIX-domain stream sockets on real socket files in a temporary directory (SPEC NET-4;
 * {@code DescriptorReactor.listenUnix}/{@code connectUnix}): listening and connecting by path,
 * the addresses transports report, the socket file's life (created by listening, removed on
 * close, stop and terminate, never someone else's), existing and stale files, failures on the
 * stage, half-close and back-pressure, the Linux abstract namespace, and no descriptor leaks.
 * The peer is the reactor under test, or a blocking JDK {@link SocketChannel} where one side must
 * be passive.
 *
 * <p>A backend that binds Linux abstract names overrides {@link #supportsAbstractNamespace()}.
 */
@Timeout(30)
public abstract class UnixContractTest extends ReactorContractSupport {
    private static final int CHUNK = 64 * 1024;

    /** Where the tests put their socket files. */
    @TempDir
    protected Path dir;

    /** For subclasses. */
    protected UnixContractTest() {
    }

    /**
     * Whether the backend under test binds Linux abstract-namespace names.
     *
     * @return false unless overridden
     */
    protected boolean supportsAbstractNamespace() {
        return false;
    }

    @Test
    @DisplayName("NET-4: listen on a path, connect, echo; the port and transports report UnixDomainSocketAddress (the client unnamed); clean close on both ends")
    public void echoRoundTripWithUnixAddresses() {
        ReactorHarness h = started();
        Path path = dir.resolve("echo.sock");
        Server server = listen(h, path, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, path, client);
        RecordingProtocol accepted = server.next();
        h.run(() -> {
            UnixDomainSocketAddress bound = UnixDomainSocketAddress.of(path);
            assertEquals(bound, server.listeningPort().localAddress());
            assertEquals(bound, t.remoteAddress());
            assertEquals(bound, accepted.transport().localAddress());
            SocketAddress unnamed = UnixDomainSocketAddress.of("");
            assertEquals(unnamed, t.localAddress(), "a client that did not bind is unnamed");
            assertEquals(unnamed, accepted.transport().remoteAddress());
            t.write("hello over a socket file".getBytes(UTF_8));
        });
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 24);
        assertEquals("hello over a socket file", client.receivedText());

        h.run(t::close);
        assertNull(ReactorHarness.await(client.lost()));
        assertNull(ReactorHarness.await(accepted.lost()));
        assertEquals(List.of("made", "data", "lost"), client.events());
        assertEquals(List.of("made", "data", "eof", "lost"), accepted.events());
        assertEquals(0, client.offLoopCalls() + accepted.offLoopCalls());
    }

    @Test
    @DisplayName("ListeningPort.port(): a UNIX port has no port number: IllegalStateException pointing to localAddress()")
    public void portOfAUnixListenerThrows() {
        ReactorHarness h = started();
        Server server = listen(h, dir.resolve("p.sock"), RecordingProtocol::new);
        IllegalStateException e = h.call(() -> assertThrows(IllegalStateException.class, server.listeningPort()::port));
        assertTrue(e.getMessage().contains("localAddress()"), e.getMessage());
    }

    @Test
    @DisplayName("NET-4: 64 clients connect at once; each gets its own bytes echoed")
    public void manyClientsEachGetTheirOwnEcho() {
        ReactorHarness h = started();
        Path path = dir.resolve("many.sock");
        Server server = listen(h, path, RecordingProtocol.Echo::new);
        int n = 64;
        List<RecordingProtocol> clients = new ArrayList<>();
        List<CompletionStage<Transport>> results = h.call(() -> {
            List<CompletionStage<Transport>> rs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                RecordingProtocol c = new RecordingProtocol();
                clients.add(c);
                String message = "client-" + i;
                CompletionStage<Transport> r = h.reactor().connectUnix(path, c).result();
                r.thenAccept(t -> t.write(message.getBytes(UTF_8)));
                rs.add(r);
            }
            return rs;
        });
        results.forEach(ReactorHarness::await);
        for (int i = 0; i < n; i++) {
            RecordingProtocol c = clients.get(i);
            String expected = "client-" + i;
            ReactorHarness.await("the echo of " + expected, () -> c.receivedBytes() == expected.length());
            assertEquals(expected, c.receivedText());
        }
        for (int i = 0; i < n; i++) {
            server.next();
        }
    }

    @Test
    @DisplayName("NET-4: a blocking JDK client echoes through a reactor server; the factory sees an unnamed UnixDomainSocketAddress")
    public void blockingClientEchoesThroughReactorServer() throws Exception {
        ReactorHarness h = started();
        Path path = dir.resolve("blocking.sock");
        AtomicReference<SocketAddress> seen = new AtomicReference<>();
        h.call(() -> h.reactor().listenUnix(path, remote -> {
            seen.set(remote);
            return new RecordingProtocol.Echo();
        }));
        SocketChannel peer = closeLater(blockingConnect(path));
        peer.write(ByteBuffer.wrap("ping".getBytes(UTF_8)));
        assertEquals("ping", new String(Channels.newInputStream(peer).readNBytes(4), UTF_8));
        assertEquals(UnixDomainSocketAddress.of(""), seen.get());
    }

    @Test
    @DisplayName("NET-4: the socket file exists while listening and is removed by ListeningPort.close() (idempotent); then connecting fails")
    public void closeRemovesTheSocketFile() {
        ReactorHarness h = started();
        Path path = dir.resolve("close.sock");
        Server server = listen(h, path, RecordingProtocol::new);
        assertTrue(isSocket(path), "a socket file while listening");
        h.run(() -> {
            server.listeningPort().close();
            assertFalse(server.listeningPort().isOpen());
            server.listeningPort().close();
        });
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "removed on close()");
        connectFails(h, UnixAddress.path(path), new RecordingProtocol());
    }

    @Test
    @DisplayName("NET-4: CoreReactor.stop() removes the socket file; connections accepted before keep working until then and close cleanly")
    public void stopRemovesTheSocketFile() {
        ReactorHarness h = started();
        Path path = dir.resolve("stop.sock");
        Server server = listen(h, path, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        connect(h, path, client);
        server.next();
        assertTrue(isSocket(path));
        h.reactor().stop();
        h.awaitState(ReactorState.STOPPED);
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "removed by stop()");
        assertNull(ReactorHarness.await(client.lost()));
    }

    @Test
    @DisplayName("NET-4: CoreReactor.terminate() removes the socket file before it returns")
    public void terminateRemovesTheSocketFile() {
        ReactorHarness h = started();
        Path path = dir.resolve("terminate.sock");
        listen(h, path, RecordingProtocol::new);
        assertTrue(isSocket(path));
        h.reactor().terminate();
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "removed by terminate()");
    }

    @Test
    @DisplayName("NET-4: closing never removes a file that replaced the port's socket file")
    public void closeLeavesAReplacementFileAlone() throws Exception {
        ReactorHarness h = started();
        Path path = dir.resolve("replaced.sock");
        Server server = listen(h, path, RecordingProtocol::new);
        Files.delete(path);
        Files.writeString(path, "someone else's");
        h.run(() -> server.listeningPort().close());
        assertEquals("someone else's", Files.readString(path));
    }

    @Test
    @DisplayName("NET-4: a regular file at the path: CannotListenException naming the path; the file is untouched (also with removeStaleSocket)")
    public void existingFileIsRefusedAndLeftAlone() throws Exception {
        ReactorHarness h = started();
        Path path = dir.resolve("taken");
        Files.writeString(path, "precious");
        for (UnixListenOptions options : List.of(UnixListenOptions.defaults(),
                UnixListenOptions.builder().removeStaleSocket(true).build())) {
            CannotListenException e = listenFails(h, path, options);
            assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("regular file"), e.getMessage());
            assertEquals("precious", Files.readString(path));
        }
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
    }

    @Test
    @DisplayName("UnixListenOptions.removeStaleSocket: a stale socket file is refused by default and replaced when asked; the new port works")
    public void staleSocketIsReplacedOnlyWhenAsked() throws Exception {
        ReactorHarness h = started();
        Path path = dir.resolve("stale.sock");
        staleSocket(path);
        CannotListenException e = listenFails(h, path, UnixListenOptions.defaults());
        assertTrue(e.getMessage().contains("removeStaleSocket"), e.getMessage());
        assertTrue(isSocket(path), "left alone without the option");

        Server server = h.call(() -> {
            BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
            ListeningPort lp = h.reactor().listenUnix(path, remote -> record(accepted, new RecordingProtocol.Echo()),
                    UnixListenOptions.builder().removeStaleSocket(true).build());
            return new Server(lp, -1, accepted);
        });
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, path, client);
        server.next();
        h.run(() -> t.write(new byte[] {1, 2, 3}));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 3);
    }

    @Test
    @DisplayName("UnixListenOptions.removeStaleSocket: a socket with a live server is not stale: CannotListenException, the server keeps its file")
    public void liveSocketIsNeverRemoved() throws Exception {
        ReactorHarness h = started();
        Path path = dir.resolve("live.sock");
        ServerSocketChannel live = closeLater(ServerSocketChannel.open(StandardProtocolFamily.UNIX));
        live.bind(UnixDomainSocketAddress.of(path));
        Object key = fileKey(path);
        CannotListenException e = listenFails(h, path, UnixListenOptions.builder().removeStaleSocket(true).build());
        assertTrue(e.getMessage().contains("not stale"), e.getMessage());
        assertEquals(key, fileKey(path), "the live server's socket file is untouched");
        try (SocketChannel c = blockingConnect(path)) {
            assertTrue(c.isConnected(), "the live server still accepts");
        }
    }

    @Test
    @DisplayName("UnixListenOptions.permissions: the socket file gets them (POSIX file systems)")
    public void permissionsApplyToTheSocketFile() throws Exception {
        Assumptions.assumeTrue(Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null,
                "a POSIX file system");
        ReactorHarness h = started();
        Path path = dir.resolve("perm.sock");
        var rwOwner = PosixFilePermissions.fromString("rw-------");
        h.call(() -> h.reactor().listenUnix(path, remote -> null, UnixListenOptions.builder().permissions(rwOwner).build()));
        assertEquals(rwOwner, Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    @DisplayName("NET-4: connecting to a missing path fails the stage with ConnectionFailedException naming it; the protocol is never called")
    public void connectToMissingPathFails() {
        ReactorHarness h = started();
        Path path = dir.resolve("missing.sock");
        RecordingProtocol client = new RecordingProtocol();
        ConnectionFailedException failure = connectFails(h, UnixAddress.path(path), client);
        assertTrue(failure.getMessage().contains(path.toString()), failure.getMessage());
        assertEquals(List.of(), client.events());
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
    }

    @Test
    @DisplayName("NET-4: connecting to a stale socket file (nobody listens) is refused: ConnectionFailedException caused by ConnectException")
    public void connectToStaleSocketIsRefused() throws Exception {
        ReactorHarness h = started();
        Path path = dir.resolve("stale.sock");
        staleSocket(path);
        RecordingProtocol client = new RecordingProtocol();
        ConnectionFailedException failure = connectFails(h, UnixAddress.path(path), client);
        assertInstanceOf(ConnectException.class, failure.getCause());
        assertEquals(List.of(), client.events());
    }

    @Test
    @DisplayName("connectUnix: ConnectOptions.localAddress (TCP only) is rejected with IllegalArgumentException")
    public void connectWithATcpLocalAddressIsRejected() {
        ReactorHarness h = started();
        ConnectOptions tcp = ConnectOptions.builder().localAddress(new InetSocketAddress(BlockingPeer.LOOPBACK, 0)).build();
        IllegalArgumentException e = h.call(() -> assertThrows(IllegalArgumentException.class,
                () -> h.reactor().connectUnix(dir.resolve("x.sock"), new RecordingProtocol(), tcp)));
        assertTrue(e.getMessage().contains("localAddress"), e.getMessage());
    }

    @Test
    @DisplayName("NET-4: a path too long for sun_path: listening throws CannotListenException, connecting fails the stage; both say so, no file is made")
    public void pathTooLongIsAClearError() {
        ReactorHarness h = started();
        Path path = dir.resolve("x".repeat(120));
        CannotListenException e = listenFails(h, path, UnixListenOptions.defaults());
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
        ConnectionFailedException failure = connectFails(h, UnixAddress.path(path), new RecordingProtocol());
        assertTrue(failure.getMessage().contains("too long"), failure.getMessage());
    }

    @Test
    @DisplayName("DescriptorReactor.listenUnix/connectUnix off the loop thread throw IllegalStateException")
    public void callsOffTheLoopThrow() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        assertThrows(IllegalStateException.class, () -> r.listenUnix(dir.resolve("a.sock"), remote -> null));
        assertThrows(IllegalStateException.class, () -> r.connectUnix(dir.resolve("a.sock"), new RecordingProtocol()));
        assertFalse(Files.exists(dir.resolve("a.sock")));
    }

    @Test
    @DisplayName("Half-close: shutdownOutput() gives a blocking peer EOF; the peer still replies, then closes: data, eof, clean connectionLost")
    public void shutdownOutputLetsThePeerReply() throws Exception {
        ReactorHarness h = started();
        Path path = dir.resolve("half.sock");
        ServerSocketChannel listener = closeLater(ServerSocketChannel.open(StandardProtocolFamily.UNIX));
        listener.bind(UnixDomainSocketAddress.of(path));
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, path, client);
        SocketChannel peer = closeLater(listener.accept());
        h.run(() -> {
            t.write("question".getBytes(UTF_8));
            t.shutdownOutput();
            assertTrue(t.isOpen(), "reading goes on after shutdownOutput()");
        });
        assertEquals("question", new String(Channels.newInputStream(peer).readAllBytes(), UTF_8), "then EOF");
        peer.write(ByteBuffer.wrap("late answer".getBytes(UTF_8)));
        peer.shutdownOutput();
        assertNull(ReactorHarness.await(client.lost()));
        assertEquals("late answer", client.receivedText());
        assertEquals(List.of("made", "data", "eof", "lost"), client.events());
    }

    @Test
    @DisplayName("Protocol.eofReceived: a server that keeps the connection open after the peer's EOF replies, then closes; the peer reads reply and EOF")
    public void serverRepliesAfterThePeersEof() throws Exception {
        ReactorHarness h = started();
        Path path = dir.resolve("eof.sock");
        Server server = listen(h, path, () -> new RecordingProtocol() {
            @Override
            protected boolean onEof(boolean keepOpen) {
                transport().write(("reply:" + receivedText()).getBytes(UTF_8));
                transport().close();
                return true;
            }
        });
        SocketChannel peer = closeLater(blockingConnect(path));
        peer.write(ByteBuffer.wrap("request".getBytes(UTF_8)));
        peer.shutdownOutput();
        assertEquals("reply:request", new String(Channels.newInputStream(peer).readAllBytes(), UTF_8));
        RecordingProtocol accepted = server.next();
        assertNull(ReactorHarness.await(accepted.lost()));
        assertEquals(List.of("made", "data", "eof", "lost"), accepted.events());
    }

    @Test
    @DisplayName("Back-pressure over a socket file: a server that pauses reading makes the client unwritable once; resumeReading drains every byte intact and the client writable again")
    public void backPressureBetweenReactorEnds() {
        ReactorHarness h = started();
        Paused p = pausedReceiver(h, dir.resolve("flow.sock"));
        RecordingProtocol client = p.client();
        Transport t = p.transport();
        RecordingProtocol receiver = p.receiver();
        StreamPattern.Source src = new StreamPattern.Source();
        long[] after = h.call(() -> {
            fillUntilUnwritable(t, src, CHUNK, 4L << 20);
            return new long[] {src.offset(), t.pendingWriteBytes()};
        });
        assertTrue(after[1] > h.reactor().config().writeHighWatermark(), "queued: " + after[1]);
        assertEquals(List.of(false), client.writability());
        assertEquals(0, receiver.receivedBytes(), "nothing delivered while paused");

        h.run(() -> receiver.transport().resumeReading());
        ReactorHarness.await("all " + after[0] + " bytes", () -> receiver.receivedBytes() == after[0]);
        receiver.pattern().assertIntact();
        ReactorHarness.await("writable again", () -> client.writability().equals(List.of(false, true)));
        assertEquals(0L, h.call(t::pendingWriteBytes));
    }

    @Test
    @DisplayName("Transport.close() over a socket file flushes pending output first: the peer gets every byte, then EOF; both ends close cleanly")
    public void closeFlushesPendingOutput() {
        ReactorHarness h = started();
        Paused p = pausedReceiver(h, dir.resolve("flush.sock"));
        RecordingProtocol client = p.client();
        Transport t = p.transport();
        RecordingProtocol receiver = p.receiver();
        StreamPattern.Source src = new StreamPattern.Source();
        long written = h.call(() -> {
            fillUntilUnwritable(t, src, CHUNK, 1L << 20);
            t.close();
            assertTrue(t.isOpen(), "open until flushed");
            return src.offset();
        });
        h.run(() -> receiver.transport().resumeReading());
        assertNull(ReactorHarness.await(receiver.lost()));
        assertEquals(written, receiver.receivedBytes());
        receiver.pattern().assertIntact();
        assertEquals(List.of("made", "data", "eof", "lost"), receiver.events());
        assertNull(ReactorHarness.await(client.lost()));
    }

    @Test
    @DisplayName("NET-4 abstract namespace (Linux): a backend that supports it listens and connects by name with no file; others throw UnsupportedOperationException saying so")
    public void abstractNamespaceWorksOrIsClearlyUnsupported() {
        ReactorHarness h = started();
        UnixAddress name = UnixAddress.abstractName("spindle-contract-" + ThreadLocalRandom.current().nextLong(1L << 62));
        if (!supportsAbstractNamespace()) {
            UnsupportedOperationException listen = h.call(() -> assertThrows(UnsupportedOperationException.class,
                    () -> h.reactor().listenUnix(name, remote -> null, UnixListenOptions.defaults())));
            assertTrue(listen.getMessage().contains("abstract namespace"), listen.getMessage());
            UnsupportedOperationException connect = h.call(() -> assertThrows(UnsupportedOperationException.class,
                    () -> h.reactor().connectUnix(name, new RecordingProtocol(), ConnectOptions.defaults())));
            assertTrue(connect.getMessage().contains("abstract namespace"), connect.getMessage());
            return;
        }
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        ListeningPort port = h.call(() -> h.reactor().listenUnix(name, remote -> record(accepted, new RecordingProtocol.Echo()),
                UnixListenOptions.defaults()));
        Server server = new Server(port, -1, accepted);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = ReactorHarness.await(h.call(() -> h.reactor().connectUnix(name, client, ConnectOptions.defaults()).result()));
        server.next();
        h.run(() -> {
            assertEquals(name, port.localAddress());
            assertEquals(name, t.remoteAddress());
            t.write("abstract".getBytes(UTF_8));
        });
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 8);
        h.run(port::close);
        connectFails(h, name, new RecordingProtocol()); // the name is gone with its socket
    }

    @Test
    @DisplayName("Bad input leaks nothing: 500 failed connects (missing path, stale socket) and 100 failed listens leave the JVM's descriptor count unchanged (Linux)")
    public void failedConnectsAndListensLeakNoDescriptors() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        Assumptions.assumeTrue(Files.isDirectory(fds), "counting descriptors needs /proc/self/fd (Linux)");
        ReactorHarness h = started();
        Path missing = dir.resolve("missing.sock");
        Path stale = dir.resolve("stale.sock");
        staleSocket(stale);
        Path taken = dir.resolve("taken");
        Files.writeString(taken, "x");
        Path live = dir.resolve("live.sock");
        closeLater(ServerSocketChannel.open(StandardProtocolFamily.UNIX)).bind(UnixDomainSocketAddress.of(live));
        // A regular file (refused before any socket), a live socket (probed), a missing directory (bind fails).
        List<Path> badListens = List.of(taken, live, dir.resolve("no-such-dir").resolve("x.sock"));
        UnixListenOptions replaceStale = UnixListenOptions.builder().removeStaleSocket(true).build();
        failConnects(h, missing, stale, 20); // loads every class and logger on the way before counting
        long before = count(fds);
        failConnects(h, missing, stale, 500);
        h.run(() -> {
            for (int i = 0; i < 100; i++) {
                Path p = badListens.get(i % badListens.size());
                assertThrows(CannotListenException.class, () -> h.reactor().listenUnix(p, remote -> null, replaceStale));
            }
        });
        long after = count(fds);
        assertTrue(after - before < 10, "descriptors before " + before + ", after " + after);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Listens on {@code path} with default options.
     *
     * @param h the reactor
     * @param path the socket file
     * @param protocols builds one protocol per accepted connection
     * @return the server
     */
    protected static Server listen(ReactorHarness h, Path path, Supplier<? extends RecordingProtocol> protocols) {
        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        return h.call(() -> new Server(h.reactor().listenUnix(path, remote -> record(accepted, protocols.get())), -1, accepted));
    }

    /**
     * Connects to {@code path} and waits for the transport.
     *
     * @param h the reactor
     * @param path the socket file
     * @param protocol the client protocol
     * @return the transport
     */
    protected static Transport connect(ReactorHarness h, Path path, RecordingProtocol protocol) {
        return ReactorHarness.await(h.call(() -> h.reactor().connectUnix(path, protocol).result()));
    }

    /** A reactor client connected to a reactor server whose protocol pauses reading at once. */
    private static Paused pausedReceiver(ReactorHarness h, Path path) {
        Server server = listen(h, path, () -> new RecordingProtocol() {
            @Override
            protected void onConnectionMade(Transport t) {
                t.pauseReading();
            }
        });
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, path, client);
        return new Paused(client, t, server.next());
    }

    /** The two ends of {@link #pausedReceiver}. */
    private record Paused(RecordingProtocol client, Transport transport, RecordingProtocol receiver) {
    }

    private static CannotListenException listenFails(ReactorHarness h, Path path, UnixListenOptions options) {
        return h.call(() -> assertThrows(CannotListenException.class, () -> h.reactor().listenUnix(path, remote -> null, options)));
    }

    /** Connects and returns the stage's failure, which must be a {@link ConnectionFailedException}. */
    private static ConnectionFailedException connectFails(ReactorHarness h, UnixAddress address, RecordingProtocol protocol) {
        CompletionStage<Transport> result = h.call(() -> h.reactor().connectUnix(address, protocol, ConnectOptions.defaults()).result());
        return assertInstanceOf(ConnectionFailedException.class, ReactorHarness.awaitFailure(result));
    }

    private static RecordingProtocol record(BlockingQueue<RecordingProtocol> accepted, RecordingProtocol p) {
        accepted.add(p);
        return p;
    }

    private static SocketChannel blockingConnect(Path path) throws IOException {
        SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            c.connect(UnixDomainSocketAddress.of(path));
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Leaves a socket file at {@code path} that nobody listens on, as a crashed server does. */
    private static void staleSocket(Path path) throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(path));
        }
        assertTrue(isSocket(path), "the JDK leaves the file behind on close");
    }

    private static boolean isSocket(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
        } catch (IOException e) {
            return false;
        }
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static void failConnects(ReactorHarness h, Path missing, Path stale, int n) {
        for (int done = 0; done < n; done += 50) {
            int batch = Math.min(50, n - done);
            List<CompletionStage<Transport>> results = h.call(() -> {
                List<CompletionStage<Transport>> rs = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    rs.add(h.reactor().connectUnix(i % 2 == 0 ? missing : stale, new RecordingProtocol()).result());
                }
                return rs;
            });
            for (CompletionStage<Transport> r : results) {
                assertInstanceOf(ConnectionFailedException.class, ReactorHarness.awaitFailure(r));
            }
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
