package dev.spindle.itests.jpms;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Spindle on the module path: a small named-module application ({@code src/jpms/demo.app},
 * compiled here) is launched with {@code java --module-path <jars> -m demo.app/demo.app.Main} and
 * no class path, by the JDK that runs the build. The module path holds Spindle's jars from this
 * build (reactor-api, reactor-select, reactor-epoll, reactor-quick, mqtt-client), slf4j-api and slf4j-simple,
 * and in one test the itests' own third-party backend as a module of its own
 * ({@code src/jpms/dev.spindle.itests.backend} with the classes the OSGi tests use).
 *
 * <p>The application prints what it sees as {@code key=value} lines; the tests read them.
 */
public class ModulePathIT {
    private static final String ENABLE_EPOLL = "--enable-native-access=dev.spindle.reactor.epoll";
    private static final String EPOLL_MODULE = "dev.spindle.reactor.epoll";
    private static final long TIMEOUT_SECONDS = 90;

    private static Path work;
    private static Path app;
    private static Path backend;

    @BeforeClass
    public static void compileTheModules() throws IOException {
        work = Path.of(required("spindle.itest.jpmsDir"));
        Path sources = Path.of(required("spindle.itest.sources"));
        app = work.resolve("demo.app");
        backend = work.resolve("dev.spindle.itests.backend");
        Path appSources = sources.resolve("jpms/demo.app");
        // JSpecify is needed to compile against Spindle on the module path (reactor-api says
        // `requires static transitive org.jspecify`), not to run: it is left off the run's path.
        // Signals is needed for neither: mqtt-client says `requires static dev.spindle.signals`
        // (not transitive) for its optional MqttSignals, which this app does not use.
        compile(app, List.of("-Xlint:all", "-Werror", "--module-path", modulePath(jar("reactor-api"), jar("reactor-quick"),
                jar("mqtt-client"), required("spindle.itest.slf4j-api"),
                required("spindle.itest.jspecify"))), javaFiles(appSources));
        List<Path> backendSources = new ArrayList<>(javaFiles(sources.resolve("jpms/dev.spindle.itests.backend")));
        backendSources.addAll(javaFiles(sources.resolve("test/java/dev/spindle/itests/backend")));
        compile(backend, List.of("--module-path", modulePath(jar("reactor-api"), required("spindle.itest.slf4j-api"),
                required("spindle.itest.jspecify"), required("spindle.itest.dsAnnotations"))), backendSources);
    }

    @Test
    public void withNativeAccessTheAppRunsOnEpollWithNoAutomaticModuleAndAnEmptyClassPath() throws Exception {
        Map<String, List<String>> out = run(List.of(ENABLE_EPOLL), spindleModulePath());
        assertEquals(List.of(""), out.get("classpath"));
        assertEquals(List.of("demo.app"), out.get("mainModule"));
        List<String> modules = out.get("module");
        for (String m : List.of("dev.spindle.reactor", "dev.spindle.reactor.select", EPOLL_MODULE,
                "dev.spindle.reactor.quick", "dev.spindle.mqtt", "org.slf4j", "org.slf4j.simple", "demo.app")) {
            assertTrue(m + " is a named, explicit module: " + modules, modules.contains(m + " automatic=false"));
        }
        assertFalse("no automatic module at all: " + modules, modules.stream().anyMatch(l -> l.endsWith("automatic=true")));
        String best = linux() ? "epoll" : "select";
        assertEquals(List.of(best), out.get("backend"));
        assertTrue(out.get("provider").toString(), out.get("provider").contains(
                "select priority=10 available=true chosen=" + best.equals("select")));
        if (linux()) {
            assertTrue(out.get("provider").toString(), out.get("provider").contains("epoll priority=30 available=true chosen=true"));
        }
        assertWorked(out, best);
    }

    @Test
    public void withoutNativeAccessEpollSaysWhyAndSelectRuns() throws Exception {
        Map<String, List<String>> out = run(List.of(), spindleModulePath());
        assertEquals(List.of("select"), out.get("backend"));
        String epoll = out.get("provider").stream().filter(p -> p.startsWith("epoll ")).findFirst().orElseThrow();
        assertTrue(epoll, epoll.startsWith("epoll priority=30 available=false chosen=false reason="));
        if (linux()) {
            assertTrue("the reason names the option to add: " + epoll, epoll.contains(ENABLE_EPOLL));
        }
        assertWorked(out, "select");
        // Nothing native is called before the check, so the JVM prints no restricted-method warning.
        assertFalse(String.join("\n", out.get("stderr")),
                out.get("stderr").stream().anyMatch(l -> l.contains("restricted method")));
    }

    @Test
    public void aThirdPartyBackendModuleIsListedAndChosenByReactorsCreate() throws Exception {
        List<String> path = new ArrayList<>(spindleModulePath());
        path.add(backend.toString());
        Map<String, List<String>> out = run(List.of(ENABLE_EPOLL), path);
        assertTrue(out.get("module").toString(), out.get("module").contains("dev.spindle.itests.backend automatic=false"));
        assertEquals("highest priority first", "test priority=1000 available=true chosen=true", out.get("provider").get(0));
        assertEquals(List.of("test"), out.get("backend"));
        assertEquals(List.of("spindle-reactor inLoop=true"), out.get("scheduled"));
        // The test backend has no I/O: the app's echo attempt is refused, as the backend documents.
        assertEquals(List.of("unsupported (the itests 'test' backend has no I/O)"), out.get("echo"));
        assertEquals(List.of("STOPPED"), out.get("state"));
    }

    // ------------------------------------------------------------------ helpers

    private static void assertWorked(Map<String, List<String>> out, String backendName) {
        assertEquals(List.of("INIT module=dev.spindle.mqtt"), out.get("mqtt"));
        assertEquals(List.of("spindle-reactor inLoop=true"), out.get("scheduled"));
        assertEquals(List.of("hello over " + backendName), out.get("echo"));
        assertEquals(List.of("STOPPED"), out.get("state"));
    }

    private static boolean linux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }

    /** Spindle's jars, slf4j and the application. */
    private static List<String> spindleModulePath() {
        return List.of(jar("reactor-api"), jar("reactor-select"), jar("reactor-epoll"), jar("reactor-quick"),
                jar("mqtt-client"), required("spindle.itest.slf4j-api"), required("spindle.itest.slf4j-simple"),
                app.toString());
    }

    /**
     * Runs the application with {@code options}, the module path and no class path (none given,
     * and no CLASSPATH or option variables in its environment), and returns its {@code key=value}
     * lines by key, in order, with its standard error under {@code stderr}. Fails unless it exits
     * with 0 within {@link #TIMEOUT_SECONDS}.
     */
    private static Map<String, List<String>> run(List<String> options, List<String> modulePath) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("--module-path");
        command.add(String.join(File.pathSeparator, modulePath));
        command.add("-m");
        command.add("demo.app/demo.app.Main");
        Path stdout = Files.createTempFile(work, "stdout", ".txt");
        Path stderr = Files.createTempFile(work, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        for (String variable : List.of("CLASSPATH", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
            pb.environment().remove(variable);
        }
        Process process = pb.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("the application did not exit within " + TIMEOUT_SECONDS + " s: " + command + "\nstdout:\n"
                    + Files.readString(stdout) + "\nstderr:\n" + Files.readString(stderr));
        }
        String output = Files.readString(stdout, StandardCharsets.UTF_8);
        List<String> errors = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        assertEquals("exit status of " + command + "\nstdout:\n" + output + "\nstderr:\n" + String.join("\n", errors),
                0, process.exitValue());
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                byKey.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
            }
        }
        byKey.put("stderr", errors);
        for (String key : List.of("classpath", "mainModule", "module", "provider", "backend", "mqtt", "scheduled", "echo", "state")) {
            assertTrue("the application printed " + key + "=...; stdout:\n" + output, byKey.containsKey(key));
        }
        return byKey;
    }

    private static void compile(Path out, List<String> options, List<Path> sources) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            fail("no Java compiler in " + System.getProperty("java.home") + " (a JDK is needed, not a JRE)");
        }
        Files.createDirectories(out);
        List<String> args = new ArrayList<>(options);
        args.add("-d");
        args.add(out.toString());
        for (Path p : sources) {
            args.add(p.toString());
        }
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
        assertEquals("javac " + args + "\n" + diagnostics.toString(StandardCharsets.UTF_8), 0, status);
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
    }

    private static String modulePath(String... entries) {
        return String.join(File.pathSeparator, entries);
    }

    private static String jar(String module) {
        return required("spindle.itest." + module);
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank() || value.startsWith("${")) {
            throw new IllegalStateException("system property " + property
                    + " is not set (run through Maven: mvn -pl itests -am verify); found: " + value);
        }
        return value;
    }
}
