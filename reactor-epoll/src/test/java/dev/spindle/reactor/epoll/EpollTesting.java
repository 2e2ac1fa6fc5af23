package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;

/** Creates epoll reactors for tests, failing loudly (with the reason) if the backend is unavailable. */
final class EpollTesting {
    private EpollTesting() {
    }

    static Reactor newReactor(ReactorConfig config) {
        EpollReactorProvider provider = new EpollReactorProvider();
        if (!provider.isAvailable()) {
            throw new AssertionError("the epoll backend must be available to these tests: " + provider.unavailabilityCause(),
                    provider.unavailabilityCause());
        }
        return provider.create(config);
    }
}
