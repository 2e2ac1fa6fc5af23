/** The MQTT client's implementation: the reactor-driven client, its session state, the OSGi component. */
@NullMarked
package dev.spindle.mqtt.internal;

import org.jspecify.annotations.NullMarked;
