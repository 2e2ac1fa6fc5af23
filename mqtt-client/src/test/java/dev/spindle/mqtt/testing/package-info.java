/**
 * A real Mosquitto broker for MQTT integration tests, published in {@code mqtt-client}'s
 * test-jar: {@link dev.spindle.mqtt.testing.MosquittoBroker} starts Debian's
 * {@code /usr/sbin/mosquitto} on free loopback ports with a generated configuration (plain, TLS
 * and mutual-TLS, WebSocket listeners; users; limits; persistence), and
 * {@link dev.spindle.mqtt.testing.MosquittoExtension} runs one per JUnit 5 test class and adds its
 * log to failures.
 */
@NullMarked
package dev.spindle.mqtt.testing;

import org.jspecify.annotations.NullMarked;
