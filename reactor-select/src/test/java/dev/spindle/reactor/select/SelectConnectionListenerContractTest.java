package dev.spindle.reactor.select;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.ConnectionListenerContractTest;

/** The connection-listener contract on the select backend. */
class SelectConnectionListenerContractTest extends ConnectionListenerContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return new SelectReactorProvider().create(config);
    }
}
