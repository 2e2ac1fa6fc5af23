package dev.spindle.itests.karaf;

import dev.spindle.mqtt.testing.MosquittoBroker;

/**
 * The Mosquitto broker of the Karaf tests, one per test JVM, started by the {@code @Configuration}
 * method in the test driver. Karaf runs in a JVM of its own and gets the port as the system property
 * {@value #PORT_PROPERTY} (and, when the features are installed at boot, in the configuration file
 * of the MQTT client). {@link MosquittoBroker} is in mqtt-client's test-jar on Failsafe's class
 * path; no class inside Karaf uses this one. The harness stops the broker when the JVM exits.
 */
final class KarafTestBroker {
    /** The system property with the broker's port in Karaf's JVM: {@value}. */
    static final String PORT_PROPERTY = "spindle.itest.mqtt.port";

    private static MosquittoBroker broker;

    private KarafTestBroker() {
    }

    /** The port of the broker, started now if it is not running. */
    static synchronized int port() {
        if (broker == null || !broker.isRunning()) {
            broker = MosquittoBroker.startDefault();
        }
        return broker.port();
    }
}
