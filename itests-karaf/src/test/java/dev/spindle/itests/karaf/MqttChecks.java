package dev.spindle.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttConnack;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.Qos;
import dev.spindle.reactor.Registration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The MQTT checks, called by {@link SpindleFeaturesIT} once the features are installed (only then
 * can the probe load Spindle's classes): the {@code MqttClient} service of a factory configuration
 * of {@code dev.spindle.mqtt.client} round-trips a QoS 1 message through the test driver's
 * Mosquitto broker.
 */
final class MqttChecks {
    private MqttChecks() {
    }

    /** Waits for the {@code MqttClient} service with {@code clientId}, on any backend. */
    static void awaitClient(BundleContext context, String clientId) throws Exception {
        Filter f = context.createFilter("(&(" + Constants.OBJECTCLASS + "=" + MqttClient.class.getName()
                + ")(mqtt.clientId=" + clientId + "))");
        ServiceTracker<MqttClient, MqttClient> tracker = new ServiceTracker<>(context, f, null);
        tracker.open();
        try {
            if (tracker.waitForService(SpindleChecks.WAIT.toMillis()) == null) {
                fail("no " + f + " service within " + SpindleChecks.WAIT + "; karaf.log:\n" + SpindleFeaturesIT.logTail());
            }
        } finally {
            tracker.close();
        }
    }

    /**
     * Waits for the {@code MqttClient} service with {@code clientId} on {@code backend}, checks its
     * properties, waits for its CONNACK, then subscribes, publishes at QoS 1 and receives the
     * message back from the broker.
     */
    static void roundTrip(BundleContext context, String clientId, String backend, int port) throws Exception {
        Filter f = context.createFilter("(&(" + Constants.OBJECTCLASS + "=" + MqttClient.class.getName()
                + ")(mqtt.clientId=" + clientId + ")(spindle.reactor.backend=" + backend + "))");
        ServiceTracker<MqttClient, MqttClient> tracker = new ServiceTracker<>(context, f, null);
        tracker.open();
        try {
            MqttClient client = tracker.waitForService(SpindleChecks.WAIT.toMillis());
            ServiceReference<MqttClient> ref = tracker.getServiceReference();
            if (client == null || ref == null) {
                fail("no " + f + " service within " + SpindleChecks.WAIT + "; karaf.log:\n" + SpindleFeaturesIT.logTail());
            }
            assertEquals("dev.spindle.mqtt", ref.getBundle().getSymbolicName());
            assertEquals("127.0.0.1", ref.getProperty("mqtt.host"));
            assertEquals(port, ref.getProperty("mqtt.port"));
            assertEquals("dev.spindle.mqtt.client", ref.getProperty("service.factoryPid"));
            assertEquals(backend, client.reactor().backendName());
            awaitConnected(client);

            String topic = "karaf/" + clientId + "/" + UUID.randomUUID();
            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            Registration r = client.addListener(new MqttListener() {
                @Override
                public void messageReceived(MqttClient c, MqttMessage message) {
                    if (message.topic().equals(topic)) {
                        received.add(message);
                    }
                }
            });
            try {
                MqttAck suback = client.subscribe(topic, Qos.AT_LEAST_ONCE).toCompletableFuture()
                        .get(SpindleChecks.WAIT.toSeconds(), TimeUnit.SECONDS);
                assertEquals("SUBACK " + suback, List.of(1), suback.reasonCodes());
                String text = "hello from Karaf over " + backend;
                MqttAck puback = client.publish(MqttMessage.builder(topic).payload(text).qos(Qos.AT_LEAST_ONCE).build())
                        .toCompletableFuture().get(SpindleChecks.WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue("PUBACK " + puback, puback.isSuccess());
                MqttMessage m = received.poll(SpindleChecks.WAIT.toSeconds(), TimeUnit.SECONDS);
                assertNotNull("the message came back from the broker on " + topic, m);
                assertEquals(text, m.payloadText());
                assertEquals(Qos.AT_LEAST_ONCE, m.qos());
            } finally {
                r.remove();
            }
        } finally {
            tracker.close();
        }
    }

    private static void awaitConnected(MqttClient client) throws InterruptedException {
        CountDownLatch up = new CountDownLatch(1);
        Registration r = client.addListener(new MqttListener() {
            @Override
            public void connected(MqttClient c, MqttConnack connack) {
                up.countDown();
            }
        });
        try {
            if (!client.isConnected() && !up.await(SpindleChecks.WAIT.toSeconds(), TimeUnit.SECONDS)) {
                fail(client + " not connected within " + SpindleChecks.WAIT + ": " + client.state() + ", " + client.error()
                        + "; karaf.log:\n" + SpindleFeaturesIT.logTail());
            }
        } finally {
            r.remove();
        }
    }
}
