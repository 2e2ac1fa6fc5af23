package dev.spindle.reactor;

import java.util.OptionalInt;

/**
 * How a child process ended: an exit code, or the signal that killed it. Immutable.
 *
 * <h2>Exit code or signal: what is known</h2>
 * The JDK reports one number, {@link Process#exitValue()}. On Linux, macOS and the BSDs it is the
 * exit code for a child that exited, and 128 + N for a child killed by signal N (SIGKILL: 137,
 * SIGTERM: 143), the shell's convention. A child that calls {@code exit(137)} itself is
 * reported the same way, so the JDK's number alone cannot tell the two apart. The portable
 * implementation therefore builds its exits with {@link #fromExitValue(int)}: a value from 129
 * to 192 is presented as a signal, marked {@linkplain #isSignalInferred() inferred}, and
 * {@link #exitValue()} always keeps the raw number. A backend that learns the status from the
 * operating system itself (e.g. {@code waitid} on a pidfd) reports it exactly with
 * {@link #exited(int)} or {@link #killedBy(int)}; {@link #exitValue()} then still follows the
 * JDK's convention, so code that only looks at it behaves alike on every backend.
 */
public final class ProcessExit {
    /** The highest signal number inferred from a JDK exit value (128 + 64). */
    private static final int MAX_INFERRED_SIGNAL = 64;

    private final int exitValue;
    private final int signal; // 0: none
    private final boolean inferred;

    private ProcessExit(int exitValue, int signal, boolean inferred) {
        this.exitValue = exitValue;
        this.signal = signal;
        this.inferred = inferred;
    }

    /**
     * An exit as reported by the JDK's {@link Process#exitValue()} on a POSIX system: a value
     * from 129 to 192 is read as "killed by signal value − 128", marked inferred; any other value
     * is an exit code ({@code -1} is what the JDK reports when it could not learn the status).
     *
     * @param exitValue the JDK's exit value
     * @return the exit
     */
    public static ProcessExit fromExitValue(int exitValue) {
        if (exitValue > 128 && exitValue <= 128 + MAX_INFERRED_SIGNAL) {
            return new ProcessExit(exitValue, exitValue - 128, true);
        }
        return new ProcessExit(exitValue, 0, false);
    }

    /**
     * A child known to have exited with {@code code} (by calling {@code exit}); no signal is
     * inferred, whatever the value.
     *
     * @param code the exit code
     * @return the exit
     */
    public static ProcessExit exited(int code) {
        return new ProcessExit(code, 0, false);
    }

    /**
     * A child known to have been killed by {@code signal}; its {@link #exitValue()} is 128 +
     * {@code signal}, as the JDK reports it.
     *
     * @param signal the signal number, 1 or more
     * @return the exit
     * @throws IllegalArgumentException if {@code signal} is below 1
     */
    public static ProcessExit killedBy(int signal) {
        if (signal < 1) {
            throw new IllegalArgumentException("signal must be 1 or more, found: " + signal);
        }
        return new ProcessExit(128 + signal, signal, false);
    }

    /**
     * The raw exit value, in the JDK's convention (128 + N after signal N).
     *
     * @return the value
     */
    public int exitValue() {
        return exitValue;
    }

    /**
     * The exit code, when the child is not known or inferred to have been killed by a signal.
     *
     * @return the code, or empty after a signal
     */
    public OptionalInt exitCode() {
        return signal == 0 ? OptionalInt.of(exitValue) : OptionalInt.empty();
    }

    /**
     * The signal that killed the child, exact or {@linkplain #isSignalInferred() inferred}.
     *
     * @return the signal number, or empty after a normal exit
     */
    public OptionalInt signal() {
        return signal == 0 ? OptionalInt.empty() : OptionalInt.of(signal);
    }

    /**
     * Whether {@link #signal()} was inferred from an exit value above 128 rather than reported by
     * the operating system (a child that exits with such a code looks the same).
     *
     * @return true when inferred
     */
    public boolean isSignalInferred() {
        return inferred;
    }

    /**
     * Whether the child exited with code 0.
     *
     * @return true on success
     */
    public boolean isSuccess() {
        return exitValue == 0 && signal == 0;
    }

    /**
     * The conventional name of a signal whose number is the same on Linux, macOS and the BSDs.
     *
     * @param signal the number
     * @return e.g. {@code SIGKILL}, or {@code signal N} for others
     */
    public static String signalName(int signal) {
        switch (signal) {
            case 1:
                return "SIGHUP";
            case 2:
                return "SIGINT";
            case 3:
                return "SIGQUIT";
            case 4:
                return "SIGILL";
            case 5:
                return "SIGTRAP";
            case 6:
                return "SIGABRT";
            case 8:
                return "SIGFPE";
            case 9:
                return "SIGKILL";
            case 11:
                return "SIGSEGV";
            case 13:
                return "SIGPIPE";
            case 14:
                return "SIGALRM";
            case 15:
                return "SIGTERM";
            default:
                return "signal " + signal;
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ProcessExit)) {
            return false;
        }
        ProcessExit other = (ProcessExit) o;
        return exitValue == other.exitValue && signal == other.signal && inferred == other.inferred;
    }

    @Override
    public int hashCode() {
        return (exitValue * 31 + signal) * 2 + (inferred ? 1 : 0);
    }

    /**
     * For example {@code exit code 3}, {@code killed by SIGKILL (9)}, or
     * {@code killed by SIGTERM (15), inferred from exit value 143}.
     */
    @Override
    public String toString() {
        if (signal == 0) {
            return "exit code " + exitValue;
        }
        String s = "killed by " + signalName(signal) + " (" + signal + ")";
        return inferred ? s + ", inferred from exit value " + exitValue : s;
    }
}
