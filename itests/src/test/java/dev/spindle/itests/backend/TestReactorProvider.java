package dev.spindle.itests.backend;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.spi.ReactorProvider;
import org.jspecify.annotations.Nullable;
import org.osgi.service.component.annotations.Component;

/**
 * A third-party backend registered the way the README tells: a Declarative Services component
 * providing {@link ReactorProvider} with {@value ReactorProvider#BACKEND_PROPERTY}{@code =test} and
 * {@code service.ranking} equal to its priority, {@value #PRIORITY}, above every real backend.
 */
@Component(service = ReactorProvider.class, property = {
        ReactorProvider.BACKEND_PROPERTY + "=" + TestReactorProvider.NAME,
        "service.ranking:Integer=" + TestReactorProvider.PRIORITY})
public final class TestReactorProvider implements ReactorProvider {
    /** The backend's name. */
    public static final String NAME = "test";
    /** Deliberately above every real backend (select 10, epoll 30), so that it is the best. */
    public static final int PRIORITY = 1000;

    /** Called by Service Component Runtime. */
    public TestReactorProvider() {
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
        return new TestReactor(config);
    }
}
