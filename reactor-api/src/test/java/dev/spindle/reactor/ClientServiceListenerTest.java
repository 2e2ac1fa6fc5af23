package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ClientService.State;
import dev.spindle.reactor.testing.MemoryTransport;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientService#addListener}: every state change and every scheduled retry, in order, at
 * the exact time of the manual clock, with the policy's delays (10 s × n) and the failures.
 */
class ClientServiceListenerTest extends ClientServiceFixture {
    /** Events as {@code t=<seconds> <what>}; failures by the identity of the recorded object. */
    private final List<String> events = new ArrayList<>();
    private final List<@Nullable Throwable> failures = new ArrayList<>();

    private final class Recorder implements ClientService.Listener {
        @Override
        public void stateChanged(ClientService<?> service, State from, State to) {
            assertTrue(reactor.inLoop(), "on the reactor thread");
            assertSame(to, service.state(), "the new state is visible");
            events.add(now() + from + "->" + to);
        }

        @Override
        public void retryScheduled(ClientService<?> service, int failedAttempts, Duration delay,
                @Nullable Throwable lastFailure) {
            assertSame(State.WAITING, service.state());
            events.add(now() + "retry #" + failedAttempts + " in " + delay.toSeconds() + "s");
            failures.add(lastFailure);
        }
    }

    /** A service (not started) with a {@link Recorder}. */
    private ClientService<App> observed() {
        ClientService<App> s = service();
        s.addListener(new Recorder());
        return s;
    }

    private String now() {
        return "t=" + TimeUnit.NANOSECONDS.toSeconds(reactor.clock().nanoTime()) + " ";
    }

    @Test
    @DisplayName("failures, back-off, a connection, its loss and stop: every transition and retry in order, at the clock's time, with the policy's delays")
    void fullCycle() {
        ClientService<App> s = observed();
        s.start();
        ConnectException first = fail();
        reactor.advance(Duration.ofSeconds(10));
        ConnectException second = fail();
        reactor.advance(Duration.ofSeconds(20));
        MemoryTransport t = succeed();
        reactor.advance(Duration.ofSeconds(5));
        IOException reset = new IOException("Connection reset by peer");
        t.reset(reset);
        reactor.advance(Duration.ofSeconds(3));
        s.stop();
        assertEquals(List.of(
                "t=0 INIT->CONNECTING",
                "t=0 CONNECTING->WAITING", "t=0 retry #1 in 10s",
                "t=10 WAITING->CONNECTING",
                "t=10 CONNECTING->WAITING", "t=10 retry #2 in 20s",
                "t=30 WAITING->CONNECTING",
                "t=30 CONNECTING->CONNECTED",
                "t=35 CONNECTED->WAITING", "t=35 retry #1 in 10s",
                "t=38 WAITING->STOPPED"), events);
        assertSame(first, assertInstanceOf(ConnectionFailedException.class, failures.get(0)).getCause(),
                "the attempt's failure");
        assertSame(second, failures.get(1).getCause());
        ConnectionLostException lost = assertInstanceOf(ConnectionLostException.class, failures.get(2));
        assertSame(reset, lost.getCause());
        assertEquals(List.of(1, 2, 1), policyCalls, "the delays came from the policy");
    }

    @Test
    @DisplayName("a clean close by the peer: retry with no failure; stop while connected and a restart while disconnecting")
    void cleanCloseStopAndRestart() {
        ClientService<App> s = observed();
        s.start();
        MemoryTransport t = succeed();
        t.deliverEof();
        assertEquals(List.of("t=0 INIT->CONNECTING", "t=0 CONNECTING->CONNECTED", "t=0 CONNECTED->WAITING",
                "t=0 retry #1 in 10s"), events);
        assertNull(failures.get(0), "closed cleanly");
        reactor.advance(Duration.ofSeconds(10));
        MemoryTransport again = succeed();
        holdClose(again, built.get(1));
        s.stop();
        s.start();
        releaseClose(again);
        assertEquals(List.of("t=0 INIT->CONNECTING", "t=0 CONNECTING->CONNECTED", "t=0 CONNECTED->WAITING",
                "t=0 retry #1 in 10s", "t=10 WAITING->CONNECTING", "t=10 CONNECTING->CONNECTED",
                "t=10 CONNECTED->DISCONNECTING", "t=10 DISCONNECTING->RESTARTING", "t=10 RESTARTING->CONNECTING"), events);
    }

    @Test
    @DisplayName("a stop() from inside stateChanged is handled after the current transition: the listener sees the transitions in order")
    void listenerStoppingTheService() {
        ClientService<App> s = observed();
        s.addListener(new ClientService.Listener() {
            @Override
            public void stateChanged(ClientService<?> service, State from, State to) {
                if (to == State.CONNECTED) {
                    service.stop();
                }
            }
        });
        s.start();
        succeed();
        assertEquals(List.of("t=0 INIT->CONNECTING", "t=0 CONNECTING->CONNECTED", "t=0 CONNECTED->DISCONNECTING",
                "t=0 DISCONNECTING->STOPPED"), events);
        assertEquals(List.of("made", "lost"), built.get(0).events);
    }

    @Test
    @DisplayName("a listener that throws is logged; the service and the other listeners go on")
    void throwingListenerIsIsolated() {
        ClientService<App> s = service();
        s.addListener(new ClientService.Listener() {
            @Override
            public void stateChanged(ClientService<?> service, State from, State to) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void retryScheduled(ClientService<?> service, int failedAttempts, Duration delay,
                    @Nullable Throwable lastFailure) {
                throw new IllegalStateException("listener bug");
            }
        });
        s.addListener(new Recorder());
        String logged = stderrOf(() -> {
            s.start();
            fail();
            reactor.advance(Duration.ofSeconds(10));
            succeed();
        });
        assertTrue(logged.contains("listener bug"), logged);
        assertEquals(State.CONNECTED, s.state());
        assertEquals(List.of("t=0 INIT->CONNECTING", "t=0 CONNECTING->WAITING", "t=0 retry #1 in 10s",
                "t=10 WAITING->CONNECTING", "t=10 CONNECTING->CONNECTED"), events);
    }

    @Test
    @DisplayName("remove(): true once, then false; a removed listener hears nothing more; one added later hears only what follows")
    void registrations() {
        ClientService<App> s = service();
        Registration r = s.addListener(new Recorder());
        s.start();
        assertTrue(r.remove());
        assertFalse(r.remove());
        fail();
        assertEquals(List.of("t=0 INIT->CONNECTING"), events);
        s.addListener(new Recorder());
        reactor.advance(Duration.ofSeconds(10));
        assertEquals(List.of("t=0 INIT->CONNECTING", "t=10 WAITING->CONNECTING"), events);
        assertThrows(NullPointerException.class, () -> s.addListener(null));
    }

    @Test
    @DisplayName("the reactor terminated under a connected service: the loss schedules a retry, then the service stops with the reactor")
    void reactorTerminatedUnderTheService() {
        noCleanStopCheck();
        ClientService<App> s = observed();
        s.start();
        succeed();
        reactor.terminate();
        assertEquals(State.STOPPED, s.state());
        assertEquals(List.of("t=0 INIT->CONNECTING", "t=0 CONNECTING->CONNECTED", "t=0 CONNECTED->WAITING",
                "t=0 retry #1 in 10s", "t=0 WAITING->STOPPED"), events);
        assertInstanceOf(ConnectionLostException.class, failures.get(0));
    }

    @Test
    @DisplayName("listeners registered from another thread are called on the reactor thread")
    void registrationFromAnotherThread() throws InterruptedException {
        ClientService<App> s = service();
        Thread th = new Thread(() -> s.addListener(new Recorder()), "registering");
        th.start();
        th.join(30_000);
        assertFalse(th.isAlive());
        s.start();
        assertEquals(List.of("t=0 INIT->CONNECTING"), events);
    }
}
