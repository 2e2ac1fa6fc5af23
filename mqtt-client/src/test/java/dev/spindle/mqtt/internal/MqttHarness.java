package dev.spindle.mqtt.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.mqtt.MqttClientState;
import dev.spindle.mqtt.MqttConnack;
import dev.spindle.mqtt.MqttException;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Connect;
import dev.spindle.mqtt.internal.packet.Packet;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.reactor.testing.DeterministicReactor;
import dev.spindle.reactor.testing.MemoryTransport;
import dev.spindle.reactor.testing.PendingConnection;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Drives a {@link ReactorMqttClient} on a {@link DeterministicReactor} with in-memory
 * connections, as haka-mqtt's tests drive theirs (SPEC HK-TT-1..5): path builders to named
 * sub-states, the exact packets the client wrote, scripted server packets, and a manual clock.
 * The test thread is the reactor thread.
 */
final class MqttHarness implements AutoCloseable {
    final DeterministicReactor reactor = DeterministicReactor.create();
    final MqttClient client;
    final MqttCodec codec;
    final List<String> events = new ArrayList<>();
    final List<MqttMessage> received = new ArrayList<>();
    final List<MqttConnack> connacks = new ArrayList<>();
    @Nullable MqttException lastCause;
    @Nullable MemoryTransport transport;
    private final List<PendingConnection> seen = new ArrayList<>();

    MqttHarness(UnaryOperator<MqttClientConfig.Builder> configure) {
        reactor.start();
        MqttClientConfig config = configure.apply(MqttClientConfig.builder("127.0.0.1").clientId("harness")
                .keepAlive(Duration.ofSeconds(60))).build();
        client = MqttClient.create(reactor, config);
        codec = MqttCodec.of(config.version());
        client.addListener(new MqttListener() {
            @Override
            public void stateChanged(MqttClient c, MqttClientState from, MqttClientState to) {
                events.add(from + "->" + to);
            }

            @Override
            public void connected(MqttClient c, MqttConnack connack) {
                events.add("connected");
                connacks.add(connack);
            }

            @Override
            public void messageReceived(MqttClient c, MqttMessage message) {
                received.add(message);
            }

            @Override
            public void connectFailed(MqttClient c, @Nullable MqttException cause) {
                events.add("connectFailed");
                lastCause = cause;
            }

            @Override
            public void disconnected(MqttClient c, @Nullable MqttException cause) {
                events.add("disconnected");
                lastCause = cause;
            }

            @Override
            public void reconnectScheduled(MqttClient c, int failedAttempts, Duration delay, MqttException cause) {
                events.add("reconnect#" + failedAttempts + "@" + delay.toMillis());
            }

            @Override
            public void queueDrained(MqttClient c) {
                events.add("drained");
            }
        });
    }

    MqttHarness() {
        this(b -> b);
    }

    /** The connection attempt the client made last, not yet decided. */
    PendingConnection pendingConnect() {
        List<PendingConnection> all = reactor.tcpConnects();
        for (PendingConnection p : all) {
            if (p.isPending() && !seen.contains(p)) {
                seen.add(p);
                return p;
            }
        }
        throw new AssertionError("no new pending connection; attempts: " + all);
    }

    /** start(), the TCP connection succeeds, CONNECT is written: the client awaits CONNACK. */
    Connect startToConnack() {
        client.start();
        reactor.runUntilIdle();
        transport = pendingConnect().succeed();
        reactor.runUntilIdle();
        List<Packet> out = sent();
        assertEquals(1, out.size(), () -> "expected CONNECT only, found " + out);
        return assertInstanceOf(Connect.class, out.get(0));
    }

    /** As {@link #startToConnack()}, then an accepting CONNACK: the client is started. */
    void startToConnected() {
        startToConnack();
        deliver(new Connack(false, 0, Properties.EMPTY));
        assertEquals(MqttClientState.STARTED, client.state());
    }

    /** Delivers packets from the server, all in one read. */
    void deliver(Packet... packets) {
        int size = 0;
        for (Packet p : packets) {
            size += codec.encodedSize(p);
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        for (Packet p : packets) {
            codec.encode(p, b);
        }
        transport().deliver(b.array());
        reactor.runUntilIdle();
    }

    byte[] encode(Packet p) {
        ByteBuffer b = codec.encode(p);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** The packets the client wrote since the last call, decoded. */
    List<Packet> sent() {
        reactor.runUntilIdle();
        ByteBuffer in = ByteBuffer.wrap(transport().takeWritten());
        List<Packet> out = new ArrayList<>();
        while (in.hasRemaining()) {
            Packet p = codec.decode(in, MqttClientConfig.MAX_PACKET_SIZE_LIMIT);
            if (p == null) {
                throw new AssertionError("the client wrote a partial packet: " + in.remaining() + " bytes left");
            }
            out.add(p);
        }
        return out;
    }

    /** The one packet written since the last call. */
    <P extends Packet> P sentOne(Class<P> type) {
        List<Packet> out = sent();
        assertEquals(1, out.size(), () -> "expected one " + type.getSimpleName() + ", found " + out);
        return assertInstanceOf(type, out.get(0));
    }

    MemoryTransport transport() {
        MemoryTransport t = transport;
        if (t == null) {
            throw new AssertionError("no connection yet");
        }
        return t;
    }

    void advance(Duration d) {
        reactor.advance(d);
        reactor.runUntilIdle();
    }

    /** SPEC HK-INV-1 / HK-TT-4: an inactive client holds no connection and no scheduled call. */
    void assertInactiveInvariant() {
        assertTrue(!client.state().isActive(), () -> "client is " + client.state());
        if (reactor.state().isActive()) { // a stopped reactor holds no calls and has no thread to ask
            assertEquals(List.of(), reactor.pendingCalls(), "scheduled calls left while inactive");
        }
        MemoryTransport t = transport;
        if (t != null) {
            assertTrue(!t.isOpen(), "connection still open while inactive");
        }
    }

    @Override
    public void close() {
        client.terminate();
        reactor.runUntilIdle();
        assertInactiveInvariant();
        if (reactor.state().isActive()) {
            reactor.terminate();
        }
    }
}
