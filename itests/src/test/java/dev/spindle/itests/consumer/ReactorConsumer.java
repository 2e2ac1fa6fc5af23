package dev.spindle.itests.consumer;

import dev.spindle.reactor.Reactor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the test consumer component saw: how often it was activated and which reactors it was
 * bound to. Registered as a service by {@link ReactorConsumerComponent}.
 */
public interface ReactorConsumer {
    /**
     * How many times the component was activated.
     *
     * @return the count
     */
    int activations();

    /**
     * The reactor bound now.
     *
     * @return the reactor, or null between an unbind and the next bind
     */
    @Nullable Reactor reactor();

    /**
     * Every reactor bound so far, in order.
     *
     * @return a copy
     */
    List<Reactor> history();
}
