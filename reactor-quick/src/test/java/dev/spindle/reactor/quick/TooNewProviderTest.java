package dev.spindle.reactor.quick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ReactorException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider class compiled for a newer Java than the running one (a Java 22 backend on Java 17)
 * cannot even be loaded: it is listed as unavailable with the Java it needs, and the other
 * backends are still chosen.
 */
class TooNewProviderTest {
    private static final String SERVICES = "META-INF/services/dev.spindle.reactor.spi.ReactorProvider";

    @Test
    void aProviderForANewerJavaIsListedWithTheVersionItNeeds(@TempDir Path dir) throws Exception {
        String name = UnavailableTestProvider.class.getName();
        byte[] bytes;
        try (InputStream in = TooNewProviderTest.class.getResourceAsStream("UnavailableTestProvider.class")) {
            assertNotNull(in);
            bytes = in.readAllBytes();
        }
        // Class file major version 99: Java 55.
        bytes[6] = 0;
        bytes[7] = 99;
        byte[] tooNew = bytes;
        Path services = dir.resolve("services");
        Files.writeString(services, name + "\n", StandardCharsets.UTF_8);
        ClassLoader loader = new ClassLoader(TooNewProviderTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (n.equals(name)) {
                    return defineClass(n, tooNew, 0, tooNew.length);
                }
                return super.loadClass(n, resolve);
            }

            @Override
            public Enumeration<URL> getResources(String resource) throws IOException {
                if (resource.equals(SERVICES)) {
                    return Collections.enumeration(List.of(services.toUri().toURL()));
                }
                return super.getResources(resource);
            }
        };

        Thread t = Thread.currentThread();
        ClassLoader saved = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        List<BackendInfo> all;
        try {
            all = Reactors.providers();
            assertEquals("select", Reactors.chosenProvider().name(), "the other backends are still chosen");
        } finally {
            t.setContextClassLoader(saved);
        }
        BackendInfo info = all.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("not listed: " + all));
        assertFalse(info.available());
        assertEquals(BackendInfo.UNKNOWN_PRIORITY, info.priority());
        String reason = info.unavailabilityReason();
        assertTrue(reason.startsWith("provider " + name + " needs Java 55+, running " + Runtime.version().feature()
                + " (class file version 99)"), reason);
        assertInstanceOf(ReactorException.class, info.unavailabilityCause());
        assertInstanceOf(UnsupportedClassVersionError.class, info.unavailabilityCause().getCause());
    }
}
