package dev.spindle.reactor.select;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.spi.ReactorProvider;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Provides the portable {@code select} backend: {@link java.nio.channels.Selector}, available
 * wherever Java 17 runs. Priority 10, below every native backend.
 */
public final class SelectReactorProvider implements ReactorProvider {
    /** The backend's name. */
    public static final String NAME = "select";

    /** The backend's priority: below every native backend. */
    public static final int PRIORITY = 10;

    /** Creates the provider; used by {@link java.util.ServiceLoader}. */
    public SelectReactorProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
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
        return new SelectReactor(Objects.requireNonNull(config, "config must not be null"));
    }

    @Override
    public String toString() {
        return "SelectReactorProvider[priority=" + PRIORITY + ", available]";
    }
}
