package dev.spindle.reactor.spi;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A provider whose backend needs a newer Java, a particular system or a permission, and so must
 * load, and say why it cannot run, everywhere: the provider class (compiled for the oldest Java
 * Spindle supports) first checks the platform with {@link #platformProblem()}, and only then asks
 * {@link #newBootstrap()} for the backend's bootstrap, which the subclass loads by name from its
 * own module (so its package need not be exported or opened). The bootstrap is an object that is both a
 * {@code Supplier<Throwable>} (null when the backend can run here, else why not: e.g. native access
 * not granted) and a {@code Function<ReactorConfig, Reactor>} (the factory).
 *
 * <p>Availability is worked out once per provider class, on first use, and never throws; every
 * instance (one per {@link java.util.ServiceLoader} pass, one per OSGi component) shares it.
 */
public abstract class BootstrappedReactorProvider implements ReactorProvider {
    private static final ConcurrentMap<Class<?>, Outcome> OUTCOMES = new ConcurrentHashMap<>();

    private final String name;
    private final int priority;

    /**
     * For subclasses.
     *
     * @param name the backend's name
     * @param priority its priority
     */
    protected BootstrappedReactorProvider(String name, int priority) {
        this.name = Objects.requireNonNull(name, "name must not be null");
        this.priority = priority;
    }

    /**
     * Why the backend cannot run on this system and Java version, or null if it might; needs no
     * class of the backend beyond the provider. Called once per provider class.
     *
     * @return the problem, or null
     */
    protected abstract @Nullable String platformProblem();

    /**
     * Creates the backend's bootstrap, typically {@code Class.forName(NAME).getDeclaredConstructor()
     * .newInstance()} on a class compiled for the newer Java; called only when
     * {@link #platformProblem()} found nothing, once per provider class.
     *
     * @return an object that is a {@code Supplier<Throwable>} and a {@code Function<ReactorConfig, Reactor>}
     * @throws ReflectiveOperationException if it cannot be loaded
     */
    protected abstract Object newBootstrap() throws ReflectiveOperationException;

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int priority() {
        return priority;
    }

    @Override
    public final boolean isAvailable() {
        return outcome().cause == null;
    }

    @Override
    public final @Nullable Throwable unavailabilityCause() {
        return outcome().cause;
    }

    @Override
    public final Reactor create(ReactorConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        Outcome o = outcome();
        Function<ReactorConfig, Reactor> factory = o.factory;
        if (o.cause != null || factory == null) {
            throw new ReactorException("the " + name + " backend is unavailable: "
                    + (o.cause == null ? "unknown reason" : o.cause.getMessage()), o.cause);
        }
        return factory.apply(config);
    }

    @Override
    public String toString() {
        Throwable cause = outcome().cause;
        return getClass().getSimpleName() + "[priority=" + priority + ", "
                + (cause == null ? "available" : "unavailable: " + cause.getMessage()) + "]";
    }

    private Outcome outcome() {
        Outcome o = OUTCOMES.get(getClass());
        return o != null ? o : OUTCOMES.computeIfAbsent(getClass(), c -> evaluate());
    }

    private Outcome evaluate() {
        try {
            String problem = platformProblem();
            if (problem != null) {
                return new Outcome(new UnsupportedOperationException(problem), null);
            }
            // Only now the classes compiled for the newer Java: the bootstrap checks the rest.
            Object bootstrap = newBootstrap();
            @SuppressWarnings("unchecked")
            Supplier<@Nullable Throwable> check = (Supplier<@Nullable Throwable>) bootstrap;
            Throwable cause = check.get();
            if (cause != null) {
                return new Outcome(cause, null);
            }
            @SuppressWarnings("unchecked")
            Function<ReactorConfig, Reactor> factory = (Function<ReactorConfig, Reactor>) bootstrap;
            return new Outcome(null, factory);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new Outcome(new IllegalStateException("the " + name + " backend failed to initialise: " + e, e), null);
        }
    }

    private static final class Outcome {
        final @Nullable Throwable cause;
        final @Nullable Function<ReactorConfig, Reactor> factory;

        Outcome(@Nullable Throwable cause, @Nullable Function<ReactorConfig, Reactor> factory) {
            this.cause = cause;
            this.factory = factory;
        }
    }
}
