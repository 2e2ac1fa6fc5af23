package dev.spindle.reactor.quick;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.spi.ReactorProvider;
import org.jspecify.annotations.Nullable;

/** A backend that would win on priority but is unavailable, like epoll on macOS. */
public final class UnavailableTestProvider implements ReactorProvider {
    static final String NAME = "fake";
    static final String CAUSE = "test: not here";

    private static final Throwable UNAVAILABLE = new UnsupportedOperationException(CAUSE);

    /** Used by ServiceLoader. */
    public UnavailableTestProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1000;
    }

    @Override
    public boolean isAvailable() {
        return false;
    }

    @Override
    public @Nullable Throwable unavailabilityCause() {
        return UNAVAILABLE;
    }

    @Override
    public Reactor create(ReactorConfig config) {
        throw new IllegalStateException("fake backend is unavailable", UNAVAILABLE);
    }
}
