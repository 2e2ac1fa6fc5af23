package demo.app;

import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.quick.BackendInfo;
import dev.spindle.reactor.quick.Reactors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Prints what the module system and Spindle see, one {@code key=value} line each, for the test to
 * read: the class path, every module of the boot layer and whether it is automatic, the backends
 * {@link Reactors#providers()} lists, the backend {@link Reactors#create()} chose, an MQTT client
 * made on that reactor (not started, so no broker is needed), a scheduled
 * call, one message echoed over loopback TCP, and the state after {@code stop()}. The JVM then
 * exits on its own, so no Spindle thread may be left running.
 */
public final class Main {
    private static final long WAIT_SECONDS = 30;

    private Main() {
    }

    /**
     * Runs the demonstration.
     *
     * @param args none
     * @throws Exception when a step fails or times out
     */
    public static void main(String[] args) throws Exception {
        System.out.println("classpath=" + System.getProperty("java.class.path", ""));
        System.out.println("mainModule=" + Main.class.getModule().getName());
        ModuleLayer.boot().modules().stream().sorted(Comparator.comparing(Module::getName)).forEach(
                m -> System.out.println("module=" + m.getName() + " automatic=" + m.getDescriptor().isAutomatic()));
        for (BackendInfo b : Reactors.providers()) {
            System.out.println("provider=" + b.name() + " priority=" + b.priority() + " available=" + b.available()
                    + " chosen=" + b.chosen() + (b.available() ? "" : " reason=" + b.unavailabilityReason()));
        }

        Reactor reactor = Reactors.create();
        System.out.println("backend=" + reactor.backendName());
        // An MQTT client on the reactor, not started: no broker is needed to make one.
        MqttClient mqtt = MqttClient.create(reactor, MqttClientConfig.builder("127.0.0.1").clientId("demo").build());
        System.out.println("mqtt=" + mqtt.state() + " module=" + MqttClient.class.getModule().getName());
        reactor.start();
        CompletableFuture<String> scheduled = new CompletableFuture<>();
        byte[] message = ("hello over " + reactor.backendName()).getBytes(StandardCharsets.UTF_8);
        EchoClient client = new EchoClient(message);
        reactor.execute(() -> {
            reactor.schedule(Duration.ofMillis(10),
                    () -> scheduled.complete(Thread.currentThread().getName() + " inLoop=" + reactor.inLoop()));
            try {
                ListeningPort port = reactor.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        remote -> new EchoServer());
                client.port = port;
                reactor.connectTcp(InetAddress.getLoopbackAddress().getHostAddress(), port.port(), client).result()
                        .whenComplete((t, failure) -> {
                            if (failure != null) {
                                client.echoed.completeExceptionally(failure);
                            }
                        });
            } catch (UnsupportedOperationException e) {
                client.echoed.complete("unsupported (" + e.getMessage() + ")");
            }
        });
        System.out.println("scheduled=" + scheduled.get(WAIT_SECONDS, TimeUnit.SECONDS));
        System.out.println("echo=" + client.echoed.get(WAIT_SECONDS, TimeUnit.SECONDS));

        reactor.stop();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (reactor.state() != ReactorState.STOPPED && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        System.out.println("state=" + reactor.state());
    }

    /** Echoes what it receives. */
    private static final class EchoServer implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }
    }

    /** Writes the message, completes with what came back, then closes itself and the port. */
    private static final class EchoClient implements Protocol {
        final CompletableFuture<String> echoed = new CompletableFuture<>();
        private final byte[] message;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private Transport transport;
        ListeningPort port;

        EchoClient(byte[] message) {
            this.message = message;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            t.write(message.clone());
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            while (data.hasRemaining()) {
                received.write(data.get());
            }
            if (received.size() >= message.length && echoed.complete(received.toString(StandardCharsets.UTF_8))) {
                transport.close();
                port.close();
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            echoed.completeExceptionally(cause != null ? cause : new IOException("closed before the echo came back"));
        }
    }
}
