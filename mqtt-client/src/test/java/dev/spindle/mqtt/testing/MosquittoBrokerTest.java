package dev.spindle.mqtt.testing;

import static dev.spindle.mqtt.testing.MqttBytes.CONNACK;
import static dev.spindle.mqtt.testing.MqttBytes.PUBACK;
import static dev.spindle.mqtt.testing.MqttBytes.PUBLISH;
import static dev.spindle.mqtt.testing.MqttBytes.SUBACK;
import static dev.spindle.mqtt.testing.MqttBytes.V311;
import static dev.spindle.mqtt.testing.MqttBytes.V5;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The harness against the real Mosquitto, spoken to with plain sockets and hand-written MQTT
 * bytes ({@link MqttBytes}), so that it is proven before any Spindle client uses it.
 */
@Timeout(120)
class MosquittoBrokerTest {
    /** Bound on every socket read and connect; only reached when something is wrong. */
    private static final int IO_TIMEOUT_MS = 20_000;

    @RegisterExtension
    static final MosquittoExtension PLAIN = new MosquittoExtension();

    @Test
    void mqtt311ConnectIsAccepted() throws IOException {
        try (Socket s = connect(PLAIN.broker().port())) {
            MqttBytes.Packet connack = exchange(s, MqttBytes.connect(V311, "harness-311", true, 30, null, null));
            assertEquals(CONNACK, connack.type());
            assertEquals(0, connack.connackCode(), "CONNACK return code");
            assertEquals(2, connack.body().length, "a 3.1.1 CONNACK has two bytes");
        }
    }

    @Test
    void mqtt5ConnectIsAccepted() throws IOException {
        try (Socket s = connect(PLAIN.broker().port())) {
            MqttBytes.Packet connack = exchange(s, MqttBytes.connect(V5, "harness-5", true, 30, null, null));
            assertEquals(CONNACK, connack.type());
            assertEquals(0, connack.connackCode(), "CONNACK reason code");
            assertTrue(connack.body().length > 2, "an MQTT 5 CONNACK carries a property length");
        }
    }

    @Test
    void anonymousClientsAreRefusedWhenAnonymousIsOff() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.builder().allowAnonymous(false).user("alice", "secret").start()) {
            try (Socket s = connect(broker.port())) {
                // MQTT 3.1.1 section 3.2.2.3: 5 = not authorized
                assertEquals(5, exchange(s, MqttBytes.connect(V311, "anon-311", true, 30, null, null)).connackCode());
            }
            try (Socket s = connect(broker.port())) {
                // MQTT 5.0 section 3.2.2.2: 0x87 = Not authorized
                assertEquals(0x87, exchange(s, MqttBytes.connect(V5, "anon-5", true, 30, null, null)).connackCode());
            }
        }
    }

    @Test
    void passwordFileAcceptsTheRightPasswordOnly() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.builder().allowAnonymous(false).user("alice", "secret")
                .user("bob", "pa ss:wörd").start()) {
            for (int level : new int[] {V311, V5}) {
                try (Socket s = connect(broker.port())) {
                    assertEquals(0, exchange(s, MqttBytes.connect(level, "alice-" + level, true, 30, "alice", "secret")).connackCode());
                }
                try (Socket s = connect(broker.port())) {
                    assertEquals(0, exchange(s, MqttBytes.connect(level, "bob-" + level, true, 30, "bob", "pa ss:wörd")).connackCode());
                }
                try (Socket s = connect(broker.port())) {
                    int code = exchange(s, MqttBytes.connect(level, "mallory-" + level, true, 30, "alice", "wrong")).connackCode();
                    // Mosquitto 2.0.11 answers a wrong password as it answers no password: 3.1.1's 5 (not
                    // authorized, not 4 = bad user name or password) and 5.0's 0x87 (Not authorized,
                    // not 0x86 = Bad User Name or Password).
                    assertEquals(level == V311 ? 5 : 0x87, code, "CONNACK code for a wrong password at level " + level);
                }
            }
        }
    }

    @Test
    void tlsListenerHandshakesWithTheExposedTrustMaterial() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().tls(true).start()) {
            assertNotEquals(broker.port(), broker.tlsPort());
            // TlsClientOptions as the reactor would use them: their context, with host-name verification.
            var options = broker.tlsClientOptions();
            assertTrue(options.verifyHostName());
            try (SSLSocket s = tlsConnect(options.sslContext(), broker.tlsPort())) {
                X509Certificate server = (X509Certificate) s.getSession().getPeerCertificates()[0];
                assertEquals(broker.caCertificate().getSubjectX500Principal(), server.getIssuerX500Principal());
                assertEquals(0, exchange(s, MqttBytes.connect(V5, "tls-5", true, 30, null, null)).connackCode());
            }
            // The trust store alone, as a user would load it into a TrustManagerFactory.
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(broker.trustStore());
            SSLContext fromStore = SSLContext.getInstance("TLS");
            fromStore.init(null, tmf.getTrustManagers(), null);
            try (SSLSocket s = tlsConnect(fromStore, broker.tlsPort())) {
                assertEquals(0, exchange(s, MqttBytes.connect(V311, "tls-311", true, 30, null, null)).connackCode());
            }
            // The JVM's default trust store does not know the test CA: the trust material matters.
            assertThrows(SSLException.class, () -> {
                try (SSLSocket s = tlsConnect(SSLContext.getDefault(), broker.tlsPort())) {
                    s.startHandshake();
                }
            });
        }
    }

    @Test
    void mutualTlsRefusesAClientWithoutCertificate() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().requireClientCertificate(true).start()) {
            assertTrue(broker.requiresClientCertificate());
            // In TLS 1.3 the client may finish its side of the handshake before the server checks
            // for a certificate; the refusal then arrives as an alert (SSLException) or a close.
            try (SSLSocket s = tlsConnect(broker.clientSslContext(), broker.tlsPort())) {
                MqttBytes.Packet answer = exchange(s, MqttBytes.connect(V311, "no-cert", true, 30, null, null));
                fail("the broker answered a client without certificate: type " + answer.type());
            } catch (SSLException | EOFException | SocketException expected) {
                // refused
            }
            try (SSLSocket s = tlsConnect(broker.mutualTlsClientOptions().sslContext(), broker.tlsPort())) {
                assertEquals(0, exchange(s, MqttBytes.connect(V311, "with-cert", true, 30, null, null)).connackCode());
                assertEquals(broker.clientCertificate(), s.getSession().getLocalCertificates()[0]);
            }
        }
    }

    @Test
    void websocketListenerSpeaksMqtt() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.builder().websockets(true).start();
                Socket s = connect(broker.websocketPort())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: " + broker.host() + ":" + broker.websocketPort() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Protocol: mqtt\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = readHttpHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            // RFC 6455 section 1.3's example key and its accept value
            assertTrue(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), head);
            byte[] connect = MqttBytes.connect(V311, "ws-311", true, 30, null, null);
            byte[] mask = {1, 2, 3, 4};
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x82); // FIN, binary
            frame.write(0x80 | connect.length); // masked (client to server), length < 126
            frame.writeBytes(mask);
            for (int i = 0; i < connect.length; i++) {
                frame.write(connect[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            out.flush();
            assertEquals(0x82, in.read(), "a binary frame");
            int len = in.read();
            assertEquals(4, len, "an unmasked frame holding the 4-byte CONNACK");
            byte[] payload = in.readNBytes(len);
            assertArrayEquals(new byte[] {0x20, 2, 0, 0}, payload);
        }
    }

    @Test
    void restartKeepsThePortAndClosesConnections() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            int port = broker.port();
            long pid = broker.pid();
            try (Socket old = connect(port)) {
                assertEquals(0, exchange(old, MqttBytes.connect(V311, "before", true, 30, null, null)).connackCode());
                broker.restart();
                assertEquals(port, broker.port());
                assertNotEquals(pid, broker.pid());
                assertEquals(2, broker.starts());
                assertTrue(ProcessHandle.of(pid).isEmpty(), "the old process is gone");
                assertClosedByPeer(old);
            }
            try (Socket s = connect(port)) {
                assertEquals(0, exchange(s, MqttBytes.connect(V5, "after", true, 30, null, null)).connackCode());
            }
            assertTrue(broker.log().contains("start 2"), broker.log());
        }
    }

    @Test
    void stopLeavesNoProcessAndStartComesBackOnTheSamePort() throws IOException {
        MosquittoBroker broker = MosquittoBroker.startDefault();
        Path dir = broker.directory();
        try {
            long pid = broker.pid();
            int port = broker.port();
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            broker.stop();
            assertFalse(broker.isRunning());
            assertTrue(ProcessHandle.of(pid).isEmpty(), "the process has exited and been reaped");
            assertThrows(ConnectException.class, () -> connect(port).close());
            broker.stop(); // idempotent
            broker.start();
            assertEquals(port, broker.port());
            try (Socket s = connect(port)) {
                assertEquals(0, exchange(s, MqttBytes.connect(V311, "again", true, 30, null, null)).connackCode());
            }
            assertThrows(IllegalStateException.class, broker::start, "already running");
        } finally {
            broker.close();
        }
        assertFalse(Files.exists(dir), "close deletes the directory");
        assertThrows(IllegalStateException.class, broker::start, "closed");
    }

    @Test
    void startAfterStopWaitsForItsPortToBeFreed() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            int port = broker.port();
            broker.stop();
            ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getByName(MosquittoBroker.HOST));
            // Frees the port once the broker has failed to bind it at least once.
            Thread freer = new Thread(() -> {
                try (squatter) {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    while (!broker.log().contains("start 2 attempt 2") && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, "port-freer");
            freer.start();
            try {
                broker.start();
            } finally {
                freer.join(30_000);
            }
            assertEquals(port, broker.port());
            assertTrue(broker.log().contains("Address already in use"), broker.log());
            try (Socket s = connect(port)) {
                assertEquals(0, exchange(s, MqttBytes.connect(V311, "patient", true, 30, null, null)).connackCode());
            }
        }
    }

    @Test
    void killEndsTheProcessAtOnce() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            long pid = broker.pid();
            broker.kill();
            assertTrue(ProcessHandle.of(pid).isEmpty());
            assertThrows(ConnectException.class, () -> connect(broker.port()).close());
        }
    }

    @Test
    void parallelBrokersGetDistinctPorts() throws IOException {
        try (MosquittoBroker a = MosquittoBroker.builder().tls(true).websockets(true).start();
                MosquittoBroker b = MosquittoBroker.builder().tls(true).websockets(true).start()) {
            Set<Integer> ports = new HashSet<>(List.of(a.port(), a.tlsPort(), a.websocketPort(), b.port(), b.tlsPort(),
                    b.websocketPort(), PLAIN.broker().port()));
            assertEquals(7, ports.size(), "all distinct: " + ports);
            assertNotEquals(a.directory(), b.directory());
            for (MosquittoBroker broker : List.of(a, b)) {
                try (Socket s = connect(broker.port())) {
                    assertEquals(0, exchange(s, MqttBytes.connect(V311, "parallel", true, 30, null, null)).connackCode());
                }
            }
        }
    }

    @Test
    void aTakenPortIsRetriedWithAnother() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(MosquittoBroker.HOST));
                MosquittoBroker broker = MosquittoBroker.builder().firstPort(taken.getLocalPort()).start()) {
            assertNotEquals(taken.getLocalPort(), broker.port());
            assertTrue(broker.log().contains("Address already in use"), broker.log());
            assertTrue(broker.log().contains("attempt 2"), broker.log());
            try (Socket s = connect(broker.port())) {
                assertEquals(0, exchange(s, MqttBytes.connect(V311, "retried", true, 30, null, null)).connackCode());
            }
        }
    }

    @Test
    void persistentSessionAndQueuedMessageSurviveRestart() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.builder().persistence(true).start()) {
            subscribeAndLeave(broker, "keeper");
            publishQos1(broker, "harness/keep", "kept");
            broker.restart();
            try (Socket s = connect(broker.port())) {
                MqttBytes.Packet connack = exchange(s, MqttBytes.connect(V311, "keeper", false, 30, null, null));
                assertEquals(0, connack.connackCode());
                assertTrue(connack.sessionPresent(), "the session was written to disk and read back");
                MqttBytes.Packet publish = MqttBytes.readUntil(s.getInputStream(), PUBLISH);
                assertEquals("harness/keep", publish.publishTopic());
                assertArrayEquals("kept".getBytes(StandardCharsets.UTF_8), publish.publishPayload(V311));
                s.getOutputStream().write(MqttBytes.puback(publish.packetId()));
            }
            assertTrue(Files.exists(broker.directory().resolve(MosquittoBroker.DATA_DIR).resolve("mosquitto.db")));
        }
    }

    @Test
    void sessionIsLostOnRestartWithoutPersistence() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.startDefault()) {
            subscribeAndLeave(broker, "forgotten");
            broker.restart();
            try (Socket s = connect(broker.port())) {
                MqttBytes.Packet connack = exchange(s, MqttBytes.connect(V311, "forgotten", false, 30, null, null));
                assertEquals(0, connack.connackCode());
                assertFalse(connack.sessionPresent());
            }
        }
    }

    @Test
    void limitsReachTheBroker() throws IOException {
        try (MosquittoBroker broker = MosquittoBroker.builder().maxPacketSize(2048).maxKeepalive(20).maxInflightMessages(7)
                .extraConfig("retain_available false").start();
                Socket s = connect(broker.port())) {
            MqttBytes.Packet connack = exchange(s, MqttBytes.connect(V5, "limited", true, 60, null, null));
            assertEquals(0, connack.connackCode());
            Map<Integer, Object> props = connack.connackProperties();
            assertEquals(2048, props.get(MqttBytes.MAXIMUM_PACKET_SIZE), "Maximum Packet Size in " + props);
            assertEquals(20, props.get(MqttBytes.SERVER_KEEP_ALIVE), "Server Keep Alive in " + props);
            assertEquals(7, props.get(MqttBytes.RECEIVE_MAXIMUM), "Receive Maximum in " + props);
            assertEquals(0, props.get(0x25), "Retain Available (from extraConfig) in " + props);
        }
    }

    @Test
    void tlsAccessorsFailWhenTlsIsOff() {
        MosquittoBroker broker = PLAIN.broker();
        IllegalStateException e = assertThrows(IllegalStateException.class, broker::tlsPort);
        assertTrue(e.getMessage().contains("tls(true)"), e.getMessage());
        assertThrows(IllegalStateException.class, broker::tlsClientOptions);
        assertThrows(IllegalStateException.class, broker::websocketPort);
    }

    @Test
    void missingExecutableSaysWhatToInstall() {
        MosquittoBroker.Builder b = MosquittoBroker.builder().executable(Path.of("/nonexistent/sbin/mosquitto"));
        MosquittoException e = assertThrows(MosquittoException.class, b::start);
        assertTrue(e.getMessage().contains("Mosquitto is not installed: no executable at /nonexistent/sbin/mosquitto"),
                e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install mosquitto"), e.getMessage());
    }

    @Test
    void aBadConfigurationFailsWithTheConfigurationAndTheLog() {
        MosquittoBroker.Builder b = MosquittoBroker.builder().extraConfig("no_such_option 1");
        MosquittoException e = assertThrows(MosquittoException.class, b::start);
        assertTrue(e.getMessage().contains("exited with status"), e.getMessage());
        assertTrue(e.getMessage().contains("--- mosquitto.conf ---"), e.getMessage());
        assertTrue(e.getMessage().contains("no_such_option"), e.getMessage());
    }

    @Test
    void theShutdownHookStopsABrokerLeftRunning() throws Exception {
        Process child = startChild("exit");
        ChildBroker broker = readChildBroker(child);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM exits");
        assertEquals(0, child.exitValue());
        assertGone(broker.pid());
        assertFalse(Files.exists(broker.directory()), "the hook deleted the directory");
    }

    @Test
    void aBrokerDiesWithItsJvmEvenWhenKilled() throws Exception {
        Process child = startChild("wait");
        ChildBroker broker;
        try {
            broker = readChildBroker(child);
            assertTrue(ProcessHandle.of(broker.pid()).isPresent());
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.waitFor(60, TimeUnit.SECONDS);
        }
        try {
            assertGone(broker.pid());
        } finally {
            // Nobody else deletes a killed JVM's broker directory.
            deleteTree(broker.directory());
        }
    }

    private static void subscribeAndLeave(MosquittoBroker broker, String clientId) throws IOException {
        try (Socket s = connect(broker.port())) {
            assertEquals(0, exchange(s, MqttBytes.connect(V311, clientId, false, 30, null, null)).connackCode());
            MqttBytes.Packet suback = exchange(s, MqttBytes.subscribe(V311, 1, "harness/#", 1));
            assertEquals(SUBACK, suback.type());
            assertEquals(1, suback.body()[2], "granted QoS 1");
            s.getOutputStream().write(MqttBytes.disconnect());
        }
    }

    private static void publishQos1(MosquittoBroker broker, String topic, String payload) throws IOException {
        try (Socket s = connect(broker.port())) {
            assertEquals(0, exchange(s, MqttBytes.connect(V311, "publisher", true, 30, null, null)).connackCode());
            MqttBytes.Packet puback = exchange(s, MqttBytes.publish(V311, topic, 1, 7, payload.getBytes(StandardCharsets.UTF_8)));
            assertEquals(PUBACK, puback.type());
            assertEquals(7, puback.packetId());
            s.getOutputStream().write(MqttBytes.disconnect());
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(MosquittoBroker.HOST, port), IO_TIMEOUT_MS);
            s.setSoTimeout(IO_TIMEOUT_MS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private static SSLSocket tlsConnect(SSLContext context, int port) throws IOException {
        Socket plain = connect(port);
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, MosquittoBroker.HOST, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // as TlsClientOptions.verifyHostName() does
        s.setSSLParameters(p);
        s.setSoTimeout(IO_TIMEOUT_MS);
        return s;
    }

    private static MqttBytes.Packet exchange(Socket s, byte[] packet) throws IOException {
        s.getOutputStream().write(packet);
        s.getOutputStream().flush();
        return MqttBytes.read(s.getInputStream());
    }

    private static void assertClosedByPeer(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "the broker closed the connection when it stopped");
        } catch (SocketException reset) {
            // a reset is a close too
        }
    }

    private static String readHttpHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the HTTP response: " + head.toString(StandardCharsets.US_ASCII));
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static Process startChild(String mode) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), BrokerChildMain.class.getName(), mode)
                .redirectErrorStream(true).start();
    }

    /** What {@link BrokerChildMain} printed about its broker. */
    private record ChildBroker(long pid, Path directory) {
    }

    private static ChildBroker readChildBroker(Process child) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = r.readLine()) != null;) {
            if (line.startsWith("broker pid=")) {
                int dir = line.indexOf(" dir=");
                return new ChildBroker(Long.parseLong(line.substring("broker pid=".length(), dir)), Path.of(line.substring(dir + 5)));
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("the child JVM printed no broker pid:\n" + seen);
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (var paths = Files.walk(root)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void assertGone(long pid) throws Exception {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isPresent()) {
            // Not our child: onExit polls; the orphan is reaped by init once the signal killed it.
            try {
                h.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                h.get().destroyForcibly();
                fail("mosquitto " + pid + " outlived its JVM by 30 s (killed now)");
            }
        }
    }
}
