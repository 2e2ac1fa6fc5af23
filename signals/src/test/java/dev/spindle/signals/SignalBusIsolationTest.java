package dev.spindle.signals;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** SIG-4 fixed: every listener is isolated. */
class SignalBusIsolationTest extends BusOnDeterministicReactor {
    final List<ListenerFailure> failures = new ArrayList<>();

    @Test
    @DisplayName("SIG-4: a throwing listener is reported on LISTENER_FAILED after the others ran; fire does not throw")
    void throwingListenerIsIsolated() {
        RuntimeException boom = new IllegalStateException("listener b broke");
        SignalListener<String> b = (src, e) -> {
            log.add("b:" + e);
            throw boom;
        };
        bus.listen(source, TEXT, (src, e) -> log.add("a:" + e));
        bus.listen(source, TEXT, b);
        bus.listenAll(TEXT, (src, e) -> log.add("c:" + e));
        bus.listen(bus, SignalBus.LISTENER_FAILED, (src, f) -> {
            assertSame(bus, src, "failures are fired with the bus as source");
            log.add("failure");
            failures.add(f);
        });

        assertDoesNotThrow(() -> bus.fire(source, TEXT, "x"));

        assertEquals(List.of("a:x", "b:x", "c:x", "failure"), log);
        ListenerFailure f = failures.get(0);
        assertSame(source, f.source());
        assertEquals(TEXT, f.signal());
        assertEquals("x", f.event());
        assertSame(b, f.listener());
        assertSame(boom, f.cause());
        log.clear();
        bus.fire(source, TEXT, "y");
        assertEquals(List.of("a:y", "b:y", "c:y", "failure"), log, "the throwing listener stays registered");
    }

    @Test
    @DisplayName("SIG-4: the listener's exception is logged through SLF4J with its stack trace")
    void failureIsLogged() {
        bus.listen(source, TEXT, (src, e) -> {
            throw new IllegalStateException("logged-failure-marker");
        });
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            bus.fire(source, TEXT, "x");
        } finally {
            System.setErr(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("ERROR") && out.contains("test.text") && out.contains("logged-failure-marker")
                && out.contains("SignalBusIsolationTest"), out);
    }

    @Test
    @DisplayName("SIG-4: an exception from a LISTENER_FAILED listener is only logged: no report about a report, no recursion")
    void failingFailureListenerIsNotReported() {
        bus.listen(source, TEXT, (src, e) -> {
            throw new IllegalStateException("first");
        });
        bus.listenAll(SignalBus.LISTENER_FAILED, (src, f) -> {
            log.add("bad-failure-listener:" + f.cause().getMessage());
            throw new IllegalStateException("second");
        });
        bus.listenAll(SignalBus.LISTENER_FAILED, (src, f) -> log.add("good-failure-listener:" + f.cause().getMessage()));
        assertDoesNotThrow(() -> bus.fire(source, TEXT, "x"));
        assertEquals(List.of("bad-failure-listener:first", "good-failure-listener:first"), log);
    }

    @Test
    @DisplayName("SIG-4: Errors such as a LinkageError (a listener whose bundle went away) and AssertionError are isolated too")
    void errorsAreIsolated() {
        bus.listen(source, TEXT, (src, e) -> {
            throw new NoClassDefFoundError("gone/Listener");
        });
        bus.listen(source, TEXT, (src, e) -> {
            throw new AssertionError("assertion in listener");
        });
        bus.listen(source, TEXT, (src, e) -> log.add("ran:" + e));
        bus.listenAll(SignalBus.LISTENER_FAILED, (src, f) -> log.add("failed:" + f.cause().getClass().getSimpleName()));
        assertDoesNotThrow(() -> bus.fire(source, TEXT, "x"));
        assertEquals(List.of("ran:x", "failed:NoClassDefFoundError", "failed:AssertionError"), log);
    }

    @Test
    @DisplayName("SIG-4: a VirtualMachineError propagates, and the bus keeps delivering afterwards")
    void virtualMachineErrorPropagates() {
        Subscription fatal = bus.listen(source, TEXT, (src, e) -> {
            throw new InternalError("vm trouble");
        });
        bus.listen(source, TEXT, (src, e) -> log.add("later:" + e));
        InternalError e = assertThrows(InternalError.class, () -> bus.fire(source, TEXT, "x"));
        assertEquals("vm trouble", e.getMessage());
        fatal.close();
        bus.fire(source, TEXT, "y");
        assertEquals(List.of("later:y"), log, "delivery was not left owned by the failed fire");
    }

    @Test
    @DisplayName("SIG-4: a listener failing in a nested fire is reported too, in queue order")
    void nestedFailure() {
        bus.listen(source, TEXT, (src, e) -> {
            log.add("text");
            bus.fire(source, NUMBER, 1);
        });
        bus.listen(source, NUMBER, (src, n) -> {
            log.add("number");
            throw new IllegalArgumentException("bad number");
        });
        bus.listenAll(SignalBus.LISTENER_FAILED, (src, f) -> log.add("failed:" + f.signal().name()));
        bus.fire(source, TEXT, "x");
        assertEquals(List.of("text", "number", "failed:test.number"), log);
    }
}
