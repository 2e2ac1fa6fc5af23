package dev.spindle.reactor.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.spi.ReactorProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The provider's identity and availability rules (the child-JVM cases are in {@link NativeAccessTest}). */
class EpollReactorProviderTest {

    @Test
    void isAvailableHereWithPriorityAboveSelect() {
        EpollReactorProvider p = new EpollReactorProvider();
        assertEquals("epoll", p.name());
        assertEquals(30, p.priority());
        assertTrue(p.isAvailable(), () -> "unavailable: " + p.unavailabilityCause());
        assertNull(p.unavailabilityCause());
        assertTrue(p.toString().contains("available"), p.toString());
        Reactor r = p.create(ReactorConfig.defaults());
        assertEquals("epoll", r.backendName());
    }

    @Test
    void isFoundByTheServiceLoader() {
        boolean found = false;
        for (ReactorProvider p : ServiceLoader.load(ReactorProvider.class)) {
            found |= p instanceof EpollReactorProvider;
        }
        assertTrue(found, "META-INF/services names EpollReactorProvider");
    }

    @Test
    void availabilityIsComputedOnce() {
        assertSame(new EpollReactorProvider().unavailabilityCause(), new EpollReactorProvider().unavailabilityCause());
    }

    @Test
    void otherSystemsAreRefusedWithTheReason() {
        assertEquals("epoll is Linux only, running on Mac OS X", EpollReactorProvider.platformProblem("Mac OS X", "aarch64", 25));
        assertEquals("epoll is Linux only, running on FreeBSD", EpollReactorProvider.platformProblem("FreeBSD", "amd64", 25));
        assertEquals("the epoll backend supports x86_64 (amd64) and aarch64, running on riscv64",
                EpollReactorProvider.platformProblem("Linux", "riscv64", 25));
        assertEquals("the epoll backend needs Java 22 or newer (the final Foreign Function & Memory API), running Java 17",
                EpollReactorProvider.platformProblem("Linux", "amd64", 17));
        assertEquals("the epoll backend needs Java 22 or newer (the final Foreign Function & Memory API), running Java 21",
                EpollReactorProvider.platformProblem("Linux", "aarch64", 21));
        assertNull(EpollReactorProvider.platformProblem("Linux", "amd64", 22));
        assertNull(EpollReactorProvider.platformProblem("Linux", "arm64", 25));
    }

    @Test
    void nativeAccessAdviceNamesTheFlagForTheModuleOrTheClassPath() {
        String classPath = EpollBootstrap.nativeAccessAdvice(EpollReactorProviderTest.class.getModule());
        assertTrue(classPath.contains("--enable-native-access=ALL-UNNAMED"), classPath);
        String named = EpollBootstrap.nativeAccessAdvice(Object.class.getModule());
        assertTrue(named.contains("module java.base") && named.contains("--enable-native-access=java.base"), named);
    }
}
