package dev.spindle.reactor.contract;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.WriteBufferFullException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TCP data flow on real loopback sockets: pending output, watermarks and writability,
 * the hard limit, read pausing, graceful close, abort, half-close, and what stop() and
 * terminate() do to pending output ({@code Transport}, {@code Protocol},
 * {@code CoreReactor.stop}). Every byte is checked against {@link StreamPattern}.
 *
 * <p>A peer "that does not read" is a blocking {@code java.net} socket with a small receive
 * buffer that the test reads only when it chooses; a transport is backed up by writing until it
 * reports itself unwritable, never by guessing kernel buffer sizes.
 */
@Timeout(30)
public abstract class TcpFlowContractTest extends ReactorContractSupport {
    private static final int SMALL_RECEIVE_BUFFER = 16 * 1024;
    private static final int CHUNK = 64 * 1024;

    /** For subclasses. */
    protected TcpFlowContractTest() {
    }

    @Test
    @DisplayName("Transport back-pressure: 8 MiB+ to a peer that does not read queues output, writabilityChanged(false) once; after the peer drains, (true) and every byte intact")
    public void largeWriteToStalledPeerSignalsBackPressureThenDeliversAll() throws Exception {
        ReactorHarness h = started();
        Stalled s = stalledPeer(h);
        StreamPattern.Source src = new StreamPattern.Source();
        long[] after = h.call(() -> {
            fillUntilUnwritable(s.transport, src, CHUNK, 8L << 20);
            return new long[] {src.offset(), s.transport.pendingWriteBytes()};
        });
        long written = after[0];
        assertTrue(after[1] > h.reactor().config().writeHighWatermark(),
                "output the socket refused is queued: pending " + after[1]);
        assertEquals(List.of(false), s.client.writability(), "writabilityChanged(false) exactly once");
        assertFalse(h.call(s.transport::isWritable));

        StreamPattern.Check check = new StreamPattern.Check();
        BlockingPeer.readExactly(s.peer.getInputStream(), check, written);
        check.assertIntact();
        ReactorHarness.await("writabilityChanged(true)", () -> s.client.writability().size() == 2);
        assertEquals(List.of(false, true), s.client.writability());
        assertEquals(0L, h.call(s.transport::pendingWriteBytes));
        assertTrue(h.call(s.transport::isWritable));
        assertEquals(0, s.client.offLoopCalls());
    }


    @Test
    @DisplayName("Echo under back-pressure: writing back the very buffer dataReceived got consumes it and, while 8 MiB queue up, keeps every byte intact and in order")
    public void echoOfTheReceivedBufferUnderBackPressureKeepsEveryByte() throws Exception {
        ReactorHarness h = started();
        AtomicInteger notConsumed = new AtomicInteger();
        int port = h.call(() -> h.reactor().listenTcp(new InetSocketAddress(BlockingPeer.LOOPBACK, 0), remote -> new Protocol() {
            private Transport transport;

            @Override
            public void connectionMade(Transport t) {
                transport = t;
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                transport.write(data);
                if (data.hasRemaining()) {
                    notConsumed.incrementAndGet();
                }
            }
        }).port());
        long total = 8L << 20;
        Socket peer = closeLater(BlockingPeer.connect(port));
        // The peer sends everything before it reads anything: the echo backs up in the server.
        Thread writer = thread("echo-writer", () -> {
            try {
                OutputStream out = peer.getOutputStream();
                StreamPattern.Source src = new StreamPattern.Source();
                byte[] chunk = new byte[CHUNK];
                for (long sent = 0; sent < total; sent += CHUNK) {
                    src.next(CHUNK).get(chunk);
                    out.write(chunk);
                }
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        join(writer);
        StreamPattern.Check check = new StreamPattern.Check();
        BlockingPeer.readExactly(peer.getInputStream(), check, total);
        check.assertIntact();
        assertEquals(0, notConsumed.get(), "Transport.write must consume the buffer it is given");
    }

    @Test
    @DisplayName("WriteBufferFullException: a write past maxPendingWriteBytes throws naming the limit, queues nothing; earlier data is still delivered")
    public void writePastHardLimitThrowsAndQueuesNothing() throws Exception {
        long max = 256 * 1024;
        ReactorHarness h = started(config().writeWatermarks(16 * 1024, 64 * 1024).maxPendingWriteBytes(max).build());
        Stalled s = stalledPeer(h);
        StreamPattern.Source src = new StreamPattern.Source();
        int chunk = 16 * 1024;
        long written = h.call(() -> {
            Transport t = s.transport;
            while (t.pendingWriteBytes() + chunk <= max) {
                if (src.offset() > (48L << 20)) {
                    throw new AssertionError("pending output does not grow: " + t.pendingWriteBytes());
                }
                t.write(src.next(chunk));
            }
            long before = t.pendingWriteBytes();
            byte[] foreign = new byte[chunk];
            Arrays.fill(foreign, (byte) 0x5A);
            WriteBufferFullException e = assertThrows(WriteBufferFullException.class, () -> t.write(ByteBuffer.wrap(foreign)));
            assertTrue(String.valueOf(e.getMessage()).contains(String.valueOf(max)), e.getMessage());
            assertEquals(before, t.pendingWriteBytes(), "a refused write queues nothing");
            assertTrue(t.isOpen());
            return src.offset();
        });

        StreamPattern.Check check = new StreamPattern.Check();
        InputStream in = s.peer.getInputStream();
        BlockingPeer.readExactly(in, check, written);
        h.run(() -> {
            s.transport.write(src.next(1000));
            s.transport.close();
        });
        assertEquals(BlockingPeer.End.EOF, BlockingPeer.readToEnd(in, check));
        check.assertIntact();
        assertEquals(written + 1000, check.count());
        assertNull(ReactorHarness.await(s.client.lost()));
    }

    @Test
    @DisplayName("Transport.pauseReading: no dataReceived while paused and the sender backs up; resumeReading delivers the rest intact")
    public void pauseReadingStopsDeliveryUntilResumed() {
        ReactorHarness h = started();
        AtomicInteger accepted = new AtomicInteger();
        Server server = listen(h, () -> accepted.getAndIncrement() == 0 ? new RecordingProtocol() : new RecordingProtocol.Echo());
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, server.port(), client);
        RecordingProtocol receiver = server.next();
        RecordingProtocol probeClient = new RecordingProtocol();
        Transport probe = connect(h, server.port(), probeClient);
        server.next();
        StreamPattern.Source src = new StreamPattern.Source();

        h.run(() -> t.write(src.next(1000)));
        ReactorHarness.await("the first 1000 bytes", () -> receiver.receivedBytes() == 1000);
        h.run(() -> {
            Transport rt = receiver.transport();
            rt.pauseReading();
            rt.pauseReading();
            assertTrue(rt.isReadingPaused());
            t.write(src.next(1000));
        });
        probeRoundTrip(h, probe, probeClient);
        assertEquals(1000, receiver.receivedBytes(), "dataReceived while paused");

        long written = h.call(() -> {
            fillUntilUnwritable(t, src, CHUNK, 1L << 20);
            return src.offset();
        });
        probeRoundTrip(h, probe, probeClient);
        assertEquals(1000, receiver.receivedBytes(), "dataReceived while paused");
        assertFalse(h.call(t::isWritable), "the sender stays backed up while the receiver is paused");

        h.run(() -> {
            receiver.transport().resumeReading();
            assertFalse(receiver.transport().isReadingPaused());
        });
        ReactorHarness.await("all " + written + " bytes", () -> receiver.receivedBytes() == written);
        receiver.pattern().assertIntact();
        ReactorHarness.await("the sender writable again", () -> client.writability().equals(List.of(false, true)));
    }

    @Test
    @DisplayName("Transport.close(): pending output is flushed, then the peer sees EOF and the protocol connectionLost(null); writes after close throw")
    public void closeFlushesPendingOutputThenPeerSeesEof() throws Exception {
        ReactorHarness h = started();
        Stalled s = stalledPeer(h);
        StreamPattern.Source src = new StreamPattern.Source();
        long[] after = h.call(() -> {
            Transport t = s.transport;
            fillUntilUnwritable(t, src, CHUNK, 1L << 20);
            long pending = t.pendingWriteBytes();
            t.close();
            assertTrue(t.isOpen(), "open until the pending output is flushed");
            assertThrows(IllegalStateException.class, () -> t.write(new byte[] {1}));
            t.close();
            return new long[] {src.offset(), pending};
        });
        assertTrue(after[1] > 0, "there was pending output to flush");
        assertFalse(s.client.lost().isDone());

        StreamPattern.Check check = new StreamPattern.Check();
        assertEquals(BlockingPeer.End.EOF, BlockingPeer.readToEnd(s.peer.getInputStream(), check));
        check.assertIntact();
        assertEquals(after[0], check.count(), "every byte written before close() arrives");
        assertNull(ReactorHarness.await(s.client.lost()));
        assertEquals(1, s.client.lostCalls());
        assertFalse(h.call(s.transport::isOpen));
    }

    @Test
    @DisplayName("Transport.abort(): pending output is dropped, the protocol gets ConnectionLostException at once, the peer sees EOF or reset")
    public void abortDropsPendingOutput() throws Exception {
        ReactorHarness h = started();
        Stalled s = stalledPeer(h);
        StreamPattern.Source src = new StreamPattern.Source();
        long[] after = h.call(() -> {
            Transport t = s.transport;
            fillUntilUnwritable(t, src, CHUNK, 1L << 20);
            long pending = t.pendingWriteBytes();
            t.abort();
            assertTrue(s.client.lost().isDone(), "connectionLost comes inside abort()");
            assertFalse(t.isOpen());
            assertThrows(IllegalStateException.class, () -> t.write(new byte[] {1}));
            t.abort();
            t.close();
            return new long[] {src.offset(), pending};
        });
        assertTrue(after[1] > 0);
        assertInstanceOf(ConnectionLostException.class, s.client.lost().getNow(null));
        assertEquals(1, s.client.lostCalls());

        StreamPattern.Check check = new StreamPattern.Check();
        BlockingPeer.readToEnd(s.peer.getInputStream(), check);
        check.assertIntact();
        assertTrue(check.count() <= after[0] - after[1],
                "pending output must be dropped: peer got " + check.count() + " of " + after[0] + " with " + after[1] + " pending");
    }

    @Test
    @DisplayName("Transport.write: after close(), shutdownOutput(), abort() or connectionLost it throws IllegalStateException")
    public void writeAfterCloseShutdownOrAbortThrows() {
        ReactorHarness h = started();
        Server server = listen(h, RecordingProtocol::new);
        RecordingProtocol closedClient = new RecordingProtocol();
        Transport closed = connect(h, server.port(), closedClient);
        Transport halfClosed = connect(h, server.port(), new RecordingProtocol());
        Transport aborted = connect(h, server.port(), new RecordingProtocol());
        h.run(() -> {
            closed.close();
            assertThrows(IllegalStateException.class, () -> closed.write(new byte[] {1}));
            assertThrows(IllegalStateException.class, () -> closed.write(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            halfClosed.shutdownOutput();
            assertThrows(IllegalStateException.class, () -> halfClosed.write(new byte[] {1}));
            aborted.abort();
            assertThrows(IllegalStateException.class, () -> aborted.write(new byte[] {1}));
        });
        ReactorHarness.await(closedClient.lost());
        h.run(() -> assertThrows(IllegalStateException.class, () -> closed.write(new byte[] {1})));
    }

    @Test
    @DisplayName("Half-close: shutdownOutput() gives the peer EOF; a peer whose eofReceived returns true stays open, replies later and closes; the local side keeps receiving")
    public void halfCloseLetsThePeerReplyAfterEof() {
        ReactorHarness h = started();
        Server server = listen(h, () -> new RecordingProtocol().keepOpenOnEof());
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, server.port(), client);
        RecordingProtocol accepted = server.next();

        h.run(() -> {
            t.write("request".getBytes(UTF_8));
            t.shutdownOutput();
            assertTrue(t.isOpen(), "reading goes on after shutdownOutput()");
            assertThrows(IllegalStateException.class, () -> t.write(new byte[] {1}));
        });
        ReactorHarness.await("the server's eofReceived", () -> accepted.events().contains("eof"));
        h.run(() -> {
            Transport st = accepted.transport();
            assertTrue(st.isOpen(), "eofReceived returned true: the connection stays open");
            st.write(("reply:" + accepted.receivedText()).getBytes(UTF_8));
            st.close();
        });

        assertNull(ReactorHarness.await(client.lost()));
        assertEquals("reply:request", client.receivedText());
        assertEquals(List.of("made", "data", "eof", "lost"), client.events());
        assertNull(ReactorHarness.await(accepted.lost()));
        assertEquals(List.of("made", "data", "eof", "lost"), accepted.events());
    }

    @Test
    @DisplayName("Half-close: a blocking peer reads EOF after shutdownOutput() and can still send; the reply arrives, then a clean close")
    public void shutdownOutputLetsABlockingPeerReply() throws Exception {
        ReactorHarness h = started();
        Stalled s = stalledPeer(h);
        h.run(() -> {
            s.transport.write("question".getBytes(UTF_8));
            s.transport.shutdownOutput();
        });
        byte[] got = s.peer.getInputStream().readAllBytes();
        assertEquals("question", new String(got, UTF_8), "then EOF");
        s.peer.getOutputStream().write("late answer".getBytes(UTF_8));
        s.peer.shutdownOutput();

        assertNull(ReactorHarness.await(s.client.lost()));
        assertEquals("late answer", s.client.receivedText());
        assertEquals(List.of("made", "data", "eof", "lost"), s.client.events());
    }

    @Test
    @DisplayName("CoreReactor.stop(): pending output of open connections is flushed to the peer before they close (connectionLost(null))")
    public void stopFlushesPendingOutputBeforeClosing() throws Exception {
        ReactorHarness h = started();
        Stalled s = stalledPeer(h);
        StreamPattern.Source src = new StreamPattern.Source();
        long[] after = h.call(() -> {
            fillUntilUnwritable(s.transport, src, CHUNK, 1L << 20);
            return new long[] {src.offset(), s.transport.pendingWriteBytes()};
        });
        assertTrue(after[1] > 0);

        h.reactor().stop();
        StreamPattern.Check check = new StreamPattern.Check();
        assertEquals(BlockingPeer.End.EOF, BlockingPeer.readToEnd(s.peer.getInputStream(), check));
        check.assertIntact();
        assertEquals(after[0], check.count(), "every byte written before stop() arrives");
        assertNull(ReactorHarness.await(s.client.lost()));
        h.awaitState(ReactorState.STOPPED);
    }

    @Test
    @DisplayName("CoreReactor.terminate(): pending output is dropped and the protocol gets ConnectionLostException before terminate() returns")
    public void terminateDropsPendingOutput() throws Exception {
        ReactorHarness h = started();
        Stalled s = stalledPeer(h);
        StreamPattern.Source src = new StreamPattern.Source();
        long[] after = h.call(() -> {
            fillUntilUnwritable(s.transport, src, CHUNK, 1L << 20);
            return new long[] {src.offset(), s.transport.pendingWriteBytes()};
        });
        assertTrue(after[1] > 0);

        h.reactor().terminate();
        assertTrue(s.client.lost().isDone());
        assertInstanceOf(ConnectionLostException.class, s.client.lost().getNow(null));
        StreamPattern.Check check = new StreamPattern.Check();
        BlockingPeer.readToEnd(s.peer.getInputStream(), check);
        check.assertIntact();
        assertTrue(check.count() <= after[0] - after[1],
                "pending output must be dropped: peer got " + check.count() + " of " + after[0] + " with " + after[1] + " pending");
    }

    @Test
    @DisplayName("Transport.setWriteWatermarks: bad values throw IllegalArgumentException; good ones govern this transport's writability")
    public void perTransportWatermarksApply() throws Exception {
        ReactorHarness h = started();
        Stalled s = stalledPeer(h);
        StreamPattern.Source src = new StreamPattern.Source();
        int chunk = 4096;
        long maxPending = h.reactor().config().maxPendingWriteBytes();
        long[] after = h.call(() -> {
            Transport t = s.transport;
            assertThrows(IllegalArgumentException.class, () -> t.setWriteWatermarks(10, 5));
            assertThrows(IllegalArgumentException.class, () -> t.setWriteWatermarks(-1, 5));
            assertThrows(IllegalArgumentException.class,
                    () -> t.setWriteWatermarks(0, (int) Math.min(Integer.MAX_VALUE, maxPending + 1)));
            t.setWriteWatermarks(100, 1000);
            fillUntilUnwritable(t, src, chunk, 0);
            return new long[] {src.offset(), t.pendingWriteBytes()};
        });
        assertTrue(after[1] > 1000 && after[1] <= 1000 + chunk,
                "unwritable just past this transport's high watermark of 1000, found pending " + after[1]);
        assertEquals(List.of(false), s.client.writability());

        StreamPattern.Check check = new StreamPattern.Check();
        BlockingPeer.readExactly(s.peer.getInputStream(), check, after[0]);
        check.assertIntact();
        ReactorHarness.await("writable again", () -> s.client.writability().equals(List.of(false, true)));
    }

    // ------------------------------------------------------------------ helpers

    private Stalled stalledPeer(ReactorHarness h) throws Exception {
        ServerSocket listener = closeLater(BlockingPeer.listen(SMALL_RECEIVE_BUFFER));
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, listener.getLocalPort(), client);
        Socket peer = closeLater(BlockingPeer.accept(listener));
        return new Stalled(client, t, peer);
    }

    /** Sends a byte through an echo connection and waits for it: the loop polled all sockets since. */
    private static void probeRoundTrip(ReactorHarness h, Transport probe, RecordingProtocol probeClient) {
        long before = probeClient.receivedBytes();
        h.run(() -> probe.write(new byte[] {7}));
        ReactorHarness.await("the probe echo", () -> probeClient.receivedBytes() > before);
        h.call(() -> null);
    }

    /** A reactor client connected to a blocking peer that reads only when the test says. */
    private static final class Stalled {
        final RecordingProtocol client;
        final Transport transport;
        final Socket peer;

        Stalled(RecordingProtocol client, Transport transport, Socket peer) {
            this.client = client;
            this.transport = transport;
            this.peer = peer;
        }
    }
}
