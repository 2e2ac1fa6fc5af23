package dev.spindle.reactor;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Options of a listening UNIX-domain stream socket, built with {@link #builder()}. Immutable.
 *
 * <p>Unlike Twisted's {@code listenUNIX} (SPEC NET-4), which makes every socket file
 * {@code 0o666}, the file keeps the permissions the process's umask gives it unless
 * {@link Builder#permissions(Set)} says otherwise: widening access is the caller's decision.
 */
public final class UnixListenOptions {
    private static final UnixListenOptions DEFAULTS = builder().build();

    private final int backlog;
    private final @Nullable Set<PosixFilePermission> permissions;
    private final boolean removeStaleSocket;

    private UnixListenOptions(Builder b) {
        this.backlog = b.backlog;
        this.permissions = b.permissions;
        this.removeStaleSocket = b.removeStaleSocket;
    }

    /**
     * The defaults: backlog 128 (as for TCP), the umask's permissions, an existing file at the
     * path refused.
     *
     * @return the defaults
     */
    public static UnixListenOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A new builder with the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The accept backlog. On Linux a non-blocking connect to a listener whose backlog is full
     * fails at once (EAGAIN) instead of waiting as a TCP SYN would.
     *
     * @return the backlog
     */
    public int backlog() {
        return backlog;
    }

    /**
     * The permissions given to the socket file right after it is bound, before the port is
     * returned, or null to keep what the umask gave. Between {@code bind} and this change the file
     * has the umask's permissions; where that window matters, put the socket in a directory only
     * the intended users can enter. Ignored for abstract names.
     *
     * @return a copy of the permissions, or null
     */
    public @Nullable Set<PosixFilePermission> permissions() {
        Set<PosixFilePermission> p = permissions;
        return p == null ? null : EnumSet.copyOf(p);
    }

    /**
     * Whether a stale socket file at the path is replaced. When true and a file exists at the
     * path, it is removed only if it is a socket and connecting to it is refused (its server is
     * gone); a probe connection is made to find out, so a live server there sees one connection
     * open and close. A live socket, or a file that is not a socket, is left alone and listening
     * fails with {@link CannotListenException}. When false (the default), any existing file makes
     * listening fail.
     *
     * @return the flag
     */
    public boolean removeStaleSocket() {
        return removeStaleSocket;
    }

    @Override
    public String toString() {
        return "UnixListenOptions[backlog=" + backlog + ", permissions=" + (permissions == null ? "umask" : permissions)
                + ", removeStaleSocket=" + removeStaleSocket + "]";
    }

    /** Builds {@link UnixListenOptions}. */
    public static final class Builder {
        private int backlog = 128;
        private @Nullable Set<PosixFilePermission> permissions;
        private boolean removeStaleSocket;

        private Builder() {
        }

        /**
         * Sets the backlog.
         *
         * @param backlog 1..65535
         * @return this builder
         */
        public Builder backlog(int backlog) {
            if (backlog < 1 || backlog > 65535) {
                throw new IllegalArgumentException("backlog must be in 1..65535, found: " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        /**
         * Sets the socket file's permissions, for example
         * {@code PosixFilePermissions.fromString("rw-rw----")}; null keeps the umask's. Connecting
         * needs write permission on the socket file.
         *
         * @param permissions the permissions (copied), or null
         * @return this builder
         */
        public Builder permissions(@Nullable Set<PosixFilePermission> permissions) {
            if (permissions == null) {
                this.permissions = null;
            } else {
                for (PosixFilePermission p : permissions) {
                    Objects.requireNonNull(p, "permissions must not contain null");
                }
                this.permissions = permissions.isEmpty() ? EnumSet.noneOf(PosixFilePermission.class)
                        : EnumSet.copyOf(permissions);
            }
            return this;
        }

        /**
         * Sets whether a stale socket file is replaced (see {@link UnixListenOptions#removeStaleSocket()}).
         *
         * @param on the flag
         * @return this builder
         */
        public Builder removeStaleSocket(boolean on) {
            this.removeStaleSocket = on;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public UnixListenOptions build() {
            return new UnixListenOptions(this);
        }
    }
}
