package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpindleArgumentsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

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

    @ParameterizedTest(name = "[{index}] spindle {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''                         | no command given",
        "frob                       | unknown command 'frob'",
        "info --frob                | unknown option '--frob'",
        "info -x                    | unknown option '-x'",
        "info extra                 | unexpected argument 'extra' after command 'info'",
        "info --port 7000           | option --port does not apply to 'info'",
        "echo                       | echo needs --port N",
        "echo --port                | option --port needs a value",
        "echo --port 70000          | --port must be in 0..65535 (0 picks a free port), found: 70000",
        "echo --port -1             | --port must be in 0..65535 (0 picks a free port), found: -1",
        "echo --port abc            | --port must be a number in 0..65535, found: 'abc'",
        "echo --port=7x             | --port must be a number in 0..65535, found: '7x'",
        "echo --port 1 --port 2     | option --port is given twice",
        "echo --port 1 --backend=   | --backend must name a backend, found: ''",
    })
    void mistakesPrintTheProblemAndTheUsageOnStderrAndExit2(String args, String message) {
        String[] argv = args.isEmpty() ? new String[0] : args.split(" ");
        assertEquals(Spindle.USAGE, run(argv), this::err);
        assertTrue(err().contains("spindle: " + message), this::err);
        assertTrue(err().contains("usage: spindle <command> [options]"), this::err);
        assertEquals("", out());
    }

    @Test
    void helpPrintsTheUsageOnStdoutAndExits0() {
        assertEquals(Spindle.OK, run("--help"));
        assertTrue(out().startsWith("usage: spindle <command> [options]"), this::out);
        assertTrue(out().contains("echo --port N"), this::out);
        assertEquals("", err());
    }

    @Test
    void helpWinsOverOtherArguments() {
        assertEquals(Spindle.OK, run("echo", "-h"));
        assertEquals(Spindle.OK, run("help"));
        assertTrue(out().contains("usage:"), this::out);
    }

    @Test
    void optionsParseBeforeOrAfterTheCommandAndWithEquals() throws Exception {
        CommandLine line = CommandLine.parse(new String[] {"--backend=select", "echo", "--port", "0", "--host=::1"});
        assertEquals(CommandLine.ECHO, line.command());
        assertEquals("select", line.backend());
        assertEquals(0, line.port());
        assertEquals("::1", line.host());
        assertEquals("127.0.0.1", CommandLine.parse(new String[] {"echo", "--port", "65535"}).host());
        assertEquals(65535, CommandLine.parse(new String[] {"echo", "--port", "65535"}).port());
    }
}
