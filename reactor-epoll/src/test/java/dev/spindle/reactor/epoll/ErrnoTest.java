package dev.spindle.reactor.epoll;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.BlockingPeer;
import dev.spindle.reactor.contract.ReactorContractSupport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProtocol;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** errno values reach users by name, in typed exceptions. */
class ErrnoTest extends ReactorContractSupport {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return EpollTesting.newReactor(config);
    }

    @Test
    void namesAndMessagesComeFromTheGenericTable() {
        assertEquals("ECONNREFUSED", Errno.name(111));
        assertEquals("Connection refused", Errno.message(111));
        assertEquals("EAGAIN", Errno.name(Errno.EAGAIN));
        assertEquals("EHWPOISON", Errno.name(133));
        assertEquals("errno 9999", Errno.name(9999));
        assertEquals("errno 0", Errno.name(0));
        assertEquals("errno -3", Errno.name(-3));
        assertEquals("unknown error", Errno.message(9999));
        ErrnoException e = new ErrnoException("connect to /127.0.0.1:9", Errno.ECONNREFUSED);
        assertEquals("connect to /127.0.0.1:9: ECONNREFUSED (Connection refused)", e.getMessage());
        assertEquals("ECONNREFUSED", e.errnoName());
        assertEquals(0, e.getStackTrace().length, "expected failures are stackless");
    }

    @Test
    void connectToAClosedPortFailsNamingEconnrefused() throws Exception {
        ReactorHarness h = started();
        int port = BlockingPeer.closedPort();
        CompletionStage<Transport> result = h.call(() -> h.reactor().connectTcp("127.0.0.1", port, new RecordingProtocol()).result());
        Throwable failure = ReactorHarness.awaitFailure(result);
        assertInstanceOf(ConnectionFailedException.class, failure);
        assertTrue(failure.getMessage().contains("ECONNREFUSED"), failure.getMessage());
        // A java.net.ConnectException, as on the select backend, carrying the errno exception.
        assertInstanceOf(ConnectException.class, failure.getCause());
        ErrnoException cause = assertInstanceOf(ErrnoException.class, failure.getCause().getCause());
        assertEquals(Errno.ECONNREFUSED, cause.errno());
        assertTrue(cause.operation().contains(String.valueOf(port)), cause.operation());
    }

    @Test
    void listenOnAPortInUseFailsNamingEaddrinuse() throws Exception {
        ReactorHarness h = started();
        ServerSocket taken = closeLater(new ServerSocket(0, 50, BlockingPeer.LOOPBACK));
        CannotListenException e = h.call(() -> assertThrows(CannotListenException.class, () -> h.reactor()
                .listenTcp(new InetSocketAddress(BlockingPeer.LOOPBACK, taken.getLocalPort()), remote -> null)));
        assertTrue(e.getMessage().contains("EADDRINUSE"), e.getMessage());
        assertEquals(Errno.EADDRINUSE, assertInstanceOf(ErrnoException.class, e.getCause()).errno());
    }

    @Test
    void writingToAPipeWhoseReadEndIsClosedFailsNamingEpipe() {
        ReactorHarness h = started();
        Reactor r = h.reactor();
        String message = h.call(() -> {
            dev.spindle.reactor.Pipe p = r.openPipe(new dev.spindle.reactor.DescriptorHandler() { },
                    new dev.spindle.reactor.DescriptorHandler() { });
            p.source().close();
            ErrnoException e = assertThrows(ErrnoException.class, () -> p.sink().write(java.nio.ByteBuffer.wrap("x".getBytes(UTF_8))));
            p.sink().close();
            return e.getMessage();
        });
        assertTrue(message.contains("EPIPE"), message);
    }
}
