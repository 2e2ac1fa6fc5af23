package dev.spindle.reactor.quick.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of the {@code Reactor} service, PID {@value ReactorComponent#PID}, as
 * Declarative Services reads it and as a Metatype form shows it (bnd writes
 * {@code OSGI-INF/metatype/dev.spindle.reactor.xml} from this type).
 *
 * <p>Keys: {@code backend}, {@code threadName}, {@code workerThreads}. Metatype's bounds are only
 * advice to consoles: Configuration Admin stores whatever it is given, so
 * {@link ReactorSettings#of} checks every value again.
 */
@ObjectClassDefinition(id = ReactorComponent.PID, name = "Spindle reactor",
        description = "The Reactor service: which backend it runs on and how its threads are named and sized.")
public @interface ReactorConfiguration {
    /**
     * The backend to use, by name ({@code select}, {@code epoll}, ...), or empty for the best
     * available one. A named backend is never replaced by another: while it is absent or cannot
     * create a reactor, there is no {@code Reactor} service.
     *
     * @return the backend name, or empty
     */
    @AttributeDefinition(name = "Backend",
            description = "Backend name (select, epoll, ...), or empty for the best available one. A named backend is"
                    + " never replaced by another: while it is absent there is no Reactor service.")
    String backend() default "";

    /**
     * The loop thread's name; worker threads get it plus {@code -worker-N}.
     *
     * @return the thread name, not blank
     */
    @AttributeDefinition(name = "Thread name",
            description = "Name of the reactor loop thread; worker threads get this name plus -worker-N.")
    String threadName() default "spindle-reactor";

    /**
     * Maximum threads of the worker pool behind {@code callInThread}.
     *
     * @return 1..1024
     */
    @AttributeDefinition(name = "Worker threads", min = "1", max = "1024",
            description = "Maximum threads of the worker pool behind callInThread (1..1024).")
    int workerThreads() default 8;
}
