package dev.spindle.reactor.select;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.ClientServiceContractTest;

/** The reconnecting client service on the select backend. */
class SelectClientServiceContractTest extends ClientServiceContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return new SelectReactorProvider().create(config);
    }
}
