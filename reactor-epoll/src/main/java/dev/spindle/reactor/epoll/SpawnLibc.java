package dev.spindle.reactor.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.jspecify.annotations.Nullable;

/**
 * The C library calls of native child processes: {@code posix_spawnp} with its file actions and
 * attributes, {@code fcntl}, {@code waitid}, {@code kill}, and the {@code pidfd_open} and
 * {@code pidfd_send_signal} system calls. Linked when first used, apart from {@link Libc}, so
 * that a C library without them costs only the native process implementation (the reactor then
 * uses the portable one). The {@code posix_spawn} family returns an error number instead of
 * setting {@code errno}; the others capture {@code errno} like {@link Libc}'s calls.
 */
final class SpawnLibc {
    private static final MethodHandle POSIX_SPAWNP = Libc.link("posix_spawnp",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FA_INIT = Libc.link("posix_spawn_file_actions_init",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_DESTROY = Libc.link("posix_spawn_file_actions_destroy",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FA_ADDDUP2 = Libc.link("posix_spawn_file_actions_adddup2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle FA_ADDOPEN = Libc.link("posix_spawn_file_actions_addopen",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    /** glibc 2.29+. */
    private static final @Nullable MethodHandle FA_ADDCHDIR = Libc.linkOptional("posix_spawn_file_actions_addchdir_np",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    /** glibc 2.34+. */
    private static final @Nullable MethodHandle FA_ADDCLOSEFROM = Libc.linkOptional(
            "posix_spawn_file_actions_addclosefrom_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ATTR_INIT = Libc.link("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_DESTROY = Libc.link("posix_spawnattr_destroy",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle ATTR_SETFLAGS = Libc.link("posix_spawnattr_setflags",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
    private static final MethodHandle ATTR_SETSIGMASK = Libc.link("posix_spawnattr_setsigmask",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SIGEMPTYSET = Libc.link("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle FCNTL = Libc.link("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            Libc.ERRNO, Linker.Option.firstVariadicArg(2));
    // syscall(long number, ...): the kernel's arguments are read as longs, so they are passed as longs.
    private static final MethodHandle SYSCALL = Libc.link("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Libc.ERRNO, Linker.Option.firstVariadicArg(1));
    private static final MethodHandle WAITID = Libc.link("waitid",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), Libc.ERRNO);
    private static final MethodHandle KILL = Libc.link("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Libc.ERRNO);

    private SpawnLibc() {
    }

    /** Whether the C library has what native spawning needs besides the calls linked above. */
    static boolean complete() {
        return FA_ADDCHDIR != null && FA_ADDCLOSEFROM != null;
    }

    static int posixSpawnp(MemorySegment pid, MemorySegment file, MemorySegment actions, MemorySegment attr,
            MemorySegment argv, MemorySegment envp) {
        try {
            return (int) POSIX_SPAWNP.invokeExact(pid, file, actions, attr, argv, envp);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int fileActionsInit(MemorySegment actions) {
        return call1(FA_INIT, actions);
    }

    static int fileActionsDestroy(MemorySegment actions) {
        return call1(FA_DESTROY, actions);
    }

    static int addDup2(MemorySegment actions, int fd, int newFd) {
        try {
            return (int) FA_ADDDUP2.invokeExact(actions, fd, newFd);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int addOpen(MemorySegment actions, int fd, MemorySegment path, int flags, int mode) {
        try {
            return (int) FA_ADDOPEN.invokeExact(actions, fd, path, flags, mode);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int addChdir(MemorySegment actions, MemorySegment path) {
        MethodHandle h = FA_ADDCHDIR;
        if (h == null) {
            throw new UnsupportedOperationException("the C library has no posix_spawn_file_actions_addchdir_np()");
        }
        try {
            return (int) h.invokeExact(actions, path);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int addCloseFrom(MemorySegment actions, int from) {
        MethodHandle h = FA_ADDCLOSEFROM;
        if (h == null) {
            throw new UnsupportedOperationException("the C library has no posix_spawn_file_actions_addclosefrom_np()");
        }
        try {
            return (int) h.invokeExact(actions, from);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int attrInit(MemorySegment attr) {
        return call1(ATTR_INIT, attr);
    }

    static int attrDestroy(MemorySegment attr) {
        return call1(ATTR_DESTROY, attr);
    }

    static int attrSetFlags(MemorySegment attr, short flags) {
        try {
            return (int) ATTR_SETFLAGS.invokeExact(attr, flags);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int attrSetSigmask(MemorySegment attr, MemorySegment set) {
        try {
            return (int) ATTR_SETSIGMASK.invokeExact(attr, set);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int sigemptyset(MemorySegment set) {
        return call1(SIGEMPTYSET, set);
    }

    private static int call1(MethodHandle h, MemorySegment a) {
        try {
            return (int) h.invokeExact(a);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int fcntl(MemorySegment st, int fd, int cmd, int arg) {
        try {
            return (int) FCNTL.invokeExact(st, fd, cmd, arg);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static long syscall(MemorySegment st, long number, long a, long b, long c, long d) {
        try {
            return (long) SYSCALL.invokeExact(st, number, a, b, c, d);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int waitid(MemorySegment st, int idType, int id, MemorySegment info, int options) {
        try {
            return (int) WAITID.invokeExact(st, idType, id, info, options);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }

    static int kill(MemorySegment st, int pid, int signal) {
        try {
            return (int) KILL.invokeExact(st, pid, signal);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
