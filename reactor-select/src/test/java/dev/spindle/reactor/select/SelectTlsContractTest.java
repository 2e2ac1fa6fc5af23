package dev.spindle.reactor.select;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.TlsContractTest;

/** The TLS contract on the select backend. */
class SelectTlsContractTest extends TlsContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return new SelectReactorProvider().create(config);
    }
}
