package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ClientService.State;
import dev.spindle.reactor.testing.MemoryTransport;
import dev.spindle.reactor.testing.PendingConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The decisions Spindle's {@link ClientService} takes where Twisted leaks, raises NoTransition,
 * or has no test (SPEC CS-9, CS-22, CS-23, retry timing, threading, the reactor's lifecycle).
 */
class ClientServiceDecisionsTest extends ClientServiceFixture {

    // ------------------------------------------------------------------ CS-9: rejected and stray connections

    @Test
    @DisplayName("CS-9 fixed: a connection whose prepareConnection stage fails is aborted, then counts as a failed attempt with that exception")
    void cs9_rejectedConnectionIsAbortedAndCounts() {
        IllegalStateException refused = new IllegalStateException("log-in refused");
        ClientService<App> s = service(b -> b.prepareConnection(p -> CompletableFuture.failedFuture(refused)));
        s.start();
        CompletionStage<App> waiter = s.whenConnected(1);
        MemoryTransport t = succeed();
        assertFalse(t.isOpen(), "closed, not leaked");
        assertTrue(t.isSocketClosed());
        App app = built.get(0);
        assertEquals(List.of("made", "lost"), app.events);
        assertInstanceOf(ConnectionLostException.class, app.lostCauses.get(0), "aborted, not closed cleanly");
        assertEquals(State.WAITING, s.state());
        assertEquals(List.of(1), policyCalls);
        assertSame(refused, failure(waiter));
        // A stray disconnect can no longer reach the machine: it came before the report.
        reactor.runUntilIdle();
        assertEquals(State.WAITING, s.state());
        assertEquals(1, reactor.pendingCalls().size());
    }

    @Test
    @DisplayName("CS-9 decided: a connection lost while prepareConnection is pending is a failed attempt; the stage's later outcome is ignored")
    void cs9_lostWhilePreparingIsAFailedAttempt() {
        CompletableFuture<String> ready = new CompletableFuture<>();
        ClientService<App> s = service(b -> b.prepareConnection(p -> ready));
        s.start();
        CompletionStage<App> waiter = s.whenConnected(1);
        MemoryTransport t = succeed();
        assertEquals(State.CONNECTING, s.state());
        IOException reset = new IOException("Connection reset by peer");
        t.reset(reset);
        assertEquals(State.WAITING, s.state());
        assertEquals(List.of(1), policyCalls);
        Throwable f = failure(waiter);
        assertInstanceOf(ConnectionLostException.class, f);
        assertTrue(f.getMessage().contains("prepareConnection"), f.getMessage());
        assertSame(reset, f.getCause().getCause(), "the transport's loss, caused by the reset");

        ready.complete("too late");
        reactor.runUntilIdle();
        assertEquals(State.WAITING, s.state(), "no CONNECTED from a lost connection");
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        assertEquals(2, connects());
    }

    @Test
    @DisplayName("CS-9: stop while prepareConnection is pending aborts the connection; the stop stage completes once it is closed")
    void stopWhilePreparingAbortsTheConnection() {
        CompletableFuture<String> ready = new CompletableFuture<>();
        ClientService<App> s = service(b -> b.prepareConnection(p -> ready));
        s.start();
        CompletionStage<App> waiter = s.whenConnected();
        MemoryTransport t = succeed();
        CompletionStage<Void> stopped = s.stop();
        assertFalse(t.isOpen());
        value(stopped);
        assertEquals(State.STOPPED, s.state());
        cancelled(waiter);
        assertEquals(List.of("made", "lost"), built.get(0).events);
        ready.complete("late");
        reactor.runUntilIdle();
        assertEquals(State.STOPPED, s.state());
        assertEquals(List.of(), policyCalls, "halting a stopped attempt is no failure");
    }

    @Test
    @DisplayName("CS-9/CS-12: with an endpoint that ignores cancel, stop waits until the attempt halts; a connection it makes then is aborted unseen")
    void lateConnectionAfterCancelIsAbortedAndStopWaitsForIt() {
        endpoint.cancelMode = RecordingEndpoint.CancelMode.IGNORE;
        ClientService<App> s = started();
        CompletionStage<App> waiter = s.whenConnected();
        CompletionStage<Void> stopped = s.stop();
        assertEquals(State.DISCONNECTING, s.state());
        pending(stopped);
        pending(waiter);
        MemoryTransport late = succeed();
        assertFalse(late.isOpen(), "aborted");
        assertEquals(List.of(), built, "the application never saw the late connection");
        value(stopped);
        cancelled(waiter);
        assertEquals(State.STOPPED, s.state());
        assertEquals(List.of(), policyCalls);
    }

    @Test
    @DisplayName("CS-9 gaps: a report from an attempt the service abandoned (the reactor ended under it) is ignored")
    void strayReportFromAbandonedAttemptIsIgnored() {
        CompletableFuture<Transport> outcome = new CompletableFuture<>();
        ClientEndpoint scripted = protocol -> new ConnectAttempt() {
            @Override
            public CompletionStage<Transport> result() {
                return outcome;
            }

            @Override
            public boolean cancel() {
                return false;
            }
        };
        ClientService<App> s = ClientService.builder(reactor, scripted, factory).retryPolicy(policy).build();
        s.start();
        CompletionStage<App> waiter = s.whenConnected();
        reactor.terminate();
        assertEquals(State.STOPPED, s.state());
        cancelled(waiter);
        reactor.start();
        outcome.completeExceptionally(new ConnectionFailedException("very late", null));
        reactor.runUntilIdle();
        assertEquals(State.STOPPED, s.state());
        assertEquals(List.of(), policyCalls);
        assertEquals(List.of(), reactor.pendingCalls());
    }

    @Test
    @DisplayName("CS-10: a protocol that closes its connection inside connectionMade makes a failed attempt, not CONNECTED")
    void closedInConnectionMadeIsAFailedAttempt() {
        closeOnMade = true;
        ClientService<App> s = started();
        CompletionStage<App> waiter = s.whenConnected(1);
        succeed();
        assertEquals(State.WAITING, s.state());
        assertInstanceOf(ConnectionLostException.class, failure(waiter));
        assertEquals(List.of("made", "lost"), built.get(0).events);
    }

    @Test
    @DisplayName("CS-10: a factory that throws refuses the connection like one returning null; the waiter fails with what it threw")
    void throwingFactoryFailsTheAttempt() {
        IllegalArgumentException bad = new IllegalArgumentException("no protocol for you");
        ClientService<App> s = ClientService.<App>builder(reactor, endpoint, remote -> {
            throw bad;
        }).retryPolicy(policy).build();
        s.start();
        CompletionStage<App> waiter = s.whenConnected(1);
        MemoryTransport t = succeed();
        assertFalse(t.isOpen());
        assertSame(bad, failure(waiter));
        assertEquals(State.WAITING, s.state());
        value(s.stop());
    }

    @Test
    @DisplayName("an endpoint whose connect throws makes a failed attempt with that exception, then retries")
    void throwingEndpointIsAFailedAttempt() {
        IllegalStateException boom = new IllegalStateException("endpoint unusable");
        endpoint.throwOnConnect = boom;
        ClientService<App> s = service();
        CompletionStage<App> waiter = s.whenConnected(1);
        s.start();
        assertEquals(State.WAITING, s.state());
        assertSame(boom, failure(waiter));
        endpoint.throwOnConnect = null;
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        assertEquals(1, connects());
        succeed();
        assertEquals(State.CONNECTED, s.state());
    }

    @Test
    @DisplayName("CS-4: the retry is scheduled before threshold waiters fail: their callbacks see WAITING and the timer")
    void retryScheduledBeforeWaitersFail_CS4() {
        ClientService<App> s = started();
        List<String> seen = new ArrayList<>();
        s.whenConnected(1).whenComplete((p, f) -> seen.add(s.state() + ", " + reactor.pendingCalls().size() + " call"));
        fail();
        assertEquals(List.of("WAITING, 1 call"), seen);
    }

    @Test
    @DisplayName("an endpoint that completes without calling the service's protocol (against the contract) makes a failed attempt; its connection is aborted")
    void endpointBreakingTheContractIsAFailedAttempt() {
        App stranger = new App("stranger");
        ClientEndpoint broken = protocol -> reactor.connectTcp("127.0.0.1", 1883, stranger);
        ClientService<App> s = ClientService.builder(reactor, broken, factory).retryPolicy(policy).build();
        s.start();
        CompletionStage<App> waiter = s.whenConnected(1);
        MemoryTransport t = succeed();
        assertFalse(t.isOpen());
        assertTrue(failure(waiter).getMessage().contains("without calling connectionMade"), failure(waiter).getMessage());
        assertEquals(State.WAITING, s.state());
        assertEquals(List.of(), built);
        value(s.stop());
    }

    // ------------------------------------------------------------------ CS-22: the failure count

    @Test
    @DisplayName("CS-22 decided (Twisted's current machine): start() while DISCONNECTING keeps the failure count")
    void cs22_restartWhileDisconnectingKeepsTheCount() {
        endpoint.cancelMode = RecordingEndpoint.CancelMode.IGNORE;
        ClientService<App> s = started();
        fail();
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        fail();
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        assertEquals(List.of(1, 2), policyCalls);
        CompletionStage<Void> stopped = s.stop();
        assertEquals(State.DISCONNECTING, s.state());
        s.start();
        assertEquals(State.RESTARTING, s.state());
        fail();
        value(stopped);
        assertEquals(State.CONNECTING, s.state(), "the halted attempt let the restart proceed");
        assertEquals(4, connects());
        assertEquals(List.of(1, 2), policyCalls, "the attempt halted by stop() is not a failure");
        fail();
        assertEquals(List.of(1, 2, 3), policyCalls, "the count went on from 2 (OLD machine: 1)");
    }

    @Test
    @DisplayName("CS-22/CS-BP-5: stop() and start() from STOPPED keep the count; only a connection resets it")
    void cs22_stopStartKeepsTheCountConnectionResetsIt() {
        ClientService<App> s = started();
        fail();
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        fail();
        value(s.stop());
        s.start();
        fail();
        assertEquals(List.of(1, 2, 3), policyCalls);
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        succeed().reset(new IOException("reset"));
        assertEquals(List.of(1, 2, 3, 1), policyCalls);
    }

    // ------------------------------------------------------------------ CS-23: re-entrancy

    @Test
    @DisplayName("CS-23 decided: stop() and whenConnected() from inside a whenConnected callback are queued, run after the transition, and never throw")
    void cs23_reentrantCallsFromWhenConnectedCallback() {
        ClientService<App> s = started();
        AtomicReference<CompletionStage<Void>> innerStop = new AtomicReference<>();
        AtomicReference<CompletionStage<App>> innerWait = new AtomicReference<>();
        List<String> seen = new ArrayList<>();
        CompletionStage<?> outer = s.whenConnected().thenAccept(p -> {
            seen.add("state " + s.state());
            innerStop.set(s.stop());
            innerWait.set(s.whenConnected());
            seen.add("stop done inside: " + innerStop.get().toCompletableFuture().isDone());
        });
        MemoryTransport t = succeed();
        assertFalse(outer.toCompletableFuture().isCompletedExceptionally(), "the callback did not throw");
        assertEquals(List.of("state CONNECTED", "stop done inside: false"), seen);
        value(innerStop.get());
        cancelled(innerWait.get());
        assertEquals(State.STOPPED, s.state());
        assertFalse(t.isOpen());
    }

    @Test
    @DisplayName("CS-23: start() from a stop-stage callback restarts; whenConnected() from a whenConnected callback gets the protocol")
    void cs23_restartFromStopCallbackAndWaitFromWaitCallback() {
        ClientService<App> s = started();
        AtomicReference<CompletionStage<App>> again = new AtomicReference<>();
        s.whenConnected().thenAccept(p -> again.set(s.whenConnected()));
        succeed();
        assertSame(built.get(0), value(again.get()));

        holdClose((MemoryTransport) built.get(0).transport(), built.get(0));
        s.stop().thenRun(s::start);
        assertEquals(State.DISCONNECTING, s.state());
        releaseClose((MemoryTransport) built.get(0).transport());
        assertEquals(State.CONNECTING, s.state(), "stopped, then started by the callback");
        assertEquals(2, connects());
        succeed();
        assertEquals(State.CONNECTED, s.state());
    }

    @Test
    @DisplayName("CS-23: stop() from inside prepareConnection: the connection made is closed and the service stops")
    void cs23_stopFromPrepareConnection() {
        AtomicReference<CompletionStage<Void>> stopped = new AtomicReference<>();
        AtomicReference<ClientService<App>> self = new AtomicReference<>();
        ClientService<App> s = service(b -> b.prepareConnection(p -> {
            stopped.set(self.get().stop());
            return null;
        }));
        self.set(s);
        s.start();
        CompletionStage<App> waiter = s.whenConnected();
        MemoryTransport t = succeed();
        assertFalse(t.isOpen(), "closed by the stop");
        assertEquals(List.of("made", "lost"), built.get(0).events);
        value(stopped.get());
        cancelled(waiter);
        assertEquals(State.STOPPED, s.state());
        assertEquals(List.of(), policyCalls);
    }

    // ------------------------------------------------------------------ retry timing

    @Test
    @DisplayName("CS-4/CS-6: the retry starts exactly policy(n) after the failure on the manual clock")
    void retryWaitsExactlyThePolicysDelay() {
        ClientService<App> s = service(b -> b.retryPolicy(n -> n == 1 ? Duration.ofSeconds(7) : Duration.ofMillis(13_250)));
        s.start();
        fail();
        reactor.advance(Duration.ofSeconds(7).minusNanos(1));
        assertEquals(1, connects());
        reactor.advance(Duration.ofNanos(1));
        assertEquals(2, connects());
        fail();
        reactor.advance(Duration.ofMillis(13_250).minusNanos(1));
        assertEquals(2, connects());
        reactor.advance(Duration.ofNanos(1));
        assertEquals(3, connects());
    }

    @Test
    @DisplayName("the default back-off on the clock: with u = 0.25 the first retry comes 250 ms after the failure, the second 500 ms, and 250 ms after a lost connection")
    void defaultBackoffTimingOnTheClock() {
        ExponentialBackoff backoff = ExponentialBackoff.builder().random(() -> 0.25).build();
        ClientService<App> s = service(b -> b.retryPolicy(backoff));
        s.start();
        fail();
        reactor.advance(Duration.ofMillis(250).minusNanos(1));
        assertEquals(1, connects());
        reactor.advance(Duration.ofNanos(1));
        assertEquals(2, connects());
        fail();
        reactor.advance(Duration.ofMillis(500).minusNanos(1));
        assertEquals(2, connects());
        reactor.advance(Duration.ofNanos(1));
        assertEquals(3, connects());
        succeed().reset(new IOException("reset"));
        reactor.advance(Duration.ofMillis(250));
        assertEquals(4, connects());
        assertEquals(State.CONNECTING, s.state());
    }

    @Test
    @DisplayName("a retry policy that throws is logged and the default back-off (at most 1 s for the first failure) is used")
    void throwingPolicyFallsBackToTheDefault() {
        ClientService<App> s = service(b -> b.retryPolicy(n -> {
            throw new ArithmeticException("bad policy");
        }));
        s.start();
        String log = stderrOf(this::fail);
        assertTrue(log.contains("bad policy"), log);
        assertEquals(State.WAITING, s.state());
        assertEquals(1, reactor.pendingCalls().size());
        reactor.advance(Duration.ofSeconds(1));
        assertEquals(2, connects());
    }

    @Test
    @DisplayName("whenConnected(n) needs n >= 1")
    void failAfterFailuresMustBePositive() {
        ClientService<App> s = service();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.whenConnected(0));
        assertTrue(e.getMessage().contains("found: 0"), e.getMessage());
        assertThrows(NullPointerException.class, () -> ClientService.builder(reactor, endpoint, factory).retryPolicy(null));
    }

    // ------------------------------------------------------------------ threading and the reactor

    @Test
    @DisplayName("threading: calls from another thread are handed to the loop; whenConnected completes on the loop thread")
    void callsFromOtherThreadsHopOntoTheLoop() throws InterruptedException {
        ClientService<App> s = service();
        AtomicReference<Thread> completedOn = new AtomicReference<>();
        AtomicReference<CompletionStage<App>> waiter = new AtomicReference<>();
        Thread other = new Thread(() -> {
            s.start();
            waiter.set(s.whenConnected());
            waiter.get().thenRun(() -> completedOn.set(Thread.currentThread()));
        }, "not-the-loop");
        other.start();
        other.join(10_000);
        assertFalse(other.isAlive());
        assertEquals(0, connects(), "nothing ran off the loop");
        assertEquals(State.INIT, s.state());
        reactor.runPending();
        assertEquals(1, connects());
        succeed();
        assertSame(built.get(0), value(waiter.get()));
        assertSame(Thread.currentThread(), completedOn.get(), "completed on the loop thread (the test's)");
    }

    @Test
    @DisplayName("reactor.stop() stops the service first (BEFORE SHUTDOWN trigger): the connection closes cleanly, the service is STOPPED")
    void reactorShutdownStopsTheService() {
        ClientService<App> s = started();
        MemoryTransport t = succeed();
        holdClose(t, built.get(0));
        reactor.stop();
        reactor.runPending();
        assertEquals(State.DISCONNECTING, s.state(), "the trigger called stop()");
        assertEquals(ReactorState.STOPPING, reactor.state(), "the reactor waits for the service's stage");
        releaseClose(t);
        reactor.runUntilIdle();
        assertEquals(State.STOPPED, s.state());
        assertEquals(ReactorState.STOPPED, reactor.state());
        assertEquals(java.util.Arrays.asList((Throwable) null), built.get(0).lostCauses, "a clean close");
    }

    @Test
    @DisplayName("reactor.terminate() ends the service: STOPPED, waiters cancelled, stop stages done; it can start again on the restarted reactor")
    void reactorTerminateEndsTheService() {
        ClientService<App> s = started();
        fail();
        CompletionStage<App> waiter = s.whenConnected();
        reactor.terminate();
        assertEquals(State.STOPPED, s.state());
        cancelled(waiter);
        reactor.start();
        assertEquals(List.of(), reactor.pendingCalls());
        s.start();
        assertEquals(State.CONNECTING, s.state());
        assertEquals(2, connects());
        succeed();
        assertEquals(State.CONNECTED, s.state());
    }

    @Test
    @DisplayName("reactor.terminate() while stopping completes the pending stop stage")
    void terminateCompletesPendingStop() {
        ClientService<App> s = started();
        MemoryTransport t = succeed();
        holdClose(t, built.get(0));
        CompletionStage<Void> stopped = s.stop();
        pending(stopped);
        reactor.terminate();
        value(stopped);
        assertEquals(State.STOPPED, s.state());
        noCleanStopCheck();
    }

    @Test
    @DisplayName("the first connect() of a stopped service's restart reaches the same endpoint, and the old attempt objects are not reused")
    void eachAttemptIsNew() {
        ClientService<App> s = started();
        PendingConnection first = lastConnect();
        value(s.stop());
        s.start();
        assertTrue(first.isAbandoned());
        assertEquals(2, endpoint.attempts.size());
        assertEquals(2, connects());
        first = lastConnect();
        fail();
        assertFalse(first.isPending());
        assertInstanceOf(ConnectException.class, failure(endpoint.last().result()).getCause());
    }
}
