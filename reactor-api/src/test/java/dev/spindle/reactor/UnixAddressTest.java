package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link UnixAddress} and {@link UnixListenOptions}: construction rules and values. */
class UnixAddressTest {

    @Test
    @DisplayName("a path address: its path, shown as the path, reported as UnixDomainSocketAddress")
    void pathAddress() {
        UnixAddress a = UnixAddress.path(Path.of("/run/app.sock"));

        assertFalse(a.isAbstract());
        assertEquals(Path.of("/run/app.sock"), a.path());
        assertEquals("/run/app.sock", a.toString());
        assertEquals(UnixDomainSocketAddress.of("/run/app.sock"), a.toSocketAddress());
        assertEquals(UnixAddress.path(Path.of("/run/app.sock")), a);
        assertEquals(UnixAddress.path(Path.of("/run/app.sock")).hashCode(), a.hashCode());
        assertThrows(IllegalStateException.class, a::abstractName);
    }

    @Test
    @DisplayName("an empty path is the unbound address, not one to listen or connect on: IllegalArgumentException")
    void emptyPathIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnixAddress.path(Path.of("")));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    @DisplayName("an abstract name: shown as @name, reported as itself, never equal to the path of the same text")
    void abstractName() {
        UnixAddress a = UnixAddress.abstractName("bus");

        assertTrue(a.isAbstract());
        assertEquals("bus", a.abstractName());
        assertEquals("@bus", a.toString());
        assertSame(a, a.toSocketAddress());
        assertNotEquals(UnixAddress.path(Path.of("bus")), a);
        assertThrows(IllegalStateException.class, a::path);
    }

    @Test
    @DisplayName("an abstract name is 1..107 bytes of UTF-8; the message gives the length found")
    void abstractNameLength() {
        assertEquals(107, UnixAddress.abstractName("n".repeat(107)).abstractName().length());
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> UnixAddress.abstractName("é".repeat(54)));
        assertTrue(tooLong.getMessage().contains("found: 108 bytes"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.abstractName(""));
    }

    @Test
    @DisplayName("UnixListenOptions: defaults, backlog bounds, permissions copied both ways")
    void listenOptions() {
        UnixListenOptions d = UnixListenOptions.defaults();
        assertEquals(128, d.backlog());
        assertNull(d.permissions(), "the umask decides by default");
        assertFalse(d.removeStaleSocket());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnixListenOptions.builder().backlog(0));
        assertTrue(e.getMessage().contains("found: 0"), e.getMessage());

        Set<PosixFilePermission> perms = EnumSet.copyOf(PosixFilePermissions.fromString("rw-rw----"));
        UnixListenOptions o = UnixListenOptions.builder().permissions(perms).removeStaleSocket(true).build();
        perms.clear();
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), o.permissions());
        o.permissions().clear();
        assertEquals(PosixFilePermissions.fromString("rw-rw----"), o.permissions());
        assertTrue(o.removeStaleSocket());
        assertEquals(Set.of(), UnixListenOptions.builder().permissions(Set.of()).build().permissions());
    }
}
