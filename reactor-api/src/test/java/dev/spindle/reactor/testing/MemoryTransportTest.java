package dev.spindle.reactor.testing;

import static dev.spindle.reactor.testing.RecordingProtocol.bytes;
import static dev.spindle.reactor.testing.RecordingProtocol.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.WriteBufferFullException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link dev.spindle.reactor.spi.AbstractStreamTransport} through {@link MemoryTransport}: the
 * real write queue, watermarks and close paths with a scripted socket (SPEC HK-TT-1).
 */
class MemoryTransportTest {
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);

    private DeterministicReactor reactor = DeterministicReactor.create();
    private final RecordingProtocol protocol = new RecordingProtocol();

    @AfterEach
    void terminate() {
        reactor.terminate();
    }

    private MemoryTransport connect(ReactorConfig config, RecordingProtocol p) {
        reactor = DeterministicReactor.create(config);
        return connect(p);
    }

    private MemoryTransport connect(RecordingProtocol p) {
        if (!reactor.state().isActive()) {
            reactor.start();
        }
        TcpListener l = (TcpListener) reactor.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                remote -> p);
        MemoryTransport t = reactor.accept(l, PEER);
        assertNotNull(t);
        return t;
    }

    @Test
    @DisplayName("delivered bytes reach dataReceived through the read path, in order")
    void deliveredBytesReachDataReceived() {
        MemoryTransport t = connect(protocol);

        t.deliver(bytes("hello"));
        t.deliver(ByteBuffer.wrap(bytes(" world")));

        assertEquals(List.of("made", "data:hello", "data: world"), protocol.events);
        assertSame(protocol, t.protocol());
        assertTrue(t.wantsRead());
        assertEquals(PEER, t.remoteAddress());
    }

    @Test
    @DisplayName("input larger than the read buffer arrives in buffer-sized reads, the rest in later passes")
    void largeInputIsReadInChunks() {
        MemoryTransport t = connect(ReactorConfig.builder().readBufferSize(64).build(), protocol);
        byte[] big = new byte[64 * 40];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }

        t.deliver(big);
        reactor.runUntilIdle();

        assertEquals(string(big), protocol.received());
        assertTrue(protocol.events.stream().filter(e -> e.startsWith("data:")).allMatch(e -> e.length() <= 5 + 64));
    }

    @Test
    @DisplayName("partial writes: the socket takes what it can, the rest queues and flushes in order")
    void partialWritesQueueAndFlushInOrder() {
        MemoryTransport t = connect(protocol);
        t.setWriteCapacity(3);

        t.write(bytes("abcdefgh"));
        assertEquals("abc", string(t.written()));
        assertEquals(5, t.pendingWriteBytes());
        assertTrue(t.wantsWrite());

        t.write(bytes("XY"));
        assertEquals("abc", string(t.written()), "nothing overtakes queued output");
        assertEquals(7, t.pendingWriteBytes());

        t.flushWritable();
        assertEquals("abcdef", string(t.takeWritten()));
        assertEquals("", string(t.written()));

        reactor.runPending();
        reactor.runPending();
        assertEquals("ghXY", string(t.takeWritten()));
        assertEquals(0, t.pendingWriteBytes());
        assertFalse(t.wantsWrite());
    }

    @Test
    @DisplayName("a full socket (capacity 0) takes nothing until it has room again")
    void fullSocketQueuesEverything() {
        MemoryTransport t = connect(protocol);
        t.setWriteCapacity(0);

        t.write(new ByteBuffer[] {ByteBuffer.wrap(bytes("ab")), ByteBuffer.wrap(bytes("cd"))});
        reactor.runUntilIdle();
        assertEquals(0, t.written().length);
        assertEquals(4, t.pendingWriteBytes());

        t.setWriteCapacity(MemoryTransport.UNLIMITED);
        reactor.runUntilIdle();

        assertEquals("abcd", string(t.written()));
        assertEquals(0, t.pendingWriteBytes());
    }

    @Test
    @DisplayName("a gathering write takes the buffers in order, as one write")
    void gatheringWritePartial() {
        MemoryTransport t = connect(protocol);
        t.setWriteCapacity(3);
        ByteBuffer a = ByteBuffer.wrap(bytes("ab"));
        ByteBuffer b = ByteBuffer.wrap(bytes("cde"));

        t.write(new ByteBuffer[] {a, b});

        assertFalse(a.hasRemaining() || b.hasRemaining(), "buffers are consumed");
        assertEquals("abc", string(t.written()));
        t.flushWritable();
        assertEquals("abcde", string(t.written()));
    }

    @Test
    @DisplayName("writabilityChanged fires exactly once per watermark crossing")
    void watermarkEventsOncePerCrossing() {
        MemoryTransport t = connect(protocol);
        t.setWriteWatermarks(4, 8);
        t.setWriteCapacity(0);

        t.write(bytes("12345678"));
        assertTrue(t.isWritable(), "at the high watermark is still writable");
        t.write(bytes("9"));
        t.write(bytes("more"));
        assertFalse(t.isWritable());
        assertEquals(1, protocol.count("writable:false"));

        t.setWriteCapacity(2);
        for (int i = 0; i < 3; i++) {
            t.flushWritable();
        }
        assertEquals(7, t.pendingWriteBytes());
        assertEquals(0, protocol.count("writable:true"), "above the low watermark");

        t.flushWritable();
        t.flushWritable();
        assertEquals(3, t.pendingWriteBytes());
        assertTrue(t.isWritable());
        assertEquals(1, protocol.count("writable:true"));

        t.write(bytes("xyzxyz"));
        assertEquals(2, protocol.count("writable:false"));
        reactor.runUntilIdle();
        assertEquals(List.of("made", "writable:false", "writable:true", "writable:false", "writable:true"), protocol.events);
    }

    @Test
    @DisplayName("a write past maxPendingWriteBytes throws WriteBufferFullException, queues nothing, and earlier data still goes out")
    void writeBufferFull() {
        MemoryTransport t = connect(ReactorConfig.builder().writeWatermarks(0, 16).maxPendingWriteBytes(16).build(), protocol);
        t.setWriteCapacity(0);
        t.write(bytes("0123456789"));
        ByteBuffer tooMuch = ByteBuffer.wrap(bytes("abcdefg"));

        WriteBufferFullException e = assertThrows(WriteBufferFullException.class, () -> t.write(tooMuch));

        assertTrue(e.getMessage().contains("10") && e.getMessage().contains("17") && e.getMessage().contains("16"),
                e.getMessage());
        assertEquals(10, t.pendingWriteBytes());
        assertEquals(7, tooMuch.remaining(), "the refused buffer is not consumed");
        assertTrue(t.isOpen());

        t.setWriteCapacity(MemoryTransport.UNLIMITED);
        reactor.runPending();
        assertEquals("0123456789", string(t.written()));
    }

    @Test
    @DisplayName("close() stops reading, flushes pending output, then connectionLost(null)")
    void closeFlushesThenLosesCleanly() {
        MemoryTransport t = connect(protocol);
        t.setWriteCapacity(0);
        t.write(bytes("bye"));

        t.close();

        assertTrue(t.isOpen());
        assertFalse(t.wantsRead());
        t.deliver(bytes("ignored while closing"));
        assertEquals(List.of("made"), protocol.events);

        t.setWriteCapacity(2);
        reactor.runUntilIdle();

        assertEquals("bye", string(t.written()));
        assertEquals(List.of("made", "lost:null"), protocol.events);
        assertFalse(t.isOpen());
        assertTrue(t.isSocketClosed());
    }

    @Test
    @DisplayName("abort() drops pending output; connectionLost gets a ConnectionLostException")
    void abortDropsPendingOutput() {
        MemoryTransport t = connect(protocol);
        t.setWriteCapacity(2);
        t.write(bytes("abcdef"));

        t.abort();
        reactor.runUntilIdle();

        assertEquals("ab", string(t.written()));
        assertEquals(0, t.pendingWriteBytes());
        assertEquals(List.of("made", "lost:ConnectionLostException"), protocol.events);
        assertTrue(t.isSocketClosed());
    }

    @Test
    @DisplayName("a write after close() or abort() throws IllegalStateException")
    void writeAfterCloseThrows() {
        MemoryTransport closing = connect(protocol);
        closing.setWriteCapacity(0);
        closing.write(bytes("x"));
        closing.close();
        MemoryTransport aborted = connect(new RecordingProtocol());
        aborted.abort();

        IllegalStateException e1 = assertThrows(IllegalStateException.class, () -> closing.write(bytes("y")));
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> aborted.write(bytes("y")));

        assertTrue(e1.getMessage().contains("close()"), e1.getMessage());
        assertTrue(e2.getMessage().contains("closed"), e2.getMessage());
    }

    @Test
    @DisplayName("shutdownOutput() shuts the sending half after the flush; reading goes on; peer EOF then closes")
    void halfCloseAfterFlush() {
        MemoryTransport t = connect(protocol);
        t.setWriteCapacity(0);
        t.write(bytes("request"));

        t.shutdownOutput();
        assertFalse(t.isOutputShutdown(), "waits for pending output");
        assertThrows(IllegalStateException.class, () -> t.write(bytes("more")));

        t.setWriteCapacity(MemoryTransport.UNLIMITED);
        reactor.runPending();
        assertTrue(t.isOutputShutdown());
        assertEquals("request", string(t.written()));

        t.deliver(bytes("response"));
        assertTrue(t.isOpen());
        t.deliverEof();

        assertEquals(List.of("made", "data:response", "eof", "lost:null"), protocol.events);
        assertTrue(t.isSocketClosed());
    }

    @Test
    @DisplayName("eofReceived() returning true keeps our sending half open for writing")
    void eofReceivedTrueKeepsWritingPossible() {
        protocol.keepOpenOnEof = true;
        MemoryTransport t = connect(protocol);

        t.deliver(bytes("last words"));
        t.deliverEof();
        assertTrue(t.isOpen());
        assertFalse(t.wantsRead());

        t.write(bytes("reply"));
        t.close();

        assertEquals("reply", string(t.written()));
        assertEquals(List.of("made", "data:last words", "eof", "lost:null"), protocol.events);
    }

    @Test
    @DisplayName("eofReceived() returning false (the default) closes once output is flushed")
    void eofReceivedFalseClosesAfterFlush() {
        MemoryTransport t = connect(protocol);
        t.setWriteCapacity(0);
        t.write(bytes("pending"));

        t.deliverEof();
        assertTrue(t.isOpen());

        t.setWriteCapacity(MemoryTransport.UNLIMITED);
        reactor.runPending();

        assertEquals("pending", string(t.written()));
        assertEquals(List.of("made", "eof", "lost:null"), protocol.events);
    }

    @Test
    @DisplayName("pauseReading() holds dataReceived back until resumeReading(); then the next pass reads")
    void pauseReadingStopsDataUntilResume() {
        MemoryTransport t = connect(protocol);

        t.pauseReading();
        t.deliver(bytes("held"));
        t.deliverEof();
        reactor.runUntilIdle();

        assertTrue(t.isReadingPaused());
        assertFalse(t.wantsRead());
        assertEquals(List.of("made"), protocol.events);

        t.resumeReading();
        reactor.runPending();
        assertEquals(List.of("made", "data:held"), protocol.events, "a short read ends the read event");

        reactor.runPending();
        assertEquals(List.of("made", "data:held", "eof", "lost:null"), protocol.events);
    }

    @Test
    @DisplayName("a protocol that throws from dataReceived loses its own connection only")
    void protocolThrowingAbortsOnlyItsConnection() {
        RecordingProtocol failing = new RecordingProtocol();
        IllegalStateException failure = new IllegalStateException("protocol bug");
        failing.throwOnData = failure;
        MemoryTransport bad = connect(failing);
        MemoryTransport good = connect(protocol);

        bad.deliver(bytes("x"));
        good.deliver(bytes("y"));

        assertEquals(List.of("made", "data:x", "lost:ConnectionLostException"), failing.events);
        assertSame(failure, failing.lostCauses.get(0).getCause());
        assertTrue(bad.isSocketClosed());
        assertEquals(List.of("made", "data:y"), protocol.events);
        assertTrue(good.isOpen());
        assertEquals(ReactorState.STARTED, reactor.state());
    }

    @Test
    @DisplayName("connectionLost runs exactly once, whatever follows the first ending")
    void connectionLostExactlyOnce() {
        MemoryTransport t = connect(protocol);

        t.close();
        t.close();
        t.abort();
        t.deliverEof();
        t.reset(new IOException("late reset"));
        reactor.stop();
        reactor.runUntilIdle();

        assertEquals(1, protocol.count("lost:"));
    }

    @Test
    @DisplayName("a reset by the peer loses the connection with the socket's error as cause")
    void resetByPeer() {
        MemoryTransport t = connect(protocol);
        IOException reset = new IOException("Connection reset by peer");
        t.deliver(bytes("partial"));

        t.reset(reset);

        assertEquals(List.of("made", "data:partial", "lost:ConnectionLostException"), protocol.events);
        assertTrue(protocol.lostCauses.get(0) instanceof ConnectionLostException);
        assertSame(reset, protocol.lostCauses.get(0).getCause());
    }

    @Test
    @DisplayName("a reset seen while reading is paused fails the next write instead")
    void resetWhilePausedFailsNextWrite() {
        MemoryTransport t = connect(protocol);
        t.pauseReading();
        IOException reset = new IOException("Connection reset by peer");

        t.reset(reset);
        assertTrue(t.isOpen());
        t.write(bytes("x"));

        assertEquals(List.of("made", "lost:ConnectionLostException"), protocol.events);
        assertSame(reset, protocol.lostCauses.get(0).getCause());
    }

    @Test
    @DisplayName("a protocol may echo the buffer it was handed; the echo is written before dataReceived returns")
    void echoInsideDataReceived() {
        AtomicReference<MemoryTransport> self = new AtomicReference<>();
        protocol.onData = s -> self.get().write(bytes(s.toUpperCase(java.util.Locale.ROOT)));
        self.set(connect(protocol));

        self.get().deliver(bytes("ping"));

        assertEquals("PING", string(self.get().written()));
    }

    @Test
    @Timeout(10)
    @DisplayName("transport methods off the loop thread throw IllegalStateException")
    void writeOffLoopThrows() throws InterruptedException {
        MemoryTransport t = connect(protocol);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                t.write(bytes("x"));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        other.start();
        other.join();

        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        assertEquals(0, t.written().length);
    }

    @Test
    void writeCapacityMustNotBeNegative() {
        MemoryTransport t = connect(protocol);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.setWriteCapacity(-1));

        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertEquals(MemoryTransport.UNLIMITED, t.writeCapacity());
        assertTrue(t.toString().contains("MemoryTransport"), t.toString());
    }

    @Test
    @DisplayName("the peer's calls on a closed socket are ignored, even after the reactor stopped")
    void peerCallsAfterCloseAreIgnored() {
        MemoryTransport t = connect(protocol);
        reactor.stop();
        reactor.runPending();
        assertEquals(ReactorState.STOPPED, reactor.state());

        t.deliver(bytes("late"));
        t.deliverEof();
        t.reset(new IOException("late"));
        t.flushWritable();

        assertEquals(List.of("made", "lost:null"), protocol.events);
    }

    @Test
    @DisplayName("deliver after deliverEof is a test bug and throws")
    void deliverAfterEofThrows() {
        protocol.keepOpenOnEof = true;
        MemoryTransport t = connect(protocol);
        t.deliverEof();

        assertThrows(IllegalStateException.class, () -> t.deliver(bytes("x")));
        assertTrue(Arrays.equals(new byte[0], t.written()));
    }
}
