package dev.spindle.itests;

import dev.spindle.mqtt.testing.MosquittoBroker;

/**
 * The Mosquitto broker of the MQTT tests, one per test JVM (Felix, Equinox), started at the first
 * {@code @Configuration} that asks for it. Used only in the test driver, outside the framework:
 * {@link MosquittoBroker} comes from mqtt-client's test-jar on Failsafe's class path, which no
 * bundle in the framework can see; the tests inside the framework get the port as a system
 * property ({@link SpindleOptions#mqttBroker()}). The harness stops the broker when the JVM exits.
 */
final class TestBroker {
    private static MosquittoBroker broker;

    private TestBroker() {
    }

    /** The port of the broker, started now if it is not running. */
    static synchronized int port() {
        if (broker == null || !broker.isRunning()) {
            broker = MosquittoBroker.startDefault();
        }
        return broker.port();
    }
}
