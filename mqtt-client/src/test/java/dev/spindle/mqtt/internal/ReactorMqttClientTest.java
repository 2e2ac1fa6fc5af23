package dev.spindle.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClientState;
import dev.spindle.mqtt.MqttConnectRefusedException;
import dev.spindle.mqtt.MqttConnectionException;
import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.MqttProtocolException;
import dev.spindle.mqtt.MqttQueueFullException;
import dev.spindle.mqtt.MqttRequestAbandonedException;
import dev.spindle.mqtt.MqttServerDisconnectException;
import dev.spindle.mqtt.MqttTimeoutException;
import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.ReasonCodes;
import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.mqtt.internal.packet.Ack;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Connect;
import dev.spindle.mqtt.internal.packet.Disconnect;
import dev.spindle.mqtt.internal.packet.Packet;
import dev.spindle.mqtt.internal.packet.PacketType;
import dev.spindle.mqtt.internal.packet.Pingreq;
import dev.spindle.mqtt.internal.packet.Pingresp;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Publish;
import dev.spindle.mqtt.internal.packet.Suback;
import dev.spindle.mqtt.internal.packet.Subscribe;
import dev.spindle.mqtt.internal.packet.Unsuback;
import dev.spindle.mqtt.internal.packet.Unsubscribe;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.RetryPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The client's protocol core against scripted connections (SPEC §1, haka-mqtt's behaviours with
 * the HK-DEF defects fixed; each test names the SPEC item it follows).
 */
class ReactorMqttClientTest {

    private static MqttMessage msg(String topic, Qos qos) {
        return MqttMessage.builder(topic).payload("p-" + topic).qos(qos).build();
    }

    private static MqttAck done(CompletionStage<MqttAck> stage) {
        CompletableFuture<MqttAck> f = stage.toCompletableFuture();
        assertTrue(f.isDone(), "stage not complete");
        return f.join();
    }

    private static Throwable failure(CompletionStage<MqttAck> stage) {
        CompletableFuture<MqttAck> f = stage.toCompletableFuture();
        assertTrue(f.isCompletedExceptionally(), () -> "stage not failed: " + f);
        try {
            f.join();
            throw new AssertionError("unreachable");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Nested
    class Lifecycle {
        @Test
        void startConnectsAndSendsConnectThenConnackStarts() {
            try (MqttHarness h = new MqttHarness()) {
                Connect c = h.startToConnack();
                assertEquals("harness", c.clientId());
                assertTrue(c.cleanStart());
                assertEquals(60, c.keepAliveSeconds());
                assertEquals(MqttVersion.V3_1_1, c.version());
                assertEquals(MqttClientState.STARTING, h.client.state());
                h.deliver(new Connack(false, 0, Properties.EMPTY));
                assertEquals(MqttClientState.STARTED, h.client.state());
                assertEquals(List.of("INIT->STARTING", "STARTING->STARTED", "connected"), h.events);
            }
        }

        @Test
        void stopBeforeTheConnectionIsUpStopsAtOnce() { // SPEC HK-LC-5
            try (MqttHarness h = new MqttHarness()) {
                h.client.start();
                h.reactor.runUntilIdle();
                var pending = h.pendingConnect();
                h.client.stop();
                assertEquals(MqttClientState.STOPPED, h.client.state());
                assertTrue(pending.isAbandoned(), "the connect attempt was not cancelled");
                assertEquals(List.of("INIT->STARTING", "STARTING->STOPPED", "connectFailed"), h.events);
                assertNull(h.lastCause);
                h.assertInactiveInvariant();
            }
        }

        @Test
        void stopInInitGoesToStopped() { // SPEC HK-LC table, init row
            try (MqttHarness h = new MqttHarness()) {
                h.client.stop();
                assertEquals(MqttClientState.STOPPED, h.client.state());
                assertEquals(List.of("INIT->STOPPED"), h.events);
            }
        }

        @Test
        void terminateInInitDoesNothing() { // SPEC HK-LC-7
            try (MqttHarness h = new MqttHarness()) {
                h.client.terminate();
                assertEquals(MqttClientState.INIT, h.client.state());
                assertEquals(List.of(), h.events);
            }
        }

        @Test
        void stopWhenStartedSendsQueuedThenDisconnectAndWaitsForTheServer() { // SPEC HK-LC-4
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.client.publish(msg("a", Qos.AT_MOST_ONCE));
                h.sent();
                h.client.stop();
                assertEquals(MqttClientState.STOPPING, h.client.state());
                h.sentOne(Disconnect.class);
                assertTrue(h.transport().isOutputShutdown(), "write half not shut after DISCONNECT");
                h.transport().deliverEof();
                h.reactor.runUntilIdle();
                assertEquals(MqttClientState.STOPPED, h.client.state());
                assertNull(h.lastCause);
                assertEquals("disconnected", h.events.get(h.events.size() - 1));
                h.assertInactiveInvariant();
            }
        }

        @Test
        void publishAfterStopWaitsBehindDisconnectForTheNextStart() { // SPEC HK-Q-12
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.transport().setWriteCapacity(0); // the socket takes nothing: the DISCONNECT is queued
                h.client.stop();
                CompletionStage<MqttAck> late = h.client.publish(msg("late", Qos.AT_LEAST_ONCE));
                h.transport().setWriteCapacity(Integer.MAX_VALUE);
                h.transport().flushWritable();
                List<Packet> out = h.sent();
                assertEquals(1, out.size(), () -> "only DISCONNECT expected, found " + out);
                assertInstanceOf(Disconnect.class, out.get(0));
                h.transport().deliverEof();
                h.reactor.runUntilIdle();
                assertEquals(MqttClientState.STOPPED, h.client.state());
                assertFalse(late.toCompletableFuture().isDone());
                h.startToConnack();
                h.deliver(new Connack(false, 0, Properties.EMPTY));
                Publish p = h.sentOne(Publish.class);
                assertEquals("late", p.topic());
            }
        }

        @Test
        void stopWhileAwaitingConnackSendsDisconnectAfterTheConnack() { // SPEC HK-LC table, awaiting CONNACK
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnack();
                h.client.stop();
                assertEquals(MqttClientState.STOPPING, h.client.state());
                assertEquals(List.of(), h.sent());
                h.deliver(new Connack(false, 0, Properties.EMPTY));
                assertEquals(MqttClientState.STOPPING, h.client.state());
                assertTrue(h.events.contains("connected"), "connected not called while stopping");
                h.sentOne(Disconnect.class);
            }
        }

        @Test
        void terminateWhenStartedClosesAtOnceAndKeepsUnacknowledgedPublishes() { // SPEC HK-LC-6
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                CompletionStage<MqttAck> q1 = h.client.publish(msg("t", Qos.AT_LEAST_ONCE));
                h.sentOne(Publish.class);
                h.client.terminate();
                assertEquals(MqttClientState.STOPPED, h.client.state());
                assertEquals("disconnected", h.events.get(h.events.size() - 1));
                assertFalse(h.transport().isOpen());
                h.assertInactiveInvariant();
                assertFalse(q1.toCompletableFuture().isDone());
                assertEquals(1, h.client.inFlight());
            }
        }

        @Test
        void connectFailureIsAnErrorWithConnectFailed() {
            try (MqttHarness h = new MqttHarness()) {
                h.client.start();
                h.reactor.runUntilIdle();
                h.pendingConnect().fail(new ConnectionFailedException("refused", new IOException("ECONNREFUSED")));
                h.reactor.runUntilIdle();
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertInstanceOf(MqttConnectionException.class, h.client.error());
                assertSame(h.client.error(), h.lastCause);
                assertEquals("connectFailed", h.events.get(h.events.size() - 1));
                h.assertInactiveInvariant();
            }
        }

        @Test
        void refusedConnackIsAnError() { // SPEC HK-LC table: CONNACK refused (codes 1-5)
            for (int code = 1; code <= 5; code++) {
                try (MqttHarness h = new MqttHarness()) {
                    h.startToConnack();
                    h.deliver(new Connack(false, code, Properties.EMPTY));
                    assertEquals(MqttClientState.ERROR, h.client.state());
                    MqttConnectRefusedException e = assertInstanceOf(MqttConnectRefusedException.class, h.client.error());
                    assertEquals(code, e.reasonCode());
                    assertFalse(h.events.contains("connected"));
                    assertEquals("connectFailed", h.events.get(h.events.size() - 1));
                }
            }
        }

        @Test
        void sessionPresentAfterCleanStartIsAProtocolError() { // SPEC HK-LC table
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnack();
                h.deliver(new Connack(true, 0, Properties.EMPTY));
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertInstanceOf(MqttProtocolException.class, h.client.error());
                assertFalse(h.events.contains("connected"));
            }
        }

        @Test
        void packetBeforeConnackIsAProtocolError() { // SPEC HK-LC table, TestPacketsBeforeConnack
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnack();
                h.deliver(new Publish("x", Qos.AT_MOST_ONCE, false, false, 0, new byte[0], Properties.EMPTY));
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertInstanceOf(MqttProtocolException.class, h.client.error());
                assertEquals(List.of(), h.received);
            }
        }

        @Test
        void secondConnackIsAProtocolError() {
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.deliver(new Connack(false, 0, Properties.EMPTY));
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertInstanceOf(MqttProtocolException.class, h.client.error());
                assertEquals("disconnected", h.events.get(h.events.size() - 1));
            }
        }

        @Test
        void serverClosingBeforeOurDisconnectIsAnError() { // SPEC HK-LC table: MutePeer
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.transport().deliverEof();
                h.reactor.runUntilIdle();
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertInstanceOf(MqttConnectionException.class, h.client.error());
                assertEquals("disconnected", h.events.get(h.events.size() - 1));
            }
        }

        @Test
        void startWhileActiveChangesNothing() { // SPEC HK-LC-3
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                int attempts = h.reactor.tcpConnects().size();
                h.client.start();
                assertEquals(attempts, h.reactor.tcpConnects().size());
                assertEquals(MqttClientState.STARTED, h.client.state());
            }
        }

        @Test
        void startAfterErrorClearsTheError() { // SPEC HK-INV-3
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.transport().deliverEof();
                h.reactor.runUntilIdle();
                assertTrue(h.client.error() != null);
                h.startToConnack();
                assertNull(h.client.error());
            }
        }

        @Test
        void exactlyOneEndCallbackPerActivation() { // SPEC HK-LC-10
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.client.stop();
                h.sent();
                h.client.terminate();
                h.transport().deliverEof();
                h.reactor.runUntilIdle();
                assertEquals(1, h.events.stream().filter(e -> e.equals("disconnected") || e.equals("connectFailed")).count(),
                        () -> "events: " + h.events);
            }
        }

        @Test
        void aListenerThatThrowsDoesNotStopTheOthersOrTheClient() { // fixes SPEC HK-CB-4
            try (MqttHarness h = new MqttHarness()) {
                h.client.addListener(new MqttListener() {
                    @Override
                    public void messageReceived(dev.spindle.mqtt.MqttClient c, MqttMessage m) {
                        throw new IllegalStateException("listener bug");
                    }
                });
                h.startToConnected();
                h.deliver(new Publish("x", Qos.AT_LEAST_ONCE, false, false, 5, new byte[] {1}, Properties.EMPTY));
                assertEquals(1, h.received.size());
                assertEquals(MqttClientState.STARTED, h.client.state());
                Ack a = h.sentOne(Ack.class);
                assertEquals(PacketType.PUBACK, a.type());
            }
        }

        @Test
        void terminateFromAListenerEndsTheReadCleanly() { // fixes SPEC HK-CB-5
            try (MqttHarness h = new MqttHarness()) {
                h.client.addListener(new MqttListener() {
                    @Override
                    public void messageReceived(dev.spindle.mqtt.MqttClient c, MqttMessage m) {
                        c.terminate();
                    }
                });
                h.startToConnected();
                h.deliver(new Publish("x", Qos.AT_LEAST_ONCE, false, false, 5, new byte[] {1}, Properties.EMPTY),
                        new Publish("y", Qos.AT_MOST_ONCE, false, false, 0, new byte[] {2}, Properties.EMPTY));
                assertEquals(MqttClientState.STOPPED, h.client.state());
                assertEquals(1, h.received.size(), "a packet after terminate() was delivered");
                h.assertInactiveInvariant();
            }
        }
    }

    @Nested
    class SendPath {
        @Test
        void qos0IsDoneWhenWrittenAndTakesNoIdentifier() { // SPEC HK-Q-2, HK-Q-4
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                CompletionStage<MqttAck> s = h.client.publish(msg("a", Qos.AT_MOST_ONCE));
                Publish p = h.sentOne(Publish.class);
                assertEquals(0, p.packetId());
                assertEquals("p-a", new String(p.payload(), StandardCharsets.UTF_8));
                assertEquals(0, done(s).reasonCode());
                assertEquals(0, h.client.queuedRequests());
            }
        }

        @Test
        void qos1CompletesOnPubackAndFirstIdentifierIsOne() { // SPEC HK-Q-2, HK-Q-7
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                CompletionStage<MqttAck> s = h.client.publish(msg("a", Qos.AT_LEAST_ONCE));
                Publish p = h.sentOne(Publish.class);
                assertEquals(1, p.packetId());
                assertFalse(p.dup());
                assertEquals(1, h.client.inFlight());
                h.deliver(Ack.of(PacketType.PUBACK, 1));
                assertEquals(0, done(s).reasonCode());
                assertEquals(0, h.client.inFlight());
                assertEquals(0, h.client.queuedRequests());
            }
        }

        @Test
        void qos2RunsPubrecPubrelPubcompAndReleasesTheIdentifier() { // SPEC HK-Q-8, HK-Q-9; fixes HK-DEF-2
            try (MqttHarness h = new MqttHarness(b -> b.maxInFlight(1))) {
                h.startToConnected();
                CompletionStage<MqttAck> s = h.client.publish(msg("a", Qos.EXACTLY_ONCE));
                assertEquals(1, h.sentOne(Publish.class).packetId());
                h.deliver(Ack.of(PacketType.PUBREC, 1));
                Ack rel = h.sentOne(Ack.class);
                assertEquals(PacketType.PUBREL, rel.type());
                assertEquals(1, rel.packetId());
                assertFalse(s.toCompletableFuture().isDone());
                h.deliver(Ack.of(PacketType.PUBCOMP, 1));
                done(s);
                assertEquals(0, h.client.inFlight());
                // The identifier is free again: with a window of one, the next publish goes at once.
                h.client.publish(msg("b", Qos.EXACTLY_ONCE));
                assertEquals(2, h.sentOne(Publish.class).packetId());
            }
        }

        @Test
        void pubackOutOfOrderIsAProtocolError() { // SPEC HK-Q-7, MQTT-4.6.0-2
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.client.publish(msg("a", Qos.AT_LEAST_ONCE));
                h.client.publish(msg("b", Qos.AT_LEAST_ONCE));
                h.sent();
                h.deliver(Ack.of(PacketType.PUBACK, 2));
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertInstanceOf(MqttProtocolException.class, h.client.error());
            }
        }

        @Test
        void pubackForQos1IsAcceptedWhileAnOlderQos2AwaitsPubrec() { // fixes SPEC HK-DEF-14
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                CompletionStage<MqttAck> q2 = h.client.publish(msg("a", Qos.EXACTLY_ONCE));
                CompletionStage<MqttAck> q1 = h.client.publish(msg("b", Qos.AT_LEAST_ONCE));
                h.sent();
                h.deliver(Ack.of(PacketType.PUBACK, 2));
                assertEquals(MqttClientState.STARTED, h.client.state());
                done(q1);
                assertFalse(q2.toCompletableFuture().isDone());
            }
        }

        @Test
        void wrongAcknowledgementsAreProtocolErrors() { // SPEC HK-Q-7, HK-Q-8, HK-Q-9
            Packet[] wrong = {Ack.of(PacketType.PUBACK, 9), Ack.of(PacketType.PUBREC, 9), Ack.of(PacketType.PUBCOMP, 1),
                Ack.of(PacketType.PUBREC, 1) /* for a QoS 1 publish */};
            for (Packet p : wrong) {
                try (MqttHarness h = new MqttHarness()) {
                    h.startToConnected();
                    h.client.publish(msg("a", Qos.AT_LEAST_ONCE));
                    h.sent();
                    h.deliver(p);
                    assertEquals(MqttClientState.ERROR, h.client.state(), () -> "after " + p);
                    assertInstanceOf(MqttProtocolException.class, h.client.error());
                }
            }
        }

        @Test
        void publishesQueuedBeforeStartGoAfterConnack() { // SPEC HK-Q-1
            try (MqttHarness h = new MqttHarness()) {
                CompletionStage<MqttAck> s = h.client.publish(msg("early", Qos.AT_LEAST_ONCE));
                assertEquals(1, h.client.queuedRequests());
                h.startToConnack(); // CONNECT alone: requests wait for CONNACK
                h.deliver(new Connack(false, 0, Properties.EMPTY));
                assertEquals("early", h.sentOne(Publish.class).topic());
                h.deliver(Ack.of(PacketType.PUBACK, 1));
                done(s);
            }
        }

        @Test
        void theInFlightWindowHoldsLaterPublishesInOrder() {
            try (MqttHarness h = new MqttHarness(b -> b.maxInFlight(1))) {
                h.startToConnected();
                h.client.publish(msg("a", Qos.AT_LEAST_ONCE));
                h.client.publish(msg("b", Qos.AT_LEAST_ONCE));
                h.client.publish(msg("c", Qos.AT_MOST_ONCE));
                assertEquals("a", h.sentOne(Publish.class).topic());
                h.deliver(Ack.of(PacketType.PUBACK, 1));
                // b waited for the window; c, queued behind it, did not overtake it.
                assertEquals(List.of("b", "c"), h.sent().stream().map(p -> ((Publish) p).topic()).toList());
            }
        }

        @Test
        void theServersReceiveMaximumBoundsTheWindow() {
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5))) {
                h.startToConnack();
                h.deliver(new Connack(false, 0, Properties.builder().number(PropertyId.RECEIVE_MAXIMUM, 2).build()));
                for (int i = 0; i < 3; i++) {
                    h.client.publish(msg("t" + i, Qos.AT_LEAST_ONCE));
                }
                assertEquals(2, h.sent().size());
                h.deliver(Ack.of(PacketType.PUBACK, 1));
                assertEquals("t2", h.sentOne(Publish.class).topic());
            }
        }

        @Test
        void aFullQueueRefusesAtOnceAndSaysWhenItDrained() {
            try (MqttHarness h = new MqttHarness(b -> b.maxQueuedRequests(2))) {
                CompletionStage<MqttAck> a = h.client.publish(msg("a", Qos.AT_LEAST_ONCE));
                h.client.publish(msg("b", Qos.AT_LEAST_ONCE));
                CompletionStage<MqttAck> c = h.client.publish(msg("c", Qos.AT_LEAST_ONCE));
                assertInstanceOf(MqttQueueFullException.class, failure(c));
                assertEquals(2, h.client.queuedRequests());
                h.startToConnected();
                h.sent();
                h.deliver(Ack.of(PacketType.PUBACK, 1));
                done(a);
                assertTrue(h.events.contains("drained"), () -> "events: " + h.events);
            }
        }

        @Test
        void aMessageAboveTheServersMaximumQosFailsAloneWithAClearError() {
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5))) {
                h.startToConnack();
                h.deliver(new Connack(false, 0, Properties.builder().number(PropertyId.MAXIMUM_QOS, 1).build()));
                CompletionStage<MqttAck> bad = h.client.publish(msg("a", Qos.EXACTLY_ONCE));
                CompletionStage<MqttAck> good = h.client.publish(msg("b", Qos.AT_LEAST_ONCE));
                assertTrue(failure(bad).getMessage().contains("maximum QoS is 1"), failure(bad).getMessage());
                assertEquals("b", h.sentOne(Publish.class).topic());
                assertFalse(good.toCompletableFuture().isDone());
                assertEquals(MqttClientState.STARTED, h.client.state());
            }
        }

        @Test
        void aPacketAboveTheServersMaximumPacketSizeFailsAlone() {
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5))) {
                h.startToConnack();
                h.deliver(new Connack(false, 0, Properties.builder().number(PropertyId.MAXIMUM_PACKET_SIZE, 64).build()));
                CompletionStage<MqttAck> big = h.client.publish(
                        MqttMessage.builder("big").payload(new byte[100]).qos(Qos.AT_LEAST_ONCE).build());
                assertTrue(failure(big).getMessage().contains("maximum packet size"), failure(big).getMessage());
                assertEquals(List.of(), h.sent());
                assertEquals(0, h.client.inFlight());
                assertEquals(0, h.client.queuedRequests());
                h.client.publish(msg("small", Qos.AT_LEAST_ONCE));
                assertEquals("small", h.sentOne(Publish.class).topic());
                assertEquals(1, h.client.inFlight());
            }
        }

        @Test
        void v5RefusingPubackCompletesWithItsCode() {
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5))) {
                h.startToConnected();
                CompletionStage<MqttAck> s = h.client.publish(msg("a", Qos.AT_LEAST_ONCE));
                h.sent();
                h.deliver(new Ack(PacketType.PUBACK, 1, ReasonCodes.NOT_AUTHORIZED,
                        Properties.builder().string(PropertyId.REASON_STRING, "no").build()));
                MqttAck ack = done(s);
                assertEquals(ReasonCodes.NOT_AUTHORIZED, ack.reasonCode());
                assertFalse(ack.isSuccess());
                assertEquals("no", ack.reasonString());
            }
        }

        @Test
        void v5RefusingPubrecEndsTheFlowWithoutPubrel() { // MQTT 5 §4.3.3
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5))) {
                h.startToConnected();
                CompletionStage<MqttAck> s = h.client.publish(msg("a", Qos.EXACTLY_ONCE));
                h.sent();
                h.deliver(new Ack(PacketType.PUBREC, 1, ReasonCodes.QUOTA_EXCEEDED, Properties.EMPTY));
                assertEquals(ReasonCodes.QUOTA_EXCEEDED, done(s).reasonCode());
                assertEquals(List.of(), h.sent());
                assertEquals(0, h.client.inFlight());
            }
        }
    }

    @Nested
    class Redelivery {
        @Test
        void unacknowledgedPublishesAreResentFirstWithDupAndTheirIdentifiers() { // SPEC HK-Q-11
            try (MqttHarness h = new MqttHarness(b -> b.cleanStart(false))) {
                h.startToConnack();
                h.deliver(new Connack(false, 0, Properties.EMPTY));
                h.client.publish(msg("one", Qos.AT_LEAST_ONCE));
                h.client.publish(msg("two", Qos.EXACTLY_ONCE));
                h.sent();
                h.transport().reset(new IOException("ECONNRESET"));
                h.reactor.runUntilIdle();
                assertEquals(MqttClientState.ERROR, h.client.state());
                h.client.publish(msg("three", Qos.AT_MOST_ONCE));
                h.startToConnack();
                h.deliver(new Connack(true, 0, Properties.EMPTY));
                List<Packet> out = h.sent();
                assertEquals(3, out.size(), () -> "found " + out);
                Publish one = (Publish) out.get(0);
                Publish two = (Publish) out.get(1);
                Publish three = (Publish) out.get(2);
                assertEquals(List.of("one", "two", "three"), List.of(one.topic(), two.topic(), three.topic()));
                assertTrue(one.dup() && two.dup(), "DUP not set on re-sent publishes");
                assertFalse(three.dup());
                assertEquals(List.of(1, 2), List.of(one.packetId(), two.packetId()));
            }
        }

        @Test
        void anUnansweredPubrelIsResentAsPubrel() { // fixes SPEC HK-DEF-3
            try (MqttHarness h = new MqttHarness(b -> b.cleanStart(false))) {
                h.startToConnected();
                CompletionStage<MqttAck> s = h.client.publish(msg("q2", Qos.EXACTLY_ONCE));
                h.sent();
                h.deliver(Ack.of(PacketType.PUBREC, 1));
                h.sent();
                h.transport().reset(new IOException("ECONNRESET"));
                h.reactor.runUntilIdle();
                h.startToConnack();
                h.deliver(new Connack(true, 0, Properties.EMPTY));
                Ack rel = h.sentOne(Ack.class);
                assertEquals(PacketType.PUBREL, rel.type());
                assertEquals(1, rel.packetId());
                h.deliver(Ack.of(PacketType.PUBCOMP, 1));
                done(s);
            }
        }

        @Test
        void aSentSubscribeFailsWhenItsConnectionEndsAndAQueuedOneWaits() { // fixes SPEC HK-DEF-4
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                CompletionStage<MqttAck> sent = h.client.subscribe("a/#", Qos.AT_LEAST_ONCE);
                h.sentOne(Subscribe.class);
                h.transport().reset(new IOException("ECONNRESET"));
                h.reactor.runUntilIdle();
                assertInstanceOf(MqttRequestAbandonedException.class, failure(sent));
                CompletionStage<MqttAck> queued = h.client.subscribe("b/#", Qos.AT_MOST_ONCE);
                h.startToConnected();
                Subscribe sub = h.sentOne(Subscribe.class);
                assertEquals("b/#", sub.subscriptions().get(0).filter());
                h.deliver(new Suback(sub.packetId(), List.of(0), Properties.EMPTY));
                assertEquals(List.of(0), done(queued).reasonCodes());
            }
        }
    }

    @Nested
    class Subscriptions {
        @Test
        void subackCompletesWithItsCodes() { // SPEC HK-Q-5
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                CompletionStage<MqttAck> s = h.client.subscribe(
                        List.of(TopicSubscription.of("a/+", Qos.AT_LEAST_ONCE), TopicSubscription.of("b/#", Qos.EXACTLY_ONCE)));
                Subscribe sub = h.sentOne(Subscribe.class);
                assertEquals(1, sub.packetId());
                h.deliver(new Suback(1, List.of(1, 0x80), Properties.EMPTY));
                MqttAck ack = done(s);
                assertEquals(List.of(1, 0x80), ack.reasonCodes());
                assertFalse(ack.isSuccess());
            }
        }

        @Test
        void subackWithTheWrongNumberOfCodesIsAProtocolError() { // SPEC HK-Q-5
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.client.subscribe("a", Qos.AT_MOST_ONCE);
                h.sent();
                h.deliver(new Suback(1, List.of(0, 0), Properties.EMPTY));
                assertInstanceOf(MqttProtocolException.class, h.client.error());
            }
        }

        @Test
        void unsubackCompletes() { // SPEC HK-Q-6; MQTT 3.1.1 has no codes: one 0 per filter
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                CompletionStage<MqttAck> s = h.client.unsubscribe(List.of("a", "b"));
                Unsubscribe u = h.sentOne(Unsubscribe.class);
                h.deliver(new Unsuback(u.packetId(), List.of(), Properties.EMPTY));
                assertEquals(List.of(0, 0), done(s).reasonCodes());
            }
        }

        @Test
        void unknownUnsubackIsAProtocolError() { // SPEC HK-Q-6
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.deliver(new Unsuback(7, List.of(), Properties.EMPTY));
                assertInstanceOf(MqttProtocolException.class, h.client.error());
                assertEquals("disconnected", h.events.get(h.events.size() - 1));
            }
        }
    }

    @Nested
    class ReceivePath {
        @Test
        void qos1IsDeliveredThenAcknowledged() { // SPEC HK-Q-10
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.deliver(new Publish("t/1", Qos.AT_LEAST_ONCE, true, false, 42, "hi".getBytes(StandardCharsets.UTF_8),
                        Properties.EMPTY));
                assertEquals(1, h.received.size());
                MqttMessage m = h.received.get(0);
                assertEquals("t/1", m.topic());
                assertEquals("hi", m.payloadText());
                assertTrue(m.retain());
                Ack a = h.sentOne(Ack.class);
                assertEquals(PacketType.PUBACK, a.type());
                assertEquals(42, a.packetId());
            }
        }

        @Test
        void qos2IsDeliveredOnceEvenWhenResent() { // exactly once; SPEC HK-Q-10 left duplicates undetected
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                Publish p = new Publish("t", Qos.EXACTLY_ONCE, false, false, 3, new byte[] {1}, Properties.EMPTY);
                h.deliver(p);
                assertEquals(PacketType.PUBREC, h.sentOne(Ack.class).type());
                h.deliver(p.with(3, true));
                assertEquals(PacketType.PUBREC, h.sentOne(Ack.class).type());
                assertEquals(1, h.received.size());
                h.deliver(Ack.of(PacketType.PUBREL, 3));
                Ack comp = h.sentOne(Ack.class);
                assertEquals(PacketType.PUBCOMP, comp.type());
                assertEquals(3, comp.packetId());
                h.deliver(p); // after PUBREL the identifier is free: a new message
                assertEquals(2, h.received.size());
            }
        }

        @Test
        void twoPacketsInOneReadGiveTwoDeliveries() { // SPEC HK-IO-3
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.deliver(new Publish("a", Qos.AT_MOST_ONCE, false, false, 0, new byte[0], Properties.EMPTY),
                        new Publish("b", Qos.AT_MOST_ONCE, false, false, 0, new byte[0], Properties.EMPTY));
                assertEquals(List.of("a", "b"), h.received.stream().map(MqttMessage::topic).toList());
            }
        }

        @Test
        void aPacketSplitAcrossReadsIsReassembled() { // fixes SPEC HK-DEF-1
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                byte[] big = new byte[10_000];
                big[9_999] = 7;
                byte[] wire = h.encode(new Publish("big", Qos.AT_MOST_ONCE, false, false, 0, big, Properties.EMPTY));
                for (int i = 0; i < wire.length; i += 333) {
                    h.transport().deliver(java.util.Arrays.copyOfRange(wire, i, Math.min(wire.length, i + 333)));
                    h.reactor.runUntilIdle();
                }
                assertEquals(1, h.received.size());
                assertEquals(10_000, h.received.get(0).payloadLength());
                assertEquals(7, h.received.get(0).payloadBytes()[9_999]);
            }
        }

        @Test
        void aPacketAboveTheClientsMaximumIsRefusedFromItsHeader() {
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5).maximumPacketSize(1024))) {
                h.startToConnected();
                byte[] wire = h.encode(new Publish("big", Qos.AT_MOST_ONCE, false, false, 0, new byte[5000], Properties.EMPTY));
                h.transport().deliver(java.util.Arrays.copyOf(wire, 8)); // the header alone
                h.reactor.runUntilIdle();
                assertEquals(MqttClientState.ERROR, h.client.state());
                MqttDecodeException e = assertInstanceOf(MqttDecodeException.class, h.client.error());
                assertEquals(ReasonCodes.PACKET_TOO_LARGE, e.reasonCode());
                Disconnect d = h.sentOne(Disconnect.class); // MQTT 5: the server is told why
                assertEquals(ReasonCodes.PACKET_TOO_LARGE, d.reasonCode());
            }
        }

        @Test
        void garbageIsAMalformedPacketError() {
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.transport().deliver(new byte[] {0x00, 0x00}); // packet type 0 is reserved
                h.reactor.runUntilIdle();
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertInstanceOf(MqttDecodeException.class, h.client.error());
            }
        }

        @Test
        void aPacketTypeServersNeverSendIsAnError() { // SPEC HK-Q-10 (CONNECT from the server)
            try (MqttHarness h = new MqttHarness()) {
                h.startToConnected();
                h.deliver(Pingreq.INSTANCE);
                assertInstanceOf(MqttProtocolException.class, h.client.error());
            }
        }

        @Test
        void v5TopicAliasesAreResolved() {
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5).topicAliasMaximum(4))) {
                Connect c = h.startToConnack();
                assertEquals(4, c.properties().number(PropertyId.TOPIC_ALIAS_MAXIMUM, -1));
                h.deliver(new Connack(false, 0, Properties.EMPTY));
                Properties alias2 = Properties.builder().number(PropertyId.TOPIC_ALIAS, 2).build();
                h.deliver(new Publish("long/topic/name", Qos.AT_MOST_ONCE, false, false, 0, new byte[0], alias2),
                        new Publish("", Qos.AT_MOST_ONCE, false, false, 0, new byte[0], alias2));
                assertEquals(List.of("long/topic/name", "long/topic/name"),
                        h.received.stream().map(MqttMessage::topic).toList());
                h.deliver(new Publish("", Qos.AT_MOST_ONCE, false, false, 0, new byte[0],
                        Properties.builder().number(PropertyId.TOPIC_ALIAS, 3).build()));
                assertInstanceOf(MqttProtocolException.class, h.client.error()); // alias 3 never set
            }
        }

        @Test
        void v5ServerDisconnectIsReportedWithItsReason() {
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5))) {
                h.startToConnected();
                h.deliver(new Disconnect(ReasonCodes.SESSION_TAKEN_OVER,
                        Properties.builder().string(PropertyId.REASON_STRING, "another client").build()));
                MqttServerDisconnectException e = assertInstanceOf(MqttServerDisconnectException.class, h.client.error());
                assertEquals(ReasonCodes.SESSION_TAKEN_OVER, e.reasonCode());
                assertEquals("another client", e.reasonString());
            }
        }

        @Test
        void v5MessagePropertiesReachTheListener() {
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5))) {
                h.startToConnected();
                Properties props = Properties.builder().number(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1)
                        .string(PropertyId.CONTENT_TYPE, "text/plain").string(PropertyId.RESPONSE_TOPIC, "reply/1")
                        .binary(PropertyId.CORRELATION_DATA, new byte[] {9})
                        .userProperties(List.of(new dev.spindle.mqtt.UserProperty("k", "v")))
                        .number(PropertyId.SUBSCRIPTION_IDENTIFIER, 12).build();
                h.deliver(new Publish("t", Qos.AT_MOST_ONCE, false, false, 0, new byte[0], props));
                MqttMessage m = h.received.get(0);
                assertEquals(Boolean.TRUE, m.payloadUtf8());
                assertEquals("text/plain", m.contentType());
                assertEquals("reply/1", m.responseTopic());
                assertEquals(9, m.correlationData()[0]);
                assertEquals("v", m.userProperties().get(0).value());
                assertEquals(List.of(12), m.subscriptionIdentifiers());
            }
        }
    }

    @Nested
    class Timers {
        @Test
        void keepAlivePingsWhenNothingWasSent() { // SPEC HK-KA-2, HK-INV-4
            try (MqttHarness h = new MqttHarness(b -> b.keepAlive(Duration.ofSeconds(10))
                    .receiveIdlePing(Duration.ZERO).receiveIdleAbort(Duration.ofSeconds(100)))) {
                h.startToConnected();
                h.advance(Duration.ofSeconds(9));
                assertEquals(List.of(), h.sent());
                h.advance(Duration.ofSeconds(1));
                h.sentOne(Pingreq.class);
                h.advance(Duration.ofSeconds(10));
                assertEquals(List.of(), h.sent(), "a second PINGREQ while one is outstanding");
                h.deliver(Pingresp.INSTANCE); // a ping fell due meanwhile: sent now (HK-KA-4)
                h.sentOne(Pingreq.class);
            }
        }

        @Test
        void sendingPostponesTheKeepAlivePing() { // SPEC HK-KA-2
            try (MqttHarness h = new MqttHarness(b -> b.keepAlive(Duration.ofSeconds(10))
                    .receiveIdlePing(Duration.ZERO).receiveIdleAbort(Duration.ofSeconds(100)))) {
                h.startToConnected();
                h.advance(Duration.ofSeconds(6));
                h.client.publish(msg("a", Qos.AT_MOST_ONCE));
                h.sent();
                h.advance(Duration.ofSeconds(6));
                assertEquals(List.of(), h.sent());
                h.advance(Duration.ofSeconds(4));
                h.sentOne(Pingreq.class);
            }
        }

        @Test
        void aPingDueBeforeConnackIsSentAfterIt() { // SPEC HK-KA-2 (deferred ping)
            try (MqttHarness h = new MqttHarness(b -> b.keepAlive(Duration.ofSeconds(10))
                    .receiveIdlePing(Duration.ZERO).receiveIdleAbort(Duration.ofSeconds(100)))) {
                h.startToConnack();
                h.advance(Duration.ofSeconds(10));
                assertEquals(List.of(), h.sent());
                h.deliver(new Connack(false, 0, Properties.EMPTY));
                h.sentOne(Pingreq.class);
            }
        }

        @Test
        void awaitingConnackHasExactlyTheKeepAliveAndAbortDeadlines() { // SPEC HK-KA-8
            try (MqttHarness h = new MqttHarness(b -> b.keepAlive(Duration.ofSeconds(600))
                    .receiveIdleAbort(Duration.ofSeconds(900)))) {
                h.startToConnack();
                assertEquals(2, h.reactor.pendingCalls().size(), () -> "calls: " + h.reactor.pendingCalls());
            }
        }

        @Test
        void receiveIdlePingAndAbort() { // SPEC HK-KA-3, HK-KA-6: ping at 10, abort at 17
            try (MqttHarness h = new MqttHarness(b -> b.keepAlive(Duration.ZERO).receiveIdlePing(Duration.ofSeconds(10))
                    .receiveIdleAbort(Duration.ofSeconds(17)))) {
                h.startToConnected();
                h.advance(Duration.ofSeconds(10));
                h.sentOne(Pingreq.class);
                h.advance(Duration.ofSeconds(6));
                assertEquals(MqttClientState.STARTED, h.client.state());
                h.advance(Duration.ofSeconds(1));
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertInstanceOf(MqttTimeoutException.class, h.client.error());
                assertEquals("disconnected", h.events.get(h.events.size() - 1));
                h.assertInactiveInvariant();
            }
        }

        @Test
        void theAbortDeadlineCoversTheWaitForConnack() { // SPEC HK-KA-1
            try (MqttHarness h = new MqttHarness(b -> b.receiveIdleAbort(Duration.ofSeconds(5)))) {
                h.startToConnack();
                h.advance(Duration.ofSeconds(5));
                assertInstanceOf(MqttTimeoutException.class, h.client.error());
                assertEquals("connectFailed", h.events.get(h.events.size() - 1));
            }
        }

        @Test
        void theAbortDeadlineBoundsTheWaitAfterDisconnect() { // SPEC HK-LC-4, HK-KA-1 (mute)
            try (MqttHarness h = new MqttHarness(b -> b.receiveIdleAbort(Duration.ofSeconds(5)))) {
                h.startToConnected();
                h.client.stop();
                h.sentOne(Disconnect.class);
                h.advance(Duration.ofSeconds(5));
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertInstanceOf(MqttTimeoutException.class, h.client.error());
            }
        }

        @Test
        void receivingRestartsTheAbortDeadline() { // SPEC HK-KA-1
            try (MqttHarness h = new MqttHarness(b -> b.keepAlive(Duration.ZERO).receiveIdlePing(Duration.ZERO)
                    .receiveIdleAbort(Duration.ofSeconds(5)))) {
                h.startToConnected();
                h.advance(Duration.ofSeconds(4));
                h.deliver(new Publish("x", Qos.AT_MOST_ONCE, false, false, 0, new byte[0], Properties.EMPTY));
                h.advance(Duration.ofSeconds(4));
                assertEquals(MqttClientState.STARTED, h.client.state());
                h.advance(Duration.ofSeconds(1));
                assertEquals(MqttClientState.ERROR, h.client.state());
            }
        }
    }

    @Nested
    class Reconnect {
        @Test
        void aFailureSchedulesAStartAndStopCancelsIt() {
            try (MqttHarness h = new MqttHarness(b -> b.reconnect(RetryPolicy.fixed(Duration.ofSeconds(3))))) {
                h.startToConnected();
                h.transport().deliverEof();
                h.reactor.runUntilIdle();
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertTrue(h.events.contains("reconnect#1@3000"), () -> "events: " + h.events);
                h.advance(Duration.ofSeconds(3));
                assertEquals(MqttClientState.STARTING, h.client.state());
                h.pendingConnect().fail(new ConnectionFailedException("refused", new IOException("ECONNREFUSED")));
                h.reactor.runUntilIdle();
                assertTrue(h.events.contains("reconnect#2@3000"), () -> "events: " + h.events);
                h.client.stop();
                assertEquals(List.of(), h.reactor.pendingCalls());
                h.advance(Duration.ofSeconds(10));
                assertEquals(MqttClientState.ERROR, h.client.state());
            }
        }

        @Test
        void noReconnectIsScheduledOnAReactorThatIsStopping() {
            try (MqttHarness h = new MqttHarness(b -> b.reconnect(RetryPolicy.fixed(Duration.ofSeconds(1))))) {
                h.startToConnected();
                h.reactor.stop();
                h.reactor.runUntilIdle();
                assertEquals(MqttClientState.ERROR, h.client.state());
                assertInstanceOf(MqttConnectionException.class, h.client.error());
                assertFalse(h.events.stream().anyMatch(e -> e.startsWith("reconnect")), () -> "events: " + h.events);
            }
        }

        @Test
        void aCleanStopNeverReconnects() {
            try (MqttHarness h = new MqttHarness(b -> b.reconnect(RetryPolicy.fixed(Duration.ofSeconds(1))))) {
                h.startToConnected();
                h.client.stop();
                h.sent();
                h.transport().deliverEof();
                h.reactor.runUntilIdle();
                assertEquals(MqttClientState.STOPPED, h.client.state());
                h.assertInactiveInvariant();
            }
        }
    }

    @Nested
    class ConnectPacket {
        @Test
        void v5ConnectCarriesTheSessionAndLimits() {
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5).sessionExpirySeconds(300)
                    .receiveMaximum(10).maximumPacketSize(4096).username("u").password("pw")
                    .will(MqttMessage.builder("will/t").payload("bye").qos(Qos.AT_LEAST_ONCE).build())
                    .willDelaySeconds(5))) {
                Connect c = h.startToConnack();
                assertEquals(MqttVersion.V5, c.version());
                assertEquals(300, c.properties().number(PropertyId.SESSION_EXPIRY_INTERVAL, -1));
                assertEquals(10, c.properties().number(PropertyId.RECEIVE_MAXIMUM, -1));
                assertEquals(4096, c.properties().number(PropertyId.MAXIMUM_PACKET_SIZE, -1));
                assertEquals("u", c.username());
                assertEquals("pw", new String(c.password(), StandardCharsets.UTF_8));
                assertEquals("will/t", c.will().topic());
                assertEquals(5, c.will().properties().number(PropertyId.WILL_DELAY_INTERVAL, -1));
            }
        }

        @Test
        void anAssignedClientIdentifierIsReusedToResumeTheSession() {
            try (MqttHarness h = new MqttHarness(b -> b.version(MqttVersion.V5).clientId("").sessionExpirySeconds(60)
                    .cleanStart(false))) {
                assertEquals("", h.startToConnack().clientId());
                h.deliver(new Connack(false, 0,
                        Properties.builder().string(PropertyId.ASSIGNED_CLIENT_IDENTIFIER, "auto-7").build()));
                assertEquals("auto-7", h.connacks.get(0).assignedClientIdentifier());
                h.transport().deliverEof();
                h.reactor.runUntilIdle();
                assertEquals("auto-7", h.startToConnack().clientId());
            }
        }
    }
}
