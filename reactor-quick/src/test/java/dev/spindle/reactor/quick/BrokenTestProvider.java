package dev.spindle.reactor.quick;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.spi.ReactorProvider;
import org.jspecify.annotations.Nullable;

/** A provider whose constructor throws: ServiceLoader reports a ServiceConfigurationError. */
public final class BrokenTestProvider implements ReactorProvider {
    static final String CAUSE = "test: broken constructor";

    /**
     * Always throws.
     *
     * @throws IllegalStateException always
     */
    public BrokenTestProvider() {
        throw new IllegalStateException(CAUSE);
    }

    @Override
    public String name() {
        return "broken";
    }

    @Override
    public int priority() {
        return 2000;
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public @Nullable Throwable unavailabilityCause() {
        return null;
    }

    @Override
    public Reactor create(ReactorConfig config) {
        throw new AssertionError("never constructed");
    }
}
