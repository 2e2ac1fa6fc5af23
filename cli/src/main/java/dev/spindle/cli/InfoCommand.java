package dev.spindle.cli;

import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.quick.BackendInfo;
import dev.spindle.reactor.quick.Reactors;
import java.io.PrintStream;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code spindle info}: the Java runtime, every reactor backend found with its priority and why
 * it is unavailable, and the one {@code Reactors.create()} would pick.
 */
final class InfoCommand {
    private InfoCommand() {
    }

    /**
     * Prints the report.
     *
     * @param backend the backend named with {@code --backend}, or null for the default choice
     *     (which honours {@code -Dspindle.reactor.backend})
     * @param out where the report goes
     * @param err where a failure to choose goes
     * @return 0, or 1 if no backend can be chosen
     */
    static int run(@Nullable String backend, PrintStream out, PrintStream err) {
        out.println("Java       " + System.getProperty("java.runtime.version", System.getProperty("java.version"))
                + " (" + System.getProperty("java.vendor") + ")");
        out.println("java.home  " + System.getProperty("java.home"));
        out.println("OS         " + System.getProperty("os.name") + " " + System.getProperty("os.version")
                + " (" + System.getProperty("os.arch") + ")");
        out.println();

        String chosen = null;
        ReactorException failure = null;
        String source;
        String forced = System.getProperty(Reactors.BACKEND_PROPERTY);
        try {
            if (backend != null) {
                chosen = Reactors.provider(backend).name();
                source = " (from --backend " + backend + ")";
            } else {
                chosen = Reactors.chosenProvider().name();
                source = forced == null || forced.isBlank()
                        ? " (highest priority available)"
                        : " (from -D" + Reactors.BACKEND_PROPERTY + "=" + forced.trim() + ")";
            }
        } catch (ReactorException e) {
            failure = e;
            source = "";
        }

        List<BackendInfo> backends = Reactors.providers();
        out.println("Backends (highest priority first):");
        if (backends.isEmpty()) {
            out.println("  none found");
        } else {
            int width = "backend".length();
            for (BackendInfo b : backends) {
                width = Math.max(width, b.name().length());
            }
            out.println("  " + pad("backend", width) + "  priority  available");
            for (BackendInfo b : backends) {
                String priority = b.priority() == BackendInfo.UNKNOWN_PRIORITY ? "?" : Integer.toString(b.priority());
                StringBuilder line = new StringBuilder("  ").append(pad(b.name(), width)).append("  ")
                        .append(padLeft(priority, "priority".length())).append("  ");
                if (b.available()) {
                    line.append("yes");
                    if (b.name().equals(chosen)) {
                        line.append("  (chosen)");
                    }
                } else {
                    line.append("no: ").append(b.unavailabilityReason());
                }
                out.println(line);
            }
        }
        out.println();
        if (chosen != null) {
            out.println("Chosen     " + chosen + source);
            out.flush();
            return 0;
        }
        out.println("Chosen     none");
        out.flush();
        err.println("spindle: " + (failure == null ? "no backend" : failure.getMessage()));
        err.flush();
        return 1;
    }

    private static String pad(String s, int width) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() < width) {
            b.append(' ');
        }
        return b.toString();
    }

    private static String padLeft(String s, int width) {
        StringBuilder b = new StringBuilder();
        while (b.length() + s.length() < width) {
            b.append(' ');
        }
        return b.append(s).toString();
    }
}
