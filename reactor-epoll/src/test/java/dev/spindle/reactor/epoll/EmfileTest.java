package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.contract.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Running out of descriptors: an epoll echo server in a child JVM under {@code ulimit -n 96}
 * ({@link EmfileMain}) gets far more connections than it can hold. Accepting must pause and
 * resume ({@code EMFILE}), never spin or crash, and every connection must be served once the
 * client closes earlier ones.
 */
@Timeout(120)
class EmfileTest {
    private static final int LIMIT = 96;
    private static final int CLIENTS = 200;

    @Test
    void acceptPausesOnEmfileAndEveryConnectionIsServedAsDescriptorsFree() throws Exception {
        List<String> command = List.of("bash", "-c", "ulimit -n " + LIMIT + " && exec \"$0\" \"$@\"",
                ChildJvm.currentJava(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), EmfileMain.class.getName());
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> log = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                PrintStream in = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
                Selector selector = Selector.open()) {
            int port = Integer.parseInt(expect(out, "PORT ", log));
            long start = System.nanoTime();

            // More connections than the child has descriptors: the kernel completes them all
            // into the listen backlog; the child accepts what it can hold.
            List<SocketChannel> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                SocketChannel c = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                c.configureBlocking(false);
                c.write(ByteBuffer.wrap(new byte[] {(byte) i}));
                c.register(selector, SelectionKey.OP_READ, i);
                clients.add(c);
            }

            // Each echo proves a connection was accepted and served; closing it frees a
            // descriptor in the child, which must then accept the ones still waiting.
            int served = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            ByteBuffer one = ByteBuffer.allocate(1);
            while (served < CLIENTS && System.nanoTime() < deadline) {
                selector.select(1000);
                for (SelectionKey k : selector.selectedKeys()) {
                    SocketChannel c = (SocketChannel) k.channel();
                    one.clear();
                    int n = c.read(one);
                    if (n == 1) {
                        assertEquals(((Integer) k.attachment()).byteValue(), one.get(0), "the echo of this connection");
                        served++;
                        k.cancel();
                        c.close();
                    } else if (n < 0) {
                        throw new AssertionError("connection " + k.attachment() + " closed without an echo; child log:\n"
                                + String.join("\n", log));
                    }
                }
                selector.selectedKeys().clear();
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            in.println("stats");
            Map<String, String> stats = parse(expect(out, "STATS ", log));
            assertEquals(CLIENTS, served, () -> "connections served; child " + stats + "\n" + String.join("\n", log));
            assertEquals(String.valueOf(CLIENTS), stats.get("accepted"), stats::toString);
            assertEquals("STARTED", stats.get("state"));
            long pauses = Long.parseLong(stats.get("pauses"));
            long failures = Long.parseLong(stats.get("failures"));
            assertTrue(pauses >= 1, () -> "the child never ran out of descriptors: " + stats);
            // One failed accept per pause, and one pause per 100 ms at most: a loop that retried
            // a failing accept would count millions here.
            assertEquals(pauses, failures, stats::toString);
            assertTrue(pauses <= 2 + elapsedMillis / EpollListeningPort.PAUSE_MILLIS,
                    () -> "more pauses than 100 ms periods in " + elapsedMillis + " ms: " + stats);
            for (SocketChannel c : clients) {
                c.close();
            }
            in.println("exit");
            String bye = expect(out, "BYE ", log);
            assertEquals("STOPPED", bye);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), () -> String.join("\n", log));
            assertTrue(String.join("\n", log).contains("EMFILE"), "the pause is logged naming EMFILE");
        } finally {
            child.destroyForcibly();
        }
    }

    /** Reads lines until one starts with {@code prefix}; keeps the others (the child's log). */
    private static String expect(BufferedReader out, String prefix, List<String> log) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
            log.add(line);
        }
        throw new AssertionError("the child ended before printing " + prefix + "; its output:\n" + String.join("\n", log));
    }

    private static Map<String, String> parse(String stats) {
        Map<String, String> m = new TreeMap<>();
        for (String kv : stats.split(" ")) {
            int eq = kv.indexOf('=');
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }
}
