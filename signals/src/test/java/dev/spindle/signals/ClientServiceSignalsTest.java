package dev.spindle.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ClientEndpoint;
import dev.spindle.reactor.ClientService;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.RetryPolicy;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.testing.DeterministicReactor;
import dev.spindle.reactor.testing.MemoryTransport;
import dev.spindle.reactor.testing.PendingConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The catalogue's {@code CLIENT_SERVICE_STATE_CHANGED} and {@code RETRY_SCHEDULED}, fired by
 * {@code ReactorSignals.bridge(service, bus)}, on a {@link DeterministicReactor}: exact states,
 * delays and times on the manual clock.
 */
class ClientServiceSignalsTest {
    /** 10 s × the number of failed attempts. */
    private static final RetryPolicy TEN_SECONDS_TIMES_N = n -> Duration.ofSeconds(10L * n);

    private final DeterministicReactor reactor = DeterministicReactor.create();
    private final SignalBus bus = SignalBus.create(reactor);
    private final List<String> events = new ArrayList<>();
    private final List<RetryScheduled> retries = new ArrayList<>();
    private ClientService<Protocol> service;

    @BeforeEach
    void setUp() {
        reactor.start();
        service = ClientService.<Protocol>builder(reactor, ClientEndpoint.tcp(reactor, "127.0.0.1", 1883),
                remote -> new RecordingProtocol()).retryPolicy(TEN_SECONDS_TIMES_N).name("svc").build();
    }

    @AfterEach
    void tearDown() {
        service.stop();
        reactor.runUntilIdle();
        bus.close();
        reactor.terminate();
    }

    private String now() {
        return "t=" + TimeUnit.NANOSECONDS.toSeconds(reactor.clock().nanoTime()) + " ";
    }

    private void listen(Object source) {
        bus.listen(source, ReactorSignals.CLIENT_SERVICE_STATE_CHANGED,
                (src, c) -> events.add(now() + c.from() + "->" + c.to()));
        bus.listen(source, ReactorSignals.RETRY_SCHEDULED, (src, r) -> {
            events.add(now() + "retry #" + r.failedAttempts() + " in " + r.delay().toSeconds() + "s");
            retries.add(r);
        });
    }

    private PendingConnection lastConnect() {
        List<PendingConnection> all = reactor.tcpConnects();
        return all.get(all.size() - 1);
    }

    @Test
    @DisplayName("Catalogue: CLIENT_SERVICE_STATE_CHANGED and RETRY_SCHEDULED report failures, back-off, the connection, its loss and stop, with the service as source")
    void fullCycle() {
        listen(service);
        ReactorSignals.bridge(service, bus);
        service.start();
        ConnectException refused = new ConnectException("Connection refused");
        lastConnect().fail(refused);
        reactor.advance(Duration.ofSeconds(10));
        lastConnect().fail(new ConnectException("Connection refused again"));
        reactor.advance(Duration.ofSeconds(20));
        MemoryTransport t = lastConnect().succeed();
        reactor.advance(Duration.ofSeconds(5));
        t.reset(new IOException("Connection reset by peer"));
        reactor.advance(Duration.ofSeconds(10));
        lastConnect().succeed();
        service.stop();
        assertEquals(List.of(
                "t=0 INIT->CONNECTING",
                "t=0 CONNECTING->WAITING", "t=0 retry #1 in 10s",
                "t=10 WAITING->CONNECTING",
                "t=10 CONNECTING->WAITING", "t=10 retry #2 in 20s",
                "t=30 WAITING->CONNECTING",
                "t=30 CONNECTING->CONNECTED",
                "t=35 CONNECTED->WAITING", "t=35 retry #1 in 10s",
                "t=45 WAITING->CONNECTING",
                "t=45 CONNECTING->CONNECTED",
                "t=45 CONNECTED->DISCONNECTING",
                "t=45 DISCONNECTING->STOPPED"), events);
        assertSame(refused, assertInstanceOf(ConnectionFailedException.class, retries.get(0).lastFailure()).getCause());
        assertInstanceOf(ConnectionLostException.class, retries.get(2).lastFailure());
    }

    @Test
    @DisplayName("Catalogue: a clean close by the peer gives RETRY_SCHEDULED without a failure; listeners of every source see the service as source")
    void cleanCloseAndAllSources() {
        List<Object> sources = new ArrayList<>();
        bus.listenAll(ReactorSignals.CLIENT_SERVICE_STATE_CHANGED, (src, c) -> sources.add(src));
        bus.listenAll(ReactorSignals.RETRY_SCHEDULED, (src, r) -> {
            sources.add(src);
            retries.add(r);
        });
        ReactorSignals.bridge(service, bus);
        service.start();
        lastConnect().succeed().deliverEof();
        assertEquals(1, retries.size());
        assertNull(retries.get(0).lastFailure(), "closed cleanly");
        assertEquals(1, retries.get(0).failedAttempts());
        assertEquals(Duration.ofSeconds(10), retries.get(0).delay());
        assertEquals(4, sources.size(), "INIT->CONNECTING, CONNECTING->CONNECTED, CONNECTED->WAITING, the retry");
        for (Object s : sources) {
            assertSame(service, s);
        }
    }

    @Test
    @DisplayName("closing the bridge stops the signals (idempotent)")
    void closedBridgeFiresNothing() {
        listen(service);
        Subscription bridge = ReactorSignals.bridge(service, bus);
        service.start();
        assertTrue(bridge.isActive());
        bridge.close();
        bridge.close();
        assertFalse(bridge.isActive());
        lastConnect().fail(new ConnectException("refused"));
        assertEquals(List.of("t=0 INIT->CONNECTING"), events);
    }
}
