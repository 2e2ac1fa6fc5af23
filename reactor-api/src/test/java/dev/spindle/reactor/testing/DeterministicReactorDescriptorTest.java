package dev.spindle.reactor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.ReactorState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Readiness registration over in-memory pipes (SPEC §5.4). */
class DeterministicReactorDescriptorTest {
    private final DeterministicReactor reactor = DeterministicReactor.create();
    private final List<String> events = new ArrayList<>();
    private final List<Throwable> lostCauses = new ArrayList<>();

    @BeforeEach
    void start() {
        reactor.start();
    }

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    /** Records readiness; reads or writes only when told to. */
    private final class Handler implements DescriptorHandler {
        private final String name;
        boolean drain;
        int writeOnWritable;
        RuntimeException fail;

        Handler(String name) {
            this.name = name;
        }

        @Override
        public void readable(Descriptor d) throws IOException {
            events.add(name + " readable");
            if (fail != null) {
                throw fail;
            }
            if (drain) {
                ByteBuffer b = ByteBuffer.allocate(1024);
                int n = d.read(b);
                events.add(name + " read " + n);
            }
        }

        @Override
        public void writable(Descriptor d) throws IOException {
            events.add(name + " writable");
            if (fail != null) {
                throw fail;
            }
            if (writeOnWritable > 0) {
                d.write(ByteBuffer.allocate(writeOnWritable));
            }
        }

        @Override
        public void connectionLost(Descriptor d, Throwable cause) {
            events.add(name + " lost");
            lostCauses.add(cause);
        }
    }

    private static ByteBuffer data(int n) {
        return ByteBuffer.allocate(n);
    }

    @Test
    @DisplayName("bytes written to the sink are read from the source; a closed sink gives end of stream")
    void pipeCarriesBytesThenEof() throws IOException {
        Pipe p = reactor.openPipe(new Handler("src"), new Handler("sink"));

        assertEquals(3, p.sink().write(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        ByteBuffer dst = ByteBuffer.allocate(2);
        assertEquals(2, p.source().read(dst));
        assertEquals(0, dst.remaining());
        dst.clear();
        assertEquals(1, p.source().read(dst));
        assertEquals(3, dst.get(0));
        assertEquals(0, p.source().read(dst.clear()));

        p.sink().close();

        assertEquals(-1, p.source().read(dst.clear()));
        assertThrows(IOException.class, () -> p.sink().write(data(1)));
    }

    @Test
    @DisplayName("writing to a pipe whose source is closed fails (broken pipe)")
    void closedSourceBreaksThePipe() {
        Pipe p = reactor.openPipe(new Handler("src"), new Handler("sink"));
        p.source().close();

        IOException e = assertThrows(IOException.class, () -> p.sink().write(data(1)));

        assertTrue(e.getMessage().contains("Broken pipe"), e.getMessage());
    }

    @Test
    @DisplayName("a registered reader is told in every pass while it has bytes (SPEC FD-1)")
    void readerToldWhileReadable() throws IOException {
        Handler src = new Handler("src");
        Pipe p = reactor.openPipe(src, new Handler("sink"));
        reactor.addReader(p.source());

        reactor.runPending();
        assertEquals(List.of(), events, "nothing to read");

        p.sink().write(data(5));
        reactor.runPending();
        reactor.runPending();
        assertEquals(List.of("src readable", "src readable"), events, "level-triggered until read");

        src.drain = true;
        reactor.runPending();
        reactor.runPending();
        assertEquals(List.of("src readable", "src readable", "src readable", "src read 5"), events);
    }

    @Test
    @DisplayName("a registered writer is told in every pass while its pipe has room (SPEC FD-2)")
    void writerToldWhileWritable() {
        Handler sink = new Handler("sink");
        sink.writeOnWritable = DeterministicReactor.PIPE_CAPACITY / 2;
        Pipe p = reactor.openPipe(new Handler("src"), sink);
        reactor.addWriter(p.sink());

        reactor.runPending();
        reactor.runPending();
        reactor.runPending();

        assertEquals(List.of("sink writable", "sink writable"), events, "not writable once the pipe is full");
        reactor.runUntilIdle();
        assertEquals(2, events.size(), "a full pipe is not ready: the loop is idle");
    }

    @Test
    @DisplayName("add has set semantics; readers()/writers() reflect additions and removals; removing the absent is a no-op (SPEC FD-1, FD-3, FD-4)")
    void registrationSets() {
        Pipe p = reactor.openPipe(new Handler("src"), new Handler("sink"));

        reactor.addReader(p.source());
        reactor.addReader(p.source());
        reactor.addWriter(p.sink());
        assertEquals(List.of(p.source()), reactor.readers());
        assertEquals(List.of(p.sink()), reactor.writers());

        reactor.removeReader(p.source());
        reactor.removeReader(p.source());
        reactor.removeWriter(p.source());
        assertEquals(List.of(), reactor.readers());
        assertEquals(List.of(p.sink()), reactor.writers());
    }

    @Test
    @DisplayName("removeAll removes and returns every reader and writer once (SPEC FD-5)")
    void removeAllDeduplicates() {
        Pipe p = reactor.openPipe(new Handler("src"), new Handler("sink"));
        Pipe q = reactor.openPipe(new Handler("src2"), new Handler("sink2"));
        reactor.addReader(p.source());
        reactor.addWriter(p.source());
        reactor.addWriter(q.sink());

        List<Descriptor> removed = reactor.removeAll();

        assertEquals(List.of(p.source(), q.sink()), removed);
        assertEquals(List.of(), reactor.readers());
        assertEquals(List.of(), reactor.writers());
    }

    @Test
    @DisplayName("a handler that throws is removed as reader and writer and told connectionLost once (SPEC FD-8)")
    void throwingHandlerIsDropped() throws IOException {
        Handler src = new Handler("src");
        IllegalStateException failure = new IllegalStateException("handler bug");
        src.fail = failure;
        Pipe p = reactor.openPipe(src, new Handler("sink"));
        reactor.addReader(p.source());
        reactor.addWriter(p.source());
        p.sink().write(data(1));

        reactor.runPending();
        reactor.runPending();

        assertEquals(List.of("src readable", "src lost"), events);
        assertSame(failure, lostCauses.get(0));
        assertEquals(List.of(), reactor.readers());
        assertEquals(List.of(), reactor.writers());
        assertTrue(p.source().isOpen(), "removed, not closed");
        assertEquals(ReactorState.STARTED, reactor.state());

        reactor.stop();
        reactor.runPending();
        assertEquals(List.of("src readable", "src lost"), events, "connectionLost at most once");
    }

    @Test
    @DisplayName("stop closes every descriptor and tells the registered ones connectionLost (SPEC FD-7, CORE-4)")
    void stopClosesDescriptors() {
        Pipe p = reactor.openPipe(new Handler("src"), new Handler("sink"));
        Pipe idle = reactor.openPipe(new Handler("idle-src"), new Handler("idle-sink"));
        reactor.addReader(p.source());
        reactor.addWriter(p.sink());
        reactor.removeWriter(p.sink());

        reactor.stop();
        reactor.runPending();

        assertEquals(ReactorState.STOPPED, reactor.state());
        assertEquals(List.of("src lost"), events);
        assertTrue(lostCauses.get(0) instanceof ConnectionLostException);
        for (Descriptor d : List.of(p.source(), p.sink(), idle.source(), idle.sink())) {
            assertFalse(d.isOpen(), d + " closed");
        }
    }

    @Test
    @DisplayName("terminate closes every descriptor and tells the registered ones connectionLost (SPEC FD-7)")
    void terminateClosesDescriptors() {
        Pipe p = reactor.openPipe(new Handler("src"), new Handler("sink"));
        reactor.addReader(p.source());
        reactor.addWriter(p.sink());

        reactor.terminate();

        assertEquals(List.of("src lost", "sink lost"), events);
        assertFalse(p.source().isOpen());
        assertFalse(p.sink().isOpen());
    }

    @Test
    @DisplayName("a closed descriptor leaves the read and write sets and cannot be added again")
    void closedDescriptorCannotBeAdded() {
        Pipe p = reactor.openPipe(new Handler("src"), new Handler("sink"));
        reactor.addReader(p.source());

        p.source().close();
        p.source().close();

        assertEquals(List.of(), reactor.readers());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reactor.addReader(p.source()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    @DisplayName("a descriptor that this reactor did not create is rejected")
    void foreignDescriptorIsRejected() {
        DeterministicReactor other = DeterministicReactor.create();
        other.start();
        Pipe theirs = other.openPipe(new Handler("theirs"), new Handler("theirs"));
        Descriptor handMade = new Descriptor() {
            @Override
            public int read(ByteBuffer dst) {
                return 0;
            }

            @Override
            public int write(ByteBuffer src) {
                return 0;
            }

            @Override
            public void close() {
            }

            @Override
            public boolean isOpen() {
                return true;
            }
        };

        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class, () -> reactor.addWriter(handMade));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> reactor.addReader(theirs.source()));

        assertTrue(e1.getMessage().contains("not created by this reactor"), e1.getMessage());
        assertTrue(e2.getMessage().contains("not created by this reactor"), e2.getMessage());
        other.terminate();
    }

    @Test
    void openPipeNeedsAnActiveReactor() {
        DeterministicReactor idle = DeterministicReactor.create();

        assertThrows(IllegalStateException.class, () -> idle.openPipe(new Handler("a"), new Handler("b")));
    }
}
