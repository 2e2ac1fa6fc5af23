package dev.spindle.reactor.spi;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ReactorProvider} that hands every call to another one: the base of the Declarative
 * Services components by which backends register their provider in OSGi (the component class
 * carries the annotation and its service properties; the provider found by
 * {@link java.util.ServiceLoader} does the work).
 */
public abstract class ForwardingReactorProvider implements ReactorProvider {
    private final ReactorProvider delegate;

    /**
     * Creates the forwarder.
     *
     * @param delegate the provider that answers every call
     */
    protected ForwardingReactorProvider(ReactorProvider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate must not be null");
    }

    @Override
    public final String name() {
        return delegate.name();
    }

    @Override
    public final int priority() {
        return delegate.priority();
    }

    @Override
    public final boolean isAvailable() {
        return delegate.isAvailable();
    }

    @Override
    public final @Nullable Throwable unavailabilityCause() {
        return delegate.unavailabilityCause();
    }

    @Override
    public final Reactor create(ReactorConfig config) {
        return delegate.create(config);
    }

    @Override
    public String toString() {
        return delegate + " (OSGi service)";
    }
}
