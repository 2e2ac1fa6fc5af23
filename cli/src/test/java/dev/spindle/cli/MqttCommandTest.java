package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.testing.MosquittoBroker;
import dev.spindle.mqtt.testing.MosquittoExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code spindle mqtt pub|sub} against a real Mosquitto. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MqttCommandTest {
    @RegisterExtension
    static final MosquittoExtension BROKER = new MosquittoExtension();

    /** Each background command on a thread of its own (the common pool may have one thread). */
    private static final java.util.concurrent.Executor OWN_THREAD = r -> {
        Thread t = new Thread(r, "mqtt-command-test");
        t.setDaemon(true);
        t.start();
    };

    /** One run's exit code and output. */
    private record Run(int code, String out, String err) {
    }

    private static Run run(InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new MqttCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), in).run(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run run(String... args) {
        return run(new ByteArrayInputStream(new byte[0]), args);
    }

    private static List<String> broker(String... args) {
        MosquittoBroker b = BROKER.broker();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-h", b.host(), "-p", Integer.toString(b.port())));
        return all;
    }

    /**
     * Starts {@code sub} in the background and returns once it is subscribed: a retained probe,
     * published first, is delivered on subscribe, and it shows in the live output.
     */
    private static CompletableFuture<Run> subscriber(String topicRoot, int count, String... extra) throws Exception {
        return subscriber(new ByteArrayOutputStream(), topicRoot, count, extra);
    }

    private static CompletableFuture<Run> subscriber(ByteArrayOutputStream out, String topicRoot, int count, String... extra)
            throws Exception {
        assertEquals(0, run(broker("pub", "-t", topicRoot + "/probe", "-m", "probe", "-r").toArray(new String[0])).code());
        List<String> args = broker("sub", "-t", topicRoot + "/#", "-C", Integer.toString(count + 1), "-W", "60");
        args.addAll(List.of(extra));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Run> sub = CompletableFuture.supplyAsync(() -> {
            int code = new MqttCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]))
                    .run(args.toArray(new String[0]));
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }, OWN_THREAD);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!out.toString(StandardCharsets.UTF_8).contains("probe")) {
            if (sub.isDone() || System.nanoTime() > end) {
                throw new AssertionError("the subscriber never got the retained probe: " + (sub.isDone() ? sub.join() : "")
                        + err.toString(StandardCharsets.UTF_8));
            }
            Thread.sleep(10);
        }
        return sub;
    }

    @Test
    void subPrintsWhatPubPublishesInBothVersions() throws Exception {
        String root = "cli/" + System.nanoTime();
        CompletableFuture<Run> sub = subscriber(root, 2, "-v", "-q", "1");
        Run p1 = run(broker("pub", "-t", root + "/a", "-m", "hello", "-q", "1").toArray(new String[0]));
        Run p2 = run(broker("pub", "-t", root + "/b", "-m", "world", "-q", "2", "-V", "mqttv5").toArray(new String[0]));
        assertEquals(0, p1.code(), p1.err());
        assertEquals(0, p2.code(), p2.err());
        Run s = sub.get(60, TimeUnit.SECONDS);
        assertEquals(0, s.code(), s.err());
        assertEquals(root + "/probe probe\n" + root + "/a hello\n" + root + "/b world\n", s.out());
    }

    @Test
    void pubSendsEachLineOfStandardInputWithMinusL() throws Exception {
        String root = "cli/lines/" + System.nanoTime();
        CompletableFuture<Run> sub = subscriber(root, 3, "-q", "1");
        Run p = run(new ByteArrayInputStream("one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8)),
                broker("pub", "-t", root + "/l", "-l", "-q", "1").toArray(new String[0]));
        assertEquals(0, p.code(), p.err());
        Run s = sub.get(60, TimeUnit.SECONDS);
        assertEquals("probe\none\ntwo\nthree\n", s.out());
    }

    @Test
    void pubMinusLPublishesEachLineAsItArrives() throws Exception {
        String root = "cli/stream/" + System.nanoTime();
        ByteArrayOutputStream live = new ByteArrayOutputStream();
        CompletableFuture<Run> sub = subscriber(live, root, 2, "-q", "1");
        java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
        java.io.PipedInputStream input = new java.io.PipedInputStream(feed);
        CompletableFuture<Run> pub = CompletableFuture.supplyAsync(
                () -> run(input, broker("pub", "-t", root + "/s", "-l", "-q", "1").toArray(new String[0])), OWN_THREAD);
        feed.write("first\n".getBytes(StandardCharsets.UTF_8));
        feed.flush();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!live.toString(StandardCharsets.UTF_8).contains("first")) { // while the input is still open
            assertTrue(System.nanoTime() < end && !pub.isDone(), "the first line was not published before the input ended");
            Thread.sleep(10);
        }
        feed.write("second\n".getBytes(StandardCharsets.UTF_8));
        feed.close();
        assertEquals(0, pub.get(60, TimeUnit.SECONDS).code());
        assertEquals("probe\nfirst\nsecond\n", sub.get(60, TimeUnit.SECONDS).out());
    }

    @Test
    void subGivesUpAfterMinusW() {
        Run s = run(broker("sub", "-t", "cli/silence/" + System.nanoTime(), "-C", "1", "-W", "1").toArray(new String[0]));
        assertEquals(MqttCommand.TIMED_OUT, s.code());
        assertTrue(s.err().contains("timed out after 1 s with 0 of 1 messages"), s.err());
    }

    @Test
    void aBrokerThatIsNotThereIsAFailureWithTheReason() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run p = run("pub", "-h", "127.0.0.1", "-p", Integer.toString(port), "-t", "x", "-m", "y", "-W", "10");
        assertEquals(Spindle.FAILED, p.code());
        assertTrue(p.err().contains("could not connect to 127.0.0.1:" + port), p.err());
    }

    @Test
    void wrongCredentialsAreReportedAsRefused() {
        try (MosquittoBroker secured = MosquittoBroker.builder().allowAnonymous(false).user("alice", "secret").start()) {
            Run p = run("pub", "-h", secured.host(), "-p", Integer.toString(secured.port()), "-t", "x", "-m", "y",
                    "-u", "alice", "-P", "wrong");
            assertEquals(Spindle.FAILED, p.code());
            assertTrue(p.err().contains("the server refused the connection"), p.err());
            Run ok = run("pub", "-h", secured.host(), "-p", Integer.toString(secured.port()), "-t", "x", "-m", "y",
                    "-u", "alice", "-P", "secret", "-q", "1");
            assertEquals(0, ok.code(), ok.err());
        }
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhy() {
        assertUsage("mqtt needs 'pub' or 'sub'");
        assertUsage("mqtt pub needs -t TOPIC", "pub", "-m", "x");
        assertUsage("mqtt pub needs exactly one of", "pub", "-t", "x");
        assertUsage("-q must be in 0..2, found: 3", "pub", "-t", "x", "-m", "y", "-q", "3");
        assertUsage("-p must be in 1..65535, found: 0", "sub", "-t", "x", "-p", "0");
        assertUsage("-V must be mqttv311 or mqttv5, found: '4'", "pub", "-t", "x", "-m", "y", "-V", "4");
        assertUsage("option -v does not apply to 'mqtt pub'", "pub", "-t", "x", "-m", "y", "-v");
        assertUsage("topic name must not contain wildcards", "pub", "-t", "a/#", "-m", "y");
        assertUsage("'#' must be the last level", "sub", "-t", "a/#/b");
        assertUsage("unknown option '--frobnicate'", "sub", "-t", "x", "--frobnicate");
        assertUsage("-c (keep the session) needs -i ID", "sub", "-t", "x", "-c");
    }

    private static void assertUsage(String expected, String... args) {
        Run r = run(args);
        assertEquals(Spindle.USAGE, r.code(), r.err());
        assertTrue(r.err().contains(expected), () -> "expected '" + expected + "' in: " + r.err());
        assertTrue(r.err().contains("usage: spindle mqtt pub"), r.err());
    }

    @Test
    void helpPrintsTheUsage() {
        Run r = run("pub", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("usage: spindle mqtt pub"), r.out());
    }
}
