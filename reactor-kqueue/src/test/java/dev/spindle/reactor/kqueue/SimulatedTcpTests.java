package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_DISABLE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ENABLE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.ReactorContractSupport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingHandler;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.contract.StreamPattern;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TCP and pipes on the kqueue reactor running on its own thread over a simulated BSD kernel:
 * everything between the protocol and the system calls is the backend's real code, the kernel a
 * model of the system's ({@link SimulatedKernel}). Subclassed per system.
 */
@Timeout(60)
abstract class SimulatedTcpTests extends ReactorContractSupport {
    final SimulatedKernel kernel = new SimulatedKernel(platform());

    abstract BsdPlatform platform();

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return KqueueTesting.simulated(config, kernel);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    @Test
    void anEchoTravelsThroughListenConnectAndNameResolution() {
        ReactorHarness h = started();
        Server server = listen(h, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, server.port(), client);
        server.next();
        h.run(() -> t.write(bytes("kqueue says hello")));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 17);
        assertEquals("kqueue says hello", client.receivedText());
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), t.remoteAddress());
    }

    @Test
    void ipv6UsesTheSystemsFamilyNumber() {
        ReactorHarness h = started();
        InetSocketAddress any6 = new InetSocketAddress(loopback6(), 0);
        int port = h.call(() -> h.reactor().listenTcp(any6, remote -> new RecordingProtocol.Echo()).port());
        RecordingProtocol client = new RecordingProtocol();
        Transport t = ReactorHarness.await(h.call(() -> h.reactor().connectTcp("::1", port, client).result()));
        h.run(() -> t.write(bytes("six")));
        ReactorHarness.await("the echo over IPv6", () -> client.receivedBytes() == 3);
        assertEquals(new InetSocketAddress(loopback6(), port), t.remoteAddress());
    }

    private static InetAddress loopback6() {
        try {
            return InetAddress.getByName("::1");
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRefusedConnectFailsNamingEconnrefusedWhetherReportedByEventOrAtOnce() {
        ReactorHarness h = started();
        int closed = h.call(() -> {
            ListeningPort p = h.reactor().listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), remote -> null);
            int n = p.port();
            p.close();
            return n;
        });
        for (boolean atOnce : new boolean[] {false, true}) {
            kernel.refuseAtOnce(atOnce);
            CompletionStage<Transport> result = h.call(() -> h.reactor().connectTcp("127.0.0.1", closed, new RecordingProtocol()).result());
            Throwable failure = ReactorHarness.awaitFailure(result);
            assertInstanceOf(ConnectionFailedException.class, failure);
            assertTrue(failure.getMessage().contains("ECONNREFUSED (Connection refused)"), failure.getMessage());
            ErrnoException cause = assertInstanceOf(ErrnoException.class, failure.getCause());
            assertEquals(61, cause.errno(), "the BSD number (Linux's is 111)");
        }
        ReactorHarness.await("the refused sockets are closed", () -> kernel.openDescriptors() == 1);
    }

    @Test
    void backPressureHoldsAcrossAPausedReaderAndEveryByteArrivesInOrder() {
        kernel.receiveBuffer(64 * 1024);
        ReactorHarness h = started();
        Server server = listen(h, () -> new RecordingProtocol() {
            @Override
            protected void onConnectionMade(Transport t) {
                t.pauseReading();
            }
        });
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(h, server.port(), client);
        RecordingProtocol accepted = server.next();
        StreamPattern.Source src = new StreamPattern.Source();
        h.run(() -> fillUntilUnwritable(t, src, 16 * 1024, 1 << 20));
        long sent = src.offset();
        assertTrue(h.call(() -> !t.isWritable()));
        h.run(() -> accepted.transport().resumeReading());
        ReactorHarness.await("every byte at the server", () -> accepted.receivedBytes() == sent);
        accepted.pattern().assertIntact();
        ReactorHarness.await("writable again", () -> client.writability().equals(List.of(false, true)));
        assertEquals(0L, (long) h.call(t::pendingWriteBytes));
    }

    @Test
    void aPeerResettingDuringALargeWriteEndsTheConnectionNamingTheErrnoWithoutSigpipe() {
        ReactorHarness h = started();
        StreamPattern.Source src = new StreamPattern.Source();
        // Keeps megabytes queued; the reset comes while it writes.
        class Writer extends RecordingProtocol {
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

            private void fill(Transport t) {
                while (t.isOpen() && (t.isWritable() || src.offset() < (4L << 20))) {
                    t.write(src.next(64 * 1024));
                }
            }
        }
        Writer writer = new Writer();
        Server server = listen(h, () -> new RecordingProtocol() {
            @Override
            protected void onData(ByteBuffer data) {
                // Reads a little, then resets with the rest unread.
                if (receivedBytes() >= 256 * 1024 && transport().isOpen()) {
                    transport().pauseReading();
                    transport().abort();
                }
            }
        });
        connect(h, server.port(), writer);
        Throwable cause = ReactorHarness.await(writer.lost());
        assertInstanceOf(ConnectionLostException.class, cause);
        ErrnoException errno = assertInstanceOf(ErrnoException.class, cause.getCause());
        assertTrue(errno.errno() == BsdErrno.ECONNRESET || errno.errno() == BsdErrno.EPIPE, errno.getMessage());
        assertTrue(cause.getMessage().matches(".*(ECONNRESET|EPIPE).*"), cause.getMessage());
        assertEquals(0, kernel.sigpipes(), platform().os() == BsdPlatform.Os.DARWIN
                ? "SO_NOSIGPIPE on every socket" : "MSG_NOSIGNAL on every send");
        assertEquals(ReactorState.STARTED, h.call(h.reactor()::state));
    }

    @Test
    void runningOutOfDescriptorsPausesAcceptingThenResumes() {
        ReactorHarness h = started();
        kernel.record(true);
        Server server = listen(h, RecordingProtocol::new);
        int lfd = h.call(() -> ((KqueueListeningPort) server.listeningPort()).fd());
        // Room for the client's socket, none for the accepted one.
        kernel.descriptorLimit(3 + kernel.openDescriptors() + 1);
        RecordingProtocol client = new RecordingProtocol();
        connect(h, server.port(), client);
        ReactorHarness.await("accepting paused", () -> h.call(() -> ((KqueueListeningPort) server.listeningPort()).pauses()) == 1);
        assertEquals(0, server.waiting());
        kernel.descriptorLimit(1024);
        RecordingProtocol accepted = server.next();
        assertTrue(accepted.made().isDone());
        StringBuilder records = new StringBuilder();
        for (SimulatedKernel.Call c : kernel.calls()) {
            for (SimulatedKernel.Kevent e : c.changes()) {
                if (e.ident() == lfd && e.filter() == EVFILT_READ && (e.flags() & (EV_ENABLE | EV_DISABLE)) != 0) {
                    records.append((e.flags() & EV_DISABLE) != 0 ? "disable " : "enable ");
                }
            }
        }
        assertTrue(records.toString().matches("(disable enable )+"), "the listening socket's filter was switched off, then on: " + records);
        assertTrue(h.call(() -> ((KqueueListeningPort) server.listeningPort()).acceptFailures()) >= 1);
    }

    @Test
    void everyDescriptorIsNonBlockingAndCloseOnExecAndNoneOutlivesTheLoop() {
        ReactorHarness h = started();
        Server server = listen(h, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        connect(h, server.port(), client);
        server.next();
        Pipe pipe = h.call(() -> h.reactor().openPipe(new RecordingHandler(h.reactor()), new RecordingHandler(h.reactor())));
        assertEquals(6, kernel.openDescriptors(), "kqueue, listener, client, accepted, two pipe ends: " + kernel.describeOpen());
        for (String d : kernel.describeOpen()) {
            int fd = Integer.parseInt(d.substring(0, d.indexOf(':')));
            assertTrue(kernel.wellConfigured(fd), () -> "badly configured: " + d);
        }
        assertTrue(pipe.source().isOpen());
        h.reactor().terminate();
        assertEquals(List.of(), kernel.describeOpen());
        assertEquals(0, kernel.pipeSigpipes());
    }

    @Test
    void aHalfCloseLetsThePeerAnswerBeforeTheConnectionEnds() {
        ReactorHarness h = started();
        Server server = listen(h, () -> new RecordingProtocol() {
            @Override
            protected boolean onEof(boolean keepOpen) {
                transport().write(bytes("bye"));
                transport().close();
                return true;
            }
        });
        RecordingProtocol client = new RecordingProtocol().keepOpenOnEof();
        Transport t = connect(h, server.port(), client);
        server.next();
        h.run(() -> {
            t.write(bytes("done"));
            t.shutdownOutput();
        });
        assertNull(ReactorHarness.await(client.lost()), "a clean end");
        assertEquals("bye", client.receivedText());
    }

    @Test
    void aWildcardListenerReportsEachConnectionsOwnLocalAddress() {
        ReactorHarness h = started();
        java.util.concurrent.CompletableFuture<RecordingProtocol> accepted = new java.util.concurrent.CompletableFuture<>();
        int port = h.call(() -> h.reactor().listenTcp(new InetSocketAddress(0), remote -> {
            RecordingProtocol p = new RecordingProtocol.Echo();
            accepted.complete(p);
            return p;
        }, ListenOptions.builder().tcpNoDelay(true).build()).port());
        RecordingProtocol client = new RecordingProtocol();
        Transport t = ReactorHarness.await(h.call(() -> h.reactor().connectTcp("127.0.0.1", port, client).result()));
        h.run(() -> t.write(bytes("x")));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 1);
        InetSocketAddress expected = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        assertEquals(expected, t.remoteAddress());
        assertEquals(expected, ReactorHarness.await(accepted).transport().localAddress(), "getsockname, not the wildcard");
    }

    @Test
    void theLinuxAbstractNamespaceIsRefusedSayingWhyAndOpensNothing() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        dev.spindle.reactor.UnixAddress name = dev.spindle.reactor.UnixAddress.abstractName("spindle-kqueue");
        String listen = h.call(() -> org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> r.listenUnix(name, remote -> null, dev.spindle.reactor.UnixListenOptions.defaults())).getMessage());
        assertTrue(listen.contains("kqueue") && listen.contains("abstract namespace"), listen);
        String connect = h.call(() -> org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> r.connectUnix(name, new RecordingProtocol(), dev.spindle.reactor.ConnectOptions.defaults()))
                .getMessage());
        assertTrue(connect.contains("abstract namespace"), connect);
        assertEquals(1, kernel.openDescriptors(), "nothing was opened but the kqueue");
    }
}
