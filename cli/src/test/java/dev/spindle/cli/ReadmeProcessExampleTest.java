package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.spindle.reactor.ProcessExit;
import dev.spindle.reactor.ProcessProtocol;
import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessStartException;
import dev.spindle.reactor.ProcessStream;
import dev.spindle.reactor.ProcessTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.quick.Reactors;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Runs the child-process example of the root {@code README.md} against a real reactor;
 * {@link ReadmeExampleTest} checks that the README shows exactly the code below.
 */
@Timeout(30)
@EnabledOnOs({OS.LINUX, OS.MAC})
class ReadmeProcessExampleTest {

    @Test
    void sortExampleSortsTheLinesAndStops() {
        Reactor reactor = Reactors.create();
        AtomicReference<String> sorted = new AtomicReference<>();
        reactor.callWhenRunning(() -> SortExample.sort(reactor, "pear\napple\nfig\n").whenComplete((s, failure) -> {
            sorted.set(failure == null ? s : "failed: " + failure);
            reactor.stop();
        }));
        reactor.run();
        assertEquals("apple\nfig\npear\n", sorted.get());
        assertEquals(ReactorState.STOPPED, reactor.state());
    }

    @Test
    void aMissingCommandFailsTheFuture() {
        Reactor reactor = Reactors.create();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        reactor.callWhenRunning(() -> {
            Collect collect = new Collect("x");
            try {
                reactor.spawnProcess(ProcessSpec.of("spindle-no-such-sort"), collect);
            } catch (ProcessStartException e) {
                collect.result.completeExceptionally(e);
            }
            collect.result.whenComplete((s, failure) -> {
                failed.set(failure);
                reactor.stop();
            });
        });
        reactor.run();
        assertInstanceOf(ProcessStartException.class, failed.get());
    }
}

// ---- The README's example, verbatim (imports above). ----

/** Feeds text to a child's standard input and completes with its standard output. */
final class Collect implements ProcessProtocol {
    private final byte[] input;
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    final CompletableFuture<String> result = new CompletableFuture<>();

    Collect(String input) {
        this.input = input.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void processStarted(ProcessTransport child) {
        child.write(input);  // never blocks the loop: queued, with back-pressure like a socket
        child.closeStdin();  // after the queued bytes, the child reads end of file
    }

    @Override
    public void outputReceived(ProcessStream stream, ByteBuffer data) {
        if (stream == ProcessStream.STDOUT) {
            byte[] bytes = new byte[data.remaining()]; // data is valid during this call only
            data.get(bytes);
            output.writeBytes(bytes);
        }
    }

    @Override
    public void processEnded(ProcessExit exit, Throwable cause) {
        if (cause != null) {
            result.completeExceptionally(cause);  // e.g. the reactor was terminated first
        } else if (!exit.isSuccess()) {
            result.completeExceptionally(new IllegalStateException("child failed: " + exit));
        } else {
            result.complete(output.toString(StandardCharsets.UTF_8));
        }
    }
}

final class SortExample {
    static CompletableFuture<String> sort(Reactor reactor, String lines) {
        Collect collect = new Collect(lines);
        ProcessSpec spec = ProcessSpec.builder("sort")
                .environmentVariable("LC_ALL", "C")  // on top of the inherited environment
                .build();
        try {
            reactor.spawnProcess(spec, collect);     // on the reactor thread
        } catch (ProcessStartException e) {
            collect.result.completeExceptionally(e); // e.g. "sort" is not on the PATH
        }
        return collect.result;
    }

    public static void main(String[] args) {
        Reactor reactor = Reactors.create();
        reactor.callWhenRunning(() -> sort(reactor, "pear\napple\nfig\n").whenComplete((sorted, failure) -> {
            System.out.print(failure == null ? sorted : "failed: " + failure + "\n");
            reactor.stop();
        }));
        reactor.run();
    }
}
