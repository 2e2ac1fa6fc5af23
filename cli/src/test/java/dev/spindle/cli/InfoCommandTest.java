package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.quick.Reactors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InfoCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private @Nullable String savedProperty;

    @BeforeEach
    void clearProperty() {
        savedProperty = System.getProperty(Reactors.BACKEND_PROPERTY);
        System.clearProperty(Reactors.BACKEND_PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(Reactors.BACKEND_PROPERTY);
        } else {
            System.setProperty(Reactors.BACKEND_PROPERTY, savedProperty);
        }
    }

    private int run(String... args) {
        return Spindle.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void infoShowsTheRuntimeAndSelectAsAvailableAndChosen() {
        assertEquals(Spindle.OK, run("info"), this::err);
        String o = out();
        assertTrue(o.contains("Java       " + System.getProperty("java.runtime.version")), o);
        assertTrue(o.contains(System.getProperty("java.vendor")), o);
        assertTrue(o.contains("java.home  " + System.getProperty("java.home")), o);
        assertTrue(o.contains("(" + System.getProperty("os.arch") + ")"), o);
        assertTrue(Pattern.compile("(?m)^  select +10  yes  \\(chosen\\)$").matcher(o).find(), o);
        assertTrue(o.contains("Chosen     select (highest priority available)"), o);
        assertEquals("", err());
    }

    @Test
    void infoHonoursTheBackendOption() {
        assertEquals(Spindle.OK, run("info", "--backend", "select"), this::err);
        assertTrue(out().contains("Chosen     select (from --backend select)"), this::out);
    }

    @Test
    void infoHonoursTheSystemProperty() {
        System.setProperty(Reactors.BACKEND_PROPERTY, "select");
        assertEquals(Spindle.OK, run("info"), this::err);
        assertTrue(out().contains("Chosen     select (from -Dspindle.reactor.backend=select)"), this::out);
    }

    @Test
    void infoWithAnUnknownBackendListsTheBackendsAndFails() {
        assertEquals(Spindle.FAILED, run("info", "--backend", "nope"));
        assertTrue(out().contains("Chosen     none"), this::out);
        assertTrue(Pattern.compile("(?m)^  select +10  yes$").matcher(out()).find(), this::out);
        assertTrue(err().contains("unknown reactor backend 'nope'"), this::err);
        assertTrue(err().contains("select (priority 10): available"), this::err);
    }
}
