package dev.spindle.signals;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.select.SelectReactorProvider;
import dev.spindle.reactor.testing.DeterministicReactor;
import dev.spindle.reactor.testing.MemoryTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The catalogue's {@code CONNECTION_MADE} and {@code CONNECTION_LOST}, fired by {@code ReactorSignals.bridge(reactor, bus)}. */
class ConnectionSignalsTest {
    /** One delivered event. */
    record Seen(String what, Object source, Transport transport, @Nullable Throwable cause, String thread) {
    }

    /** Listens to both connection signals of {@code source} (or all sources when null). */
    static void record(SignalBus bus, @Nullable Object source, List<Seen> into) {
        SignalListener<Transport> made = (src, t) -> into.add(new Seen("made", src, t, null, Thread.currentThread().getName()));
        SignalListener<ConnectionLost> lost = (src, l) -> into.add(new Seen("lost", src, l.transport(), l.cause(),
                Thread.currentThread().getName()));
        if (source == null) {
            bus.listenAll(ReactorSignals.CONNECTION_MADE, made);
            bus.listenAll(ReactorSignals.CONNECTION_LOST, lost);
        } else {
            bus.listen(source, ReactorSignals.CONNECTION_MADE, made);
            bus.listen(source, ReactorSignals.CONNECTION_LOST, lost);
        }
    }

    static List<String> about(List<Seen> seen, Transport t) {
        List<String> out = new ArrayList<>();
        for (Seen s : seen) {
            if (s.transport() == t) {
                out.add(s.what());
            }
        }
        return out;
    }

    @Nested
    class OnDeterministicReactor {
        final DeterministicReactor reactor = DeterministicReactor.create();
        final SignalBus bus = SignalBus.create(reactor);
        final List<Seen> seen = new ArrayList<>();

        @AfterEach
        void tearDown() {
            bus.close();
            reactor.terminate();
        }

        @Test
        @DisplayName("Catalogue: CONNECTION_MADE and CONNECTION_LOST carry the transport and the cause, with the reactor as source; a closed bridge fires nothing")
        void madeAndLost() {
            reactor.start();
            record(bus, reactor, seen);
            Subscription bridge = ReactorSignals.bridge(reactor, bus);
            ListeningPort port = reactor.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    remote -> new RecordingProtocol());
            MemoryTransport clean = reactor.accept(port, new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_001));
            MemoryTransport aborted = reactor.accept(port, new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_002));
            assertNotNull(clean);
            assertNotNull(aborted);
            assertEquals(2, seen.size(), "delivered at once: the bus is on the firing reactor");
            clean.close();
            aborted.abort();
            assertEquals(List.of("made", "lost"), about(seen, clean));
            assertEquals(List.of("made", "lost"), about(seen, aborted));
            for (Seen s : seen) {
                assertSame(reactor, s.source());
            }
            assertNull(seen.get(2).cause(), "a clean close");
            assertInstanceOf(ConnectionLostException.class, seen.get(3).cause());

            bridge.close();
            MemoryTransport after = reactor.accept(port, new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_003));
            assertNotNull(after);
            after.close();
            assertEquals(4, seen.size(), "a closed bridge fires nothing: " + seen);
        }

        @Test
        @DisplayName("Catalogue: terminate() fires CONNECTION_LOST for every open connection before it returns")
        void terminateFiresLost() {
            reactor.start();
            record(bus, null, seen);
            ReactorSignals.bridge(reactor, bus);
            ListeningPort port = reactor.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    remote -> new RecordingProtocol());
            MemoryTransport t = reactor.accept(port, new InetSocketAddress(InetAddress.getLoopbackAddress(), 40_004));
            reactor.terminate();
            assertEquals(List.of("made", "lost"), about(seen, t));
            assertTrue(seen.get(1).cause().getMessage().contains("terminated"), seen.get(1).cause().getMessage());
        }
    }

    @Nested
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    class OnSelectReactor {
        final List<Reactor> reactors = new ArrayList<>();
        final List<SignalBus> buses = new ArrayList<>();

        @AfterEach
        void tearDown() {
            buses.forEach(SignalBus::close);
            reactors.forEach(Reactor::terminate);
        }

        Reactor reactor(String threadName) {
            Reactor r = new SelectReactorProvider().create(ReactorConfig.builder().threadName(threadName).daemon(true).build());
            reactors.add(r);
            return r;
        }

        /** An echo over loopback on {@code reactor}: returns the client's and the server's transport, closed. */
        List<Transport> echoAndClose(ReactorHarness h) {
            BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
            int port = h.call(() -> h.reactor().listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    remote -> {
                        RecordingProtocol p = new RecordingProtocol.Echo();
                        accepted.add(p);
                        return p;
                    }).port());
            RecordingProtocol client = new RecordingProtocol();
            Transport t = ReactorHarness.await(h.call(() -> h.reactor().connectTcp("127.0.0.1", port, client).result()));
            h.run(() -> t.write("hello, signals".getBytes(UTF_8)));
            ReactorHarness.await("the echo", () -> client.receivedBytes() == 14);
            h.run(t::close);
            ReactorHarness.await(client.lost());
            RecordingProtocol server = accepted.poll();
            assertNotNull(server);
            ReactorHarness.await(server.lost());
            return List.of(t, server.transport());
        }

        /** Waits for the four signals of {@code ends} and checks each was made, then lost. */
        void awaitMadeThenLost(List<Seen> seen, List<Transport> ends) {
            ReactorHarness.await("four connection signals", () -> seen.size() == 4);
            for (Transport t : ends) {
                assertEquals(List.of("made", "lost"), about(seen, t));
            }
        }

        @Test
        @DisplayName("Catalogue: a loopback echo fires CONNECTION_MADE then CONNECTION_LOST for both ends, in order, on the reactor thread, with the reactor as source")
        void loopbackEcho() {
            Reactor reactor = reactor("signals-connections-loop");
            SignalBus bus = SignalBus.create(reactor);
            buses.add(bus);
            List<Seen> seen = new CopyOnWriteArrayList<>();
            record(bus, reactor, seen);
            ReactorSignals.bridge(reactor, bus);
            ReactorHarness h = new ReactorHarness(reactor).start();

            List<Transport> ends = echoAndClose(h);
            awaitMadeThenLost(seen, ends);
            assertEquals(Set.copyOf(ends), new HashSet<>(List.of(seen.get(0).transport(), seen.get(1).transport())),
                    "both ends are made before the close: " + seen);
            for (Seen s : seen) {
                assertSame(reactor, s.source());
                assertEquals("signals-connections-loop", s.thread(), "on the reactor thread: " + s);
                if (s.what().equals("lost")) {
                    assertNull(s.cause(), "clean close on both ends: " + s);
                }
            }
        }

        @Test
        @DisplayName("Catalogue: with the bus on another reactor, connection signals are delivered on the bus's reactor thread, still in order")
        void busOnAnotherReactor() {
            Reactor network = reactor("signals-network-loop");
            Reactor busReactor = reactor("signals-bus-loop");
            SignalBus bus = SignalBus.create(busReactor);
            buses.add(bus);
            new ReactorHarness(busReactor).start();
            List<Seen> seen = new CopyOnWriteArrayList<>();
            record(bus, network, seen);
            ReactorSignals.bridge(network, bus);
            ReactorHarness h = new ReactorHarness(network).start();

            List<Transport> ends = echoAndClose(h);
            awaitMadeThenLost(seen, ends);
            for (Seen s : seen) {
                assertEquals("signals-bus-loop", s.thread(), "on the bus's reactor thread: " + s);
            }
        }
    }
}
