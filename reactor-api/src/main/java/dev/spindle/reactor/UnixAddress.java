package dev.spindle.reactor;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The address of a UNIX-domain stream socket: a path in the file system, or a name in the Linux
 * abstract namespace. Immutable; built with {@link #path(Path)} or {@link #abstractName(String)}.
 *
 * <h2>Paths</h2>
 * Binding a path creates a socket file there; Spindle removes it again when the listening port
 * closes. The path is used as given (a relative path is relative to the working directory when
 * bound) and must fit the kernel's {@code sun_path}: at most 107 bytes on Linux and 103 on macOS
 * and the BSDs, in the platform's file-name encoding. A longer path is refused when listening
 * ({@link CannotListenException}) or connecting ({@link ConnectionFailedException}), naming the
 * limit.
 *
 * <h2>Abstract names (Linux)</h2>
 * An abstract name lives in the network namespace, not the file system: nothing is created on
 * disk and nothing needs removing; the name goes away with the last socket bound to it. The
 * kernel sees a leading NUL byte followed by the name's UTF-8 bytes, so a name is 1..107 bytes
 * and is shown as {@code @name} (as {@code ss -x} does). Not every backend can bind one: the JDK's
 * own {@link UnixDomainSocketAddress} cannot hold a name that starts with a NUL byte, so the
 * portable select backend throws {@link UnsupportedOperationException} for them; the native
 * epoll backend binds them directly.
 *
 * <h2>As a {@link SocketAddress}</h2>
 * Transports and listening ports report a path address as the JDK's
 * {@link UnixDomainSocketAddress} (as the JDK's own channels do; an unbound client socket is
 * {@code UnixDomainSocketAddress.of("")}), and an abstract address as a {@code UnixAddress},
 * since the JDK type cannot represent one.
 */
public final class UnixAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;

    /** Most bytes of an abstract name: {@code sun_path} is 108 bytes and the first one is NUL. */
    public static final int MAX_ABSTRACT_NAME_BYTES = 107;

    // The path as a string, so that the class stays serializable (Path is not).
    private final String name;
    private final boolean abstractNamespace;

    private UnixAddress(String name, boolean abstractNamespace) {
        this.name = name;
        this.abstractNamespace = abstractNamespace;
    }

    /**
     * A file-system path address.
     *
     * @param path a non-empty path of the default file system
     * @return the address
     * @throws IllegalArgumentException if the path is empty or of another file system
     */
    public static UnixAddress path(Path path) {
        Objects.requireNonNull(path, "path must not be null");
        if (path.getFileSystem() != FileSystems.getDefault()) {
            throw new IllegalArgumentException("path must be on the default file system, found: " + path.toUri());
        }
        String s = path.toString();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("path must not be empty (an empty UNIX address is an unbound socket)");
        }
        return new UnixAddress(s, false);
    }

    /**
     * A name in the Linux abstract namespace (see the class comment).
     *
     * @param name the name without the leading NUL byte: 1..{@value #MAX_ABSTRACT_NAME_BYTES}
     *     bytes of UTF-8; any characters, NUL included
     * @return the address
     * @throws IllegalArgumentException if the name is empty or too long
     */
    public static UnixAddress abstractName(String name) {
        Objects.requireNonNull(name, "name must not be null");
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > MAX_ABSTRACT_NAME_BYTES) {
            throw new IllegalArgumentException("an abstract name must be 1.." + MAX_ABSTRACT_NAME_BYTES
                    + " bytes of UTF-8, found: " + bytes + " bytes");
        }
        return new UnixAddress(name, true);
    }

    /**
     * Whether this is a Linux abstract-namespace name rather than a path.
     *
     * @return true for {@link #abstractName(String)} addresses
     */
    public boolean isAbstract() {
        return abstractNamespace;
    }

    /**
     * The path of a path address.
     *
     * @return the path
     * @throws IllegalStateException for an abstract name
     */
    public Path path() {
        if (abstractNamespace) {
            throw new IllegalStateException("an abstract-namespace address has no path: " + this);
        }
        return Path.of(name);
    }

    /**
     * The name of an abstract address, without the leading NUL byte.
     *
     * @return the name
     * @throws IllegalStateException for a path address
     */
    public String abstractName() {
        if (!abstractNamespace) {
            throw new IllegalStateException("a path address has no abstract name: " + this);
        }
        return name;
    }

    /**
     * How transports report this address: {@link UnixDomainSocketAddress} for a path, this
     * address for an abstract name.
     *
     * @return the socket address
     */
    public SocketAddress toSocketAddress() {
        return abstractNamespace ? this : UnixDomainSocketAddress.of(name);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof UnixAddress)) {
            return false;
        }
        UnixAddress other = (UnixAddress) o;
        return abstractNamespace == other.abstractNamespace && name.equals(other.name);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + (abstractNamespace ? 1 : 0);
    }

    /**
     * The path, or {@code @name} for an abstract name.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return abstractNamespace ? "@" + name : name;
    }
}
