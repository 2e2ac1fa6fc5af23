package dev.spindle.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.MqttClientState;
import dev.spindle.mqtt.MqttConnectionException;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.signals.MqttConnectionEnded;
import dev.spindle.mqtt.signals.MqttSignals;
import dev.spindle.mqtt.signals.MqttStateChange;
import dev.spindle.reactor.RetryPolicy;
import dev.spindle.signals.RetryScheduled;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MqttSignals}: what a bridged client fires, in which order, with which events. */
class MqttSignalsTest {

    @Test
    void aBridgedClientFiresItsLifecycle() {
        try (MqttHarness h = new MqttHarness(b -> b.reconnect(RetryPolicy.fixed(Duration.ofSeconds(1))))) {
            SignalBus bus = SignalBus.create(h.reactor);
            List<String> seen = new ArrayList<>();
            List<Object> events = new ArrayList<>();
            bus.listen(h.client, MqttSignals.STATE_CHANGED, (src, e) -> {
                seen.add(e.from() + "->" + e.to());
                events.add(e);
            });
            bus.listen(h.client, MqttSignals.CONNECTED, (src, e) -> seen.add("connected"));
            bus.listen(h.client, MqttSignals.CONNECTION_ENDED, (src, e) -> {
                seen.add("ended");
                events.add(e);
            });
            bus.listen(h.client, MqttSignals.RECONNECT_SCHEDULED, (src, e) -> {
                seen.add("reconnect");
                events.add(e);
            });
            Subscription bridge = MqttSignals.bridge(h.client, bus);
            h.startToConnack();
            h.deliver(new Connack(false, 0, Properties.EMPTY));
            h.transport().deliverEof();
            h.reactor.runUntilIdle();
            assertEquals(List.of("INIT->STARTING", "STARTING->STARTED", "connected", "STARTED->ERROR", "ended", "reconnect"),
                    seen);
            MqttStateChange toError = (MqttStateChange) events.get(2);
            assertEquals(MqttClientState.ERROR, toError.to());
            assertInstanceOf(MqttConnectionException.class, toError.error());
            MqttConnectionEnded ended = (MqttConnectionEnded) events.get(3);
            assertTrue(ended.connackAccepted());
            assertSame(toError.error(), ended.cause());
            RetryScheduled retry = (RetryScheduled) events.get(4);
            assertEquals(1, retry.failedAttempts());
            assertEquals(Duration.ofSeconds(1), retry.delay());

            bridge.close();
            assertFalse(bridge.isActive());
            seen.clear();
            h.client.stop();
            assertEquals(List.of(), seen, "a closed bridge still fired");
        }
    }

    @Test
    void aConnectThatNeverGotConnackEndsWithoutConnack() {
        try (MqttHarness h = new MqttHarness()) {
            SignalBus bus = SignalBus.create(h.reactor);
            List<MqttConnectionEnded> ends = new ArrayList<>();
            bus.listen(h.client, MqttSignals.CONNECTION_ENDED, (src, e) -> ends.add(e));
            MqttSignals.bridge(h.client, bus);
            h.startToConnack();
            h.client.terminate();
            assertEquals(1, ends.size());
            assertFalse(ends.get(0).connackAccepted());
            assertNull(ends.get(0).cause());
        }
    }
}
