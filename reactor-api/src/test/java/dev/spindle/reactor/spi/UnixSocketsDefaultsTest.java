package dev.spindle.reactor.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.Transport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link AbstractReactor} does for a backend that has no UNIX-domain sockets of its own, and
 * the {@code sun_path} limits {@link UnixSocketFile} applies.
 */
@Timeout(10)
class UnixSocketsDefaultsTest {

    @Test
    @DisplayName("a backend without UNIX-domain sockets: listenUnix and connectUnix throw UnsupportedOperationException naming it, and nothing stays tracked")
    void backendWithoutUnixSocketsSaysSo() {
        AbstractReactorRunTest.ScriptedReactor reactor = new AbstractReactorRunTest.ScriptedReactor();
        List<Throwable> thrown = new ArrayList<>();
        List<Integer> pendingAfter = new ArrayList<>();
        Protocol protocol = new Protocol() {
            @Override
            public void connectionMade(Transport t) {
            }

            @Override
            public void dataReceived(java.nio.ByteBuffer data) {
            }
        };
        reactor.callWhenRunning(() -> {
            thrown.add(assertThrows(UnsupportedOperationException.class,
                    () -> reactor.listenUnix(Path.of("a.sock"), remote -> null)));
            thrown.add(assertThrows(UnsupportedOperationException.class,
                    () -> reactor.connectUnix(Path.of("a.sock"), protocol)));
            thrown.add(assertThrows(UnsupportedOperationException.class,
                    () -> reactor.connectUnix(UnixAddress.abstractName("x"), protocol, ConnectOptions.defaults())));
            pendingAfter.add(reactor.pendingCalls().size());
            reactor.stop();
        });

        reactor.run();

        assertEquals(3, thrown.size());
        assertTrue(thrown.get(0).getMessage().contains("scripted backend does not support UNIX-domain sockets"),
                thrown.get(0).getMessage());
        assertTrue(thrown.get(1).getMessage().contains("scripted backend does not support UNIX-domain sockets"),
                thrown.get(1).getMessage());
        assertTrue(thrown.get(2).getMessage().contains("abstract namespace"), thrown.get(2).getMessage());
        assertEquals(List.of(0), pendingAfter, "the connector's timeout was cancelled");
    }

    @Test
    @DisplayName("sun_path limits: 107 bytes on Linux, 103 on macOS and the BSDs, the kernel decides elsewhere")
    void pathLimits() {
        assertEquals(107, UnixSocketFile.maxPathBytes("Linux"));
        assertEquals(103, UnixSocketFile.maxPathBytes("Mac OS X"));
        assertEquals(103, UnixSocketFile.maxPathBytes("FreeBSD"));
        assertEquals(Integer.MAX_VALUE, UnixSocketFile.maxPathBytes("Windows 11"));
    }
}
