package dev.spindle.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The C reference server of the echo benchmark ({@code bench/native/c_echo_server.c}, a tight
 * single-threaded edge-triggered epoll echo server), built on first use.
 *
 * <p>The source travels inside the benchmark jar. {@link #binary()} compiles it with
 * {@code gcc -O2} (or {@code cc}) into {@code native/} beside the jar ({@code bench/target/native}
 * after a Maven build; the system temporary directory if that is not writable, or the directory
 * named by {@code -Dspindle.bench.native.dir}), under a name that carries a hash of the source,
 * so an edited source is rebuilt and an unchanged one is compiled once. Without a C compiler,
 * or off Linux, it fails with a message that says what to install or to leave {@code c-epoll}
 * out.
 *
 * <p>Usage on its own: {@code NativeEchoServer} prints the path of the built binary, which
 * takes {@code --port N} and {@code --ignore-stdin} like the Java servers.
 */
public final class NativeEchoServer {

    /** The server name in {@code EchoBench --servers}. */
    public static final String NAME = "c-epoll";
    private static final String SOURCE = "c_echo_server.c";
    private static final String RESOURCE = "/dev/spindle/bench/native/" + SOURCE;
    private static final long COMPILE_TIMEOUT_SECONDS = 120;

    private NativeEchoServer() {}

    /** Why the C server cannot be built here. */
    static final class UnavailableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message);
        }
    }

    /**
     * The path of the compiled server, compiling it first if needed.
     *
     * @throws UnavailableException off Linux, without a C compiler, or if the compiler fails
     *     (the message holds its output)
     * @throws IOException if the source cannot be read or the binary written
     */
    public static synchronized Path binary() throws IOException, InterruptedException {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new UnavailableException(NAME + " uses epoll and runs on Linux only, found: " + os);
        }
        byte[] source;
        try (InputStream in = NativeEchoServer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new UnavailableException(NAME + ": " + RESOURCE + " is missing from the class path"
                        + " (build the bench jar with Maven, which packs bench/native into it)");
            }
            source = in.readAllBytes();
        }
        String hash = sha256(source).substring(0, 12);
        Path dir = outputDirectory();
        Path binary = dir.resolve("c_echo_server-" + hash);
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Path compiler = findCompiler();
        Path src = dir.resolve("c_echo_server-" + hash + ".c");
        Files.write(src, source);
        Path tmp = Files.createTempFile(dir, "c_echo_server-", ".tmp");
        List<String> command = List.of(compiler.toString(), "-O2", "-Wall", "-Wextra", "-Werror",
                "-o", tmp.toString(), src.toString());
        Process cc = new ProcessBuilder(command).redirectErrorStream(true).start();
        cc.getOutputStream().close();
        String output;
        try (InputStream out = cc.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!cc.waitFor(COMPILE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            cc.destroyForcibly();
            Files.deleteIfExists(tmp);
            throw new UnavailableException(NAME + ": " + String.join(" ", command) + " did not finish in "
                    + COMPILE_TIMEOUT_SECONDS + " s");
        }
        if (cc.exitValue() != 0) {
            Files.deleteIfExists(tmp);
            throw new UnavailableException(NAME + ": " + String.join(" ", command) + " failed with exit "
                    + cc.exitValue() + ":\n" + output.strip());
        }
        try {
            Files.move(tmp, binary, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, binary, StandardCopyOption.REPLACE_EXISTING);
        }
        System.err.println("built " + binary + " (" + String.join(" ", command.subList(0, 5)) + ")");
        return binary;
    }

    /** The command that runs the built server on {@code port}, watching standard input. */
    static List<String> command(int port) throws IOException, InterruptedException {
        return new ArrayList<>(List.of(binary().toString(), "--port", Integer.toString(port)));
    }

    private static Path outputDirectory() throws IOException {
        String configured = System.getProperty("spindle.bench.native.dir");
        List<Path> candidates = new ArrayList<>();
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured));
        } else {
            try {
                Path jar = Path.of(NativeEchoServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (Files.isRegularFile(jar) && jar.toAbsolutePath().getParent() != null) {
                    candidates.add(jar.toAbsolutePath().getParent().resolve("native"));
                } else if (Files.isDirectory(jar) && jar.toAbsolutePath().getParent() != null) {
                    // target/classes when run from an IDE or exec:java: use target/native
                    candidates.add(jar.toAbsolutePath().getParent().resolve("native"));
                }
            } catch (URISyntaxException | RuntimeException e) {
                // no usable code-source location: fall back to the temporary directory
            }
            candidates.add(Path.of(System.getProperty("java.io.tmpdir"), "spindle-bench-native"));
        }
        IOException last = null;
        for (Path dir : candidates) {
            try {
                Files.createDirectories(dir);
                if (Files.isWritable(dir)) {
                    return dir;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException(NAME + ": no writable directory for the binary among " + candidates, last);
    }

    private static Path findCompiler() throws UnavailableException {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("gcc", "cc")) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name);
                }
            }
        }
        throw new UnavailableException(NAME + " is compiled on first use and needs gcc or cc on the PATH;"
                + " found neither in: " + path + ". Install one (Debian: apt-get install gcc) or leave "
                + NAME + " out of --servers");
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Builds the server if needed and prints its path. */
    public static void main(String[] args) throws IOException, InterruptedException {
        try {
            System.out.println(binary());
        } catch (UnavailableException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
