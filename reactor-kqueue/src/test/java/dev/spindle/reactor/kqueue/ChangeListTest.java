package dev.spindle.reactor.kqueue;

import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_READ;
import static dev.spindle.reactor.kqueue.BsdPlatform.EVFILT_WRITE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ADD;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_CLEAR;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_DISABLE;
import static dev.spindle.reactor.kqueue.BsdPlatform.EV_ENABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Building the change list: one record per knote and pass, nothing for a pass that ends where it began. */
class ChangeListTest {
    private final Arena arena = Arena.ofConfined();
    private final KeventCodec codec = BsdPlatform.FREEBSD_X86_64.kevents();
    private final ChangeList changes = new ChangeList();

    @AfterEach
    void close() {
        arena.close();
    }

    /** Encodes the pass, marks it submitted, and returns the records as "fd filter flags udata". */
    private List<String> submit() {
        MemorySegment at = arena.allocate(codec.size() * Math.max(1, changes.size()), 8);
        int n = changes.encode(at, codec);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(codec.ident(at, i) + " " + codec.filter(at, i) + " 0x" + Integer.toHexString(codec.flags(at, i))
                    + " " + codec.udata(at, i));
        }
        changes.submitted();
        assertEquals(0, changes.size(), "submitted empties the list");
        return out;
    }

    private static String rec(int fd, short filter, int flags, long udata) {
        return fd + " " + filter + " 0x" + Integer.toHexString(flags) + " " + udata;
    }

    @Test
    void aConnectionRegistersBothFiltersEdgeTriggeredWritingOff() {
        changes.add(7, EVFILT_READ, true, true, 70);
        changes.add(7, EVFILT_WRITE, true, false, 70);
        assertEquals(List.of(rec(7, EVFILT_READ, EV_ADD | EV_CLEAR, 70), rec(7, EVFILT_WRITE, EV_ADD | EV_CLEAR | EV_DISABLE, 70)), submit());
        assertTrue(changes.willBeEnabled(7, EVFILT_READ));
        assertFalse(changes.willBeEnabled(7, EVFILT_WRITE));
    }

    @Test
    void enablingOrDisablingRightAfterTheAddStaysOneAddRecord() {
        changes.add(3, EVFILT_WRITE, true, false, 1);
        changes.enable(3, EVFILT_WRITE, true, 1);
        changes.add(4, EVFILT_READ, false, true, 2);
        changes.enable(4, EVFILT_READ, false, 2);
        assertEquals(List.of(rec(3, EVFILT_WRITE, EV_ADD | EV_CLEAR, 1), rec(4, EVFILT_READ, EV_ADD | EV_DISABLE, 2)), submit());
    }

    @Test
    void changesInOnePassCoalesceIntoTheLastStateAndCarryTheTokenAndEdgeFlag() {
        changes.add(5, EVFILT_READ, true, true, 9);
        submit();
        changes.enable(5, EVFILT_READ, false, 9);
        changes.enable(5, EVFILT_READ, true, 9);
        changes.enable(5, EVFILT_READ, false, 9);
        assertEquals(1, changes.size(), "one record per knote and pass");
        assertEquals(List.of(rec(5, EVFILT_READ, EV_DISABLE | EV_CLEAR, 9)), submit());
        changes.enable(5, EVFILT_READ, true, 9);
        assertEquals(List.of(rec(5, EVFILT_READ, EV_ENABLE | EV_CLEAR, 9)), submit());
    }

    @Test
    void aPassThatEndsInTheKernelsStateSubmitsNothing() {
        changes.add(5, EVFILT_READ, false, true, 9);
        submit();
        changes.enable(5, EVFILT_READ, false, 9);
        changes.enable(5, EVFILT_READ, true, 9);
        assertEquals(List.of(), submit(), "a pause and a resume in one pass cost nothing");
        changes.enable(5, EVFILT_READ, true, 9);
        assertEquals(List.of(), submit(), "enabling what is enabled costs nothing");
        changes.enable(5, EVFILT_READ, false, 9);
        changes.enable(5, EVFILT_READ, true, 9);
        changes.enable(5, EVFILT_READ, false, 9);
        assertEquals(List.of(rec(5, EVFILT_READ, EV_DISABLE, 9)), submit(), "a level-triggered knote has no EV_CLEAR");
    }

    @Test
    void forgettingADescriptorDropsItsRecordsAndItsKnotes() {
        changes.add(8, EVFILT_READ, true, true, 80);
        changes.add(8, EVFILT_WRITE, true, false, 80);
        changes.add(9, EVFILT_READ, true, true, 90);
        changes.forget(8);
        assertEquals(List.of(rec(9, EVFILT_READ, EV_ADD | EV_CLEAR, 90)), submit(), "close removes the knotes; no stale record");
        assertThrows(IllegalStateException.class, () -> changes.enable(8, EVFILT_READ, true, 80));
        // The number comes back with a new incarnation in the same pass as its old one is forgotten.
        changes.enable(9, EVFILT_READ, false, 90);
        changes.forget(9);
        changes.add(9, EVFILT_READ, false, true, 91);
        assertEquals(List.of(rec(9, EVFILT_READ, EV_ADD, 91)), submit());
    }

    @Test
    void registeringTwiceOrAnUnknownFilterIsABug() {
        changes.add(1, EVFILT_READ, true, true, 1);
        assertThrows(IllegalStateException.class, () -> changes.add(1, EVFILT_READ, true, true, 1));
        assertThrows(IllegalArgumentException.class, () -> changes.add(1, (short) -10, true, true, 1));
        assertThrows(IllegalStateException.class, () -> changes.enable(2, EVFILT_WRITE, true, 1));
    }

    @Test
    void manyDescriptorsAndLargeNumbersGrowTheList() {
        for (int fd = 0; fd < 300; fd++) {
            changes.add(fd * 10, EVFILT_READ, true, true, fd);
        }
        assertEquals(300, changes.size());
        List<String> out = submit();
        assertEquals(300, out.size());
        assertEquals(rec(2990, EVFILT_READ, EV_ADD | EV_CLEAR, 299), out.get(299));
        changes.enable(2990, EVFILT_READ, false, 299);
        assertEquals(List.of(rec(2990, EVFILT_READ, EV_DISABLE | EV_CLEAR, 299)), submit());
        changes.reset();
        changes.add(2990, EVFILT_READ, true, true, 1);
        assertEquals(1, submit().size(), "after reset every knote is unregistered");
    }
}
