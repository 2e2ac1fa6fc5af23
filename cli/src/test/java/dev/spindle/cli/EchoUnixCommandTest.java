package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code spindle echo --unix PATH}, run in-process on the select backend. */
@Timeout(30)
class EchoUnixCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CompletableFuture<EchoCommand> listening = new CompletableFuture<>();
    private FutureTask<Integer> server = new FutureTask<>(() -> 0);

    private Spindle spindle() {
        EchoCommand.Observer observer = new EchoCommand.Observer() {
            @Override
            public void listening(EchoCommand command, InetSocketAddress address) {
                listening.completeExceptionally(new AssertionError("listened on TCP " + address));
            }

            @Override
            public void listeningUnix(EchoCommand command, Path path) {
                listening.complete(command);
            }
        };
        return new Spindle(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false, observer);
    }

    private EchoCommand startEcho(String... args) throws Exception {
        Spindle spindle = spindle();
        server = new FutureTask<>(() -> spindle.execute(args));
        Thread thread = new Thread(server, "echo-unix-under-test");
        thread.setDaemon(true);
        thread.start();
        return listening.get(20, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServer() throws Exception {
        if (listening.isDone() && !listening.isCompletedExceptionally() && !server.isDone()) {
            listening.get().shutdown(Duration.ofSeconds(10));
        }
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void echoesOverASocketFileAndRemovesItOnStop() throws Exception {
        Path path = dir.resolve("echo.sock");
        EchoCommand command = startEcho("echo", "--unix", path.toString(), "--backend", "select");
        assertTrue(out().contains("listening on unix:" + path + " (backend select)"), this::out);
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the socket file while listening");

        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(path));
            byte[] hello = "hello over a socket file\n".getBytes(StandardCharsets.UTF_8);
            client.write(ByteBuffer.wrap(hello));
            InputStream in = Channels.newInputStream(client);
            assertArrayEquals(hello, in.readNBytes(hello.length));

            // Stop as the shutdown hook does, with the client still connected: a clean close.
            assertTrue(command.shutdown(Duration.ofSeconds(10)), () -> "state " + command.state());
            assertEquals(-1, in.read());
        }
        assertEquals(Spindle.OK, server.get(10, TimeUnit.SECONDS), this::err);
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the socket file is removed on stop");
        assertTrue(out().endsWith("stopped" + System.lineSeparator()), this::out);
        assertEquals("", err());
    }

    @Test
    void replacesAStaleSocketLeftByAKilledServer() throws Exception {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel killed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            killed.bind(UnixDomainSocketAddress.of(path));
        }
        EchoCommand command = startEcho("echo", "--unix", path.toString());
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(path));
            client.write(ByteBuffer.wrap(new byte[] {42}));
            assertEquals(42, Channels.newInputStream(client).read());
        }
        assertTrue(command.shutdown(Duration.ofSeconds(10)));
        assertEquals(Spindle.OK, server.get(10, TimeUnit.SECONDS), this::err);
    }

    @Test
    void aFileAtThePathFailsWithExitCode1AndIsLeftAlone() throws Exception {
        Path path = dir.resolve("notes.txt");
        Files.writeString(path, "not a socket");
        assertEquals(Spindle.FAILED, spindle().execute(new String[] {"echo", "--unix", path.toString()}));
        assertTrue(err().contains("spindle: cannot listen on unix:" + path) && err().contains("regular file"), this::err);
        assertEquals("not a socket", Files.readString(path));
        assertFalse(out().contains("listening on"), this::out);
    }

    @Test
    void unixWithPortOrHostIsAUsageError() {
        assertEquals(Spindle.USAGE, spindle().execute(new String[] {"echo", "--unix", "x.sock", "--port", "0"}));
        assertTrue(err().contains("--unix listens on a socket file instead of TCP"), this::err);
        assertEquals(Spindle.USAGE, spindle().execute(new String[] {"echo", "--unix="}));
        assertTrue(err().contains("--unix must name a path"), this::err);
    }
}
