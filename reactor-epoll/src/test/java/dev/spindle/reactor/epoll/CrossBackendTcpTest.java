package dev.spindle.reactor.epoll;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.contract.StreamPattern;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real-socket TCP patterns with the two ends on different backends, both ways: an epoll
 * client against a select server and a select client against an epoll server. Each backend passes
 * the contract suite on its own; this checks that what one sends, the other receives, with the
 * same events, back-pressure, half-close, close, abort and reset behaviour.
 */
@Timeout(60)
class CrossBackendTcpTest extends CrossBackendSupport {
    private static final int CHUNK = 64 * 1024;

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void echoRoundTripAndCleanClose(Pairing p) {
        Ends e = ends(p);
        Server server = listen(e.server, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(e.client, server.port(), client);
        RecordingProtocol accepted = server.next();
        e.client.run(() -> t.write("hello across backends".getBytes(UTF_8)));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 21);
        assertEquals("hello across backends", client.receivedText());
        assertEquals(e.client.call(t::localAddress), e.server.call(() -> accepted.transport().remoteAddress()));

        e.client.run(t::close);
        assertNull(ReactorHarness.await(client.lost()));
        assertNull(ReactorHarness.await(accepted.lost()));
        assertEquals(List.of("made", "data", "lost"), client.events());
        assertEquals(List.of("made", "data", "eof", "lost"), accepted.events());
        assertEquals(0, client.offLoopCalls() + accepted.offLoopCalls());
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void smallAndGatheringWritesArriveInOrder(Pairing p) {
        Ends e = ends(p);
        Server server = listen(e.server, RecordingProtocol::new);
        Transport t = connect(e.client, server.port(), new RecordingProtocol());
        RecordingProtocol accepted = server.next();
        StreamPattern.Source src = new StreamPattern.Source();
        e.client.run(() -> {
            for (int i = 0; i < 5000; i++) {
                t.write(src.next(1 + i % 7));
            }
            ByteBuffer heap = src.next(100);
            ByteBuffer direct = ByteBuffer.allocateDirect(300);
            direct.put(src.next(300)).flip();
            t.write(new ByteBuffer[] {heap, direct, ByteBuffer.allocate(0), src.next(5000)});
        });
        long total = src.offset();
        ReactorHarness.await(total + " bytes", () -> accepted.receivedBytes() == total);
        accepted.pattern().assertIntact();
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void backPressureUntilTheReceiverResumesThenEveryByteIntact(Pairing p) {
        Ends e = ends(p);
        assertBackPressureUntilTheReceiverResumes(e, protocols -> listen(e.server, protocols),
                (server, client) -> connect(e.client, server.port(), client));
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void echoOfEightMebibytesBothWaysUnderBackPressure(Pairing p) {
        Ends e = ends(p);
        Server server = listen(e.server, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(e.client, server.port(), client);
        server.next();
        long total = 8L << 20;
        StreamPattern.Source src = new StreamPattern.Source();
        // All of it at once: the echo backs up in the server while the client's output backs up too.
        e.client.run(() -> {
            while (src.offset() < total) {
                t.write(src.next(CHUNK));
            }
        });
        ReactorHarness.await("the 8 MiB echo", () -> client.receivedBytes() == total);
        client.pattern().assertIntact();
        assertEquals(total, client.pattern().count());
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void halfCloseLetsTheServerReplyAfterEof(Pairing p) {
        Ends e = ends(p);
        assertHalfCloseLetsTheServerReply(e, protocols -> listen(e.server, protocols),
                (server, client) -> connect(e.client, server.port(), client));
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void closeFlushesPendingOutputBeforeTheReceiverSeesEof(Pairing p) {
        Ends e = ends(p);
        Link link = pausedReceiver(e);
        StreamPattern.Source src = new StreamPattern.Source();
        long written = e.client.call(() -> {
            fillUntilUnwritable(link.transport, src, CHUNK, 2L << 20);
            assertTrue(link.transport.pendingWriteBytes() > 0);
            link.transport.close();
            return src.offset();
        });
        e.server.run(() -> link.accepted.transport().resumeReading());
        assertNull(ReactorHarness.await(link.accepted.lost()));
        assertEquals(written, link.accepted.receivedBytes());
        link.accepted.pattern().assertIntact();
        assertNull(ReactorHarness.await(link.client.lost()));
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void abortDropsPendingOutput(Pairing p) {
        Ends e = ends(p);
        Link link = pausedReceiver(e);
        StreamPattern.Source src = new StreamPattern.Source();
        long[] after = e.client.call(() -> {
            fillUntilUnwritable(link.transport, src, CHUNK, 2L << 20);
            long pending = link.transport.pendingWriteBytes();
            link.transport.abort();
            return new long[] {src.offset(), pending};
        });
        assertInstanceOf(ConnectionLostException.class, link.client.lost().getNow(null));
        e.server.run(() -> link.accepted.transport().resumeReading());
        ReactorHarness.await(link.accepted.lost());
        link.accepted.pattern().assertIntact();
        assertTrue(link.accepted.receivedBytes() <= after[0] - after[1],
                "pending output must be dropped: received " + link.accepted.receivedBytes() + " of " + after[0] + " with " + after[1] + " pending");
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void receiverAbortingWithUnreadDataResetsTheWriter(Pairing p) {
        Ends e = ends(p);
        Link link = pausedReceiver(e);
        StreamPattern.Source src = new StreamPattern.Source();
        e.client.run(() -> fillUntilUnwritable(link.transport, src, CHUNK, 1L << 20));
        // Closing a socket with unread input sends a reset (RFC 2525 2.17), not a FIN.
        e.server.run(() -> link.accepted.transport().abort());
        Throwable cause = ReactorHarness.await(link.client.lost());
        assertInstanceOf(ConnectionLostException.class, cause, "a reset is a lost connection, not a clean close");
    }

    /** A connection from the client to a server whose side starts with reading paused. */
    private static Link pausedReceiver(Ends e) {
        Server server = listen(e.server, () -> new RecordingProtocol() {
            @Override
            protected void onConnectionMade(Transport t) {
                t.pauseReading();
            }
        });
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(e.client, server.port(), client);
        return new Link(client, t, server.next());
    }

    /** Both ends of one connection. */
    private static final class Link {
        final RecordingProtocol client;
        final Transport transport;
        final RecordingProtocol accepted;

        Link(RecordingProtocol client, Transport transport, RecordingProtocol accepted) {
            this.client = client;
            this.transport = transport;
            this.accepted = accepted;
        }
    }
}
