package dev.spindle.reactor.select;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.NameResolutionContractTest;

/** The NameResolution contract on the select backend. */
class SelectNameResolutionContractTest extends NameResolutionContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return new SelectReactorProvider().create(config);
    }
}
