package dev.spindle.itests.broken;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.spi.ReactorProvider;
import org.jspecify.annotations.Nullable;
import org.osgi.service.component.annotations.Component;

/**
 * A backend that claims to be the best and fails to create a reactor: {@code reactor-quick}
 * must log it and use the next best.
 */
@Component(service = ReactorProvider.class, property = {
        ReactorProvider.BACKEND_PROPERTY + "=" + BrokenReactorProvider.NAME, "service.ranking:Integer=" + BrokenReactorProvider.PRIORITY})
public final class BrokenReactorProvider implements ReactorProvider {
    /** The backend's name. */
    public static final String NAME = "broken";
    /** The message of the exception {@link #create} throws. */
    public static final String FAILURE = "the broken itests backend cannot create reactors";
    /** Above the test backend. */
    public static final int PRIORITY = 2000;

    /** Called by Service Component Runtime. */
    public BrokenReactorProvider() {
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
        throw new IllegalStateException(FAILURE);
    }
}
