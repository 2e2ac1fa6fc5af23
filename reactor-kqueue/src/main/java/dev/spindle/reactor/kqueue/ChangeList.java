package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_WRITE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ADD;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_CLEAR;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_DISABLE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ENABLE;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The kqueue changes of one loop pass, handed to the kernel with the next {@code kevent} wait: no
 * system call per interest change. Covers the read and write filters of descriptors
 * ({@code EVFILT_READ}, {@code EVFILT_WRITE}); each such knote has at most one record per pass,
 * which later changes in the same pass rewrite:
 * <ul>
 *   <li>a registration ({@code EV_ADD}) followed by enabling or disabling stays one
 *       {@code EV_ADD} record, with {@code EV_DISABLE} or without;</li>
 *   <li>enabling and disabling an existing knote becomes one {@code EV_ENABLE} or
 *       {@code EV_DISABLE} record, and none at all when the pass ends in the state the kernel
 *       already has (a pause and a resume in one pass cost nothing);</li>
 *   <li>{@link #forget} drops the records of a descriptor about to be closed: the kernel removes its
 *       knotes on {@code close}, and a stale record could land on a reused number.</li>
 * </ul>
 * Every record carries the knote's token as {@code udata} (the kernel replaces a knote's
 * {@code udata} with each change) and repeats {@code EV_CLEAR} for edge-triggered knotes.
 * Loop thread only.
 */
final class ChangeList {
    private static final byte UNREGISTERED = 0;
    private static final byte ENABLED = 1;
    private static final byte DISABLED = 2;

    // Per knote (2 * fd + 0 for read, + 1 for write): as of the last submission, and the record.
    private byte[] applied = new byte[128];
    private int[] edge = new int[128];
    private int[] slot = new int[128];

    // The records of this pass; flags 0 marks one that became a no-op.
    private int[] fds = new int[64];
    private short[] filters = new short[64];
    private int[] flags = new int[64];
    private long[] udatas = new long[64];
    private int count;

    private static int knote(int fd, short filter) {
        if (filter == EVFILT_READ) {
            return fd << 1;
        }
        if (filter == EVFILT_WRITE) {
            return (fd << 1) | 1;
        }
        throw new IllegalArgumentException("the change list keeps EVFILT_READ and EVFILT_WRITE, found filter " + filter);
    }

    private void ensureKnote(int k) {
        if (k >= applied.length) {
            int size = Math.max(k + 1, applied.length * 2);
            applied = Arrays.copyOf(applied, size);
            edge = Arrays.copyOf(edge, size);
            slot = Arrays.copyOf(slot, size);
        }
    }

    private int record(int k, int fd, short filter) {
        int s = slot[k];
        if (s != 0) {
            return s - 1;
        }
        if (count == fds.length) {
            int size = count * 2;
            fds = Arrays.copyOf(fds, size);
            filters = Arrays.copyOf(filters, size);
            flags = Arrays.copyOf(flags, size);
            udatas = Arrays.copyOf(udatas, size);
        }
        int r = count++;
        fds[r] = fd;
        filters[r] = filter;
        slot[k] = r + 1;
        return r;
    }

    /**
     * Registers a knote: {@code EV_ADD}, enabled or not, edge-triggered ({@code EV_CLEAR}) or level.
     *
     * @param udata the token the kernel hands back with each event
     */
    void add(int fd, short filter, boolean edgeTriggered, boolean enabled, long udata) {
        int k = knote(fd, filter);
        ensureKnote(k);
        int s = slot[k];
        if (applied[k] != UNREGISTERED || s != 0 && (flags[s - 1] & EV_ADD) != 0) {
            throw new IllegalStateException("fd " + fd + " filter " + filter + " is already registered");
        }
        edge[k] = edgeTriggered ? EV_CLEAR : 0;
        int r = record(k, fd, filter);
        flags[r] = EV_ADD | edge[k] | (enabled ? 0 : EV_DISABLE);
        udatas[r] = udata;
    }

    /**
     * Enables or disables a registered knote.
     *
     * @param udata its token
     * @throws IllegalStateException if it was never registered (or its descriptor was forgotten)
     */
    void enable(int fd, short filter, boolean on, long udata) {
        int k = knote(fd, filter);
        ensureKnote(k);
        int s = slot[k];
        if (s != 0 && (flags[s - 1] & EV_ADD) != 0) {
            flags[s - 1] = on ? flags[s - 1] & ~EV_DISABLE : flags[s - 1] | EV_DISABLE;
            udatas[s - 1] = udata;
            return;
        }
        if (applied[k] == UNREGISTERED) {
            throw new IllegalStateException("fd " + fd + " filter " + filter + " is not registered");
        }
        boolean kernelOn = applied[k] == ENABLED;
        if (on == kernelOn) {
            if (s != 0) {
                flags[s - 1] = 0;
            }
            return;
        }
        int r = record(k, fd, filter);
        flags[r] = (on ? EV_ENABLE : EV_DISABLE) | edge[k];
        udatas[r] = udata;
    }

    /**
     * Whether the knote will be registered and enabled once this pass's changes are submitted.
     *
     * @return false for an unregistered or disabled knote
     */
    boolean willBeEnabled(int fd, short filter) {
        int k = knote(fd, filter);
        if (k >= applied.length) {
            return false;
        }
        int s = slot[k];
        if (s != 0 && flags[s - 1] != 0) {
            return (flags[s - 1] & (EV_ADD | EV_ENABLE)) != 0 && (flags[s - 1] & EV_DISABLE) == 0;
        }
        return applied[k] == ENABLED;
    }

    /**
     * Forgets both knotes of a descriptor about to be closed: drops their records, and marks them
     * unregistered ({@code close} removes them from the kernel).
     */
    void forget(int fd) {
        for (int k = fd << 1; k <= ((fd << 1) | 1); k++) {
            if (k >= applied.length) {
                return;
            }
            int s = slot[k];
            if (s != 0) {
                flags[s - 1] = 0;
                slot[k] = 0;
            }
            applied[k] = UNREGISTERED;
            edge[k] = 0;
        }
    }

    /**
     * The kernel refused a change for this knote ({@code EV_ERROR}), so it holds none: marks it
     * unregistered and drops its record of this pass, if any.
     */
    void unregister(int fd, short filter) {
        int k = knote(fd, filter);
        if (k >= applied.length) {
            return;
        }
        int s = slot[k];
        if (s != 0) {
            flags[s - 1] = 0;
            slot[k] = 0;
        }
        applied[k] = UNREGISTERED;
    }

    /** Records written this pass, no-ops included: an upper bound of {@link #encode}'s result. */
    int size() {
        return count;
    }

    /**
     * Writes the live records as {@code struct kevent}s.
     *
     * @param at room for {@link #size()} records
     * @return the number written
     */
    int encode(MemorySegment at, KeventCodec codec) {
        int n = 0;
        for (int r = 0; r < count; r++) {
            if (flags[r] != 0) {
                codec.put(at, n++, fds[r], filters[r], flags[r], 0, 0, udatas[r]);
            }
        }
        return n;
    }

    /** The kernel took this pass's records: they become the applied state, and the list empties. */
    void submitted() {
        for (int r = 0; r < count; r++) {
            int f = flags[r];
            if (f == 0) {
                continue;
            }
            int k = knote(fds[r], filters[r]);
            applied[k] = (f & EV_DISABLE) != 0 ? DISABLED : ENABLED;
            slot[k] = 0;
        }
        clear();
    }

    /** Drops every record and forgets every knote: when the kqueue closes. */
    void reset() {
        Arrays.fill(applied, UNREGISTERED);
        Arrays.fill(edge, 0);
        clear();
    }

    private void clear() {
        for (int r = 0; r < count; r++) {
            int fd = fds[r];
            int k = (fd << 1) | (filters[r] == EVFILT_WRITE ? 1 : 0);
            if (k < slot.length) {
                slot[k] = 0;
            }
        }
        count = 0;
    }
}
