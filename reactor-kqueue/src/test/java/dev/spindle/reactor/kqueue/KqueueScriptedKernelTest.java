package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_WRITE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ADD;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_CLEAR;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_DISABLE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ENABLE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_EOF;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ERROR;
import static dev.spindle.reactor.kqueue.BsdPlatform.NOTE_TRIGGER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.RecordingHandler;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.spi.AbstractReactor;
import dev.spindle.reactor.testing.ManualClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kqueue reactor against a scripted kernel, turned by hand on the test thread with a manual
 * clock: what it hands to {@code kevent} (change records, their flags and tokens, the timeout as a
 * {@code struct timespec}, the wake-up's {@code NOTE_TRIGGER}) and what it makes of what
 * {@code kevent} returns ({@code EV_EOF} with the socket error in {@code fflags}, {@code EV_ERROR},
 * {@code data}, stale events), on the Darwin and FreeBSD ABIs. The kernel decodes the backend's bytes
 * at the documented offsets, independently of the backend's layouts.
 */
class KqueueScriptedKernelTest {
    private final ManualClock clock = ManualClock.create();
    private @Nullable SimulatedKernel kernel;
    private @Nullable ManualKqueueReactor reactor;

    static List<BsdPlatform> platforms() {
        return List.of(BsdPlatform.DARWIN_AARCH64, BsdPlatform.FREEBSD_X86_64);
    }

    private ManualKqueueReactor open(BsdPlatform platform) {
        SimulatedKernel k = new SimulatedKernel(platform).blocking(false).record(true);
        kernel = k;
        ManualKqueueReactor r = new ManualKqueueReactor(ReactorConfig.builder().clock(clock).threadName("scripted").build(), k);
        reactor = r;
        r.activate();
        assertEquals(ReactorState.STARTED, r.state());
        return r;
    }

    private SimulatedKernel kernel() {
        SimulatedKernel k = kernel;
        assertNotNull(k);
        return k;
    }

    @AfterEach
    void endAndCountDescriptors() {
        ManualKqueueReactor r = reactor;
        if (r != null && r.state().isActive()) {
            r.end();
        }
        if (kernel != null) {
            assertEquals(List.of(), kernel.describeOpen(), "every descriptor (the kqueue too) is closed when the loop ends");
        }
    }

    /** The last {@code kevent} call that fetched events (not an immediate registration). */
    private SimulatedKernel.Call lastWait() {
        List<SimulatedKernel.Call> calls = kernel().calls();
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i).nevents() > 0) {
                return calls.get(i);
            }
        }
        throw new AssertionError("no kevent call fetched events: " + calls);
    }

    private static SimulatedKernel.Kevent kev(long ident, short filter, int flags, int fflags, long data, long udata) {
        return new SimulatedKernel.Kevent(ident, filter, flags, fflags, data, udata);
    }

    // ------------------------------------------------------------------ waking

    @ParameterizedTest
    @MethodSource("platforms")
    void theWakeUpIsAUserEventTriggeredWithNoteTrigger(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        short user = platform.evfiltUser();
        SimulatedKernel.Call register = kernel().calls().get(0);
        assertEquals(List.of(kev(KqueueReactor.WAKE_IDENT, user, EV_ADD | EV_CLEAR, 0, 0, 0)), register.changes(),
                "registered once, when the loop opens: EV_ADD | EV_CLEAR");
        assertEquals(0, register.nevents());
        assertEquals(0, register.tvSec(), "an immediate registration: zero timeout");
        assertEquals(0, register.tvNsec());

        Thread other = new Thread(r::wake, "waker");
        other.start();
        other.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(List.of(kev(KqueueReactor.WAKE_IDENT, user, 0, NOTE_TRIGGER, 0, 0)), kernel().wakes());

        r.turn();
        assertEquals(List.of(kev(KqueueReactor.WAKE_IDENT, user, EV_CLEAR, 0, 0, 0)), lastWait().returned(), "the trigger ends the wait");
        assertEquals(0, r.staleEvents(), "a wake-up is no descriptor's event");
        r.turn();
        assertEquals(List.of(), lastWait().returned(), "EV_CLEAR: one trigger, one event");
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void anExecuteFromAnotherThreadWakesTheBlockedLoopWithOneTrigger(BsdPlatform platform) throws Exception {
        SimulatedKernel k = new SimulatedKernel(platform).record(true);
        kernel = k;
        KqueueReactor r = KqueueTesting.simulated(ReactorConfig.builder().threadName("woken").daemon(true).build(), k);
        r.start();
        try {
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            r.execute(started::countDown);
            assertTrue(started.await(10, TimeUnit.SECONDS));
            awaitCondition("the loop waits in kevent", () -> k.waiters() == 1);
            k.clearRecords();
            java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
            r.execute(ran::countDown);
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the task ran: the loop woke");
            assertEquals(List.of(kev(KqueueReactor.WAKE_IDENT, platform.evfiltUser(), 0, NOTE_TRIGGER, 0, 0)), k.wakes());
            SimulatedKernel.Call woken = k.calls().get(0);
            assertTrue(woken.waitsForever(), "it had been waiting without a timeout");
            assertEquals(List.of(kev(KqueueReactor.WAKE_IDENT, platform.evfiltUser(), EV_CLEAR, 0, 0, 0)), woken.returned());
        } finally {
            r.terminate();
        }
    }

    private static void awaitCondition(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 10 s");
            }
            Thread.sleep(1);
        }
    }

    // ------------------------------------------------------------------ timeouts

    @ParameterizedTest
    @MethodSource("platforms")
    void theTimeoutIsATimespecWithTheNextTimersDistanceInNanoseconds(BsdPlatform platform) {
        ManualKqueueReactor r = open(platform);
        r.turn();
        assertTrue(lastWait().waitsForever(), "no timer, no task: a null timeout");

        r.schedule(1_500_000_250L, TimeUnit.NANOSECONDS, () -> { });
        r.turn();
        assertEquals(List.of(1L, 500_000_250L), List.of(lastWait().tvSec(), lastWait().tvNsec()));

        clock.advance(Duration.ofMillis(500));
        r.turn();
        assertEquals(List.of(1L, 250L), List.of(lastWait().tvSec(), lastWait().tvNsec()), "measured from the clock's now");

        var soon = r.schedule(250, TimeUnit.NANOSECONDS, () -> { });
        r.turn();
        assertEquals(List.of(0L, 250L), List.of(lastWait().tvSec(), lastWait().tvNsec()), "sub-millisecond deadlines are kept");
        soon.cancel();

        r.execute(() -> { });
        r.turn();
        assertEquals(List.of(0L, 0L), List.of(lastWait().tvSec(), lastWait().tvNsec()), "a queued task: poll without waiting");

        clock.advance(Duration.ofSeconds(2));
        r.turn(); // the 1.5 s timer fires
        r.schedule(3, TimeUnit.DAYS, () -> { });
        r.turn();
        assertEquals(List.of(BsdIo.MAX_WAIT_SECONDS, 0L), List.of(lastWait().tvSec(), lastWait().tvNsec()),
                "a wait is at most a day; the loop then computes it again");
    }

    // ------------------------------------------------------------------ registration

    /** A connected pair on loopback: the client's transport and the accepted one, the port open. */
    private record Pair(ListeningPort port, RecordingProtocol client, RecordingProtocol server) {
        KqueueTransport clientTransport() {
            return (KqueueTransport) client.transport();
        }

        KqueueTransport serverTransport() {
            return (KqueueTransport) server.transport();
        }
    }

    private Pair connectPair(ManualKqueueReactor r, @Nullable ListeningPort existing) throws Exception {
        List<RecordingProtocol> accepted = new ArrayList<>();
        ListeningPort port = existing != null ? existing
                : r.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), remote -> {
                    RecordingProtocol p = new RecordingProtocol();
                    accepted.add(p);
                    return p;
                });
        RecordingProtocol client = new RecordingProtocol();
        AtomicReference<Object> outcome = new AtomicReference<>();
        r.connect((InetSocketAddress) port.localAddress(), client, new AbstractReactor.ConnectListener() {
            @Override
            public void connected(Transport transport) {
                outcome.set(transport);
            }

            @Override
            public void failed(Throwable cause) {
                outcome.set(cause);
            }
        });
        r.turnUntil("connected and accepted", 10, () -> outcome.get() != null && (existing != null || !accepted.isEmpty()));
        assertInstanceOf(Transport.class, outcome.get());
        r.turn();
        return new Pair(port, client, existing != null ? null : accepted.get(0));
    }

    private static Set<SimulatedKernel.Kevent> set(List<SimulatedKernel.Kevent> list) {
        return new HashSet<>(list);
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void socketsRegisterTheirFiltersWithTheRightFlagsAndTokensAllInOneCall(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        List<RecordingProtocol> accepted = new ArrayList<>();
        ListeningPort port = r.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), remote -> {
            RecordingProtocol p = new RecordingProtocol();
            accepted.add(p);
            return p;
        });
        int lfd = ((KqueueListeningPort) port).fd();
        r.turn();
        assertEquals(List.of(kev(lfd, EVFILT_READ, EV_ADD, 0, 0, r.token(lfd))), lastWait().changes(),
                "a listening socket: level-triggered EVFILT_READ");
        assertEquals(lfd, (int) r.token(lfd), "the token's low half is the descriptor");
        assertTrue(r.token(lfd) >>> 32 != 0, "and its high half a generation");

        RecordingProtocol client = new RecordingProtocol();
        AtomicReference<Transport> connected = new AtomicReference<>();
        AbstractReactor.PendingConnect pending = r.connect((InetSocketAddress) port.localAddress(), client,
                new AbstractReactor.ConnectListener() {
                    @Override
                    public void connected(Transport transport) {
                        connected.set(transport);
                    }

                    @Override
                    public void failed(Throwable cause) {
                        throw new AssertionError(cause);
                    }
                });
        assertNotNull(pending);
        int calls = kernel().calls().size();
        r.turn();
        assertEquals(calls + 1, kernel().calls().size(), "one kevent per pass");
        SimulatedKernel.Call connectPass = lastWait();
        int cfd = (int) connectPass.changes().get(0).ident();
        long ctoken = r.token(cfd);
        assertEquals(set(List.of(kev(cfd, EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, ctoken), kev(cfd, EVFILT_WRITE, EV_ADD | EV_CLEAR, 0, 0, ctoken))),
                set(connectPass.changes()), "a connecting socket: both filters, edge-triggered; the write filter reports the connect");
        assertTrue(connectPass.returned().stream().anyMatch(e -> e.ident() == cfd && e.filter() == EVFILT_WRITE),
                "the connect's end came as EVFILT_WRITE: " + connectPass.returned());
        assertNotNull(connected.get());
        assertEquals(1, accepted.size());
        int afd = ((KqueueTransport) accepted.get(0).transport()).fd();
        long atoken = r.token(afd);

        r.turn();
        SimulatedKernel.Call afterPass = lastWait();
        assertEquals(set(List.of(
                kev(cfd, EVFILT_WRITE, EV_DISABLE | EV_CLEAR, 0, 0, ctoken),
                kev(afd, EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, atoken),
                kev(afd, EVFILT_WRITE, EV_ADD | EV_CLEAR | EV_DISABLE, 0, 0, atoken))), set(afterPass.changes()),
                "the connected transport stops watching writes; the accepted one reads, edge-triggered, writing off");
        assertEquals(ctoken, r.token(cfd), "the transport took the connect's slot over, token and all");
        assertFalse(kernel().knoteEnabled(afterPass.kq(), cfd, EVFILT_WRITE));
        assertTrue(kernel().knoteEnabled(afterPass.kq(), afd, EVFILT_READ));
        for (int fd : new int[] {lfd, cfd, afd}) {
            assertTrue(kernel().wellConfigured(fd), () -> "non-blocking and close-on-exec (and SO_NOSIGPIPE on Darwin): " + kernel().describeOpen());
        }
        assertTrue(kernel().wellConfigured(afterPass.kq()), "the kqueue is close-on-exec");

        // Data flows through the registrations.
        connected.get().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        r.turnUntil("3 bytes at the server", 5, () -> accepted.get(0).receivedBytes() == 3);
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void interestChangesBecomeEnableAndDisableRecordsCoalescedPerPass(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        Pair first = connectPair(r, null);
        List<Pair> pairs = new ArrayList<>();
        pairs.add(first);
        for (int i = 0; i < 4; i++) {
            Pair p = connectPair(r, first.port());
            pairs.add(p);
        }
        r.turn();
        List<KqueueTransport> clients = pairs.stream().map(Pair::clientTransport).collect(Collectors.toList());

        // One pass: pause, resume, pause on every connection → one EV_DISABLE each, one kevent.
        for (KqueueTransport t : clients) {
            t.pauseReading();
            t.resumeReading();
            t.pauseReading();
        }
        int calls = kernel().calls().size();
        r.turn();
        assertEquals(calls + 1, kernel().calls().size());
        Set<SimulatedKernel.Kevent> expected = new HashSet<>();
        for (KqueueTransport t : clients) {
            expected.add(kev(t.fd(), EVFILT_READ, EV_DISABLE | EV_CLEAR, 0, 0, r.token(t.fd())));
        }
        assertEquals(expected, set(lastWait().changes()), "one record per connection, the last state, the token kept");
        for (KqueueTransport t : clients) {
            assertFalse(kernel().knoteEnabled(lastWait().kq(), t.fd(), EVFILT_READ), "paused: the kernel does not report reads");
        }

        // A resume and a pause in one pass end where the kernel is: nothing to submit.
        for (KqueueTransport t : clients) {
            t.resumeReading();
            t.pauseReading();
        }
        r.turn();
        assertEquals(List.of(), lastWait().changes());

        for (KqueueTransport t : clients) {
            t.resumeReading();
        }
        r.turn();
        expected.clear();
        for (KqueueTransport t : clients) {
            expected.add(kev(t.fd(), EVFILT_READ, EV_ENABLE | EV_CLEAR, 0, 0, r.token(t.fd())));
        }
        assertEquals(expected, set(lastWait().changes()));
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void theWriteFilterIsOnOnlyWhileOutputWaits(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        kernel().receiveBuffer(1024);
        Pair pair = connectPair(r, null);
        KqueueTransport client = pair.clientTransport();
        int cfd = client.fd();
        long token = r.token(cfd);
        kernel().clearRecords();

        byte[] payload = new byte[4096];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        client.write(ByteBuffer.wrap(payload));
        assertEquals(4096 - 1024, client.pendingWriteBytes(), "the peer's buffer took 1 KiB");
        r.turnUntil("all 4 KiB at the server", 40, () -> pair.server().receivedBytes() == 4096);
        r.turn();
        assertEquals(0, client.pendingWriteBytes());

        List<Integer> writeRecords = new ArrayList<>();
        for (SimulatedKernel.Call c : kernel().calls()) {
            for (SimulatedKernel.Kevent e : c.changes()) {
                if (e.ident() == cfd && e.filter() == EVFILT_WRITE) {
                    assertEquals(token, e.udata(), "every record carries the token: the kernel replaces udata");
                    writeRecords.add(e.flags());
                }
            }
        }
        assertEquals(List.of(EV_ENABLE | EV_CLEAR, EV_DISABLE | EV_CLEAR), writeRecords,
                "enabled once when the kernel refused bytes, disabled once when all were sent");
        byte[] got = pair.server().received();
        assertEquals(4096, got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals((byte) i, got[i], "byte " + i);
        }
    }

    // ------------------------------------------------------------------ decoding

    @ParameterizedTest
    @MethodSource("platforms")
    void eventFieldsReachTheHandlerAsTheKernelReturnedThem(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        Pipe pipe = r.openPipe(new RecordingHandler(r), new RecordingHandler(r));
        int fd = ((KqueueDescriptor) pipe.source()).fd();
        List<String> seen = new ArrayList<>();
        long token = r.install(fd, (filter, flags, data, fflags) -> seen.add(filter + " 0x" + Integer.toHexString(flags) + " " + data + " " + fflags));
        kernel().inject(kev(fd, EVFILT_READ, EV_EOF | EV_CLEAR, BsdErrno.ECONNRESET, 7, token));
        kernel().inject(kev(fd, EVFILT_WRITE, 0, 0, 1L << 40, token));
        r.turn();
        assertEquals(List.of("-1 0x8020 7 54", "-2 0x0 1099511627776 0"), seen);
        kernel().inject(kev(fd, EVFILT_READ, EV_ERROR, 0, 0, token));
        r.turn();
        assertEquals(2, seen.size(), "EV_ERROR with data 0 is a receipt, not an error");
        pipe.source().close();
        pipe.sink().close();
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void aResetArrivesAsEvEofWithEconnresetInFflagsAndEndsTheConnectionNamingIt(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        Pair pair = connectPair(r, null);
        pair.clientTransport().write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        // The server closes with the 4 bytes unread: the kernel answers with a reset.
        pair.server().transport().pauseReading();
        r.turn();
        pair.server().transport().abort();
        int cfd = pair.clientTransport().fd();
        r.turnUntil("the client lost", 5, () -> pair.client().lost().isDone());
        SimulatedKernel.Kevent eof = kernel().calls().stream().flatMap(c -> c.returned().stream())
                .filter(e -> e.ident() == cfd && e.filter() == EVFILT_READ).reduce((a, b) -> b).orElseThrow();
        assertEquals(EV_EOF | EV_CLEAR, eof.flags());
        assertEquals(BsdErrno.ECONNRESET, eof.fflags());
        Throwable cause = pair.client().lost().getNow(null);
        assertInstanceOf(ConnectionLostException.class, cause);
        ErrnoException errno = assertInstanceOf(ErrnoException.class, cause.getCause());
        assertEquals(54, errno.errno());
        assertEquals("read: ECONNRESET (Connection reset by peer)", errno.getMessage());
        assertEquals(1, pair.client().lostCalls());
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void aCleanEndOfStreamArrivesAsEvEofAndReachesEofReceivedAfterTheData(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        Pair pair = connectPair(r, null);
        pair.clientTransport().write(ByteBuffer.wrap(new byte[] {9, 8, 7}));
        pair.clientTransport().shutdownOutput();
        r.turnUntil("the server saw the end", 5, () -> pair.server().events().contains("eof"));
        assertEquals(3, pair.server().receivedBytes());
        assertEquals(List.of("made", "data", "eof"), pair.server().events().subList(0, 3));
        r.turnUntil("both ends closed", 5, () -> pair.client().lost().isDone() && pair.server().lost().isDone());
        assertNull(pair.server().lost().getNow(null), "a clean close");
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void anEvErrorForAConnectionEndsItWithTheErrnoOfTheChange(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        Pair pair = connectPair(r, null);
        int afd = pair.serverTransport().fd();
        kernel().inject(kev(afd, EVFILT_READ, EV_ERROR, 0, BsdErrno.EBADF, r.token(afd)));
        r.turn();
        Throwable cause = pair.server().lost().getNow(null);
        assertInstanceOf(ConnectionLostException.class, cause);
        assertTrue(cause.getMessage().contains("EBADF (Bad file descriptor)"), cause.getMessage());
        assertFalse(pair.serverTransport().isOpen());
        assertTrue(pair.clientTransport().isOpen(), "the other connection is untouched");
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void aChangeForADescriptorClosedBehindTheBackendsBackFailsThatDescriptorOnly(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        RecordingHandler handler = new RecordingHandler(r);
        Pipe pipe = r.openPipe(handler, new RecordingHandler(r));
        int fd = ((KqueueDescriptor) pipe.source()).fd();
        assertEquals(0, kernel().close(fd), "someone else closes the descriptor");
        r.addReader(pipe.source());
        r.turn();
        SimulatedKernel.Kevent error = lastWait().returned().get(0);
        assertEquals(EV_ERROR, error.flags());
        assertEquals(BsdErrno.EBADF, error.data());
        Throwable cause = handler.lost().getNow(null);
        ErrnoException e = assertInstanceOf(ErrnoException.class, cause);
        assertEquals("EBADF", e.errnoName());
        assertFalse(r.readers().contains(pipe.source()));
        pipe.source().close();
        pipe.sink().close();
    }

    // ------------------------------------------------------------------ stale events

    @ParameterizedTest
    @MethodSource("platforms")
    void anEventForAClosedDescriptorWhoseNumberWasReusedReachesNobody(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        RecordingHandler oldHandler = new RecordingHandler(r);
        Pipe old = r.openPipe(oldHandler, new RecordingHandler(r));
        r.addReader(old.source());
        r.turn();
        int number = ((KqueueDescriptor) old.source()).fd();
        long oldToken = r.token(number);
        old.source().close();
        old.sink().close();
        RecordingHandler newHandler = new RecordingHandler(r);
        Pipe reused = r.openPipe(newHandler, new RecordingHandler(r));
        assertEquals(number, ((KqueueDescriptor) reused.source()).fd(), "the kernel hands the lowest free number out again");
        r.addReader(reused.source());
        long stale = r.staleEvents();
        kernel().inject(kev(number, EVFILT_READ, 0, 0, 1, oldToken));
        r.turn();
        assertEquals(stale + 1, r.staleEvents());
        assertEquals(0, newHandler.readableCalls(), "the number's new owner is not told of the old one's event");
        assertEquals(0, oldHandler.readableCalls());

        reused.sink().write(ByteBuffer.wrap(new byte[] {5}));
        r.turnUntil("the new owner's own event", 3, () -> newHandler.data().length == 1);
        reused.source().close();
        reused.sink().close();
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void eventsFetchedForADescriptorClosedAndReusedInTheSamePassGoNowhere(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        Pipe[] pipes = new Pipe[2];
        AtomicReference<Pipe> reused = new AtomicReference<>();
        RecordingHandler reusedHandler = new RecordingHandler(r);
        int[] victimCalls = new int[1];

        // Whichever source the kernel reports first closes the other one and opens a pipe whose read
        // end takes the closed number: the other source's event, fetched in this pass, is stale.
        class FirstReader implements DescriptorHandler {
            private final int me;

            FirstReader(int me) {
                this.me = me;
            }

            @Override
            public void readable(Descriptor d) throws Exception {
                if (reused.get() != null) {
                    victimCalls[0]++;
                    return;
                }
                d.read(ByteBuffer.allocate(8));
                KqueueDescriptor victim = (KqueueDescriptor) pipes[1 - me].source();
                int number = victim.fd();
                victim.close();
                Pipe p = r.openPipe(reusedHandler, new RecordingHandler(r));
                assertEquals(number, ((KqueueDescriptor) p.source()).fd());
                r.addReader(p.source());
                reused.set(p);
            }
        }

        pipes[0] = r.openPipe(new FirstReader(0), new RecordingHandler(r));
        pipes[1] = r.openPipe(new FirstReader(1), new RecordingHandler(r));
        r.addReader(pipes[0].source());
        r.addReader(pipes[1].source());
        pipes[0].sink().write(ByteBuffer.wrap(new byte[] {1}));
        pipes[1].sink().write(ByteBuffer.wrap(new byte[] {2}));
        long stale = r.staleEvents();
        r.turn();
        assertEquals(2, lastWait().returned().size(), "one kevent reported both");
        assertNotNull(reused.get());
        assertEquals(stale + 1, r.staleEvents(), "the closed source's event was dropped");
        assertEquals(0, victimCalls[0]);
        assertEquals(0, reusedHandler.readableCalls());
        for (Pipe p : new Pipe[] {pipes[0], pipes[1], reused.get()}) {
            p.source().close();
            p.sink().close();
        }
    }

    // ------------------------------------------------------------------ bad input from the kernel

    @ParameterizedTest
    @MethodSource("platforms")
    void aWaitInterruptedBySignalStillAppliedItsChangesAndTheLoopGoesOn(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        RecordingHandler handler = new RecordingHandler(r);
        Pipe pipe = r.openPipe(handler, new RecordingHandler(r));
        r.addReader(pipe.source());
        kernel().interruptNextWait();
        r.turn();
        assertEquals(1, r.io().interruptedWaits());
        int fd = ((KqueueDescriptor) pipe.source()).fd();
        assertTrue(kernel().knoteEnabled(lastWait().kq(), fd, EVFILT_READ), "the change went in before the wait was cut short");
        assertEquals(0, r.changes().size());
        assertEquals(ReactorState.STARTED, r.state());
        pipe.sink().write(ByteBuffer.wrap(new byte[] {1, 2}));
        r.turnUntil("the data", 3, () -> handler.data().length == 2);
        pipe.source().close();
        pipe.sink().close();
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void aPassWithMoreChangesThanEventSlotsGetsRoomForAnErrorPerChange(BsdPlatform platform) throws Exception {
        ManualKqueueReactor r = open(platform);
        List<Pipe> pipes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Pipe p = r.openPipe(new RecordingHandler(r), new RecordingHandler(r));
            r.addReader(p.source());
            r.addWriter(p.sink());
            pipes.add(p);
        }
        r.turn();
        SimulatedKernel.Call pass = lastWait();
        assertEquals(600, pass.changes().size(), "every registration in one kevent");
        assertTrue(pass.nevents() >= 600, "room for an error event per change, found " + pass.nevents());
        assertEquals(300, pass.returned().size(), "every sink is writable");
        for (Pipe p : pipes) {
            p.source().close();
            p.sink().close();
        }
    }
}
