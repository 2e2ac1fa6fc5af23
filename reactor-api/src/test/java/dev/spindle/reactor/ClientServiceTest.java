package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ClientService.State;
import dev.spindle.reactor.testing.MemoryTransport;
import dev.spindle.reactor.testing.PendingConnection;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Twisted's {@code ClientServiceTests} inventory (SPEC §3.5, CST-1..CST-31), ported test by test
 * to the manual clock. Each test names its CST id and the CS behaviour ids it checks. Where the
 * Python test asserts something with no Java counterpart, the comment says what the port checks
 * instead. Every test also ends with the CS-20 check of {@link ClientServiceFixture}.
 */
class ClientServiceTest extends ClientServiceFixture {

    @Test
    @DisplayName("CST-1 test_startService (CS-1): start makes exactly one connect attempt, at once")
    void cst01_startMakesExactlyOneAttempt_CS1() {
        ClientService<App> s = service();
        assertEquals(State.INIT, s.state());
        assertEquals(0, connects());
        s.start();
        assertEquals(1, connects());
        assertEquals(State.CONNECTING, s.state());
        reactor.runUntilIdle();
        assertEquals(1, connects(), "no second attempt while the first is pending");
    }

    /*
     * Twisted's test checks that doStart/doStop on the wrapping factory reach the application
     * factory. Spindle's factory is a plain function with no lifecycle, so that has no Java
     * counterpart. What is meaningful: the protocol given to the endpoint is the service's, and
     * it reaches the application factory exactly once per connection made, with the peer's
     * address, and never for a failed attempt.
     */
    @Test
    @DisplayName("CST-2 test_startStopFactory (CS-21): the endpoint's protocol reaches the application factory once per connection, with the peer's address")
    void cst02_endpointProtocolReachesApplicationFactory_CS21() {
        started();
        assertEquals(1, endpoint.protocols.size());
        assertEquals(List.of(), factoryCalls, "nothing is built before the connection is made");
        fail();
        assertEquals(List.of(), factoryCalls, "a failed attempt builds no protocol");
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        MemoryTransport t = succeed();
        assertEquals(List.of(t.remoteAddress()), factoryCalls);
        assertEquals(1, built.size());
        assertNotSame(built.get(0), endpoint.protocols.get(1), "the endpoint gets the service's forwarding protocol");
        assertSame(endpoint.protocols.get(1), t.protocol());
    }

    @Test
    @DisplayName("CST-3 test_stopServiceWhileConnected (CS-14): stop closes the transport; its stage completes only after connectionLost")
    void cst03_stopWhileConnectedClosesAndCompletesOnLost_CS14() {
        ClientService<App> s = started();
        MemoryTransport t = succeed();
        App app = built.get(0);
        holdClose(t, app);
        CompletionStage<Void> stopped = s.stop();
        assertEquals(State.DISCONNECTING, s.state());
        assertFalse(t.wantsRead(), "the transport is closing: it stopped reading");
        assertTrue(t.isOpen());
        pending(stopped);
        releaseClose(t);
        assertFalse(t.isOpen());
        assertEquals(List.of("made", "lost"), app.events);
        assertNull(app.lostCauses.get(0), "a clean close");
        assertNull(value(stopped));
        assertEquals(State.STOPPED, s.state());
    }

    @Test
    @DisplayName("CST-4 test_startServiceWaitsForDisconnect (CS-16): stop then start while connected makes no new protocol until connectionLost, exactly one after")
    void cst04_startWhileStoppingWaitsForDisconnect_CS16() {
        ClientService<App> s = started();
        MemoryTransport t = succeed();
        holdClose(t, built.get(0));
        s.stop();
        s.start();
        assertEquals(State.RESTARTING, s.state());
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        assertEquals(1, connects());
        assertEquals(1, built.size());
        releaseClose(t);
        assertEquals(State.CONNECTING, s.state());
        assertEquals(2, connects());
        succeed();
        assertEquals(2, built.size());
        assertEquals(State.CONNECTED, s.state());
    }

    @Test
    @DisplayName("CST-5 test_startServiceWhileStopping (CS-16): the stop stage completes on connectionLost; a waiter taken while stopping gets the second protocol; a later stop is pending")
    void cst05_startWhileStopping_CS16() {
        ClientService<App> s = started();
        MemoryTransport first = succeed();
        holdClose(first, built.get(0));
        CompletionStage<Void> stopped = s.stop();
        CompletionStage<App> waiter = s.whenConnected();
        s.start();
        pending(stopped);
        pending(waiter);
        releaseClose(first);
        value(stopped);
        pending(waiter);
        MemoryTransport second = succeed();
        assertSame(built.get(1), value(waiter), "not cancelled by the abandoned stop: it gets the new connection");
        holdClose(second, built.get(1));
        CompletionStage<Void> again = s.stop();
        pending(again);
        releaseClose(second);
        value(again);
    }

    @Test
    @DisplayName("CST-6 test_startServiceWhileStopped (CS-18): after a completed stop whenConnected is cancelled; after start and a connect it gives the new protocol")
    void cst06_startAfterCompletedStop_CS18() {
        ClientService<App> s = started();
        succeed();
        value(s.stop());
        cancelled(s.whenConnected());
        s.start();
        assertEquals(2, connects());
        succeed();
        assertSame(built.get(1), value(s.whenConnected()));
    }

    /*
     * Twisted's test checks that the wrapping protocol provides IHalfCloseableProtocol and
     * IFileDescriptorReceiver when the application's protocol does. In Java every Protocol has
     * eofReceived (half-close) and writabilityChanged, so the meaning is: the forwarder passes
     * every Protocol call on, including eofReceived's return value. (No descriptor passing exists.)
     */
    @Test
    @DisplayName("CST-7 test_interfacesForTransport (CS-21): the forwarder passes every Protocol call on, eofReceived's half-close answer and writabilityChanged included")
    void cst07_forwarderForwardsEveryProtocolCall_CS21() {
        started();
        MemoryTransport t = succeed();
        App app = built.get(0);
        app.keepOpenOnEof = true;
        t.deliver("hi".getBytes(StandardCharsets.US_ASCII));
        t.deliverEof();
        assertTrue(t.isOpen(), "eofReceived() returned true through the forwarder: half-close keeps the connection");
        t.setWriteWatermarks(0, 1);
        t.setWriteCapacity(0);
        app.transport().write(new byte[] {1, 2, 3});
        t.setWriteCapacity(MemoryTransport.UNLIMITED);
        t.flushWritable();
        assertEquals(List.of("made", "data:hi", "eof", "writable:false", "writable:true"), app.events);
        assertEquals(3, t.takeWritten().length, "the half-closed connection still writes");

        app.transport().close();
        assertEquals("lost", app.events.get(app.events.size() - 1));
        assertEquals(1, app.events.stream().filter("lost"::equals).count());
    }

    @Test
    @DisplayName("CST-7 (CS-21): when the application's eofReceived says no, the forwarder says no and the connection closes")
    void cst07_eofWithoutHalfCloseCloses_CS21() {
        ClientService<App> s = started();
        MemoryTransport t = succeed();
        t.deliverEof();
        assertFalse(t.isOpen());
        assertEquals(List.of("made", "eof", "lost"), built.get(0).events);
        assertEquals(State.WAITING, s.state());
    }

    @Test
    @DisplayName("CST-8 test_stopServiceWhileRetrying (CS-12): stop during a retry succeeds although the endpoint later fails the cancelled attempt")
    void cst08_stopWhileRetryingIgnoresLateFailure_CS12() {
        endpoint.cancelMode = RecordingEndpoint.CancelMode.FAIL_OWN_STAGE;
        ClientService<App> s = started();
        fail();
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        assertEquals(2, connects());
        PendingConnection retry = lastConnect();
        CompletionStage<Void> stopped = s.stop();
        assertNull(value(stopped), "complete before stop() returned");
        assertEquals(State.STOPPED, s.state());
        assertTrue(retry.isPending(), "the endpoint has not given up yet");
        retry.fail(new ConnectException("late"));
        reactor.runUntilIdle();
        assertEquals(State.STOPPED, s.state());
        assertEquals(2, connects());
        assertEquals(List.of(1), policyCalls, "the late failure is not counted");
    }

    @Test
    @DisplayName("CST-9 test_stopServiceWhileConnecting (CS-12): stop during the first attempt cancels it and returns an already completed stage")
    void cst09_stopWhileConnectingCompletesAtOnce_CS12() {
        ClientService<App> s = started();
        PendingConnection attempt = lastConnect();
        CompletionStage<Void> stopped = s.stop();
        assertNull(value(stopped));
        assertEquals(State.STOPPED, s.state());
        assertTrue(attempt.isAbandoned(), "the attempt was cancelled");
    }

    @Test
    @DisplayName("CST-10 test_clientConnected (CS-2, CS-21): on connect no call is scheduled, whenConnected gives the application protocol, the forwarder holds it and names it")
    void cst10_connectedGivesApplicationProtocol_CS2_CS21() {
        ClientService<App> s = started();
        MemoryTransport t = succeed();
        assertEquals(List.of(), reactor.pendingCalls());
        App app = value(s.whenConnected());
        assertSame(built.get(0), app);
        assertSame(t, app.transport, "the application's protocol got connectionMade with the transport");
        Protocol forwarder = t.protocol();
        assertNotSame(app, forwarder);
        assertTrue(forwarder.toString().contains(app.toString()), forwarder.toString());
        assertTrue(forwarder.toString().contains("svc"), forwarder.toString());
        assertTrue(s.toString().contains("svc") && s.toString().contains("CONNECTED"), s.toString());
        assertEquals(State.CONNECTED, s.state());
    }

    @Test
    @DisplayName("CST-11 test_clientConnectionFailed (CS-4, CS-6): after a failed attempt whenConnected is pending; when the retry timer fires a second attempt starts")
    void cst11_failedAttemptRetries_CS4_CS6() {
        ClientService<App> s = started();
        fail();
        CompletionStage<App> waiter = s.whenConnected();
        pending(waiter);
        assertEquals(State.WAITING, s.state());
        assertEquals(1, connects());
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        assertEquals(2, connects());
        assertEquals(State.CONNECTING, s.state());
        succeed();
        assertSame(built.get(0), value(waiter));
    }

    @Test
    @DisplayName("CST-12 test_clientConnectionLost (CS-7): after connectionLost and a clock advance a new attempt is made and whenConnected yields the new protocol")
    void cst12_lostConnectionReconnects_CS7() {
        ClientService<App> s = started();
        MemoryTransport t = succeed();
        t.reset(new IOException("Connection reset by peer"));
        assertEquals(State.WAITING, s.state());
        assertEquals(1, connects(), "no immediate reconnect");
        assertEquals(List.of(1), policyCalls, "the retry waits policy(1)");
        CompletionStage<App> waiter = s.whenConnected();
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        assertEquals(2, connects());
        succeed();
        assertSame(built.get(1), value(waiter));
        assertSame(built.get(1), value(s.whenConnected()));
    }

    @Test
    @DisplayName("CST-13 test_clientConnectionRefused (CS-10): a factory returning null fails the attempt: no immediate retry, a retry after the delay, whenConnected never fires")
    void cst13_factoryReturningNullFailsTheAttempt_CS10() {
        refuse = true;
        ClientService<App> s = started();
        CompletionStage<App> waiter = s.whenConnected();
        MemoryTransport t = succeed();
        assertFalse(t.isOpen(), "the refused connection is closed");
        assertEquals(State.WAITING, s.state());
        assertEquals(1, connects());
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        assertEquals(2, connects());
        succeed();
        pending(waiter);
        value(s.stop());
        cancelled(waiter);
    }

    @Test
    @DisplayName("CST-14 test_clientConnectionLostWhileStopping (CS-14): connectionLost while stopping cancels whenConnected and completes the stop stage")
    void cst14_lostWhileStopping_CS14() {
        ClientService<App> s = started();
        MemoryTransport t = succeed();
        holdClose(t, built.get(0));
        CompletionStage<Void> stopped = s.stop();
        CompletionStage<App> during = s.whenConnected();
        // The closing transport no longer reads: the reset surfaces on its next flush.
        t.reset(new IOException("Connection reset by peer"));
        releaseClose(t);
        assertInstanceOf(ConnectionLostException.class, built.get(0).lostCauses.get(0));
        cancelled(during);
        cancelled(s.whenConnected());
        value(stopped);
        assertEquals(State.STOPPED, s.state());
    }

    @Test
    @DisplayName("CST-15 test_startTwice (CS-19): a second start logs 'Duplicate ClientService.start' and makes no attempt")
    void cst15_secondStartLogsDuplicate_CS19() {
        ClientService<App> s = started();
        String log = stderrOf(s::start);
        assertTrue(log.contains("Duplicate ClientService.start"), log);
        assertEquals(1, connects());
        fail();
        log = stderrOf(s::start);
        assertTrue(log.contains("Duplicate ClientService.start"), "also while waiting: " + log);
        assertEquals(1, connects());
    }

    @Test
    @DisplayName("CST-16 test_whenConnectedLater (CS-2): several whenConnected, with and without threshold, all get the same protocol on connect")
    void cst16_allWaitersGetTheSameProtocol_CS2() {
        ClientService<App> s = started();
        List<CompletionStage<App>> waiters = List.of(s.whenConnected(), s.whenConnected(1), s.whenConnected(), s.whenConnected(3));
        waiters.forEach(ClientServiceFixture::pending);
        succeed();
        for (CompletionStage<App> w : waiters) {
            assertSame(built.get(0), value(w));
        }
    }

    @Test
    @DisplayName("CST-17 test_whenConnectedFails (CS-4, CS-3): thresholds 1 and 2 fail on the 1st and 2nd failures with the endpoint's own exception; the others get the protocol; whenConnected(1) when connected completes at once")
    void cst17_whenConnectedFailsAfterThresholds_CS4() {
        ClientService<App> s = started();
        CompletionStage<App> none = s.whenConnected();
        CompletionStage<App> one = s.whenConnected(1);
        CompletionStage<App> two = s.whenConnected(2);
        CompletionStage<App> three = s.whenConnected(3);

        ConnectException io1 = fail();
        Throwable f1 = failure(endpoint.attempts.get(0).result());
        assertSame(f1, failure(one), "the same exception object the endpoint failed with");
        assertSame(io1, f1.getCause());
        pending(none);
        pending(two);
        pending(three);

        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        fail();
        Throwable f2 = failure(endpoint.attempts.get(1).result());
        assertSame(f2, failure(two));
        pending(none);
        pending(three);

        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        succeed();
        assertSame(built.get(0), value(none));
        assertSame(built.get(0), value(three));
        assertSame(built.get(0), value(s.whenConnected(1)), "CS-3: completes at once when connected, n ignored");
    }

    @Test
    @DisplayName("CST-18 test_whenConnectedStopService (CS-12): stop cancels every pending whenConnected, with or without threshold")
    void cst18_stopCancelsEveryWaiter_CS12() {
        ClientService<App> s = started();
        CompletionStage<App> a = s.whenConnected();
        CompletionStage<App> b = s.whenConnected(1);
        CompletionStage<App> c = s.whenConnected(10);
        s.stop();
        cancelled(a);
        cancelled(b);
        cancelled(c);
    }

    @Test
    @DisplayName("CST-19 test_retryCancelled (CS-13, CS-20): stop while waiting cancels the retry timer and completes at once")
    void cst19_stopWhileWaitingCancelsRetry_CS13() {
        ClientService<App> s = started();
        fail();
        assertEquals(1, reactor.pendingCalls().size(), "the retry timer");
        CompletionStage<Void> stopped = s.stop();
        assertEquals(List.of(), reactor.pendingCalls());
        assertNull(value(stopped));
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        assertEquals(1, connects());
    }

    @Test
    @DisplayName("CST-20 test_stopServiceBeforeStartService (CS-11): stop before start returns a stage completed with null")
    void cst20_stopBeforeStart_CS11() {
        ClientService<App> s = service();
        assertNull(value(s.stop()));
        assertEquals(State.STOPPED, s.state());
        assertEquals(0, connects());
    }

    @Test
    @DisplayName("CST-21 test_whenConnectedErrbacksOnStopService (CS-13): stop between attempts cancels earlier and later whenConnected")
    void cst21_stopBetweenAttemptsCancelsWaiters_CS13() {
        ClientService<App> s = started();
        fail();
        CompletionStage<App> before = s.whenConnected();
        s.stop();
        cancelled(before);
        cancelled(s.whenConnected());
        cancelled(s.whenConnected(1));
    }

    @Test
    @DisplayName("CST-22 test_stopServiceWhileDisconnecting (CS-15): two stops while disconnecting each get a stage; both complete after connectionLost")
    void cst22_twoStopsWhileDisconnecting_CS15() {
        ClientService<App> s = started();
        MemoryTransport t = succeed();
        holdClose(t, built.get(0));
        CompletionStage<Void> first = s.stop();
        CompletionStage<Void> second = s.stop();
        assertNotSame(first, second);
        pending(first);
        pending(second);
        releaseClose(t);
        value(first);
        value(second);
    }

    @Test
    @DisplayName("CST-23 test_stopServiceWhileRestarting (CS-17): stop, start, stop while connected: both stages complete after connectionLost and no new attempt starts")
    void cst23_stopWhileRestarting_CS17() {
        ClientService<App> s = started();
        MemoryTransport t = succeed();
        holdClose(t, built.get(0));
        CompletionStage<Void> first = s.stop();
        s.start();
        assertEquals(State.RESTARTING, s.state());
        CompletionStage<Void> second = s.stop();
        assertEquals(State.DISCONNECTING, s.state());
        pending(first);
        pending(second);
        releaseClose(t);
        value(first);
        value(second);
        assertEquals(State.STOPPED, s.state());
        assertEquals(1, connects());
    }

    @Test
    @DisplayName("CST-24 test_stopServiceOnStoppedService (CS-11): stop twice: both stages completed with null")
    void cst24_stopTwice_CS11() {
        ClientService<App> s = started();
        succeed();
        assertNull(value(s.stop()));
        assertNull(value(s.stop()));
    }

    @Test
    @DisplayName("CST-25 test_prepareConnectionCalledWhenServiceStarts (CS-8): prepareConnection runs once on start plus connect")
    void cst25_prepareCalledOnceOnConnect_CS8() {
        List<App> prepared = new ArrayList<>();
        ClientService<App> s = service(b -> b.prepareConnection(p -> {
            prepared.add(p);
            return null;
        }));
        s.start();
        assertEquals(List.of(), prepared);
        succeed();
        assertEquals(1, prepared.size());
        reactor.runUntilIdle();
        assertEquals(1, prepared.size());
    }

    /*
     * Twisted passes the reactor-facing proxy, which in Python looks like the application's
     * protocol. Spindle passes the application's protocol itself (a Java caller needs its type):
     * the port checks that it is exactly the protocol the factory built for this connection,
     * already connected to the connection's transport.
     */
    @Test
    @DisplayName("CST-26 test_prepareConnectionCalledWithProtocol (CS-8): prepareConnection receives this connection's protocol, already connected")
    void cst26_prepareReceivesTheConnectionsProtocol_CS8() {
        List<App> prepared = new ArrayList<>();
        List<Transport> transports = new ArrayList<>();
        service(b -> b.prepareConnection(p -> {
            prepared.add(p);
            transports.add(p.transport());
            return null;
        })).start();
        MemoryTransport t = succeed();
        assertEquals(List.of(built.get(0)), prepared);
        assertEquals(List.of(t), transports);
    }

    @Test
    @DisplayName("CST-27 test_prepareConnectionCalledAfterConnectionMade (CS-8): not called for a failed attempt; called once the retry succeeds")
    void cst27_prepareNotCalledForFailedAttempt_CS8() {
        List<App> prepared = new ArrayList<>();
        service(b -> b.prepareConnection(p -> {
            prepared.add(p);
            return null;
        })).start();
        fail();
        assertEquals(List.of(), prepared);
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        succeed();
        assertEquals(List.of(built.get(0)), prepared);
    }

    @Test
    @DisplayName("CST-28 test_prepareConnectionCalledOnReconnect (CS-8): called again after a disconnect and reconnect")
    void cst28_prepareCalledAgainOnReconnect_CS8() {
        List<App> prepared = new ArrayList<>();
        service(b -> b.prepareConnection(p -> {
            prepared.add(p);
            return null;
        })).start();
        succeed().reset(new IOException("Connection reset by peer"));
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        succeed();
        assertEquals(List.of(built.get(0), built.get(1)), prepared);
    }

    @Test
    @DisplayName("CST-29 test_prepareConnectionReturnValueIgnored (CS-8): whenConnected yields the protocol, not prepareConnection's value")
    void cst29_prepareValueIgnored_CS8() {
        ClientService<App> s = service(b -> b.prepareConnection(p -> CompletableFuture.completedFuture("something else")));
        s.start();
        succeed();
        assertSame(built.get(0), value(s.whenConnected()));
    }

    @Test
    @DisplayName("CST-30 test_prepareConnectionReturningADeferred (CS-8): whenConnected waits for prepareConnection's stage")
    void cst30_whenConnectedWaitsForPrepareStage_CS8() {
        CompletableFuture<String> ready = new CompletableFuture<>();
        ClientService<App> s = service(b -> b.prepareConnection(p -> ready));
        s.start();
        CompletionStage<App> waiter = s.whenConnected();
        succeed();
        pending(waiter);
        assertEquals(State.CONNECTING, s.state());
        ready.complete("ok");
        assertSame(built.get(0), value(waiter));
        assertEquals(State.CONNECTED, s.state());
    }

    @Test
    @DisplayName("CST-31 test_prepareConnectionThrows (CS-8, CS-9): a throwing prepareConnection is a failed attempt; whenConnected(2) fails with its exception after two attempts")
    void cst31_throwingPrepareIsAFailedAttempt_CS8_CS9() {
        List<IllegalStateException> thrown = new ArrayList<>();
        ClientService<App> s = service(b -> b.prepareConnection(p -> {
            IllegalStateException e = new IllegalStateException("handshake refused #" + (thrown.size() + 1));
            thrown.add(e);
            throw e;
        }));
        s.start();
        CompletionStage<App> waiter = s.whenConnected(2);
        MemoryTransport first = succeed();
        assertEquals(State.WAITING, s.state());
        assertFalse(first.isOpen(), "CS-9 fixed: the rejected connection is closed");
        pending(waiter);
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        MemoryTransport second = succeed();
        assertFalse(second.isOpen());
        assertSame(thrown.get(1), failure(waiter));
        assertEquals(List.of(1, 2), policyCalls);
    }

    @Test
    @DisplayName("CS-5: failAfterFailures counts only the attempts that fail after whenConnected was called")
    void thresholdCountsOnlyLaterFailures_CS5() {
        ClientService<App> s = started();
        fail();
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        fail();
        CompletionStage<App> one = s.whenConnected(1);
        CompletionStage<App> two = s.whenConnected(2);
        pending(one);
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        fail();
        assertInstanceOf(ConnectionFailedException.class, failure(one));
        pending(two);
        reactor.advance(AT_LEAST_ONE_ATTEMPT);
        succeed();
        assertSame(built.get(0), value(two));
    }
}
