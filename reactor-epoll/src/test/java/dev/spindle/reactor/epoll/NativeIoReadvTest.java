package dev.spindle.reactor.epoll;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code readv} through {@link NativeIo}, on a real non-blocking pipe. */
class NativeIoReadvTest {
    private Arena arena;
    private NativeIo io;
    private int r = -1;
    private int w = -1;

    @BeforeEach
    void open() throws ErrnoException {
        arena = Arena.ofConfined();
        io = new NativeIo(arena, LinuxLayout.current(), true);
        long pair = io.pipe();
        r = (int) pair;
        w = (int) (pair >>> 32);
    }

    @AfterEach
    void close() {
        io.close(r);
        io.close(w);
        arena.close();
    }

    private void send(String text) throws ErrnoException {
        ByteBuffer b = ByteBuffer.allocateDirect(text.length()).put(text.getBytes(US_ASCII)).flip();
        assertEquals(text.length(), io.write(w, b));
    }

    private static String text(ByteBuffer b) {
        ByteBuffer d = b.duplicate().flip();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return new String(a, US_ASCII);
    }

    @Test
    void scattersInOrderSkipsFullBuffersAndAdvancesPositions() throws ErrnoException {
        send("abcdefghij");
        ByteBuffer first = ByteBuffer.allocateDirect(3);
        ByteBuffer full = ByteBuffer.allocateDirect(4).position(4);
        ByteBuffer second = ByteBuffer.allocateDirect(4);
        ByteBuffer third = ByteBuffer.allocateDirect(8);
        ByteBuffer[] dsts = {first, full, second, third};
        assertEquals(10, io.read(r, dsts, 0, 4));
        assertEquals("abc", text(first));
        assertEquals(4, full.position(), "a full buffer takes no part");
        assertEquals("defg", text(second));
        assertEquals("hij", text(third));
    }

    @Test
    void nothingWaitingIsZeroAndTheEndOfStreamIsMinusOne() throws ErrnoException {
        ByteBuffer b = ByteBuffer.allocateDirect(16);
        assertEquals(0, io.read(r, new ByteBuffer[] {b}, 0, 1), "EAGAIN on an empty non-blocking pipe");
        assertEquals(0, b.position());
        send("xy");
        io.close(w);
        w = -1;
        assertEquals(2, io.read(r, new ByteBuffer[] {b}, 0, 1));
        assertEquals(-1, io.read(r, new ByteBuffer[] {b}, 0, 1));
    }

    @Test
    void onlyTheGivenRangeIsFilled() throws ErrnoException {
        send("12345");
        ByteBuffer skipped = ByteBuffer.allocateDirect(8);
        ByteBuffer used = ByteBuffer.allocateDirect(8);
        assertEquals(5, io.read(r, new ByteBuffer[] {skipped, used}, 1, 1));
        assertEquals(0, skipped.position());
        assertEquals("12345", text(used));
        assertEquals(0, io.read(r, new ByteBuffer[] {ByteBuffer.allocateDirect(0)}, 0, 1), "no room, no call");
    }

    @Test
    void heapBuffersAndBadRangesAreRefused() throws ErrnoException {
        send("z");
        assertThrows(IllegalArgumentException.class, () -> io.read(r, new ByteBuffer[] {ByteBuffer.allocate(4)}, 0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> io.read(r, new ByteBuffer[1], 1, 1));
        ErrnoException bad = assertThrows(ErrnoException.class, () -> io.read(999_999, new ByteBuffer[] {ByteBuffer.allocateDirect(4)}, 0, 1));
        assertEquals(Errno.EBADF, bad.errno());
    }
}
