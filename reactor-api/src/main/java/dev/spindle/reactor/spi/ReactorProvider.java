package dev.spindle.reactor.spi;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import org.jspecify.annotations.Nullable;

/**
 * A reactor backend, found through {@link java.util.ServiceLoader} (JPMS {@code provides}, or
 * {@code META-INF/services} on the class path) or as an OSGi service.
 *
 * <p>In OSGi a backend bundle registers its provider as a service under this interface, with the
 * service properties {@value #BACKEND_PROPERTY}{@code =<name()>} and
 * {@code service.ranking=<priority()>} (a Declarative Services component does it; see
 * {@code reactor-select}'s {@code SelectReactorComponent}). {@code reactor-quick} binds every such
 * service and registers the {@link Reactor} service on the best one.
 *
 * <p>Implementations compute availability once, when first asked, and never throw from their
 * constructor, {@link #isAvailable()} or {@link #unavailabilityCause()}: a backend that cannot
 * run here (wrong OS, Java too old, native access denied) says why instead.
 */
public interface ReactorProvider {
    /**
     * The OSGi service property that carries a backend's {@link #name()}, on a
     * {@code ReactorProvider} service and on the {@link Reactor} service made from it.
     */
    String BACKEND_PROPERTY = "spindle.reactor.backend";

    /**
     * The backend's name, lower case ({@code select}, {@code epoll}, {@code kqueue}).
     *
     * @return the name
     */
    String name();

    /**
     * Higher wins when several are available. Spindle's own: select 10, epoll and kqueue 30 (never
     * available on the same system); a third-party backend meant to win over them uses more.
     *
     * @return the priority
     */
    int priority();

    /**
     * Whether the backend can run in this JVM on this machine.
     *
     * @return true if {@link #create} will work
     */
    boolean isAvailable();

    /**
     * Why the backend is unavailable, or null when it is available.
     *
     * @return the cause or null
     */
    @Nullable Throwable unavailabilityCause();

    /**
     * Creates a reactor in state {@code INIT}.
     *
     * @param config the settings
     * @return a new reactor
     * @throws IllegalStateException if the backend is unavailable, with the cause
     */
    Reactor create(ReactorConfig config);
}
