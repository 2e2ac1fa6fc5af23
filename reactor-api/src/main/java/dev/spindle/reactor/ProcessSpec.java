package dev.spindle.reactor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What child process to start and how: the command, its environment and working directory, what
 * becomes of its output streams, and what the reactor does to it when the reactor stops.
 * Immutable; built with {@link #builder(String)}. Every value is checked when it is set: a bad
 * one throws {@link IllegalArgumentException} naming it.
 *
 * <pre>{@code
 * ProcessSpec spec = ProcessSpec.builder("grep")
 *         .arguments("-c", "needle")
 *         .environmentVariable("LC_ALL", "C.UTF-8")
 *         .workingDirectory(Path.of("/srv/data"))
 *         .build();
 * ProcessTransport child = reactor.spawnProcess(spec, protocol);
 * }</pre>
 *
 * <h2>Arguments</h2>
 * The executable and each argument reach the child verbatim, as one {@code argv} entry each; no
 * shell is involved, so spaces, quotes and globs are not interpreted (run {@code /bin/sh -c} for
 * that). An executable without a slash is searched on the parent's {@code PATH}, as
 * {@link ProcessBuilder} does. On POSIX systems strings are encoded with the JVM's platform
 * charset ({@code sun.jnu.encoding}, from the locale the JVM started in): a character it cannot
 * represent (anything but ASCII under the C locale) makes the spawn fail with
 * {@link ProcessStartException} instead of reaching the child as {@code ?}.
 *
 * <h2>Environment (SPEC NET-6)</h2>
 * Twisted starts a child with an <em>empty</em> environment when none is given. Spindle follows
 * {@link ProcessBuilder} instead, the convention Java users expect: by default the child
 * <b>inherits</b> the parent's environment ({@link System#getenv()}, as the JVM started with).
 * {@link Builder#environment(Map)} gives <b>exactly</b> that map and nothing inherited (Twisted's
 * "a map is exactly that environment"); {@link Builder#clearEnvironment()} gives an empty one.
 * {@link Builder#environmentVariable(String, String)} and
 * {@link Builder#removeEnvironmentVariable(String)} adjust whichever base was chosen.
 *
 * <h2>Shutdown</h2>
 * {@link ShutdownPolicy} says what a reactor's {@code stop()} and {@code terminate()} do to a
 * child that is still running; the default, {@link ShutdownPolicy#TERMINATE}, ends it.
 */
public final class ProcessSpec {
    /** Default of {@link #shutdownGrace()}: 5 seconds. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final List<String> command;
    private final boolean inheritEnvironment;
    private final Map<String, String> environment;
    private final Set<String> removedVariables;
    private final @Nullable Path workingDirectory;
    private final Output stdout;
    private final Output stderr;
    private final boolean stderrMerged;
    private final ShutdownPolicy shutdownPolicy;
    private final Duration shutdownGrace;

    private ProcessSpec(Builder b) {
        this.command = Collections.unmodifiableList(new ArrayList<>(b.command));
        this.inheritEnvironment = b.inheritEnvironment;
        this.environment = Collections.unmodifiableMap(new LinkedHashMap<>(b.environment));
        this.removedVariables = Collections.unmodifiableSet(new LinkedHashSet<>(b.removedVariables));
        this.workingDirectory = b.workingDirectory;
        this.stdout = b.stdout;
        this.stderr = b.stderr;
        this.stderrMerged = b.stderrMerged;
        this.shutdownPolicy = b.shutdownPolicy;
        this.shutdownGrace = b.shutdownGrace;
    }

    /**
     * A builder for running {@code executable}, with no arguments yet and the defaults: the
     * parent's environment and working directory, both output streams piped, shutdown policy
     * {@link ShutdownPolicy#TERMINATE}.
     *
     * @param executable a path, or a name searched on the parent's {@code PATH}
     * @return a new builder
     * @throws IllegalArgumentException if it is empty or contains a NUL character
     */
    public static Builder builder(String executable) {
        return new Builder(executable);
    }

    /**
     * A spec with the defaults for {@code executable} and {@code arguments}.
     *
     * @param executable a path, or a name searched on the parent's {@code PATH}
     * @param arguments the arguments, each passed verbatim
     * @return the spec
     */
    public static ProcessSpec of(String executable, String... arguments) {
        return builder(executable).arguments(arguments).build();
    }

    /**
     * The command: the executable followed by the arguments.
     *
     * @return an unmodifiable list of at least one element
     */
    public List<String> command() {
        return command;
    }

    /**
     * The executable.
     *
     * @return the first element of {@link #command()}
     */
    public String executable() {
        return command.get(0);
    }

    /**
     * The arguments, without the executable.
     *
     * @return an unmodifiable list
     */
    public List<String> arguments() {
        return command.subList(1, command.size());
    }

    /**
     * Whether the child's environment starts from the parent's (the default) rather than from
     * nothing.
     *
     * @return true to inherit
     */
    public boolean inheritsEnvironment() {
        return inheritEnvironment;
    }

    /**
     * The variables set explicitly, on top of the inherited ones or, when not inheriting, the
     * whole environment.
     *
     * @return an unmodifiable map, in insertion order
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * The inherited variables to leave out.
     *
     * @return an unmodifiable set
     */
    public Set<String> removedEnvironmentVariables() {
        return removedVariables;
    }

    /**
     * The environment the child gets when the parent's is {@code parent}: the base (the parent's
     * or empty), without the removed variables, with the explicit ones set.
     *
     * @param parent the parent's environment, usually {@link System#getenv()}
     * @return a new mutable map
     */
    public Map<String, String> resolveEnvironment(Map<String, String> parent) {
        Objects.requireNonNull(parent, "parent must not be null");
        Map<String, String> env = new LinkedHashMap<>();
        if (inheritEnvironment) {
            env.putAll(parent);
            env.keySet().removeAll(removedVariables);
        }
        env.putAll(environment);
        return env;
    }

    /**
     * The working directory.
     *
     * @return the directory, or null for the parent's current directory
     */
    public @Nullable Path workingDirectory() {
        return workingDirectory;
    }

    /**
     * What becomes of the child's standard output.
     *
     * @return the choice, {@link Output#PIPE} by default
     */
    public Output stdout() {
        return stdout;
    }

    /**
     * What becomes of the child's standard error when it is not merged.
     *
     * @return the choice, {@link Output#PIPE} by default
     */
    public Output stderr() {
        return stderr;
    }

    /**
     * Whether standard error goes to the same place as standard output (2&gt;&amp;1): with a
     * piped standard output, both arrive interleaved as {@link ProcessStream#STDOUT}.
     *
     * @return true when merged
     */
    public boolean stderrMerged() {
        return stderrMerged;
    }

    /**
     * Whether {@code stream} reaches the protocol through a pipe.
     *
     * @param stream the stream
     * @return true if the protocol receives it
     */
    public boolean isPiped(ProcessStream stream) {
        if (stream == ProcessStream.STDOUT) {
            return stdout == Output.PIPE;
        }
        return !stderrMerged && stderr == Output.PIPE;
    }

    /**
     * What the reactor's {@code stop()} and {@code terminate()} do to the child if it still runs.
     *
     * @return the policy, {@link ShutdownPolicy#TERMINATE} by default
     */
    public ShutdownPolicy shutdownPolicy() {
        return shutdownPolicy;
    }

    /**
     * How long {@link ShutdownPolicy#TERMINATE} waits after SIGTERM before SIGKILL when the
     * reactor stops.
     *
     * @return the grace, {@link #DEFAULT_SHUTDOWN_GRACE} by default
     */
    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    /**
     * A builder starting from this spec.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(command.get(0));
        b.command.addAll(arguments());
        b.inheritEnvironment = inheritEnvironment;
        b.environment.putAll(environment);
        b.removedVariables.addAll(removedVariables);
        b.workingDirectory = workingDirectory;
        b.stdout = stdout;
        b.stderr = stderr;
        b.stderrMerged = stderrMerged;
        b.shutdownPolicy = shutdownPolicy;
        b.shutdownGrace = shutdownGrace;
        return b;
    }

    @Override
    public String toString() {
        return "ProcessSpec[command=" + command
                + (inheritEnvironment ? ", inherited environment" + (environment.isEmpty() ? "" : " + " + environment.keySet())
                        + (removedVariables.isEmpty() ? "" : " - " + removedVariables)
                        : ", environment " + environment.keySet())
                + (workingDirectory == null ? "" : ", in " + workingDirectory)
                + ", stdout " + stdout + ", stderr " + (stderrMerged ? "merged" : stderr)
                + ", shutdown " + shutdownPolicy + (shutdownPolicy == ShutdownPolicy.TERMINATE ? " after " + shutdownGrace : "")
                + "]";
    }

    /** What becomes of one of the child's output streams. */
    public enum Output {
        /** A pipe to the reactor: the protocol receives the bytes. The default. */
        PIPE,
        /** Thrown away by the operating system ({@code /dev/null}); no pipe, no reader. */
        DISCARD,
        /** The parent's own stream (the JVM's standard output or error); no pipe, no reader. */
        INHERIT
    }

    /**
     * What the reactor does to a child that is still running when the reactor stops. In every
     * case the reactor closes its ends of the pipes before it is inactive.
     */
    public enum ShutdownPolicy {
        /**
         * The default. {@code stop()}: the child's standard input is closed (after pending input),
         * SIGTERM is sent, and SIGKILL follows after {@link ProcessSpec#shutdownGrace()}; the
         * child's remaining output is delivered and the stop waits (within
         * {@link ReactorConfig#shutdownTimeout()}) for its exit. {@code terminate()}: SIGKILL at
         * once, pipes closed, without waiting.
         */
        TERMINATE,
        /**
         * SIGKILL at once on {@code stop()} (the stop then waits for the exit and the remaining
         * output) and on {@code terminate()}.
         */
        KILL,
        /**
         * No signal: {@code stop()} and {@code terminate()} drop pending input, close the
         * reactor's ends of the pipes and stop watching; the child runs on. A detached child
         * that writes to a piped output afterwards gets {@code EPIPE}/SIGPIPE: detach children
         * whose output is {@link Output#DISCARD discarded} or {@link Output#INHERIT inherited},
         * or that do not write. (The portable implementation's reader thread for a pipe ends
         * when the child next writes to it or exits.)
         */
        DETACH
    }

    /** Builds a {@link ProcessSpec}. Not thread-safe. */
    public static final class Builder {
        private final List<String> command = new ArrayList<>();
        private boolean inheritEnvironment = true;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Set<String> removedVariables = new LinkedHashSet<>();
        private @Nullable Path workingDirectory;
        private Output stdout = Output.PIPE;
        private Output stderr = Output.PIPE;
        private boolean stderrMerged;
        private ShutdownPolicy shutdownPolicy = ShutdownPolicy.TERMINATE;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;

        private Builder(String executable) {
            Objects.requireNonNull(executable, "executable must not be null");
            if (executable.isEmpty()) {
                throw new IllegalArgumentException("executable must not be empty");
            }
            command.add(checkNoNul(executable, "executable"));
        }

        /**
         * Appends arguments, each passed to the child verbatim.
         *
         * @param arguments the arguments
         * @return this builder
         * @throws IllegalArgumentException if one contains a NUL character
         */
        public Builder arguments(String... arguments) {
            Objects.requireNonNull(arguments, "arguments must not be null");
            return arguments(Arrays.asList(arguments));
        }

        /**
         * Appends arguments, each passed to the child verbatim.
         *
         * @param arguments the arguments
         * @return this builder
         * @throws IllegalArgumentException if one contains a NUL character
         */
        public Builder arguments(List<String> arguments) {
            Objects.requireNonNull(arguments, "arguments must not be null");
            for (String a : arguments) {
                Objects.requireNonNull(a, "arguments must not contain null");
                checkNoNul(a, "argument " + (command.size()));
                command.add(a);
            }
            return this;
        }

        /**
         * The child inherits the parent's environment (the default); clears the explicit and
         * removed variables set so far.
         *
         * @return this builder
         */
        public Builder inheritEnvironment() {
            inheritEnvironment = true;
            environment.clear();
            removedVariables.clear();
            return this;
        }

        /**
         * The child's environment is exactly {@code environment}: nothing is inherited.
         *
         * @param environment the variables
         * @return this builder
         * @throws IllegalArgumentException on an empty name, a name with {@code =}, or a NUL
         *     character
         */
        public Builder environment(Map<String, String> environment) {
            Objects.requireNonNull(environment, "environment must not be null");
            Map<String, String> copy = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : environment.entrySet()) {
                copy.put(checkName(e.getKey()), checkValue(e.getKey(), e.getValue()));
            }
            inheritEnvironment = false;
            this.environment.clear();
            this.environment.putAll(copy);
            removedVariables.clear();
            return this;
        }

        /**
         * The child starts with an empty environment.
         *
         * @return this builder
         */
        public Builder clearEnvironment() {
            return environment(Map.of());
        }

        /**
         * Sets one variable, over the inherited or explicit environment.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         * @throws IllegalArgumentException on an empty name, a name with {@code =}, or a NUL
         *     character
         */
        public Builder environmentVariable(String name, String value) {
            checkName(name);
            checkValue(name, value);
            removedVariables.remove(name);
            environment.put(name, value);
            return this;
        }

        /**
         * Leaves one variable out of the child's environment, inherited or explicit.
         *
         * @param name the name
         * @return this builder
         */
        public Builder removeEnvironmentVariable(String name) {
            checkName(name);
            environment.remove(name);
            if (inheritEnvironment) {
                removedVariables.add(name);
            }
            return this;
        }

        /**
         * The directory the child starts in; by default the parent's current directory.
         *
         * @param directory an existing directory
         * @return this builder
         */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = Objects.requireNonNull(directory, "directory must not be null");
            return this;
        }

        /**
         * What becomes of the child's standard output.
         *
         * @param output the choice; {@link Output#PIPE} by default
         * @return this builder
         */
        public Builder stdout(Output output) {
            this.stdout = Objects.requireNonNull(output, "output must not be null");
            return this;
        }

        /**
         * What becomes of the child's standard error.
         *
         * @param output the choice; {@link Output#PIPE} by default
         * @return this builder
         */
        public Builder stderr(Output output) {
            this.stderr = Objects.requireNonNull(output, "output must not be null");
            return this;
        }

        /**
         * Whether the child's standard error goes where its standard output goes (2&gt;&amp;1).
         * Not allowed together with a non-default {@link #stderr(Output)}.
         *
         * @param merged true to merge
         * @return this builder
         */
        public Builder mergeStderrIntoStdout(boolean merged) {
            this.stderrMerged = merged;
            return this;
        }

        /**
         * What the reactor's {@code stop()} and {@code terminate()} do to the child.
         *
         * @param policy the policy; {@link ShutdownPolicy#TERMINATE} by default
         * @return this builder
         */
        public Builder shutdownPolicy(ShutdownPolicy policy) {
            this.shutdownPolicy = Objects.requireNonNull(policy, "policy must not be null");
            return this;
        }

        /**
         * How long {@link ShutdownPolicy#TERMINATE} waits between SIGTERM and SIGKILL during a
         * reactor's {@code stop()}. The reactor's {@link ReactorConfig#shutdownTimeout()} still
         * bounds the whole stop: when it passes first, the child is killed then.
         *
         * @param grace zero or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder shutdownGrace(Duration grace) {
            Objects.requireNonNull(grace, "grace must not be null");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("shutdownGrace must not be negative, found: " + grace);
            }
            this.shutdownGrace = grace;
            return this;
        }

        /**
         * Builds the spec.
         *
         * @return the spec
         * @throws IllegalArgumentException if standard error is both merged and set to something
         *     other than {@link Output#PIPE}
         */
        public ProcessSpec build() {
            if (stderrMerged && stderr != Output.PIPE) {
                throw new IllegalArgumentException("stderr cannot be both merged into stdout and set to " + stderr);
            }
            return new ProcessSpec(this);
        }

        private static String checkNoNul(String s, String what) {
            if (s.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(what + " must not contain a NUL character, found: "
                        + s.replace("\0", "\\0"));
            }
            return s;
        }

        private static String checkName(String name) {
            Objects.requireNonNull(name, "environment variable name must not be null");
            if (name.isEmpty() || name.indexOf('=') >= 0) {
                throw new IllegalArgumentException("environment variable name must be non-empty and without '=', found: \""
                        + name + "\"");
            }
            return checkNoNul(name, "environment variable name");
        }

        private static String checkValue(String name, String value) {
            Objects.requireNonNull(value, "value of environment variable " + name + " must not be null");
            return checkNoNul(value, "value of environment variable " + name);
        }
    }
}
