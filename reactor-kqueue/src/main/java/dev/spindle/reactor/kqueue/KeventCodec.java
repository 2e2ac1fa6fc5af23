package dev.spindle.reactor.kqueue;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * Reads and writes {@code struct kevent} records in an array, at the offsets of one system's
 * layout ({@link BsdPlatform#kevent()}). Writing sets every member, and FreeBSD's {@code ext[4]} to
 * zero as {@code EV_SET} does, without allocating. {@code flags} is an {@code unsigned short}: it is read
 * back as a non-negative {@code int}. Immutable.
 */
final class KeventCodec {
    private final long size;
    private final long ident;
    private final long filter;
    private final long flags;
    private final long fflags;
    private final long data;
    private final long udata;

    KeventCodec(StructLayout kevent) {
        this.size = kevent.byteSize();
        this.ident = kevent.byteOffset(PathElement.groupElement("ident"));
        this.filter = kevent.byteOffset(PathElement.groupElement("filter"));
        this.flags = kevent.byteOffset(PathElement.groupElement("flags"));
        this.fflags = kevent.byteOffset(PathElement.groupElement("fflags"));
        this.data = kevent.byteOffset(PathElement.groupElement("data"));
        this.udata = kevent.byteOffset(PathElement.groupElement("udata"));
    }

    /** {@code sizeof(struct kevent)}: the stride of an array. */
    long size() {
        return size;
    }

    /**
     * Writes record {@code index} ({@code EV_SET}).
     *
     * @param udata the 64-bit token handed back with each event (a {@code void *} to the kernel)
     */
    void put(MemorySegment at, int index, long ident, short filter, int flags, int fflags, long data, long udata) {
        long base = index * size;
        // The members leave no padding on either system; what follows udata (FreeBSD's ext) is zeroed.
        for (long off = this.udata + 8; off < size; off += 8) {
            at.set(JAVA_LONG_UNALIGNED, base + off, 0L);
        }
        at.set(JAVA_LONG_UNALIGNED, base + this.ident, ident);
        at.set(JAVA_SHORT, base + this.filter, filter);
        at.set(JAVA_SHORT, base + this.flags, (short) flags);
        at.set(JAVA_INT, base + this.fflags, fflags);
        at.set(JAVA_LONG_UNALIGNED, base + this.data, data);
        at.set(JAVA_LONG_UNALIGNED, base + this.udata, udata);
    }

    long ident(MemorySegment at, int index) {
        return at.get(JAVA_LONG_UNALIGNED, index * size + ident);
    }

    short filter(MemorySegment at, int index) {
        return at.get(JAVA_SHORT, index * size + filter);
    }

    /** The flags, {@code unsigned short}. */
    int flags(MemorySegment at, int index) {
        return Short.toUnsignedInt(at.get(JAVA_SHORT, index * size + flags));
    }

    int fflags(MemorySegment at, int index) {
        return at.get(JAVA_INT, index * size + fflags);
    }

    long data(MemorySegment at, int index) {
        return at.get(JAVA_LONG_UNALIGNED, index * size + data);
    }

    long udata(MemorySegment at, int index) {
        return at.get(JAVA_LONG_UNALIGNED, index * size + udata);
    }
}
