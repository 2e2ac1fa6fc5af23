package dev.spindle.reactor.kqueue;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Who handles the events of each descriptor number, and which incarnation of the number that is.
 * Each {@link #install} gives the slot a new generation; the token the kernel hands back
 * ({@code udata}) is {@code generation << 32 | fd}, and {@link #lookup} answers only for the token of
 * the current incarnation. So an event fetched for a descriptor that was closed earlier in the same
 * pass, whose number the kernel may already have handed out again, reaches nobody. Loop thread only.
 */
final class HandlerTable {
    private KqueueHandler[] handlers = new KqueueHandler[64];
    private int[] generations = new int[64];
    private int generation;

    /**
     * Gives {@code fd} to {@code handler} with a fresh generation.
     *
     * @return the token for the kernel
     */
    long install(int fd, KqueueHandler handler) {
        if (fd < 0) {
            throw new IllegalArgumentException("fd must not be negative, found: " + fd);
        }
        if (fd >= handlers.length) {
            int size = Math.max(fd + 1, handlers.length * 2);
            handlers = Arrays.copyOf(handlers, size);
            generations = Arrays.copyOf(generations, size);
        }
        int gen = ++generation;
        if (gen == 0) {
            gen = ++generation;
        }
        handlers[fd] = handler;
        generations[fd] = gen;
        return token(fd, gen);
    }

    private static long token(int fd, int gen) {
        return ((long) gen << 32) | (fd & 0xFFFF_FFFFL);
    }

    /** The token of the slot's current incarnation; the slot must be installed. */
    long token(int fd) {
        if (fd < 0 || fd >= handlers.length || handlers[fd] == null) {
            throw new IllegalStateException("fd " + fd + " has no handler");
        }
        return token(fd, generations[fd]);
    }

    /** Hands an installed slot to another handler, keeping its token (a finished connect to its transport). */
    void replace(int fd, KqueueHandler handler) {
        if (fd < 0 || fd >= handlers.length || handlers[fd] == null) {
            throw new IllegalStateException("fd " + fd + " has no handler to replace");
        }
        handlers[fd] = handler;
    }

    /** Frees the slot; events already fetched for it are dropped. */
    void remove(int fd) {
        if (fd >= 0 && fd < handlers.length) {
            handlers[fd] = null;
            generations[fd] = 0;
        }
    }

    /**
     * The handler an event's token names, if it is still the slot's incarnation.
     *
     * @return the handler, or null for a stale token
     */
    @Nullable KqueueHandler lookup(long token) {
        int fd = (int) token;
        int gen = (int) (token >>> 32);
        if (fd >= 0 && fd < handlers.length && gen != 0 && generations[fd] == gen) {
            return handlers[fd];
        }
        return null;
    }

    /** Whether {@code fd} has a handler. */
    boolean isInstalled(int fd) {
        return fd >= 0 && fd < handlers.length && handlers[fd] != null;
    }

    /** The highest number that may be installed, plus one: for closing everything. */
    int capacity() {
        return handlers.length;
    }

    /** Forgets every slot. */
    void clear() {
        Arrays.fill(handlers, null);
        Arrays.fill(generations, 0);
    }
}
