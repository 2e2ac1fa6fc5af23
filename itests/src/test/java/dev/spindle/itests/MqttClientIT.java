package dev.spindle.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.spindle.itests.mqttconsumer.MqttConsumer;
import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientState;
import dev.spindle.mqtt.MqttConnack;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.Qos;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.Registration;
import dev.spindle.signals.SignalListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The {@code MqttClient} service, one per factory configuration of {@value #FACTORY_PID}, against
 * a real Mosquitto broker started by the test driver ({@link TestBroker}, port in
 * {@value SpindleOsgiSupport#MQTT_PORT}): a round trip at QoS 1 through the broker; the move to
 * the next backend when the epoll bundle stops, with a consumer that is not restarted; no service,
 * no connection and no thread left when the configuration is deleted; a bad configuration gives
 * one logged error and no service.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class MqttClientIT extends SpindleOsgiSupport {
    private static final String FACTORY_PID = "dev.spindle.mqtt.client";
    private static final String HOST = "127.0.0.1";

    @Configuration
    public Option[] config() {
        return options(SpindleOptions.spindle(), SpindleOptions.mqttBroker(), SpindleOptions.mqttConsumer());
    }

    private static int brokerPort() {
        String port = System.getProperty(MQTT_PORT);
        assertNotNull("the test driver's broker port (" + MQTT_PORT + ")", port);
        return Integer.parseInt(port);
    }

    @Test
    public void aWhiteboardListenerSeesTheClientConnectThroughTheSignalBus() throws Exception {
        awaitReactor(best(), null);
        long mark = logMark();
        BlockingQueue<Object[]> seen = new LinkedBlockingQueue<>();
        SignalListener<Object> listener = (source, event) -> seen.add(new Object[] {source, event});
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("spindle.signal", "dev.spindle.mqtt.connected");
        props.put("spindle.signal.type", MqttConnack.class.getName());
        context.registerService(SignalListener.class, listener, props);
        createConfiguration("host", HOST, "port", Integer.toString(brokerPort()), "clientId", "itest-signals");

        MqttClient client = service(awaitService(MqttClient.class, "(mqtt.clientId=itest-signals)"));
        Object[] first = seen.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertNotNull("no dev.spindle.mqtt.connected signal within " + WAIT + "; log: " + logSince(mark), first);
        assertSame("the source is the MqttClient service object", client, first[0]);
        assertFalse(((MqttConnack) first[1]).sessionPresent());
    }

    @Test
    public void aFactoryConfigurationGivesAClientServiceThatRoundTripsThroughTheBroker() throws Exception {
        String best = best();
        Reactor reactor = service(awaitReactor(best, null));
        long mark = logMark();
        // As a .cfg file or the Karaf console gives them: text.
        org.osgi.service.cm.Configuration config = createConfiguration("host", HOST, "port",
                Integer.toString(brokerPort()), "clientId", "itest-rt", "version", "5", "keepAliveSeconds", "30",
                "username", "itest", "password", "hunter2-secret", "site", "north");

        ServiceReference<MqttClient> ref = awaitService(MqttClient.class, "(mqtt.clientId=itest-rt)");
        assertEquals("dev.spindle.mqtt", ref.getBundle().getSymbolicName());
        assertEquals(HOST, ref.getProperty("mqtt.host"));
        assertEquals(brokerPort(), ref.getProperty("mqtt.port"));
        assertEquals("5", ref.getProperty("mqtt.version"));
        assertEquals(best, ref.getProperty("spindle.reactor.backend"));
        assertEquals("north", ref.getProperty("site"));
        assertEquals(config.getPid(), ref.getProperty("service.pid"));
        assertEquals(FACTORY_PID, ref.getProperty("service.factoryPid"));
        for (String key : ref.getPropertyKeys()) {
            assertFalse("no secret in the service properties: " + key, key.equals("password")
                    || String.valueOf(ref.getProperty(key)).contains("hunter2"));
        }
        MqttClient client = service(ref);
        assertSame(reactor, client.reactor());
        assertEquals(30, client.config().keepAlive().toSeconds());
        awaitConnected(client);
        roundTrip(client, "itest/rt/" + UUID.randomUUID());

        // The client is shared: a consumer cannot stop it.
        client.stop();
        client.terminate();
        awaitLog(mark, "WARN", "on the MqttClient service", "is ignored: the client is shared");
        assertEquals(MqttClientState.STARTED, client.state());
        roundTrip(client, "itest/rt/" + UUID.randomUUID());
        assertTrue(logSince(mark).stream().noneMatch(l -> l.contains("hunter2")));
    }

    @Test
    public void stoppingTheEpollBundleMovesTheClientToSelectWithoutRestartingTheConsumer() throws Exception {
        String best = best();
        String next = best(best);
        createConfiguration("host", HOST, "port", brokerPort(), "clientId", "itest-move");
        MqttConsumer consumer = service(awaitService(MqttConsumer.class, null));
        ServiceReference<MqttClient> firstRef = awaitService(MqttClient.class,
                "(&(mqtt.clientId=itest-move)(spindle.reactor.backend=" + best + "))");
        MqttClient first = service(firstRef);
        await("the consumer bound to the first client", () -> consumer.client() == first);
        assertSuback(consumer.subscribed(0).get(WAIT.toSeconds(), TimeUnit.SECONDS));
        publish(first, "itest/consumer/first", "one");
        await("the consumer received one (now " + consumer.received() + ")",
                () -> consumer.received().contains("itest/consumer/first one"));

        backendBundle(best).stop();
        // The old client was withdrawn and terminated before its reactor's backend finished stopping.
        assertEquals(MqttClientState.STOPPED, first.state());
        ServiceReference<MqttClient> secondRef = awaitService(MqttClient.class,
                "(&(mqtt.clientId=itest-move)(spindle.reactor.backend=" + next + "))");
        MqttClient second = service(secondRef);
        assertNotSame(first, second);
        assertSame(service(awaitReactor(next, null)), second.reactor());
        await("the consumer bound to the second client", () -> consumer.client() == second);
        assertEquals("the consumer was not restarted", 1, consumer.activations());
        assertEquals(List.of(first, second), consumer.history());
        assertEquals(1, context.getServiceReferences(MqttClient.class, null).size());

        awaitConnected(second);
        assertSuback(consumer.subscribed(1).get(WAIT.toSeconds(), TimeUnit.SECONDS));
        publish(second, "itest/consumer/second", "two");
        await("the consumer received two (now " + consumer.received() + ")",
                () -> consumer.received().contains("itest/consumer/second two"));
        roundTrip(second, "itest/move/" + UUID.randomUUID());
    }

    @Test
    public void deletingTheConfigurationRemovesTheServiceAndLeavesNoConnectionAndNoThread() throws Exception {
        awaitReactor(best(), null);
        List<String> threadsBefore = sorted(spindleThreads());
        org.osgi.service.cm.Configuration config = createConfiguration("host", HOST, "port", brokerPort(), "clientId",
                "itest-delete");
        MqttClient client = service(awaitService(MqttClient.class, "(mqtt.clientId=itest-delete)"));
        awaitConnected(client);
        assertEquals("the client's connection to the broker is seen", 1, socketsTo(brokerPort()));
        assertEquals("the client has no thread of its own", threadsBefore, sorted(spindleThreads()));

        config.delete();
        awaitNoService(MqttClient.class, null);
        await("no connection to the broker left (now " + socketsTo(brokerPort()) + ")", () -> socketsTo(brokerPort()) == 0);
        assertEquals(MqttClientState.STOPPED, client.state());
        assertEquals(threadsBefore, sorted(spindleThreads()));

        List<Bundle> bundles = new ArrayList<>();
        for (String bsn : SPINDLE_BUNDLES) {
            bundles.add(bundle(bsn));
        }
        bundles.add(bundle(MQTT_CONSUMER));
        for (int i = bundles.size() - 1; i >= 0; i--) {
            bundles.get(i).stop();
        }
        await("no Spindle thread alive (now: " + spindleThreads() + ")", () -> spindleThreads().isEmpty());
    }

    @Test
    public void aBadConfigurationGivesNoServiceAndOneLoggedErrorUntilItIsFixed() throws Exception {
        awaitReactor(best(), null);
        long mark = logMark();
        org.osgi.service.cm.Configuration config = createConfiguration("host", HOST, "port", "-1", "version", "7",
                "clientId", "itest-bad", "username", "itest", "password", "hunter2-bad");
        String line = awaitLog(mark, "ERROR", "invalid MQTT client configuration " + config.getPid(),
                "port must be in 1..65535, found: -1", "version must be 3.1.1 or 5, found: 7");
        assertTrue(line, line.contains("no MqttClient service until it is fixed"));
        assertNull("no MqttClient service at all", context.getServiceReference(MqttClient.class));
        assertEquals(1, logSince(mark).stream().filter(l -> l.contains("invalid MQTT client configuration")).count());
        assertTrue(logSince(mark).stream().noneMatch(l -> l.contains("hunter2")));

        // Fixed: the service comes.
        config.update(properties("host", HOST, "port", brokerPort(), "version", "3.1.1", "clientId", "itest-bad"));
        MqttClient client = service(awaitService(MqttClient.class, "(mqtt.clientId=itest-bad)"));
        awaitConnected(client);
    }

    @Test
    public void metatypeDescribesTheFactoryConfiguration() throws Exception {
        MetaTypeService metatype = service(awaitService(MetaTypeService.class, null));
        MetaTypeInformation info = metatype.getMetaTypeInformation(bundle("dev.spindle.mqtt"));
        assertEquals(List.of(FACTORY_PID), Arrays.asList(info.getFactoryPids()));
        ObjectClassDefinition ocd = info.getObjectClassDefinition(FACTORY_PID, null);
        assertEquals("Spindle MQTT client", ocd.getName());
        List<String> ids = new ArrayList<>();
        AttributeDefinition password = null;
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            ids.add(ad.getID());
            if (ad.getID().equals("password")) {
                password = ad;
            }
        }
        assertEquals(List.of("host", "port", "clientId", "version", "cleanStart", "keepAliveSeconds", "username",
                "password", "sessionExpirySeconds", "maxQueuedRequests", "maximumPacketSize",
                "reconnectInitialDelayMillis", "reconnectMaxDelayMillis", "name"), ids);
        assertNotNull(password);
        assertEquals(AttributeDefinition.PASSWORD, password.getType());
    }

    // ------------------------------------------------------------------ helpers

    private org.osgi.service.cm.Configuration createConfiguration(Object... keyValues) throws Exception {
        ConfigurationAdmin admin = service(awaitService(ConfigurationAdmin.class, null));
        org.osgi.service.cm.Configuration config = admin.createFactoryConfiguration(FACTORY_PID, "?");
        config.update(properties(keyValues));
        return config;
    }

    private static Dictionary<String, Object> properties(Object... keyValues) {
        Dictionary<String, Object> props = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    /** Waits until {@code client} has a CONNACK accepted. */
    private static void awaitConnected(MqttClient client) throws Exception {
        CountDownLatch up = new CountDownLatch(1);
        Registration r = client.addListener(new MqttListener() {
            @Override
            public void connected(MqttClient c, MqttConnack connack) {
                up.countDown();
            }
        });
        try {
            if (!client.isConnected() && !up.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(client + " not connected within " + WAIT + ": " + client.state() + ", "
                        + client.error());
            }
        } finally {
            r.remove();
        }
    }

    /** Subscribes to {@code topic}, publishes to it at QoS 1, and gets the message back from the broker. */
    private static void roundTrip(MqttClient client, String topic) throws Exception {
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
            assertSuback(client.subscribe(topic, Qos.AT_LEAST_ONCE).toCompletableFuture()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS));
            publish(client, topic, "round trip over " + client.reactor().backendName());
            MqttMessage m = received.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertNotNull("the message came back from the broker on " + topic, m);
            assertEquals("round trip over " + client.reactor().backendName(), m.payloadText());
            assertEquals(Qos.AT_LEAST_ONCE, m.qos());
        } finally {
            r.remove();
        }
    }

    private static void publish(MqttClient client, String topic, String text) throws Exception {
        MqttAck ack = client.publish(MqttMessage.builder(topic).payload(text).qos(Qos.AT_LEAST_ONCE).build())
                .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue("PUBACK " + ack, ack.isSuccess());
    }

    /** A SUBACK granting QoS 1. */
    private static void assertSuback(MqttAck ack) {
        assertEquals("SUBACK " + ack, List.of(1), ack.reasonCodes());
    }

    private static List<String> sorted(List<String> names) {
        List<String> out = new ArrayList<>(names);
        out.sort(null);
        return out;
    }

    /**
     * TCP connections of this process to {@code port} on loopback: the socket inodes among this
     * process's descriptors ({@code /proc/self/fd}) that {@code /proc/net/tcp} and {@code tcp6}
     * list with that remote port.
     */
    private static int socketsTo(int port) {
        try {
            Set<String> inodes = new HashSet<>();
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException closedMeanwhile) {
                        // A descriptor closed while listing: not ours to count.
                    }
                }
            }
            String remotePort = String.format(":%04X", port);
            int count = 0;
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path p = Path.of(table);
                if (!Files.exists(p)) {
                    continue;
                }
                for (String line : Files.readAllLines(p)) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
                    if (f.length > 9 && f[2].endsWith(remotePort) && inodes.contains(f[9])) {
                        count++;
                    }
                }
            }
            return count;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read this process's sockets", e);
        }
    }
}
