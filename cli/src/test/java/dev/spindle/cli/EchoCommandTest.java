package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EchoCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CompletableFuture<Started> started = new CompletableFuture<>();
    private FutureTask<Integer> server = new FutureTask<>(() -> 0);

    /** What the observer saw when the server began to listen. */
    private static final class Started {
        final EchoCommand command;
        final InetSocketAddress address;

        Started(EchoCommand command, InetSocketAddress address) {
            this.command = command;
            this.address = address;
        }
    }

    private Spindle spindle() {
        return new Spindle(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false,
                (command, address) -> started.complete(new Started(command, address)));
    }

    private Started startEcho(String... args) throws Exception {
        Spindle spindle = spindle();
        server = new FutureTask<>(() -> spindle.execute(args));
        Thread thread = new Thread(server, "echo-under-test");
        thread.setDaemon(true);
        thread.start();
        return started.get(20, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopServer() throws Exception {
        if (started.isDone() && !server.isDone()) {
            started.get().command.shutdown(Duration.ofSeconds(10));
        }
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void echoesBytesAndStopsCleanlyWithExitCode0() throws Exception {
        Started s = startEcho("echo", "--port", "0");
        int port = s.address.getPort();
        assertTrue(port > 0, "bound port " + port);
        assertTrue(out().contains("listening on 127.0.0.1:" + port + " (backend select)"), this::out);

        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
            byte[] hello = "hello, spindle\n".getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(hello);
            byte[] back = new byte[hello.length];
            new DataInputStream(socket.getInputStream()).readFully(back);
            assertArrayEquals(hello, back);

            // Stop through the same path as the shutdown hook while the client is still connected:
            // the server closes the connection cleanly (end of stream, no reset).
            assertTrue(s.command.shutdown(Duration.ofSeconds(10)), () -> "state " + s.command.state());
            assertEquals(-1, socket.getInputStream().read());
        }
        assertEquals(Spindle.OK, server.get(10, TimeUnit.SECONDS), this::err);
        assertTrue(out().endsWith("stopped" + System.lineSeparator()), this::out);
        assertEquals("", err());
    }

    @Test
    void echoesEightMegabytesIntactWhileBothDirectionsAreBusy() throws Exception {
        Started s = startEcho("echo", "--port", "0", "--backend", "select");
        byte[] data = new byte[8 << 20];
        new Random(42).nextBytes(data);
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), s.address.getPort())) {
            // The writer blocks once the server pauses reading; the reader drains everything.
            FutureTask<Void> writer = new FutureTask<>(() -> {
                OutputStream o = socket.getOutputStream();
                for (int off = 0; off < data.length; off += 100_000) {
                    o.write(data, off, Math.min(100_000, data.length - off));
                }
                socket.shutdownOutput();
                return null;
            });
            Thread writerThread = new Thread(writer, "echo-test-writer");
            writerThread.setDaemon(true);
            writerThread.start();

            byte[] back = new byte[data.length];
            InputStream in = socket.getInputStream();
            int n = 0;
            while (n < back.length) {
                int r = in.read(back, n, Math.min(4096, back.length - n));
                assertTrue(r > 0, "end of stream after " + n + " bytes");
                n += r;
            }
            writer.get(10, TimeUnit.SECONDS);
            assertArrayEquals(data, back);
            // We shut our output down: the echo protocol closes once everything is flushed.
            assertEquals(-1, in.read());
        }
    }

    @Test
    void aPortInUseFailsWithExitCode1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int code = spindle().execute(new String[] {"echo", "--port", Integer.toString(taken.getLocalPort())});
            assertEquals(Spindle.FAILED, code);
            assertTrue(err().contains("spindle: cannot listen on 127.0.0.1:" + taken.getLocalPort()), this::err);
            assertTrue(!out().contains("listening on"), this::out);
        }
    }

    @Test
    void anUnknownBackendFailsWithExitCode1() {
        assertEquals(Spindle.FAILED, spindle().execute(new String[] {"echo", "--port", "0", "--backend", "nope"}));
        assertTrue(err().contains("unknown reactor backend 'nope'"), this::err);
    }
}
