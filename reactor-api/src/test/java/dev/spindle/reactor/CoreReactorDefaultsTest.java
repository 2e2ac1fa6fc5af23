package dev.spindle.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The default {@code executeBlocking}/{@code tryExecute(task, timeout)} of {@link CoreReactor}, for
 * reactors that do not extend {@code AbstractReactor} (which replaces them with a loop-woken
 * wait, covered by the threading contract): a proxy stands in for such a reactor, with a queue
 * that refuses the first {@code refusals} offers.
 */
@Timeout(30)
class CoreReactorDefaultsTest {

    private static CoreReactor reactor(ReactorState state, boolean inLoop, AtomicInteger refusals, AtomicInteger offers) {
        InvocationHandler h = (proxy, method, args) -> {
            switch (method.getName()) {
                case "tryExecute":
                    if (args.length == 1) {
                        offers.incrementAndGet();
                        return refusals.getAndDecrement() <= 0;
                    }
                    return InvocationHandler.invokeDefault(proxy, method, args);
                case "executeBlocking":
                    return InvocationHandler.invokeDefault(proxy, method, args);
                case "state":
                    return state;
                case "inLoop":
                    return inLoop;
                default:
                    throw new UnsupportedOperationException(method.getName());
            }
        };
        return (CoreReactor) Proxy.newProxyInstance(CoreReactor.class.getClassLoader(), new Class<?>[] {CoreReactor.class}, h);
    }

    @Test
    @DisplayName("the default executeBlocking retries until the queue takes the task")
    void retriesUntilQueued() throws Exception {
        AtomicInteger refusals = new AtomicInteger(5);
        AtomicInteger offers = new AtomicInteger();
        reactor(ReactorState.STARTED, false, refusals, offers).executeBlocking(() -> { });
        assertEquals(6, offers.get());
    }

    @Test
    @DisplayName("the default timed tryExecute gives up after the timeout; a zero timeout tries once")
    void timedGivesUp() throws Exception {
        AtomicInteger offers = new AtomicInteger();
        CoreReactor r = reactor(ReactorState.STARTED, false, new AtomicInteger(Integer.MAX_VALUE), offers);
        assertFalse(r.tryExecute(() -> { }, Duration.ofMillis(50)));
        assertTrue(offers.get() > 1, "retried while waiting");
        offers.set(0);
        assertFalse(r.tryExecute(() -> { }, Duration.ZERO));
        assertEquals(1, offers.get());
        offers.set(0);
        assertFalse(r.tryExecute(() -> { }, Duration.ofSeconds(-1)));
        assertEquals(1, offers.get());
    }

    @Test
    @DisplayName("the defaults refuse on the loop thread and on a reactor that is not running")
    void refusesWhenNothingDrains() {
        AtomicInteger offers = new AtomicInteger();
        assertThrows(RejectedExecutionException.class,
                () -> reactor(ReactorState.STARTED, true, new AtomicInteger(Integer.MAX_VALUE), offers).executeBlocking(() -> { }));
        for (ReactorState s : new ReactorState[] {ReactorState.INIT, ReactorState.STOPPED, ReactorState.ERROR}) {
            assertThrows(RejectedExecutionException.class,
                    () -> reactor(s, false, new AtomicInteger(Integer.MAX_VALUE), offers).executeBlocking(() -> { }), s.name());
        }
    }

    @Test
    @DisplayName("the default executeBlocking is interruptible")
    void interruptible() throws Exception {
        CoreReactor r = reactor(ReactorState.STARTED, false, new AtomicInteger(Integer.MAX_VALUE), new AtomicInteger());
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                r.executeBlocking(() -> { });
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        t.start();
        t.interrupt();
        assertInstanceOf(InterruptedException.class, outcome.get(20, TimeUnit.SECONDS));
    }
}
