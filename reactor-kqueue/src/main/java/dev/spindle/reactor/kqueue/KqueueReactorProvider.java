package dev.spindle.reactor.kqueue;

import dev.spindle.reactor.spi.BootstrappedReactorProvider;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Provides the {@code kqueue} backend: macOS, or FreeBSD 12 or newer, on x86_64 or aarch64, Java 22
 * or newer, with native access granted to this module. Priority 30, above {@code select} (it never
 * competes with {@code epoll}, which needs Linux).
 *
 * <p>Availability is worked out once, on first use, and never throws. When the backend cannot run,
 * {@link #unavailabilityCause()} says why, e.g. {@code kqueue needs macOS or FreeBSD; this is Linux}
 * or the {@code --enable-native-access} option to add.
 *
 * <p>This class alone (with {@code module-info}) is compiled for Java 17 and touches the rest of
 * the backend, compiled for 22, only after the platform and Java version checks: on Java 17 it loads
 * and reports why it cannot run instead of failing with {@link UnsupportedClassVersionError}.
 */
public final class KqueueReactorProvider extends BootstrappedReactorProvider {
    /** The backend's name. */
    public static final String NAME = "kqueue";
    /** The backend's priority: above {@code select} (10). */
    public static final int PRIORITY = 30;
    /** The first Java release whose Foreign Function &amp; Memory API the backend uses. */
    static final int MINIMUM_JAVA = 22;
    /** FreeBSD 12 changed {@code struct kevent} to the 64-byte form this backend lays out. */
    static final int MINIMUM_FREEBSD = 12;
    private static final String BOOTSTRAP = "dev.spindle.reactor.kqueue.KqueueBootstrap";

    /** Creates the provider; used by {@link java.util.ServiceLoader}. */
    public KqueueReactorProvider() {
        super(NAME, PRIORITY);
    }

    @Override
    protected @Nullable String platformProblem() {
        return platformProblem(System.getProperty("os.name", "?"), System.getProperty("os.version", "?"),
                System.getProperty("os.arch", "?"), Runtime.version().feature());
    }

    @Override
    protected Object newBootstrap() throws ReflectiveOperationException {
        // Java 22+ on macOS or FreeBSD from here on: the bootstrap checks native access and links the C library.
        return Class.forName(BOOTSTRAP).getDeclaredConstructor().newInstance();
    }

    /**
     * Why the backend cannot run on a system and Java version, or null if it might: the checks that
     * need no Java 22 class. Package-private for tests.
     *
     * @param osName {@code os.name}
     * @param osVersion {@code os.version}
     * @param osArch {@code os.arch}
     * @param javaFeature the running Java's feature release
     * @return the reason, or null
     */
    static @Nullable String platformProblem(String osName, String osVersion, String osArch, int javaFeature) {
        String os = osFamily(osName);
        if (os == null) {
            return "kqueue needs macOS or FreeBSD; this is " + osName;
        }
        if (bsdArch(osArch) == null) {
            return "the kqueue backend supports x86_64 (amd64) and aarch64 (arm64), running on " + osArch;
        }
        if ("freebsd".equals(os)) {
            int major = leadingNumber(osVersion);
            if (major < MINIMUM_FREEBSD) {
                return "the kqueue backend needs FreeBSD " + MINIMUM_FREEBSD + " or newer (its 64-byte struct kevent),"
                        + " running FreeBSD " + osVersion;
            }
        }
        if (javaFeature < MINIMUM_JAVA) {
            return "the kqueue backend needs Java " + MINIMUM_JAVA + " or newer (the final Foreign Function & Memory API),"
                    + " running Java " + javaFeature;
        }
        return null;
    }

    /**
     * The system family the layouts are kept for, from {@code os.name}.
     *
     * @return {@code darwin}, {@code freebsd}, or null for any other
     */
    static @Nullable String osFamily(String osName) {
        String n = osName.toLowerCase(Locale.ROOT);
        if (n.startsWith("mac") || n.startsWith("darwin")) {
            return "darwin";
        }
        if (n.startsWith("freebsd")) {
            return "freebsd";
        }
        return null;
    }

    /**
     * The architecture name the layouts are kept for, from {@code os.arch}.
     *
     * @return {@code x86_64}, {@code aarch64}, or null for any other
     */
    static @Nullable String bsdArch(String osArch) {
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

    /** The number a version string starts with ({@code 14} for {@code 14.1-RELEASE}), or -1. */
    private static int leadingNumber(String version) {
        int end = 0;
        while (end < version.length() && end < 9 && Character.isDigit(version.charAt(end))) {
            end++;
        }
        return end == 0 ? -1 : Integer.parseInt(version.substring(0, end));
    }
}
