package dev.spindle.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The parsed arguments of {@code spindle}: one command, its options ({@code --name value} or
 * {@code --name=value}, before or after the command), and {@code -h}/{@code --help}.
 * Immutable.
 */
final class CommandLine {
    static final String INFO = "info";
    static final String ECHO = "echo";
    static final String HELP = "help";
    /** Handled by {@link MqttCommand}, which has options of its own. */
    static final String MQTT = "mqtt";

    static final String BACKEND = "--backend";
    static final String PORT = "--port";
    static final String HOST = "--host";
    static final String UNIX = "--unix";
    static final String TLS = "--tls";
    static final String TLS_KEYSTORE = "--tls-keystore";
    /** Options that take no value. */
    private static final Set<String> FLAGS = Set.of(TLS);

    static final String DEFAULT_HOST = "127.0.0.1";

    private static final List<String> COMMANDS = List.of(INFO, ECHO, HELP);
    private static final Map<String, Set<String>> OPTIONS = Map.of(
            INFO, Set.of(BACKEND),
            ECHO, Set.of(BACKEND, PORT, HOST, UNIX, TLS, TLS_KEYSTORE),
            HELP, Set.of());

    private final String command;
    private final Map<String, String> options;

    private CommandLine(String command, Map<String, String> options) {
        this.command = command;
        this.options = options;
    }

    /**
     * Parses {@code args}.
     *
     * @param args the arguments after the program name
     * @return the command line; its command is {@link #HELP} when help was asked for
     * @throws UsageException naming the offending argument
     */
    static CommandLine parse(String[] args) throws UsageException {
        String command = null;
        boolean help = false;
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
            } else if (arg.startsWith("-") && arg.length() > 1) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                if (!name.equals(BACKEND) && !name.equals(PORT) && !name.equals(HOST) && !name.equals(UNIX)
                        && !name.equals(TLS_KEYSTORE) && !FLAGS.contains(name)) {
                    throw new UsageException("unknown option '" + name + "'");
                }
                String value;
                if (FLAGS.contains(name)) {
                    if (eq >= 0) {
                        throw new UsageException("option " + name + " takes no value");
                    }
                    value = "";
                } else if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException("option " + name + " needs a value");
                }
                if (options.put(name, value) != null) {
                    throw new UsageException("option " + name + " is given twice");
                }
            } else if (command == null) {
                command = arg;
            } else {
                throw new UsageException("unexpected argument '" + arg + "' after command '" + command + "'");
            }
        }
        if (help) {
            return new CommandLine(HELP, Map.of());
        }
        if (command == null) {
            throw new UsageException("no command given");
        }
        if (!COMMANDS.contains(command)) {
            throw new UsageException("unknown command '" + command + "'");
        }
        Set<String> allowed = OPTIONS.get(command);
        for (String name : options.keySet()) {
            if (!allowed.contains(name)) {
                throw new UsageException("option " + name + " does not apply to '" + command + "'");
            }
        }
        CommandLine line = new CommandLine(command, Map.copyOf(options));
        if (command.equals(ECHO) && options.containsKey(UNIX)) {
            line.checkUnix();
        } else if (command.equals(ECHO)) {
            if (!options.containsKey(PORT)) {
                throw new UsageException("echo needs " + PORT + " N (0 picks a free port)");
            }
            line.port();
            if (line.host().isBlank()) {
                throw new UsageException(HOST + " must not be blank");
            }
            if (options.containsKey(TLS_KEYSTORE) && !line.tls()) {
                throw new UsageException(TLS_KEYSTORE + " needs " + TLS);
            }
        }
        String backend = options.get(BACKEND);
        if (backend != null && backend.isBlank()) {
            throw new UsageException(BACKEND + " must name a backend, found: '" + backend + "'");
        }
        return line;
    }

    /**
     * The command: {@link #INFO}, {@link #ECHO} or {@link #HELP}.
     *
     * @return the command
     */
    String command() {
        return command;
    }

    /**
     * The backend named with {@code --backend}.
     *
     * @return the name, or null to let {@code Reactors} choose
     */
    @Nullable String backend() {
        String b = options.get(BACKEND);
        return b == null ? null : b.trim();
    }

    /**
     * The host of {@code --host}, default {@value #DEFAULT_HOST}.
     *
     * @return the host
     */
    String host() {
        return options.getOrDefault(HOST, DEFAULT_HOST);
    }

    /**
     * The socket path of {@code --unix}, which replaces {@code --port} and {@code --host}.
     *
     * @return the path, or null to listen on TCP
     */
    java.nio.file.@Nullable Path unix() {
        String value = options.get(UNIX);
        return value == null ? null : java.nio.file.Path.of(value);
    }

    private void checkUnix() throws UsageException {
        if (options.containsKey(PORT) || options.containsKey(HOST)) {
            throw new UsageException(UNIX + " listens on a socket file instead of TCP: drop " + PORT + " and " + HOST);
        }
        String value = options.get(UNIX);
        if (value.isBlank()) {
            throw new UsageException(UNIX + " must name a path, found: '" + value + "'");
        }
        try {
            unix();
        } catch (java.nio.file.InvalidPathException e) {
            throw new UsageException(UNIX + " is not a valid path: " + e.getMessage());
        }
    }

    /**
     * Whether {@code --tls} was given.
     *
     * @return true for TLS
     */
    boolean tls() {
        return options.containsKey(TLS);
    }

    /**
     * The path of {@code --tls-keystore}, or null for the default.
     *
     * @return the path or null
     */
    @Nullable String tlsKeyStore() {
        return options.get(TLS_KEYSTORE);
    }

    /**
     * The port of {@code --port}, checked when parsed.
     *
     * @return 0..65535
     * @throws UsageException if absent or invalid
     */
    int port() throws UsageException {
        String value = options.get(PORT);
        if (value == null) {
            throw new UsageException("option " + PORT + " is missing");
        }
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(PORT + " must be a number in 0..65535, found: '" + value + "'");
        }
        if (port < 0 || port > 65535) {
            throw new UsageException(PORT + " must be in 0..65535 (0 picks a free port), found: " + port);
        }
        return port;
    }

    @Override
    public String toString() {
        return "CommandLine[" + command + " " + options + "]";
    }

    /** A mistake in the arguments: the caller prints the message and the usage, and exits 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
