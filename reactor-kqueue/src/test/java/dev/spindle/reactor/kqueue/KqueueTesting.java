package dev.spindle.reactor.kqueue;

import dev.spindle.reactor.ReactorConfig;

/** Creates kqueue reactors over a {@link SimulatedKernel} for tests on machines without kqueue. */
final class KqueueTesting {
    private KqueueTesting() {
    }

    /** A reactor whose every loop run uses {@code kernel}. */
    static KqueueReactor simulated(ReactorConfig config, SimulatedKernel kernel) {
        return new KqueueReactor(config, kernel.platform(), arena -> kernel);
    }
}
