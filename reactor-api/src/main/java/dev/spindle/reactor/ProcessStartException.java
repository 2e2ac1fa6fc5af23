package dev.spindle.reactor;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A child process could not be started: the command was not found or is not executable, the
 * working directory does not exist, an argument cannot be passed in the platform's encoding, the
 * system is out of processes, memory or threads, or the reactor is stopping. Thrown by
 * {@link DescriptorReactor#spawnProcess} before it returns; nothing is left open and the protocol
 * is never called. The message names the command and the reason (for an operating-system
 * failure, the errno text the JDK reports, e.g. {@code error=2, No such file or directory});
 * the cause is the underlying {@link java.io.IOException}, if any.
 */
public class ProcessStartException extends ReactorException {
    private static final long serialVersionUID = 1L;

    private final String[] command;
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param command the command that was to run: executable, then arguments
     * @param reason why it could not start, without the command
     * @param cause the underlying error, or null
     */
    public ProcessStartException(List<String> command, String reason, @Nullable Throwable cause) {
        super("cannot start process " + describe(command) + ": " + reason, cause);
        this.command = command.toArray(new String[0]);
        this.reason = Objects.requireNonNull(reason, "reason must not be null");
    }

    /**
     * The command that was to run.
     *
     * @return the executable followed by the arguments
     */
    public List<String> command() {
        return List.of(command);
    }

    /**
     * Why it could not start, without the command (e.g. {@code error=2, No such file or directory}).
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }

    private static String describe(List<String> command) {
        StringBuilder b = new StringBuilder();
        b.append('"').append(command.isEmpty() ? "" : command.get(0)).append('"');
        if (command.size() > 1) {
            b.append(" with arguments ").append(command.subList(1, command.size()));
        }
        return b.toString();
    }
}
