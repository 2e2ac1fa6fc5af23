package dev.spindle.reactor.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

/** errno numbers and names of Darwin and FreeBSD ({@code sys/errno.h}), and the exception that carries them. */
class BsdErrnoTest {
    private static final BsdErrno DARWIN = BsdErrno.of(BsdPlatform.Os.DARWIN);
    private static final BsdErrno FREEBSD = BsdErrno.of(BsdPlatform.Os.FREEBSD);

    @Test
    void theNetworkingNumbersAreTheBsdOnesNotLinuxOnes() {
        for (BsdErrno t : new BsdErrno[] {DARWIN, FREEBSD}) {
            assertEquals("EAGAIN", t.name(35)); // Linux: 11
            assertEquals("EINPROGRESS", t.name(36)); // Linux: 115
            assertEquals("EALREADY", t.name(37));
            assertEquals("ECONNRESET", t.name(54)); // Linux: 104
            assertEquals("ECONNREFUSED", t.name(61)); // Linux: 111
            assertEquals("Connection refused", t.message(61));
            assertEquals("EADDRINUSE", t.name(48));
            assertEquals("ETIMEDOUT", t.name(60));
            assertEquals("EHOSTUNREACH", t.name(65));
            assertEquals("ENOSYS", t.name(78));
            assertEquals("EDEADLK", t.name(11), "11 was EAGAIN in old BSDs; Linux still has it there");
            assertEquals("EMFILE", t.name(24));
            assertEquals("EPIPE", t.name(32));
            assertEquals("Resource temporarily unavailable", t.message(35));
        }
    }

    @Test
    void oneToEightyOneAreSharedAndTheRestDiffer() {
        for (int e = 1; e <= 81; e++) {
            if (e == 45) {
                continue;
            }
            assertEquals(DARWIN.name(e), FREEBSD.name(e), "errno " + e);
            assertNotEquals("errno " + e, DARWIN.name(e), "errno " + e + " has a name");
        }
        // 45: ENOTSUP on Darwin (EOPNOTSUPP is 102 there), EOPNOTSUPP (= ENOTSUP) on FreeBSD.
        assertEquals("ENOTSUP", DARWIN.name(45));
        assertEquals("EOPNOTSUPP", DARWIN.name(102));
        assertEquals("EOPNOTSUPP", FREEBSD.name(45));
        assertEquals("EPROTO", DARWIN.name(100));
        assertEquals("EPROTO", FREEBSD.name(92));
        assertEquals("ECANCELED", DARWIN.name(89));
        assertEquals("ECANCELED", FREEBSD.name(85));
        assertEquals("EOVERFLOW", DARWIN.name(84));
        assertEquals("EOVERFLOW", FREEBSD.name(84));
        assertEquals("EQFULL", DARWIN.name(106)); // ELAST on Darwin
        assertEquals("EINTEGRITY", FREEBSD.name(97));
        assertEquals("errno 107", DARWIN.name(107));
        assertEquals("errno 98", FREEBSD.name(98));
        assertEquals("errno 0", DARWIN.name(0));
        assertEquals("errno -1", FREEBSD.name(-1));
        assertEquals("unknown error", DARWIN.message(4242));
        assertEquals(100, DARWIN.number("EPROTO"));
        assertEquals(-1, DARWIN.number("EHWPOISON"), "a Linux-only name");
    }

    @Test
    void theConstantsTheBackendTestsForCarryTheirNameInBothTables() throws IllegalAccessException {
        int checked = 0;
        for (Field f : BsdErrno.class.getDeclaredFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                int value = f.getInt(null);
                assertEquals(f.getName(), DARWIN.name(value), "Darwin " + value);
                assertEquals(f.getName(), FREEBSD.name(value), "FreeBSD " + value);
                checked++;
            }
        }
        assertEquals(32, checked);
    }

    @Test
    void theExceptionNamesTheErrnoOfItsSystemAndIsStackless() {
        ErrnoException e = BsdPlatform.DARWIN_AARCH64.error("connect to /127.0.0.1:9", BsdErrno.ECONNREFUSED);
        assertEquals("connect to /127.0.0.1:9: ECONNREFUSED (Connection refused)", e.getMessage());
        assertEquals(61, e.errno());
        assertEquals("ECONNREFUSED", e.errnoName());
        assertEquals("connect to /127.0.0.1:9", e.operation());
        assertEquals(0, e.getStackTrace().length, "expected failures are stackless");
        assertEquals("send: EOPNOTSUPP (Operation not supported on socket)", BsdPlatform.DARWIN_X86_64.error("send", 102).getMessage());
        assertEquals("send: errno 102 (unknown error)", BsdPlatform.FREEBSD_X86_64.error("send", 102).getMessage());
    }
}
