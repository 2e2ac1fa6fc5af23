package dev.spindle.reactor.spi;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A native backend's table of who handles the events of each descriptor number, and which
 * incarnation of the number that is. Each {@link #install} gives the slot a new generation; the
 * 64-bit token the kernel hands back with each event ({@code epoll_event.data}, kqueue's
 * {@code udata}) is {@code generation << 32 | fd}, and {@link #lookup} answers only for the token of
 * the slot's current incarnation. So an event fetched for a descriptor that was closed earlier in
 * the same pass, whose number the kernel may already have handed out again, reaches nobody. Grows
 * with the highest number installed. Loop thread only.
 *
 * @param <H> the backend's handler type
 */
public final class DescriptorTable<H> {
    private @Nullable Object[] handlers = new Object[64];
    private int[] generations = new int[64];
    private int generation;

    /** Creates an empty table. */
    public DescriptorTable() {
    }

    /**
     * Gives {@code fd} to {@code handler} with a fresh generation.
     *
     * @param fd the descriptor number, not negative
     * @param handler its handler
     * @return the token for the kernel
     */
    public long install(int fd, H handler) {
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
            gen = ++generation; // 0 marks a free slot
        }
        handlers[fd] = handler;
        generations[fd] = gen;
        return token(fd, gen);
    }

    private static long token(int fd, int gen) {
        return ((long) gen << 32) | (fd & 0xFFFF_FFFFL);
    }

    /**
     * The token of the slot's current incarnation.
     *
     * @param fd an installed descriptor
     * @return its token
     * @throws IllegalStateException if {@code fd} has no handler
     */
    public long token(int fd) {
        if (!isInstalled(fd)) {
            throw new IllegalStateException("fd " + fd + " has no handler");
        }
        return token(fd, generations[fd]);
    }

    /**
     * Hands an installed slot to another handler, keeping its token (a finished connect to its
     * transport).
     *
     * @param fd an installed descriptor
     * @param handler the new handler
     * @throws IllegalStateException if {@code fd} has no handler
     */
    public void replace(int fd, H handler) {
        if (!isInstalled(fd)) {
            throw new IllegalStateException("fd " + fd + " has no handler to replace");
        }
        handlers[fd] = handler;
    }

    /**
     * Frees the slot; events already fetched for it are dropped.
     *
     * @param fd the descriptor
     */
    public void remove(int fd) {
        if (fd >= 0 && fd < handlers.length) {
            handlers[fd] = null;
            generations[fd] = 0;
        }
    }

    /**
     * The handler an event's token names, if it is still the slot's incarnation.
     *
     * @param token from the kernel
     * @return the handler, or null for a stale token
     */
    @SuppressWarnings("unchecked")
    public @Nullable H lookup(long token) {
        int fd = (int) token;
        int gen = (int) (token >>> 32);
        if (fd >= 0 && fd < handlers.length && gen != 0 && generations[fd] == gen) {
            return (H) handlers[fd];
        }
        return null;
    }

    /**
     * Whether {@code fd} has a handler.
     *
     * @param fd the descriptor
     * @return true if installed
     */
    public boolean isInstalled(int fd) {
        return fd >= 0 && fd < handlers.length && handlers[fd] != null;
    }

    /**
     * One more than the highest number that may be installed: for closing every descriptor left.
     *
     * @return the bound
     */
    public int capacity() {
        return handlers.length;
    }

    /** Forgets every slot. */
    public void clear() {
        Arrays.fill(handlers, null);
        Arrays.fill(generations, 0);
    }
}
