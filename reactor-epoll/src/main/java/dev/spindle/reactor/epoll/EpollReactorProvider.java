package dev.spindle.reactor.epoll;

import dev.spindle.reactor.spi.BootstrappedReactorProvider;
import java.util.Locale;
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
public final class EpollReactorProvider extends BootstrappedReactorProvider {
    /** The backend's name. */
    public static final String NAME = "epoll";
    /** The backend's priority: above {@code select} (10). */
    public static final int PRIORITY = 30;
    /** The first Java release whose Foreign Function &amp; Memory API the backend uses. */
    static final int MINIMUM_JAVA = 22;
    private static final String BOOTSTRAP = "dev.spindle.reactor.epoll.EpollBootstrap";

    /** Creates the provider; used by {@link java.util.ServiceLoader}. */
    public EpollReactorProvider() {
        super(NAME, PRIORITY);
    }

    @Override
    protected @Nullable String platformProblem() {
        return platformProblem(System.getProperty("os.name", "?"), System.getProperty("os.arch", "?"), Runtime.version().feature());
    }

    @Override
    protected Object newBootstrap() throws ReflectiveOperationException {
        // Java 22+ from here on: the bootstrap checks native access and links libc.
        return Class.forName(BOOTSTRAP).getDeclaredConstructor().newInstance();
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
}
