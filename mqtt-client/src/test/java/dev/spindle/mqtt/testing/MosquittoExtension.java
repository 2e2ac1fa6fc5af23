package dev.spindle.mqtt.testing;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * A JUnit 5 extension that runs a {@link MosquittoBroker} for a test class and adds its log to
 * every failure.
 *
 * <pre>{@code
 * class PublishIT {
 *     @RegisterExtension
 *     static final MosquittoExtension MOSQUITTO = new MosquittoExtension(MosquittoBroker.builder().tls(true));
 *
 *     @Test
 *     void publishes() {
 *         MosquittoBroker broker = MOSQUITTO.broker();
 *         ... connect to broker.host() : broker.port() ...
 *     }
 * }
 * }</pre>
 *
 * On a {@code static} field the broker starts before the class's first test and is closed after
 * its last (one broker per class; a test may {@link MosquittoBroker#restart() restart} or stop it,
 * the next test finds it as that test left it). On an instance field each test gets a broker of
 * its own. When a test or a lifecycle method fails, the broker's log is attached to the failure as
 * a suppressed {@link BrokerLog}, so the report shows what Mosquitto saw.
 *
 * <p>A missing Mosquitto fails the class (or test) with the {@link MosquittoException} that says
 * what to install; nothing is skipped.
 */
public final class MosquittoExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback,
        TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    private final MosquittoBroker.Builder builder;
    private volatile @Nullable MosquittoBroker broker;
    private volatile boolean perClass;

    /** An extension for a broker with {@link MosquittoBroker#builder()}'s defaults. */
    public MosquittoExtension() {
        this(MosquittoBroker.builder());
    }

    /**
     * An extension for brokers built by {@code builder}; the builder is used at each start and
     * must not be changed afterwards.
     *
     * @param builder the broker's settings
     */
    public MosquittoExtension(MosquittoBroker.Builder builder) {
        this.builder = Objects.requireNonNull(builder, "builder must not be null");
    }

    /**
     * The broker of the running class or test.
     *
     * @return the broker
     * @throws IllegalStateException outside a test of a class that registers this extension
     */
    public MosquittoBroker broker() {
        MosquittoBroker b = broker;
        if (b == null) {
            throw new IllegalStateException("no broker: MosquittoExtension starts one only for the tests of the class that "
                    + "registers it with @RegisterExtension");
        }
        return b;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        broker = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass) {
            closeBroker();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            broker = builder.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            closeBroker();
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLog(failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLog(failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLog(failure);
    }

    @Override
    public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLog(failure);
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw withLog(failure);
    }

    private void closeBroker() {
        MosquittoBroker b = broker;
        broker = null;
        if (b != null) {
            b.close();
        }
    }

    private Throwable withLog(Throwable failure) {
        MosquittoBroker b = broker;
        if (b == null) {
            return failure;
        }
        for (Throwable s : failure.getSuppressed()) {
            if (s instanceof BrokerLog) {
                return failure;
            }
        }
        failure.addSuppressed(new BrokerLog(b));
        return failure;
    }

    /**
     * The log of the broker a failed test ran against, attached to the failure as a suppressed
     * exception; the message is the log. Carries no stack trace.
     */
    public static final class BrokerLog extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BrokerLog(MosquittoBroker broker) {
            super("log of " + broker + ":\n" + broker.log(), null, false, false);
        }
    }
}
