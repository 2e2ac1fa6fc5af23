package dev.spindle.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The `--name value` and `--flag` command lines of the benchmark programs.
 *
 * <p>Every option must be known to the program; an unknown one, or a missing value, stops it
 * with a message that names what was found.
 */
public final class CliArgs {

    private final String program;
    private final Map<String, String> values = new HashMap<>();

    private CliArgs(String program) {
        this.program = program;
    }

    /**
     * Parses {@code args}.
     *
     * @param program the program name, for messages
     * @param withValue options that take a value (without the leading {@code --})
     * @param flags options that take none
     */
    public static CliArgs parse(String program, String[] args, Set<String> withValue, Set<String> flags) {
        CliArgs parsed = new CliArgs(program);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2) : "";
            if (flags.contains(name)) {
                parsed.values.put(name, "true");
            } else if (withValue.contains(name)) {
                if (i + 1 >= args.length) {
                    throw parsed.usage("option " + arg + " needs a value");
                }
                parsed.values.put(name, args[++i]);
            } else {
                throw parsed.usage("unknown option, found: " + arg + "; known: --" + String.join(" --", withValue)
                        + (flags.isEmpty() ? "" : " --" + String.join(" --", flags)));
            }
        }
        return parsed;
    }

    public String get(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public int getInt(String name, int defaultValue, int min, int max) {
        String text = values.get(name);
        if (text == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw usage("--" + name + " must be an integer, found: " + text);
        }
        if (value < min || value > max) {
            throw usage("--" + name + " must be in " + min + ".." + max + ", found: " + value);
        }
        return value;
    }

    public UsageException usage(String message) {
        return new UsageException(program + ": " + message);
    }

    /** A bad command line; the program prints the message and exits with status 2. */
    public static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
