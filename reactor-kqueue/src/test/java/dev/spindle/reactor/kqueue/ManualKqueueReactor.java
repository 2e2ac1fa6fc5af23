package dev.spindle.reactor.kqueue;

import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ReactorConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/**
 * A kqueue reactor turned by hand on the test thread, over a non-blocking {@link SimulatedKernel}:
 * each {@link #turn()} is one loop pass, one {@code kevent}. With a manual clock nothing in it
 * depends on timing.
 */
final class ManualKqueueReactor extends KqueueReactor {
    ManualKqueueReactor(ReactorConfig config, SimulatedKernel kernel) {
        super(config, kernel.platform(), arena -> kernel);
    }

    /** Makes the calling thread the loop thread and opens the backend. */
    void activate() {
        activateOnCurrentThread();
    }

    /** One loop pass. */
    void turn() {
        if (!runOneTurn()) {
            throw new AssertionError("the loop ended: " + state() + " " + error());
        }
    }

    /** Turns until {@code condition} holds, at most {@code max} passes. */
    void turnUntil(String what, int max, BooleanSupplier condition) {
        for (int i = 0; i < max; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            turn();
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError(what + ": not after " + max + " passes");
        }
    }

    /** The wake-up, as another thread's {@code execute} would issue it. */
    void wake() {
        wakeupBackend();
    }

    /** Starts a connect to a resolved address, as the shared connector does after resolving. */
    PendingConnect connect(InetSocketAddress target, Protocol protocol, ConnectListener listener) throws IOException {
        return beginConnect(target, ConnectOptions.defaults(), protocol, listener);
    }

    /** Terminates from the loop thread and lets the loop end (the backend closes). */
    void end() {
        terminate();
        while (runOneTurn()) {
            // terminate() ended the loop; the next pass closes the backend
        }
    }
}
