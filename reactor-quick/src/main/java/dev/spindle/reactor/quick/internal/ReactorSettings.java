package dev.spindle.reactor.quick.internal;

import dev.spindle.reactor.ReactorConfig;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One checked configuration of the {@code Reactor} service: the backend asked for (or none, for
 * the best) and the {@link ReactorConfig} to create the reactor with, or the problem that makes
 * the configuration unusable. Immutable; equal when made from equal values.
 */
public final class ReactorSettings {
    /** The defaults: best backend, {@link ReactorConfig#defaults()}. */
    public static final ReactorSettings DEFAULTS = of("", "spindle-reactor", 8);

    private final @Nullable String backend;
    private final String threadName;
    private final int workerThreads;
    private final @Nullable ReactorConfig config;
    private final @Nullable String problem;

    private ReactorSettings(@Nullable String backend, String threadName, int workerThreads,
            @Nullable ReactorConfig config, @Nullable String problem) {
        this.backend = backend;
        this.threadName = threadName;
        this.workerThreads = workerThreads;
        this.config = config;
        this.problem = problem;
    }

    /**
     * Checks the configuration read by Declarative Services.
     *
     * @param c the configuration
     * @return the settings, valid or with their problem
     */
    public static ReactorSettings of(ReactorConfiguration c) {
        return of(c.backend(), c.threadName(), c.workerThreads());
    }

    /**
     * Checks configuration values.
     *
     * @param backend a backend name, or null or blank for the best one
     * @param threadName the loop thread's name
     * @param workerThreads the worker pool size
     * @return the settings, valid or with their problem; never throws
     */
    public static ReactorSettings of(@Nullable String backend, @Nullable String threadName, int workerThreads) {
        String name = backend == null || backend.isBlank() ? null : backend.trim().toLowerCase(Locale.ROOT);
        String thread = threadName == null ? "" : threadName;
        try {
            ReactorConfig config = ReactorConfig.builder().threadName(thread).workerThreads(workerThreads).build();
            return new ReactorSettings(name, thread, workerThreads, config, null);
        } catch (IllegalArgumentException | NullPointerException e) {
            return new ReactorSettings(name, thread, workerThreads, null, String.valueOf(e.getMessage()));
        }
    }

    /**
     * The backend asked for, lower case, or null for the best available one.
     *
     * @return the name or null
     */
    public @Nullable String backend() {
        return backend;
    }

    /**
     * The reactor's settings, or null when the configuration is invalid.
     *
     * @return the config or null
     */
    public @Nullable ReactorConfig config() {
        return config;
    }

    /**
     * Why the configuration cannot be used (the offending key and value), or null when it is valid.
     *
     * @return the problem or null
     */
    public @Nullable String problem() {
        return problem;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof ReactorSettings)) {
            return false;
        }
        ReactorSettings other = (ReactorSettings) o;
        return Objects.equals(backend, other.backend) && threadName.equals(other.threadName)
                && workerThreads == other.workerThreads;
    }

    @Override
    public int hashCode() {
        return Objects.hash(backend, threadName, workerThreads);
    }

    @Override
    public String toString() {
        return "backend=" + (backend == null ? "(best)" : backend) + ", threadName=" + threadName
                + ", workerThreads=" + workerThreads;
    }
}
