package dev.spindle.reactor.quick.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.select.SelectReactorProvider;
import dev.spindle.reactor.spi.ReactorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules of the OSGi Reactor service, without a framework: real select reactors behind
 * providers with the names, priorities and failures each test needs, and a publisher that
 * records what is published and withdrawn, in order.
 */
@Timeout(60)
class ReactorServiceManagerTest {
    private final Journal journal = new Journal();
    private final ReactorServiceManager manager = new ReactorServiceManager(Duration.ofSeconds(30));
    private final List<Reactor> created = new ArrayList<>();

    @AfterEach
    void tearDown() {
        manager.deactivate();
        for (Reactor r : created) {
            r.terminate();
        }
    }

    /** Records publications: "+name#n" when published, "-name#n" when withdrawn. */
    static final class Journal implements ReactorServiceManager.Publisher {
        final List<String> events = new ArrayList<>();
        final List<Reactor> published = new ArrayList<>();

        @Override
        public synchronized Runnable publish(Reactor reactor, String backend) {
            assertEquals(ReactorState.STARTED, reactor.state(), "only started reactors are published");
            int n = published.size();
            published.add(reactor);
            events.add("+" + backend + "#" + n);
            return () -> {
                synchronized (this) {
                    events.add("-" + backend + "#" + n);
                }
            };
        }

        synchronized List<String> events() {
            return new ArrayList<>(events);
        }
    }

    /** A select backend under another name and priority, optionally failing or unavailable. */
    final class Fake implements ReactorProvider {
        final String name;
        final int priority;
        final boolean available;
        final @Nullable RuntimeException failure;
        final AtomicInteger creates = new AtomicInteger();

        Fake(String name, int priority) {
            this(name, priority, true, null);
        }

        Fake(String name, int priority, boolean available, @Nullable RuntimeException failure) {
            this.name = name;
            this.priority = priority;
            this.available = available;
            this.failure = failure;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public boolean isAvailable() {
            return available;
        }

        @Override
        public @Nullable Throwable unavailabilityCause() {
            return available ? null : new IllegalStateException(name + " needs something this machine lacks");
        }

        @Override
        public Reactor create(ReactorConfig config) {
            creates.incrementAndGet();
            if (failure != null) {
                throw failure;
            }
            Reactor r = new SelectReactorProvider().create(config);
            created.add(r);
            return r;
        }
    }

    private static ReactorSettings settings(@Nullable String backend, String threadName, int workers) {
        return ReactorSettings.of(backend, threadName, workers);
    }

    @Test
    void publishesAStartedReactorOnTheBestAvailableBackend() {
        manager.addProvider(new Fake("low", 1));
        manager.addProvider(new Fake("native", 100, false, null));
        manager.activate(journal, ReactorSettings.DEFAULTS);
        assertEquals(List.of("+low#0"), journal.events());
        manager.addProvider(new Fake("high", 50));
        assertEquals(List.of("+low#0", "+high#1", "-low#0"), journal.events(), "make before break");
        assertEquals("high", manager.backend());
        assertEquals(ReactorState.STOPPED, journal.published.get(0).state(), "the replaced reactor is stopped");
        assertEquals(ReactorState.STARTED, journal.published.get(1).state());
    }

    @Test
    void equalPrioritiesKeepTheFirstArrived() {
        manager.activate(journal, ReactorSettings.DEFAULTS);
        manager.addProvider(new Fake("a", 10));
        manager.addProvider(new Fake("b", 10));
        assertEquals(List.of("+a#0"), journal.events());
    }

    @Test
    void theProviderInUseLeavingMovesToTheNextBestBeforeRemoveReturns() {
        Fake low = new Fake("low", 1);
        Fake high = new Fake("high", 50);
        manager.addProvider(low);
        manager.addProvider(high);
        manager.activate(journal, ReactorSettings.DEFAULTS);
        Reactor onHigh = manager.reactor();
        manager.removeProvider(high);
        assertEquals(List.of("+high#0", "+low#1", "-high#0"), journal.events());
        assertNotNull(onHigh);
        assertEquals(ReactorState.STOPPED, onHigh.state());
        manager.removeProvider(low);
        assertEquals(List.of("+high#0", "+low#1", "-high#0", "-low#1"), journal.events());
        assertNull(manager.reactor());
        assertEquals(ReactorState.STOPPED, journal.published.get(1).state());
    }

    @Test
    void removingAProviderNotInUseChangesNothing() {
        Fake low = new Fake("low", 1);
        manager.addProvider(low);
        manager.addProvider(new Fake("high", 50));
        manager.activate(journal, ReactorSettings.DEFAULTS);
        manager.removeProvider(low);
        assertEquals(List.of("+high#0"), journal.events());
    }

    @Test
    void aProviderThatThrowsIsSkippedAndNotAskedAgainUntilItReturns() {
        Fake broken = new Fake("broken", 500, true, new IllegalStateException("boom"));
        manager.addProvider(new Fake("low", 1));
        manager.addProvider(broken);
        manager.activate(journal, ReactorSettings.DEFAULTS);
        assertEquals(List.of("+low#0"), journal.events());
        assertEquals(1, broken.creates.get());
        manager.addProvider(new Fake("mid", 20));
        assertEquals(1, broken.creates.get(), "a failed provider is not retried on every change");
        assertEquals("mid", manager.backend());
        manager.removeProvider(broken);
        manager.addProvider(broken);
        assertEquals(2, broken.creates.get(), "registered anew, it is tried again");
        assertEquals("mid", manager.backend());
    }

    @Test
    void aNamedBackendIsNeverReplacedByAnother() {
        manager.addProvider(new Fake("select", 10));
        manager.activate(journal, settings("epoll", "spindle-reactor", 8));
        assertTrue(journal.events().isEmpty(), "an absent named backend gives no reactor, no fallback");
        Fake epoll = new Fake("epoll", 30);
        manager.addProvider(epoll);
        assertEquals(List.of("+epoll#0"), journal.events());
        manager.addProvider(new Fake("better", 99));
        assertEquals("epoll", manager.backend());
        manager.removeProvider(epoll);
        assertEquals(List.of("+epoll#0", "-epoll#0"), journal.events());
        assertNull(manager.reactor());
    }

    @Test
    void anUnavailableOrFailingNamedBackendGivesNoReactor() {
        manager.addProvider(new Fake("select", 10));
        manager.addProvider(new Fake("epoll", 30, false, null));
        manager.activate(journal, settings("EPOLL", "spindle-reactor", 8));
        assertTrue(journal.events().isEmpty());
        manager.modified(settings("select", "spindle-reactor", 8));
        assertEquals(List.of("+select#0"), journal.events());
    }

    @Test
    void invalidSettingsWithdrawTheReactorUntilFixed() {
        manager.addProvider(new Fake("select", 10));
        manager.activate(journal, ReactorSettings.DEFAULTS);
        Reactor first = manager.reactor();
        ReactorSettings negative = settings(null, "spindle-reactor", -1);
        assertEquals("workerThreads must be in 1..1024, found: -1", negative.problem());
        manager.modified(negative);
        assertEquals(List.of("+select#0", "-select#0"), journal.events());
        assertNull(manager.reactor());
        assertNotNull(first);
        assertEquals(ReactorState.STOPPED, first.state());
        manager.modified(settings(null, "again", 2));
        assertEquals(List.of("+select#0", "-select#0", "+select#1"), journal.events());
        Reactor second = manager.reactor();
        assertNotNull(second);
        assertEquals(2, second.config().workerThreads());
        assertEquals("again", second.config().threadName());
    }

    @Test
    void newSettingsGiveANewReactorAndEqualOnesChangeNothing() {
        manager.addProvider(new Fake("select", 10));
        manager.activate(journal, ReactorSettings.DEFAULTS);
        Reactor first = manager.reactor();
        manager.modified(settings("", "spindle-reactor", 8));
        assertSame(first, manager.reactor(), "the same configuration keeps the reactor");
        manager.modified(settings(null, "renamed", 8));
        assertNotSame(first, manager.reactor());
        assertEquals(List.of("+select#0", "+select#1", "-select#0"), journal.events());
        assertEquals("renamed", manager.reactor().config().threadName());
    }

    @Test
    void nothingIsPublishedBeforeActivationOrAfterDeactivation() {
        manager.addProvider(new Fake("select", 10));
        assertNull(manager.reactor());
        manager.activate(journal, ReactorSettings.DEFAULTS);
        Reactor r = manager.reactor();
        manager.deactivate();
        assertEquals(List.of("+select#0", "-select#0"), journal.events());
        assertNotNull(r);
        assertEquals(ReactorState.STOPPED, r.state());
        manager.addProvider(new Fake("other", 20));
        assertEquals(2, journal.events().size());
    }

    @Test
    void aPublisherThatThrowsLeavesNoReactorRunning() {
        manager.addProvider(new Fake("select", 10));
        manager.activate((reactor, backend) -> {
            throw new IllegalStateException("the bundle is stopping");
        }, ReactorSettings.DEFAULTS);
        assertNull(manager.reactor());
        assertEquals(1, created.size());
        assertFalse(created.get(0).state().isActive());
    }
}
