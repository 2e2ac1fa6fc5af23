package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.spi.ReactorProvider;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Provides the {@code epoll} backend: Linux on x86_64 or aarch64, Java 22 or newer, with native
 * access granted to this module. Priority 30, above {@code select}.
 *
 * <p>Availability is worked out once, on first use, and never throws. When the backend cannot run,
 * {@link #unavailabilityCause()} says why and how to fix it, e.g. the
 * {@code --enable-native-access} option to add.
 *
 * <p>This class alone (with {@code module-info}) is compiled for Java 17 and touches the rest of
 * the backend, compiled for 22, only after the Java version check: on Java 17 it loads and reports
 * "needs Java 22 or newer" instead of failing with {@link UnsupportedClassVersionError}.
 */
public final class EpollReactorProvider implements ReactorProvider {
    /** The backend's name. */
    public static final String NAME = "epoll";
    /** The backend's priority: above {@code select} (10). */
    public static final int PRIORITY = 30;
    /** The first Java release whose Foreign Function &amp; Memory API the backend uses. */
    static final int MINIMUM_JAVA = 22;
    private static final String BOOTSTRAP = "dev.spindle.reactor.epoll.EpollBootstrap";

    /** Creates the provider; used by {@link java.util.ServiceLoader}. */
    public EpollReactorProvider() {
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
        return Availability.CAUSE == null;
    }

    @Override
    public @Nullable Throwable unavailabilityCause() {
        return Availability.CAUSE;
    }

    @Override
    public Reactor create(ReactorConfig config) {
        Objects.requireNonNull(config, "config must not be null");
        Throwable cause = Availability.CAUSE;
        Function<ReactorConfig, Reactor> factory = Availability.FACTORY;
        if (cause != null || factory == null) {
            throw new ReactorException("the epoll backend is unavailable: " + (cause == null ? "unknown reason" : cause.getMessage()), cause);
        }
        return factory.apply(config);
    }

    @Override
    public String toString() {
        Throwable cause = Availability.CAUSE;
        return "EpollReactorProvider[priority=" + PRIORITY + ", "
                + (cause == null ? "available" : "unavailable: " + cause.getMessage()) + "]";
    }

    /**
     * Why the backend cannot run on a platform and Java version, or null if it might: the checks
     * that need no Java 22 class. Package-private for tests.
     */
    static @Nullable String platformProblem(String osName, String osArch, int javaFeature) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "epoll is Linux only, running on " + osName;
        }
        if (linuxArch(osArch) == null) {
            return "the epoll backend supports x86_64 (amd64) and aarch64, running on " + osArch;
        }
        if (javaFeature < MINIMUM_JAVA) {
            return "the epoll backend needs Java " + MINIMUM_JAVA + " or newer (the final Foreign Function & Memory API),"
                    + " running Java " + javaFeature;
        }
        return null;
    }

    /**
     * The architecture name the struct layouts are kept for, from {@code os.arch}.
     *
     * @return {@code x86_64}, {@code aarch64}, or null for any other
     */
    static @Nullable String linuxArch(String osArch) {
        switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
            case "x86-64":
                return "x86_64";
            case "aarch64":
            case "arm64":
                return "aarch64";
            default:
                return null;
        }
    }

    /** Computed once, when first asked; the holder idiom keeps loading the provider cheap. */
    private static final class Availability {
        static final @Nullable Throwable CAUSE;
        static final @Nullable Function<ReactorConfig, Reactor> FACTORY;

        static {
            Throwable cause;
            Function<ReactorConfig, Reactor> factory = null;
            try {
                String problem = platformProblem(System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"),
                        Runtime.version().feature());
                if (problem != null) {
                    cause = new UnsupportedOperationException(problem);
                } else {
                    // Java 22+ from here on: the bootstrap checks native access and links libc.
                    Object bootstrap = Class.forName(BOOTSTRAP).getDeclaredConstructor().newInstance();
                    @SuppressWarnings("unchecked")
                    Supplier<@Nullable Throwable> check = (Supplier<@Nullable Throwable>) bootstrap;
                    cause = check.get();
                    if (cause == null) {
                        @SuppressWarnings("unchecked")
                        Function<ReactorConfig, Reactor> f = (Function<ReactorConfig, Reactor>) bootstrap;
                        factory = f;
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                cause = new IllegalStateException("the epoll backend failed to initialise: " + e, e);
            }
            CAUSE = cause;
            FACTORY = factory;
        }

        private Availability() {
        }
    }
}
