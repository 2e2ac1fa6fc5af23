package dev.spindle.reactor.select;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.contract.DescriptorLeakContractTest;

/** The DescriptorLeak contract on the select backend. */
class SelectDescriptorLeakContractTest extends DescriptorLeakContractTest {
    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return new SelectReactorProvider().create(config);
    }
}
