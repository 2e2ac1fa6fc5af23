package dev.spindle.reactor.select;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.UnixContractTest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The UNIX-domain socket contract on the select backend, which cannot bind abstract names. */
class SelectUnixContractTest extends UnixContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return new SelectReactorProvider().create(config);
    }

    @Test
    @DisplayName("select: an abstract name throws UnsupportedOperationException that names the JDK's limit and the epoll backend")
    void abstractNameNamesTheBackendThatSupportsIt() {
        ReactorHarness h = started();
        UnsupportedOperationException e = h.call(() -> assertThrows(UnsupportedOperationException.class,
                () -> h.reactor().listenUnix(UnixAddress.abstractName("spindle"), remote -> null, UnixListenOptions.defaults())));
        String m = e.getMessage();
        assertTrue(m.contains("select backend") && m.contains("@spindle") && m.contains("UnixDomainSocketAddress")
                && m.contains("epoll"), m);
    }
}
