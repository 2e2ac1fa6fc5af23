package dev.spindle.reactor.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.BlockingPeer;
import dev.spindle.reactor.contract.ReactorContractSupport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingHandler;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.contract.StreamPattern;
import java.io.InputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the kernel can do to the backend: a descriptor number reused while events for its old
 * owner are still being dispatched, a signal interrupting the wait ({@code EINTR}), and a peer
 * resetting the connection while a large write is under way. Running out of descriptors is in
 * {@link EmfileTest}.
 */
@Timeout(60)
class EpollBadInputTest extends ReactorContractSupport {
    private static final int SIGPIPE = 13;
    private static final SymbolLookup LIBC = Linker.nativeLinker().defaultLookup();
    private static final MethodHandle DUP3 = downcall("dup3", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GETTID = downcall("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle TGKILL = downcall("tgkill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }

    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        return Linker.nativeLinker().downcallHandle(LIBC.find(name).orElseThrow(), fd);
    }

    @Test
    void eventsFetchedForADescriptorClosedAndReusedInTheSamePassGoNowhere() throws Throwable {
        ReactorHarness h = started();
        EpollReactor r = (EpollReactor) h.reactor();
        AtomicReference<EpollDescriptor> reused = new AtomicReference<>();
        AtomicReference<EpollDescriptor> reusedSink = new AtomicReference<>();
        RecordingHandler reusedHandler = new RecordingHandler(r);
        AtomicInteger victimCalls = new AtomicInteger();
        AtomicLong staleBefore = new AtomicLong();
        AtomicLong staleAfterReuse = new AtomicLong(-1);
        Pipe[] pipes = new Pipe[2];
        CountDownLatch done = latch(1);

        // Whichever source the kernel reports first closes the other one, puts a fresh pipe's
        // read end on the very same descriptor number (dup3) and registers it: the other
        // source's event, already fetched in this pass, now names a reused number.
        class FirstReader implements DescriptorHandler {
            private final int me;

            FirstReader(int me) {
                this.me = me;
            }

            @Override
            public void readable(Descriptor d) throws Exception {
                if (reused.get() != null) {
                    victimCalls.incrementAndGet();
                    return;
                }
                d.read(ByteBuffer.allocate(16));
                EpollDescriptor victim = (EpollDescriptor) pipes[1 - me].source();
                int number = victim.fd();
                victim.close();
                long fresh = r.io().pipe();
                int readFd = (int) fresh;
                int writeFd = (int) (fresh >>> 32);
                if (readFd != number) {
                    assertEquals(number, call(DUP3, readFd, number, LinuxLayout.O_CLOEXEC));
                    assertEquals(0, call(CLOSE, readFd));
                }
                EpollDescriptor again = new EpollDescriptor(r, r.io(), number, true, reusedHandler, "reused");
                reusedSink.set(new EpollDescriptor(r, r.io(), writeFd, false, new DescriptorHandler() { }, "reused-sink"));
                r.addReader(again);
                reused.set(again);
                done.countDown();
            }
        }

        h.run(() -> {
            pipes[0] = r.openPipe(new FirstReader(0), new DescriptorHandler() { });
            pipes[1] = r.openPipe(new FirstReader(1), new DescriptorHandler() { });
            r.addReader(pipes[0].source());
            r.addReader(pipes[1].source());
            staleBefore.set(r.staleEvents());
            // Both become readable before the loop next waits: one epoll_wait reports both.
            pipes[0].sink().write(ByteBuffer.wrap(new byte[] {1}));
            pipes[1].sink().write(ByteBuffer.wrap(new byte[] {2}));
        });
        await(done);
        h.run(() -> staleAfterReuse.set(r.staleEvents()));
        assertEquals(staleBefore.get() + 1, staleAfterReuse.get(), "the closed source's event was dropped as stale");
        assertEquals(0, victimCalls.get(), "no handler ran for the closed source's event");
        assertEquals(0, reusedHandler.readableCalls(), "the new owner of the number was not told of the old one's event");

        // The new registration on the reused number works.
        h.run(() -> reusedSink.get().write(ByteBuffer.wrap(new byte[] {7})));
        ReactorHarness.await("the reused descriptor's own data", () -> reusedHandler.data().length == 1);
    }

    private static int call(MethodHandle h, int... args) {
        try {
            return args.length == 1 ? (int) h.invokeExact(args[0]) : (int) h.invokeExact(args[0], args[1], args[2]);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Test
    void aSignalInterruptingTheWaitIsRetriedWithoutHarm() throws Throwable {
        ReactorHarness h = started();
        EpollReactor r = (EpollReactor) h.reactor();
        int pid = (int) ProcessHandle.current().pid();
        int tid = h.call(() -> {
            try {
                return (int) GETTID.invokeExact();
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        });
        // The JVM installs a SIGPIPE handler that ignores the signal; delivered to the loop
        // thread while it waits, it makes epoll_wait return EINTR (the wait is never restarted).
        long interrupted = 0;
        for (int attempt = 0; attempt < 2000 && interrupted == 0; attempt++) {
            assertEquals(0, (int) TGKILL.invokeExact(pid, tid, SIGPIPE));
            interrupted = h.call(() -> r.io().interruptedWaits());
        }
        assertTrue(interrupted > 0, "no wait was interrupted by 2000 signals");

        CountDownLatch fired = latch(1);
        long[] times = new long[2];
        h.run(() -> {
            times[0] = System.nanoTime();
            r.schedule(30, TimeUnit.MILLISECONDS, () -> {
                times[1] = System.nanoTime();
                fired.countDown();
            });
        });
        for (int i = 0; i < 20; i++) {
            assertEquals(0, (int) TGKILL.invokeExact(pid, tid, SIGPIPE));
        }
        await(fired);
        assertTrue(times[1] - times[0] >= TimeUnit.MILLISECONDS.toNanos(30), "a timer never fires early, interrupted or not");
        assertEquals(ReactorState.STARTED, r.state());
        Server server = listen(h, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, server.port(), client);
        h.run(() -> t.write(new byte[] {1, 2, 3}));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 3);
    }

    @Test
    void aPeerResettingDuringALargeWriteEndsTheConnectionNamingTheErrno() throws Exception {
        ReactorHarness h = started();
        StreamPattern.Source src = new StreamPattern.Source();
        RecordingProtocol writer = new RecordingProtocol() {
            @Override
            protected void onConnectionMade(Transport t) {
                fill(t);
            }

            @Override
            protected void onWritabilityChanged(boolean writable) {
                if (writable) {
                    fill(transport());
                }
            }

            /** Keeps megabytes queued; the reset may come while it writes, which ends the loop. */
            private void fill(Transport t) {
                while (t.isOpen() && (t.isWritable() || src.offset() < (4L << 20))) {
                    t.write(src.next(64 * 1024));
                }
            }
        };
        Server server = listen(h, () -> writer);
        Socket peer = closeLater(BlockingPeer.connect(server.port()));
        server.next();
        InputStream in = peer.getInputStream();
        StreamPattern.Check check = new StreamPattern.Check();
        BlockingPeer.readExactly(in, check, 256 * 1024);
        check.assertIntact();
        // Reset: close with SO_LINGER 0 while megabytes are still queued for it.
        peer.setSoLinger(true, 0);
        peer.close();

        Throwable cause = ReactorHarness.await(writer.lost());
        assertInstanceOf(ConnectionLostException.class, cause);
        assertTrue(cause.getMessage().matches(".*(ECONNRESET|EPIPE).*"), cause.getMessage());
        ErrnoException errno = assertInstanceOf(ErrnoException.class, cause.getCause());
        assertTrue(errno.errno() == Errno.ECONNRESET || errno.errno() == Errno.EPIPE, errno.getMessage());
        assertEquals(1, writer.lostCalls());
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
        assertNotEquals(0, src.offset());
    }
}
