package dev.spindle.reactor.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Readiness registration on descriptors the reactor creates ({@code openPipe}), SPEC §5.4 FD-*.
 *
 * <p>Proving that a callback did <em>not</em> happen uses a probe pipe: the bytes under test are
 * written first, then a byte to the probe; once the probe's handler has run, the loop has
 * dispatched a readiness check that saw both, so a registered handler would have run too.
 */
@Timeout(30)
public abstract class DescriptorContractTest extends ReactorContractSupport {

    /** For subclasses. */
    protected DescriptorContractTest() {
    }

    @Test
    @DisplayName("FD-1: a reader is told, on the loop thread, when bytes written to the sink can be read from the source")
    public void readerIsToldWhenDataArrives() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        RecordingHandler source = new RecordingHandler(r);
        Pipe pipe = h.call(() -> r.openPipe(source, new RecordingHandler(r)));
        h.run(() -> {
            r.addReader(pipe.source());
            assertEquals(5, pipe.sink().write(bytes("hello")));
        });
        ReactorHarness.await("5 bytes at the source", () -> source.data().length == 5);
        assertArrayEquals("hello".getBytes(UTF_8), source.data());
        assertTrue(source.readableCalls() >= 1);
        assertEquals(0, source.offLoopCalls());
    }

    @Test
    @DisplayName("FD-1/FD-3: readers have set semantics: added twice it is listed once and one removeReader stops its callbacks")
    public void addingAReaderTwiceRegistersItOnce() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        RecordingHandler source = new RecordingHandler(r);
        Pipe pipe = h.call(() -> r.openPipe(source, new RecordingHandler(r)));
        Probe probe = Probe.open(h);
        h.run(() -> {
            r.addReader(pipe.source());
            r.addReader(pipe.source());
            assertEquals(1, count(r.readers(), pipe.source()), "listed once: " + r.readers());
            r.removeReader(pipe.source());
            assertEquals(0, count(r.readers(), pipe.source()));
            pipe.sink().write(bytes("x"));
        });
        probe.pass(h);
        assertEquals(0, source.readableCalls(), "one removeReader must undo two addReader calls");
    }

    @Test
    @DisplayName("FD-3: removeReader stops callbacks; removing what is absent is a no-op")
    public void removeReaderStopsCallbacks() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        RecordingHandler source = new RecordingHandler(r);
        Pipe pipe = h.call(() -> r.openPipe(source, new RecordingHandler(r)));
        Probe probe = Probe.open(h);
        h.run(() -> {
            r.addReader(pipe.source());
            pipe.sink().write(bytes("a"));
        });
        ReactorHarness.await("the first byte", () -> source.data().length == 1);
        int callsBefore = h.call(() -> {
            r.removeReader(pipe.source());
            r.removeReader(pipe.source());
            r.removeWriter(pipe.source());
            r.removeWriter(pipe.sink());
            pipe.sink().write(bytes("b"));
            return source.readableCalls();
        });
        probe.pass(h);
        assertEquals(callsBefore, source.readableCalls());
        assertArrayEquals(bytes("a").array(), source.data());
    }

    @Test
    @DisplayName("FD-2: a writer is told when the descriptor may be written; it can write and remove itself")
    public void writerIsToldWhenWritable() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        RecordingHandler source = new RecordingHandler(r);
        RecordingHandler sink = new RecordingHandler(r) {
            @Override
            public void writable(Descriptor d) throws Exception {
                super.writable(d);
                d.write(bytes("w"));
                r.removeWriter(d);
            }
        };
        Pipe pipe = h.call(() -> r.openPipe(source, sink));
        h.run(() -> {
            r.addReader(pipe.source());
            r.addWriter(pipe.sink());
        });
        ReactorHarness.await("the byte the writer wrote", () -> source.data().length == 1);
        assertEquals(1, sink.writableCalls(), "the writer removed itself in its first call");
        assertEquals(0, sink.offLoopCalls());
        assertFalse(h.call(() -> r.writers().contains(pipe.sink())));
    }

    @Test
    @DisplayName("FD-4: readers() and writers() reflect additions and removals and are snapshots")
    public void readersAndWritersAreSnapshots() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        Pipe pipe = h.call(() -> r.openPipe(new RecordingHandler(r), new RecordingHandler(r)));
        h.run(() -> {
            List<Descriptor> readersBefore = r.readers();
            r.addReader(pipe.source());
            r.addWriter(pipe.sink());
            List<Descriptor> readers = r.readers();
            List<Descriptor> writers = r.writers();
            assertTrue(readers.contains(pipe.source()));
            assertFalse(readers.contains(pipe.sink()));
            assertTrue(writers.contains(pipe.sink()));
            assertFalse(writers.contains(pipe.source()));
            assertFalse(readersBefore.contains(pipe.source()), "an earlier snapshot does not change");

            r.removeReader(pipe.source());
            r.removeWriter(pipe.sink());
            assertTrue(readers.contains(pipe.source()), "an earlier snapshot does not change");
            assertTrue(writers.contains(pipe.sink()), "an earlier snapshot does not change");
            assertFalse(r.readers().contains(pipe.source()));
            assertFalse(r.writers().contains(pipe.sink()));
        });
    }

    @Test
    @DisplayName("FD-5: removeAll() removes and returns every user reader and writer once, and never the reactor's own (TCP keeps working)")
    public void removeAllReturnsUserDescriptorsOnce() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        Server server = listen(h, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, server.port(), client);
        server.next();
        Pipe a = h.call(() -> r.openPipe(new RecordingHandler(r), new RecordingHandler(r)));
        Pipe b = h.call(() -> r.openPipe(new RecordingHandler(r), new RecordingHandler(r)));

        List<Descriptor> removed = h.call(() -> {
            r.addReader(a.source());
            r.addWriter(a.source());
            r.addReader(b.source());
            r.addWriter(b.sink());
            return r.removeAll();
        });

        assertEquals(3, removed.size(), "each descriptor once, nothing internal: " + removed);
        assertEquals(Set.of(a.source(), b.source(), b.sink()), new HashSet<>(removed));
        h.run(() -> {
            assertTrue(r.readers().isEmpty(), "readers after removeAll: " + r.readers());
            assertTrue(r.writers().isEmpty(), "writers after removeAll: " + r.writers());
        });
        h.run(() -> t.write(bytes("still up")));
        ReactorHarness.await("the echo after removeAll", () -> client.receivedBytes() == 8);
        assertEquals("still up", client.receivedText());
        RecordingProtocol second = new RecordingProtocol();
        connect(h, server.port(), second);
        assertEquals(0, client.offLoopCalls());
    }

    @Test
    @DisplayName("FD-8: a handler that throws is removed as reader and writer and told connectionLost(that exception), once")
    public void throwingHandlerIsRemovedAndToldWhy() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        IOException failure = new IOException("handler failure (expected by the test)");
        AtomicInteger calls = new AtomicInteger();
        RecordingHandler source = new RecordingHandler(r) {
            @Override
            public void readable(Descriptor d) throws Exception {
                // Throws without reading: a registration that survived would fire again at once.
                calls.incrementAndGet();
                throw failure;
            }
        };
        Pipe pipe = h.call(() -> r.openPipe(source, new RecordingHandler(r)));
        Probe probe = Probe.open(h);
        h.run(() -> {
            r.addReader(pipe.source());
            r.addWriter(pipe.source());
            pipe.sink().write(bytes("x"));
        });
        assertSame(failure, ReactorHarness.await(source.lost()));
        h.run(() -> {
            assertFalse(r.readers().contains(pipe.source()));
            assertFalse(r.writers().contains(pipe.source()));
            pipe.sink().write(bytes("y"));
        });
        probe.pass(h);
        assertEquals(1, calls.get(), "the handler must not be called after it threw");
        assertEquals(1, source.lostCalls());
        assertEquals(0, source.offLoopCalls());
    }

    @Test
    @DisplayName("FD-7: on stop() every registered descriptor gets connectionLost and every descriptor the reactor made is closed")
    public void stopTellsRegisteredDescriptorsAndClosesAll() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        RecordingHandler readerHandler = new RecordingHandler(r);
        RecordingHandler writerHandler = new RecordingHandler(r);
        Pipe a = h.call(() -> r.openPipe(readerHandler, new RecordingHandler(r)));
        Pipe b = h.call(() -> r.openPipe(writerHandler, new RecordingHandler(r)));
        h.run(() -> {
            r.addReader(a.source());
            r.addWriter(b.source()); // registered, never writable: silent until shutdown
        });
        AtomicReference<String> openAtStop = recordOpenAtStopped(r, a, b);

        r.stop();
        h.awaitState(ReactorState.STOPPED);

        assertNotNull(ReactorHarness.await(readerHandler.lost()));
        assertNotNull(ReactorHarness.await(writerHandler.lost()));
        assertEquals(1, readerHandler.lostCalls());
        assertEquals(1, writerHandler.lostCalls());
        // STOPPED is visible before the lifecycle listeners have run: wait for ours.
        ReactorHarness.await("the STOPPED listener", () -> !"listener not called".equals(openAtStop.get()));
        assertEquals("false false false false", openAtStop.get());
        h.start();
        h.run(() -> {
            assertTrue(r.readers().isEmpty(), "a restarted reactor holds no old reader: " + r.readers());
            assertTrue(r.writers().isEmpty());
        });
    }

    @Test
    @DisplayName("FD-7/CoreReactor.terminate(): registered descriptors are told and all are closed before terminate() returns")
    public void terminateTellsRegisteredDescriptorsAndClosesAll() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        RecordingHandler readerHandler = new RecordingHandler(r);
        Pipe a = h.call(() -> r.openPipe(readerHandler, new RecordingHandler(r)));
        Pipe b = h.call(() -> r.openPipe(new RecordingHandler(r), new RecordingHandler(r)));
        h.run(() -> r.addReader(a.source()));
        AtomicReference<String> openAtStop = recordOpenAtStopped(r, a, b);

        r.terminate();

        assertTrue(readerHandler.lost().isDone(), "connectionLost must come before terminate() returns");
        assertNotNull(readerHandler.lost().getNow(null));
        assertEquals("false false false false", openAtStop.get());
    }

    @Test
    @DisplayName("DescriptorReactor.addReader/addWriter: a closed descriptor or one of another reactor is rejected with IllegalArgumentException")
    public void closedOrForeignDescriptorIsRejected() {
        ReactorHarness h = started();
        ReactorHarness other = started();
        Reactor r = h.reactor();
        Reactor o = other.reactor();
        Pipe mine = h.call(() -> r.openPipe(new RecordingHandler(r), new RecordingHandler(r)));
        Pipe foreign = other.call(() -> o.openPipe(new RecordingHandler(o), new RecordingHandler(o)));
        h.run(() -> {
            assertThrows(IllegalArgumentException.class, () -> r.addReader(foreign.source()));
            assertThrows(IllegalArgumentException.class, () -> r.addWriter(foreign.sink()));
            mine.source().close();
            assertFalse(mine.source().isOpen());
            mine.source().close(); // idempotent
            assertThrows(IllegalArgumentException.class, () -> r.addReader(mine.source()));
            assertThrows(IllegalArgumentException.class, () -> r.addWriter(mine.source()));
        });
    }

    @Test
    @DisplayName("Descriptor.close(): closing the sink gives the source end of stream; a closed descriptor leaves the read and write sets")
    public void closingTheSinkGivesEndOfStream() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        RecordingHandler source = new RecordingHandler(r);
        Pipe pipe = h.call(() -> r.openPipe(source, new RecordingHandler(r)));
        h.run(() -> {
            r.addReader(pipe.source());
            r.addWriter(pipe.sink());
            pipe.sink().write(bytes("last"));
            pipe.sink().close();
            assertFalse(pipe.sink().isOpen());
            assertFalse(r.writers().contains(pipe.sink()), "close() removes the descriptor from the write set");
        });
        ReactorHarness.await(source.eof());
        assertArrayEquals(bytes("last").array(), source.data());
    }

    // ------------------------------------------------------------------ helpers

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    private static int count(List<Descriptor> list, Descriptor d) {
        int n = 0;
        for (Descriptor x : list) {
            if (x == d) {
                n++;
            }
        }
        return n;
    }

    /** On the STOPPED change (made on the loop thread), records whether each pipe end is open. */
    private static AtomicReference<String> recordOpenAtStopped(Reactor r, Pipe a, Pipe b) {
        AtomicReference<String> open = new AtomicReference<>("listener not called");
        r.addLifecycleListener((re, from, to) -> {
            if (to == ReactorState.STOPPED) {
                open.set(a.source().isOpen() + " " + a.sink().isOpen() + " " + b.source().isOpen() + " " + b.sink().isOpen());
            }
        });
        return open;
    }

    /** A pipe whose source is a reader; a byte through it proves a readiness dispatch happened. */
    private static final class Probe {
        private final Pipe pipe;
        private final RecordingHandler handler;

        private Probe(Pipe pipe, RecordingHandler handler) {
            this.pipe = pipe;
            this.handler = handler;
        }

        static Probe open(ReactorHarness h) {
            Reactor r = h.reactor();
            RecordingHandler handler = new RecordingHandler(r);
            Pipe pipe = h.call(() -> {
                Pipe p = r.openPipe(handler, new RecordingHandler(r));
                r.addReader(p.source());
                return p;
            });
            return new Probe(pipe, handler);
        }

        /** Writes one byte to the probe and waits until its reader got it. */
        void pass(ReactorHarness h) {
            int before = handler.data().length;
            h.run(() -> pipe.sink().write(ByteBuffer.wrap(new byte[] {1})));
            ReactorHarness.await("the probe byte", () -> handler.data().length > before);
            h.call(() -> null);
        }
    }
}
