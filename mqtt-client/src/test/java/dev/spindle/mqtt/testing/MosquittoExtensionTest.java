package dev.spindle.mqtt.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * {@link MosquittoExtension} run on small test classes through JUnit's engine test kit: one broker
 * per class on a static field, one per test on an instance field, closed afterwards, and the
 * broker's log attached to a failure.
 */
@Timeout(120)
class MosquittoExtensionTest {
    // What the inner classes saw; they run one at a time, inside a test of this class.
    static final List<Long> PIDS = new CopyOnWriteArrayList<>();
    static final List<Path> DIRS = new CopyOnWriteArrayList<>();
    static volatile boolean inTestKit;

    @Test
    void aStaticExtensionRunsOneBrokerForTheClassAndClosesIt() {
        PIDS.clear();
        DIRS.clear();
        EngineExecutionResults r = run(PerClass.class);
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(2).failed(0));
        assertEquals(2, PIDS.size());
        assertEquals(PIDS.get(0), PIDS.get(1), "both tests saw the same broker");
        assertTrue(ProcessHandle.of(PIDS.get(0)).isEmpty(), "stopped after the class");
        assertTrue(Files.notExists(DIRS.get(0)), "its directory deleted");
    }

    @Test
    void anInstanceExtensionRunsOneBrokerPerTest() {
        PIDS.clear();
        DIRS.clear();
        EngineExecutionResults r = run(PerTest.class);
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(2).failed(0));
        assertEquals(2, PIDS.size());
        assertNotEquals(PIDS.get(0), PIDS.get(1), "a broker per test");
        for (int i = 0; i < 2; i++) {
            assertTrue(ProcessHandle.of(PIDS.get(i)).isEmpty(), "stopped after its test");
            assertTrue(Files.notExists(DIRS.get(i)), "its directory deleted");
        }
    }

    @Test
    void aFailureCarriesTheBrokerLog() {
        EngineExecutionResults r = run(Failing.class);
        r.testEvents().assertStatistics(s -> s.started(1).failed(1));
        Event failed = r.testEvents().failed().list().get(0);
        Optional<Throwable> thrown = failed.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable);
        Throwable t = thrown.orElseThrow();
        assertEquals("the test's own failure", t.getMessage());
        List<Throwable> logs = new ArrayList<>(Arrays.asList(t.getSuppressed()));
        logs.removeIf(s -> !(s instanceof MosquittoExtension.BrokerLog));
        assertEquals(1, logs.size(), "one broker log attached: " + Arrays.toString(t.getSuppressed()));
        String log = logs.get(0).getMessage();
        assertTrue(log.contains("running"), log);
        // Mosquitto logged the test's own connection before the failure.
        assertTrue(log.contains("New connection from 127.0.0.1"), log);
    }

    private static EngineExecutionResults run(Class<?> testClass) {
        inTestKit = true;
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
        } finally {
            inTestKit = false;
        }
    }

    /**
     * Keeps the inner classes (one of which fails on purpose) from running on their own, as they
     * would under {@code -Dtest=Mosquitto*}, which also matches nested classes.
     */
    static final class OnlyInTestKit implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return inTestKit ? ConditionEvaluationResult.enabled("run by MosquittoExtensionTest")
                    : ConditionEvaluationResult.disabled("runs only inside MosquittoExtensionTest, through the engine test kit");
        }
    }

    private static void record(MosquittoBroker broker) throws IOException {
        PIDS.add(broker.pid());
        DIRS.add(broker.directory());
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(broker.host(), broker.port()), 20_000);
        }
    }

    /** Run only through the engine test kit (Surefire skips nested classes). */
    @ExtendWith(OnlyInTestKit.class)
    static class PerClass {
        @RegisterExtension
        static final MosquittoExtension MOSQUITTO = new MosquittoExtension();

        @Test
        void first() throws IOException {
            record(MOSQUITTO.broker());
        }

        @Test
        void second() throws IOException {
            record(MOSQUITTO.broker());
        }
    }

    /** Run only through the engine test kit. */
    @ExtendWith(OnlyInTestKit.class)
    static class PerTest {
        @RegisterExtension
        final MosquittoExtension mosquitto = new MosquittoExtension();

        @Test
        void first() throws IOException {
            record(mosquitto.broker());
        }

        @Test
        void second() throws IOException {
            record(mosquitto.broker());
        }
    }

    /** Run only through the engine test kit. */
    @ExtendWith(OnlyInTestKit.class)
    static class Failing {
        @RegisterExtension
        static final MosquittoExtension MOSQUITTO = new MosquittoExtension();

        @Test
        void fails() throws IOException {
            MosquittoBroker broker = MOSQUITTO.broker();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(broker.host(), broker.port()), 20_000);
                s.setSoTimeout(20_000);
                s.getOutputStream().write(MqttBytes.connect(MqttBytes.V311, "doomed", true, 30, null, null));
                InputStream in = s.getInputStream();
                assertEquals(0, MqttBytes.read(in).connackCode());
            }
            throw new AssertionError("the test's own failure");
        }
    }
}
