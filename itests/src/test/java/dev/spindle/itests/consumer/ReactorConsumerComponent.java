package dev.spindle.itests.consumer;

import dev.spindle.reactor.Reactor;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * A consumer of the {@code Reactor} service as users write one: a mandatory, dynamic, greedy
 * reference, so that a replaced reactor is handed over without deactivating the component.
 */
@Component(service = ReactorConsumer.class, immediate = true)
public final class ReactorConsumerComponent implements ReactorConsumer {
    private final Object lock = new Object();
    private int activations;
    private @Nullable Reactor reactor;
    private final List<Reactor> history = new ArrayList<>();

    /** Called by Service Component Runtime. */
    public ReactorConsumerComponent() {
    }

    @Activate
    void activate() {
        synchronized (lock) {
            activations++;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MANDATORY, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindReactor")
    void bindReactor(Reactor r) {
        synchronized (lock) {
            reactor = r;
            history.add(r);
        }
    }

    void unbindReactor(Reactor r) {
        synchronized (lock) {
            if (reactor == r) {
                reactor = null;
            }
        }
    }

    @Override
    public int activations() {
        synchronized (lock) {
            return activations;
        }
    }

    @Override
    public @Nullable Reactor reactor() {
        synchronized (lock) {
            return reactor;
        }
    }

    @Override
    public List<Reactor> history() {
        synchronized (lock) {
            return new ArrayList<>(history);
        }
    }
}
