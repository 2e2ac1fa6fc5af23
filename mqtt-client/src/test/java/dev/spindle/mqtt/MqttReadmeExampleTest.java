package dev.spindle.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.spindle.mqtt.testing.MosquittoBroker;
import dev.spindle.mqtt.testing.MosquittoExtension;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.RetryPolicy;
import dev.spindle.reactor.select.SelectReactorProvider;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the MQTT example of the root README verbatim against a real Mosquitto (cli's
 * {@code ReadmeExampleTest} checks that the README shows exactly the code in {@link #example}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MqttReadmeExampleTest {
    private static final Logger log = LoggerFactory.getLogger(MqttReadmeExampleTest.class);

    @RegisterExtension
    static final MosquittoExtension BROKER = new MosquittoExtension();

    @Test
    void theReadmeExampleConnectsSubscribesPublishesAndStops() throws Exception {
        MosquittoBroker broker = BROKER.broker();
        Reactor reactor = new SelectReactorProvider().create(ReactorConfig.builder().threadName("readme").daemon(true).build());
        reactor.start();
        // Someone else watches sensors/7 and later raises an alert.
        MqttClient watcher = MqttClient.create(reactor, MqttClientConfig.builder(broker.host()).port(broker.port())
                .clientId("watcher").build());
        BlockingQueue<MqttMessage> watched = new LinkedBlockingQueue<>();
        watcher.addListener(new MqttListener() {
            @Override
            public void messageReceived(MqttClient c, MqttMessage m) {
                watched.add(m);
            }
        });
        watcher.subscribe("sensors/#", Qos.AT_LEAST_ONCE).toCompletableFuture();
        watcher.start();
        awaitState(watcher, MqttClientState.STARTED);

        MqttClient client = example(reactor, broker.host(), broker.port());

        BlockingQueue<MqttMessage> alerts = new LinkedBlockingQueue<>();
        client.addListener(new MqttListener() {
            @Override
            public void messageReceived(MqttClient c, MqttMessage m) {
                alerts.add(m);
            }
        });
        MqttMessage reading = watched.poll(30, TimeUnit.SECONDS);
        assertNotNull(reading, "the example's publish never arrived");
        assertEquals("21.5", reading.payloadText());
        awaitState(client, MqttClientState.STARTED);
        watcher.publish(MqttMessage.of("alerts/fire", "evacuate")).toCompletableFuture().get(30, TimeUnit.SECONDS);
        MqttMessage alert = alerts.poll(30, TimeUnit.SECONDS);
        assertNotNull(alert, "the example's subscription got nothing");
        assertEquals("alerts/fire", alert.topic());

        client.stop();
        watcher.stop();
        awaitState(client, MqttClientState.STOPPED);
        awaitState(watcher, MqttClientState.STOPPED);
        reactor.stop();
    }

    private static MqttClient example(Reactor reactor, String host, int port) {
        // ---- The README's example, verbatim. ----
        MqttClient client = MqttClient.create(reactor, MqttClientConfig.builder(host).port(port)
                .version(MqttVersion.V5).clientId("sensor-7")
                .cleanStart(false).sessionExpirySeconds(3600)            // keep the session for an hour
                .keepAlive(Duration.ofSeconds(30))
                .reconnect(RetryPolicy.exponentialBackoff())              // start again after failures
                .build());
        client.addListener(new MqttListener() {
            @Override
            public void messageReceived(MqttClient c, MqttMessage m) {
                log.info("{}: {}", m.topic(), m.payloadText());         // on the reactor thread
            }
        });
        client.subscribe("alerts/#", Qos.AT_LEAST_ONCE);                  // queued until connected
        client.publish(MqttMessage.builder("sensors/7").payload("21.5").qos(Qos.AT_LEAST_ONCE).build())
                .thenAccept(ack -> log.info("PUBACK {}", ack.reasonCode()));
        client.start();
        // ---- end of the README's example. ----
        return client;
    }

    private static void awaitState(MqttClient c, MqttClientState s) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (c.state() != s) {
            if (System.nanoTime() > end) {
                throw new AssertionError(c + " never reached " + s + "; error " + c.error());
            }
            Thread.sleep(5);
        }
    }
}
