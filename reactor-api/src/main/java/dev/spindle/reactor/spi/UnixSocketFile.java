package dev.spindle.reactor.spi;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket file of one listening UNIX-domain socket, from before it is bound until it is
 * removed: the checks every backend makes before binding (path length, an existing file, a stale
 * socket), the permissions after binding, and the removal when the port closes, which deletes the
 * file only while it is still the one this port created (same file key, that is device and
 * inode). For an abstract name every step is a no-op. Loop thread only.
 *
 * <p>A backend's {@code listenUnix}: {@link #prepare}, bind, {@link #bound()}, and
 * {@link #remove()} when the port closes or when anything after the bind fails.
 */
public final class UnixSocketFile {
    private static final Logger LOG = LoggerFactory.getLogger(UnixSocketFile.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int MAX_PATH_BYTES = maxPathBytes(System.getProperty("os.name", ""));
    private static final Charset FILE_NAME_CHARSET = fileNameCharset();

    private final UnixAddress address;
    private final @Nullable Set<PosixFilePermission> permissions;
    /** The identity of a file bound a moment ago whose attributes could not be read. */
    private static final Object JUST_BOUND = new Object();

    // Set once bound: what identifies the file this port created.
    private @Nullable Object identity;

    private UnixSocketFile(UnixAddress address, @Nullable Set<PosixFilePermission> permissions) {
        this.address = address;
        this.permissions = permissions;
    }

    /**
     * Checks that {@code address} can be bound and clears a stale socket if the options ask for
     * it: the path fits {@code sun_path}, and nothing exists at it (or only a stale socket that
     * {@link UnixListenOptions#removeStaleSocket()} allowed to remove, which is removed here).
     *
     * @param address the address to bind
     * @param options the options
     * @return the socket file, not yet bound
     * @throws CannotListenException naming the address and the reason
     */
    public static UnixSocketFile prepare(UnixAddress address, UnixListenOptions options) {
        UnixSocketFile f = new UnixSocketFile(address, options.permissions());
        if (address.isAbstract()) {
            return f;
        }
        String tooLong = lengthProblem(address);
        if (tooLong != null) {
            throw new CannotListenException("cannot listen on " + address + ": " + tooLong, null);
        }
        Path path = address.path();
        BasicFileAttributes existing;
        try {
            existing = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return f;
        } catch (IOException e) {
            throw new CannotListenException("cannot listen on " + address + ": cannot inspect the path: " + e, e);
        }
        String what = describe(path, existing);
        if (!options.removeStaleSocket()) {
            throw new CannotListenException("cannot listen on " + address + ": " + what + " already exists there and is "
                    + "left alone (remove it, or set UnixListenOptions.removeStaleSocket to replace a stale socket)", null);
        }
        if (!isSocket(path)) {
            throw new CannotListenException("cannot listen on " + address + ": " + what + " exists there; only a stale "
                    + "socket is replaced, so it is left alone", null);
        }
        String alive = aliveReason(path);
        if (alive != null) {
            throw new CannotListenException("cannot listen on " + address + ": the socket there is not stale (" + alive
                    + "); it is left alone", null);
        }
        try {
            Files.delete(path);
            LOG.info("removed the stale socket file {} (connecting to it was refused)", path);
        } catch (NoSuchFileException e) {
            // Removed meanwhile: the path is free.
        } catch (IOException e) {
            throw new CannotListenException("cannot listen on " + address + ": cannot remove the stale socket there: " + e, e);
        }
        return f;
    }

    /**
     * Records the file the bind just created and applies the permissions. If this throws, the
     * caller closes its channel and calls {@link #remove()}, which then deletes the file
     * unconditionally (it was bound a moment ago).
     *
     * @throws IOException if the file cannot be read or its permissions set
     */
    public void bound() throws IOException {
        if (address.isAbstract()) {
            return;
        }
        Path path = address.path();
        identity = JUST_BOUND;
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        identity = identityOf(a);
        Set<PosixFilePermission> p = permissions;
        if (p != null) {
            Files.setPosixFilePermissions(path, p);
        }
    }

    /**
     * Deletes the socket file if it is still the one {@link #bound()} recorded; idempotent. A
     * file that is gone or was replaced is left alone; a failure to delete is logged.
     *
     * @return true if this call deleted the file
     */
    public boolean remove() {
        Object mine = identity;
        identity = null;
        if (mine == null || address.isAbstract()) {
            return false;
        }
        Path path = address.path();
        try {
            if (mine != JUST_BOUND) {
                BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!mine.equals(identityOf(now))) {
                    LOG.debug("socket file {} was replaced since it was bound; left alone", path);
                    return false;
                }
            }
            Files.delete(path);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            LOG.warn("cannot remove the socket file {}: {}", path, e.toString());
            return false;
        }
    }

    /**
     * The address this file belongs to.
     *
     * @return the address
     */
    public UnixAddress address() {
        return address;
    }

    /**
     * Why a path address does not fit the kernel's {@code sun_path}, or null if it fits (always for
     * abstract names, whose length {@link UnixAddress} checks). The limit is 107 bytes on Linux
     * and 103 on macOS and the BSDs; on other systems the kernel is left to decide.
     *
     * @param address the address
     * @return the problem, or null
     */
    public static @Nullable String lengthProblem(UnixAddress address) {
        if (address.isAbstract()) {
            return null;
        }
        int bytes = address.path().toString().getBytes(FILE_NAME_CHARSET).length;
        if (bytes <= MAX_PATH_BYTES) {
            return null;
        }
        return "the path is too long for sun_path: " + bytes + " bytes, and at most " + MAX_PATH_BYTES + " fit on "
                + System.getProperty("os.name") + " (" + (MAX_PATH_BYTES + 1) + " with the terminating NUL); use a "
                + "shorter or a relative path";
    }

    static int maxPathBytes(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return 107;
        }
        if (os.startsWith("mac") || os.contains("bsd") || os.startsWith("darwin")) {
            return 103;
        }
        return Integer.MAX_VALUE;
    }

    private static Charset fileNameCharset() {
        // The JDK turns socket paths into bytes with the charset it uses for file names.
        for (String property : new String[] {"sun.jnu.encoding", "native.encoding"}) {
            String name = System.getProperty(property);
            if (name != null && Charset.isSupported(name)) {
                return Charset.forName(name);
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static Object identityOf(BasicFileAttributes a) {
        Object key = a.fileKey();
        return key != null ? key : a.creationTime();
    }

    private static String describe(Path path, BasicFileAttributes a) {
        if (a.isRegularFile()) {
            return "a regular file";
        }
        if (a.isDirectory()) {
            return "a directory";
        }
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        return isSocket(path) ? "a socket" : "a special file";
    }

    /** Whether the file at {@code path} (not followed) is a socket; false where that cannot be told. */
    private static boolean isSocket(Path path) {
        try {
            Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return mode instanceof Integer && ((Integer) mode & S_IFMT) == S_IFSOCK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Null if connecting to the socket at {@code path} is refused (nobody listens: stale), else
     * why it does not count as stale. Non-blocking, so the loop never waits.
     */
    private static @Nullable String aliveReason(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            return "a server accepts connections on it";
        } catch (ConnectException e) {
            return null;
        } catch (IOException e) {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            // EAGAIN (a full backlog: someone listens), EACCES, ...: not known to be stale.
            return "connecting to it failed with " + e;
        }
    }
}
