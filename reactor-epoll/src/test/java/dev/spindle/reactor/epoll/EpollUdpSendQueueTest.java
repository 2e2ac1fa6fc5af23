package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spindle.reactor.contract.ChildJvm;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sending queued datagrams with {@code sendmmsg} when the socket buffer fills. Loopback hands a
 * UDP datagram on at once (the sender's buffer never fills there), so {@link UdpSendQueueMain}
 * runs in a network namespace of its own ({@code unshare -rn}: user and network namespaces, no
 * privileges needed) whose loopback has a token-bucket queue ({@code tc qdisc ... tbf}) that
 * holds datagrams, and their bytes on the sender's account, while they wait to pass.
 */
@Timeout(120)
class EpollUdpSendQueueTest {

    @Test
    void aFullSocketBufferQueuesTheRestAndSendmmsgSendsItInPartsInOrder() throws Exception {
        assumeTrue(onPath("unshare") && onPath("ip") && onPath("tc"), "needs unshare, ip and tc (util-linux, iproute2)");
        ChildJvm.Result probe = ChildJvm.run(List.of("unshare", "-rn", "true"));
        assumeTrue(probe.exitCode() == 0, () -> "user and network namespaces are not allowed here: " + probe.output());
        List<String> command = List.of("unshare", "-rn", "bash", "-c",
                "ip link set lo up && tc qdisc add dev lo root tbf rate 4mbit burst 4kb latency 30s && exec \"$0\" \"$@\"",
                ChildJvm.currentJava(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), UdpSendQueueMain.class.getName());
        ChildJvm.Result result = ChildJvm.run(command);
        assertEquals(0, result.exitCode(), result::output);
        Map<String, String> r = parse(result.output());
        String all = String.valueOf(UdpSendQueueMain.COUNT);
        assertEquals(all, r.get("accepted"), () -> "every send was taken (sent or queued): " + r);
        assertTrue(Integer.parseInt(r.get("queuedAfterSends")) >= 2, () -> "the socket buffer filled: " + r);
        assertEquals("true", r.get("complete"), () -> "all datagrams arrived: " + r);
        assertEquals(all, r.get("received"), r::toString);
        assertEquals("true", r.get("inOrder"), r::toString);
        assertEquals("[false, true]", r.get("writability"), () -> "unwritable once, writable once drained: " + r);
        assertTrue(Long.parseLong(r.get("sendBatches")) >= 1, () -> "the queue went out with sendmmsg: " + r);
        assertTrue(Long.parseLong(r.get("shortSendBatches")) >= 1, () -> "sendmmsg sent part of a batch: " + r);
        assertEquals("0", r.get("dropped"), r::toString);
        assertEquals("0", r.get("errors"), r::toString);
        assertEquals("0", r.get("queuedAtEnd"), r::toString);
    }

    private static Map<String, String> parse(String output) {
        for (String line : output.split("\n")) {
            if (line.startsWith("RESULT ")) {
                Map<String, String> m = new TreeMap<>();
                // "writability=[false, true]" holds a space: split on " name=" boundaries.
                String rest = line.substring("RESULT ".length()).replace(", ", ",");
                for (String kv : rest.split(" ")) {
                    int eq = kv.indexOf('=');
                    m.put(kv.substring(0, eq), kv.substring(eq + 1).replace(",", ", "));
                }
                return m;
            }
        }
        throw new AssertionError("no RESULT line from the child:\n" + output);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
