package dev.spindle.reactor.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.spi.ReactorProvider;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The provider's identity and availability rules. On the development machine (Linux) the backend
 * must say it is unavailable and why, and never throw while doing so; on macOS or FreeBSD it must
 * be available (the child-JVM cases, Java 17 among them, are in
 * {@link KqueueProviderInFreshJvmTest}).
 */
class KqueueReactorProviderTest {

    private static final String OS = System.getProperty("os.name");
    private static final @Nullable BsdPlatform HOST = BsdPlatform.of(OS, System.getProperty("os.arch"));
    private static final @Nullable String PROBLEM = KqueueReactorProvider.platformProblem(OS, System.getProperty("os.version"),
            System.getProperty("os.arch"), Runtime.version().feature());

    @Test
    void availabilityFollowsTheSystemAndAnUnavailableBackendSaysWhy() {
        KqueueReactorProvider p = new KqueueReactorProvider();
        assertEquals("kqueue", p.name());
        assertEquals(30, p.priority());
        if ("Linux".equals(OS)) {
            assertEquals("kqueue needs macOS or FreeBSD; this is Linux", PROBLEM);
        }
        if (PROBLEM == null) {
            // macOS or FreeBSD 12+ on Java 22+, with native access (granted to these tests).
            assertTrue(p.isAvailable(), () -> "unavailable: " + p.unavailabilityCause());
            assertEquals("kqueue", p.create(ReactorConfig.defaults()).backendName());
            return;
        }
        assertFalse(p.isAvailable());
        Throwable cause = p.unavailabilityCause();
        assertInstanceOf(UnsupportedOperationException.class, cause);
        assertEquals(PROBLEM, cause.getMessage());
        assertEquals("KqueueReactorProvider[priority=30, unavailable: " + PROBLEM + "]", p.toString());
        ReactorException e = assertThrows(ReactorException.class, () -> p.create(ReactorConfig.defaults()));
        assertEquals("the kqueue backend is unavailable: " + PROBLEM, e.getMessage());
        assertSame(cause, e.getCause());
    }

    @Test
    void isFoundByTheServiceLoader() {
        boolean found = false;
        for (ReactorProvider p : ServiceLoader.load(ReactorProvider.class)) {
            found |= p instanceof KqueueReactorProvider;
        }
        assertTrue(found, "META-INF/services names KqueueReactorProvider");
    }

    @Test
    void availabilityIsComputedOnce() {
        assertSame(new KqueueReactorProvider().unavailabilityCause(), new KqueueReactorProvider().unavailabilityCause());
    }

    @Test
    void eachSystemGetsItsReason() {
        assertEquals("kqueue needs macOS or FreeBSD; this is Linux", KqueueReactorProvider.platformProblem("Linux", "6.1", "amd64", 25));
        assertEquals("kqueue needs macOS or FreeBSD; this is Windows 11",
                KqueueReactorProvider.platformProblem("Windows 11", "10.0", "amd64", 25));
        assertEquals("kqueue needs macOS or FreeBSD; this is OpenBSD", KqueueReactorProvider.platformProblem("OpenBSD", "7.5", "amd64", 25));
        assertEquals("the kqueue backend supports x86_64 (amd64) and aarch64 (arm64), running on riscv64",
                KqueueReactorProvider.platformProblem("FreeBSD", "14.1-RELEASE", "riscv64", 25));
        assertEquals("the kqueue backend needs FreeBSD 12 or newer (its 64-byte struct kevent), running FreeBSD 11.4-RELEASE",
                KqueueReactorProvider.platformProblem("FreeBSD", "11.4-RELEASE", "amd64", 25));
        assertEquals("the kqueue backend needs Java 22 or newer (the final Foreign Function & Memory API), running Java 17",
                KqueueReactorProvider.platformProblem("Mac OS X", "14.5", "aarch64", 17));
        assertEquals("the kqueue backend needs Java 22 or newer (the final Foreign Function & Memory API), running Java 21",
                KqueueReactorProvider.platformProblem("FreeBSD", "13.2-RELEASE", "amd64", 21));
        assertNull(KqueueReactorProvider.platformProblem("Mac OS X", "10.15.7", "x86_64", 22));
        assertNull(KqueueReactorProvider.platformProblem("Mac OS X", "15.0", "aarch64", 25));
        assertNull(KqueueReactorProvider.platformProblem("FreeBSD", "12.0-RELEASE", "amd64", 22));
        assertNull(KqueueReactorProvider.platformProblem("FreeBSD", "14.1-RELEASE-p3", "aarch64", 25));
    }

    @Test
    void theBootstrapReportsRatherThanThrows() {
        // Native access is granted to these tests: the bootstrap gets past that check. On another
        // system than macOS or FreeBSD it finds no BSD target (the provider never even loads it there).
        Throwable cause = new KqueueBootstrap().get();
        if (HOST != null) {
            assertNull(cause, () -> "the kqueue opens here: " + cause);
            return;
        }
        assertInstanceOf(IllegalStateException.class, cause);
        assertTrue(cause.getMessage().startsWith("no kqueue layouts for " + OS), cause.getMessage());
        assertThrows(IllegalStateException.class, () -> new KqueueBootstrap().apply(ReactorConfig.defaults()));
    }

    @Test
    void linkingTheCLibrarySaysWhenItHasNoKqueue() {
        if (HOST != null) {
            assertNotNull(BsdLibc.KQUEUE);
            return;
        }
        // What the bootstrap would meet on a system with the right name but without kqueue.
        Throwable t = assertThrows(Throwable.class, () -> BsdLibc.KQUEUE.toString());
        Throwable root = t instanceof ExceptionInInitializerError ? t.getCause() : t;
        assertTrue(root instanceof UnsatisfiedLinkError || t instanceof NoClassDefFoundError, t.toString());
        if (root instanceof UnsatisfiedLinkError) {
            assertEquals("the C library has no kqueue()", root.getMessage());
        }
    }

    @Test
    void nativeAccessAdviceNamesTheFlagForTheModuleOrTheClassPath() {
        String classPath = KqueueBootstrap.nativeAccessAdvice(KqueueReactorProviderTest.class.getModule());
        assertTrue(classPath.contains("--enable-native-access=ALL-UNNAMED"), classPath);
        assertTrue(classPath.contains("--enable-native-access=dev.spindle.reactor.kqueue"), classPath);
        String named = KqueueBootstrap.nativeAccessAdvice(Object.class.getModule());
        assertTrue(named.contains("module java.base") && named.contains("--enable-native-access=java.base"), named);
    }
}
