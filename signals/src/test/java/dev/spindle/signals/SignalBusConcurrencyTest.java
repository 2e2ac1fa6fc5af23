package dev.spindle.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.select.SelectReactorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Real threads on a real (select) reactor: hand-over to the loop, and listen/close racing with delivery. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignalBusConcurrencyTest {
    static final String LOOP_NAME = "signals-test-loop";
    static final Signal<long[]> TICK = Signal.of("test.tick", long[].class);

    Reactor reactor;
    SignalBus bus;
    final Queue<String> problems = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void setUp() {
        reactor = new SelectReactorProvider().create(ReactorConfig.builder().threadName(LOOP_NAME).build());
        reactor.start();
        bus = SignalBus.create(reactor);
        bus.listenAll(SignalBus.LISTENER_FAILED, (src, f) -> problems.add("listener failed: " + f));
    }

    @AfterEach
    void tearDown() {
        bus.close();
        reactor.terminate();
    }

    void checkOnLoop(String what) {
        if (!reactor.inLoop() || !Thread.currentThread().getName().equals(LOOP_NAME)) {
            problems.add(what + " delivered on " + Thread.currentThread().getName());
        }
    }

    @Test
    @DisplayName("Thread: events fired by several threads are all delivered on the reactor thread, each thread's order kept")
    void manyProducersDeliveredOnLoop() throws Exception {
        int producers = 4;
        int perProducer = 2_000;
        Object source = new Object();
        long[] next = new long[producers];
        CountDownLatch all = new CountDownLatch(producers * perProducer);
        bus.listen(source, TICK, (src, e) -> {
            checkOnLoop("tick");
            int p = (int) e[0];
            if (e[1] != next[p]) {
                problems.add("producer " + p + ": expected " + next[p] + ", found " + e[1]);
            }
            next[p] = e[1] + 1;
            all.countDown();
        });
        CyclicBarrier go = new CyclicBarrier(producers);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    go.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < perProducer; i++) {
                        fireRetrying(source, new long[] {id, i});
                    }
                } catch (Exception e) {
                    problems.add("producer " + id + " failed: " + e);
                }
            }, "producer-" + p);
            threads.add(t);
            t.start();
        }
        assertTrue(all.await(60, TimeUnit.SECONDS), () -> all.getCount() + " events not delivered; problems: " + problems);
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertNoProblems();
    }

    void assertNoProblems() {
        List<String> all = new ArrayList<>(problems);
        assertTrue(all.isEmpty(), () -> all.size() + " problems, the first: " + all.subList(0, Math.min(5, all.size())));
    }

    /** The hand-over queue is bounded: a producer outrunning the loop backs off and retries. */
    void fireRetrying(Object source, long[] event) throws InterruptedException {
        while (true) {
            try {
                bus.fire(source, TICK, event);
                return;
            } catch (RejectedExecutionException full) {
                Thread.sleep(1);
            }
        }
    }

    @Test
    @DisplayName("SIG-7 fixed: listen and close from several threads while events are delivered: nothing lost, nothing left")
    void listenAndCloseRaceWithDelivery() throws Exception {
        int events = 3_000;
        int churners = 3;
        int churnRounds = 2_000;
        Object source = new Object();
        AtomicInteger steadySeen = new AtomicInteger();
        CountDownLatch steadyDone = new CountDownLatch(events);
        bus.listen(source, TICK, (src, e) -> {
            checkOnLoop("steady");
            steadySeen.incrementAndGet();
            steadyDone.countDown();
        });
        Map<Integer, AtomicInteger> churnCalls = new ConcurrentHashMap<>();
        CyclicBarrier go = new CyclicBarrier(churners + 1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < churners; c++) {
            int id = c;
            AtomicInteger calls = churnCalls.computeIfAbsent(id, k -> new AtomicInteger());
            Thread t = new Thread(() -> {
                try {
                    go.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < churnRounds; i++) {
                        Subscription s = (i % 2 == 0)
                                ? bus.listen(source, TICK, (src, e) -> {
                                    checkOnLoop("churn");
                                    calls.incrementAndGet();
                                })
                                : bus.listenAll(TICK, (src, e) -> calls.incrementAndGet());
                        if (!s.isActive()) {
                            problems.add("a new subscription is inactive");
                        }
                        s.close();
                        s.close();
                        if (s.isActive()) {
                            problems.add("a closed subscription is active");
                        }
                    }
                } catch (Exception e) {
                    problems.add("churner " + id + " failed: " + e);
                }
            }, "churner-" + c);
            threads.add(t);
            t.start();
        }
        Thread firer = new Thread(() -> {
            try {
                go.await(30, TimeUnit.SECONDS);
                for (int i = 0; i < events; i++) {
                    fireRetrying(source, new long[] {0, i});
                }
            } catch (Exception e) {
                problems.add("firer failed: " + e);
            }
        }, "firer");
        threads.add(firer);
        firer.start();
        for (Thread t : threads) {
            t.join(60_000);
            assertTrue(!t.isAlive(), t.getName() + " did not finish");
        }
        assertTrue(steadyDone.await(60, TimeUnit.SECONDS), () -> steadyDone.getCount() + " events missed by the steady listener");
        assertEquals(events, steadySeen.get());
        assertEquals(2, bus.subscriptionCount(), "only the steady listener and the failure listener are left");
        assertNoProblems();
    }

    @Test
    @DisplayName("Thread: a fire on the reactor thread is delivered before fire returns")
    void fireOnLoopIsSynchronous() throws Exception {
        Object source = new Object();
        List<String> log = new ArrayList<>();
        bus.listen(source, TICK, (src, e) -> log.add("delivered on " + Thread.currentThread().getName()));
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        reactor.execute(() -> {
            bus.fire(source, TICK, new long[] {0, 0});
            log.add("fire returned");
            result.complete(new ArrayList<>(log));
        });
        assertEquals(List.of("delivered on " + LOOP_NAME, "fire returned"), result.get(30, TimeUnit.SECONDS));
    }
}
