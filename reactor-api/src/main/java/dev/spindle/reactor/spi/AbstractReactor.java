package dev.spindle.reactor.spi;

import dev.spindle.reactor.Clock;
import dev.spindle.reactor.ConnectAttempt;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.LifecycleListener;
import dev.spindle.reactor.NameLookup;
import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Registration;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.SystemEvent;
import dev.spindle.reactor.SystemEventTrigger;
import dev.spindle.reactor.TriggerPhase;
import dev.spindle.reactor.UdpOptions;
import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared loop skeleton: lifecycle, system-event triggers, the cross-thread task queue, the
 * timer heap, the worker pool and resource tracking. A backend implements polling
 * ({@link #openBackend}, {@link #poll}, {@link #wakeupBackend}, {@link #closeBackend}) and its
 * sockets; everything else here is shared, so every backend behaves alike.
 *
 * <h2>One loop pass</h2>
 * <ol>
 *   <li>wait for I/O with {@link #poll(long)}, at most until the next timer (not at all when
 *       tasks are queued); the backend dispatches what is ready;</li>
 *   <li>read the clock once;</li>
 *   <li>run the tasks that were queued when this step began (SPEC THR-3);</li>
 *   <li>run the timers due now that existed when this step began (SPEC TIME-5);</li>
 *   <li>advance the lifecycle (startup and shutdown phases, a requested stop).</li>
 * </ol>
 *
 * <h2>Wake-ups</h2>
 * The loop publishes {@code sleeping = true} before it blocks and re-checks its queues; a
 * producer that enqueues and then sees {@code sleeping} flips it back and calls
 * {@link #wakeupBackend()}. So at most one wake-up is issued per sleep, and none while the loop
 * is busy.
 */
public abstract class AbstractReactor implements Reactor {
    private static final Logger LOG = LoggerFactory.getLogger(AbstractReactor.class);
    /** Far-future deadlines are clamped so that deadline arithmetic never overflows (TIME-6). */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 4;

    private enum Phase { IDLE, STARTUP_BEFORE, RUNNING, SHUTDOWN_BEFORE, SHUTDOWN_DRAIN }

    private final ReactorConfig config;
    private final Clock clock;
    private final TaskQueue tasks;
    private final TimerHeap timers = new TimerHeap();
    private final Object lock = new Object();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    /** Producer threads parked in {@link #executeBlocking} until the ring has room. */
    private final Set<Thread> blockedProducers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger blockedProducerCount = new AtomicInteger();
    private static final int PRODUCER_SPINS = 128;
    private static final int PRODUCER_WAKE_INTERVAL = 4096;
    private static final long PRODUCER_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * Lifecycle listeners, copied on write under {@code lock}. Each state change takes the array
     * under the lock in which it publishes the new state, so a listener added after a thread saw
     * that state is never told of the change that led to it.
     */
    private LifecycleListener[] lifecycleListeners = new LifecycleListener[0];
    /** Read by {@link AbstractStreamTransport} when a connection starts. */
    final ConnectionListeners connectionListeners = new ConnectionListeners();
    private final Triggers triggers = new Triggers();
    private final Set<ReactorResource> resources = new LinkedHashSet<>();
    /** Direct chunks for pending output, reused so that back-pressure costs no allocation. */
    private final ArrayDeque<ByteBuffer> chunkPool = new ArrayDeque<>();

    private volatile ReactorState state = ReactorState.INIT;
    private volatile @Nullable Throwable error;
    private volatile @Nullable Thread loopThread;
    private volatile boolean stopRequested;
    private volatile boolean terminateRequested;
    private @Nullable ThreadPoolExecutor workers; // guarded by lock
    private boolean deferredStart; // guarded by lock

    // Loop-thread state.
    private Phase phase = Phase.IDLE;
    private long timerSeq;
    private long now;
    private boolean exitLoop;
    private @Nullable AtomicInteger pendingStages;
    private long phaseDeadline;
    private int workerThreadCount;

    /**
     * Creates the skeleton in state {@code INIT}.
     *
     * @param config the settings
     */
    protected AbstractReactor(ReactorConfig config) {
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.clock = config.clock();
        this.tasks = new TaskQueue(config.taskQueueCapacity());
    }

    // ------------------------------------------------------------------ backend hooks

    /**
     * Opens the poller (selector, epoll instance, waker) when the loop starts. Loop thread.
     *
     * @throws IOException moves the reactor to {@code ERROR}
     */
    protected abstract void openBackend() throws IOException;

    /**
     * Waits for readiness and dispatches it. Must return promptly after {@link #wakeupBackend()}.
     * Loop thread. After each dispatched event the backend checks {@link #loopExiting()} and
     * stops dispatching when it is true.
     *
     * @param timeoutNanos -1 to wait without bound, 0 not to wait, else the bound
     * @throws IOException moves the reactor to {@code ERROR}
     */
    protected abstract void poll(long timeoutNanos) throws IOException;

    /** Makes a blocked or the next {@link #poll(long)} return at once. Any thread. */
    protected abstract void wakeupBackend();

    /** Releases the poller when the loop ends. Loop thread; must not throw. */
    protected abstract void closeBackend();

    /**
     * Starts one non-blocking connect to a resolved address. Loop thread.
     *
     * @param target the address
     * @param options the options
     * @param protocol the protocol to attach on success
     * @param listener told of the outcome, on the loop thread
     * @return a handle to abandon the attempt
     * @throws IOException if the attempt cannot even start (counts as a failed address)
     */
    protected abstract PendingConnect beginConnect(InetSocketAddress target, ConnectOptions options,
            Protocol protocol, ConnectListener listener) throws IOException;

    // ------------------------------------------------------------------ CoreReactor

    @Override
    public final ReactorConfig config() {
        return config;
    }

    @Override
    public final ReactorState state() {
        return state;
    }

    @Override
    public final @Nullable Throwable error() {
        return state == ReactorState.ERROR ? error : null;
    }

    @Override
    public final Clock clock() {
        return clock;
    }

    @Override
    public void start() {
        Thread thread;
        ReactorState prev;
        LifecycleListener[] told;
        synchronized (lock) {
            if (!awaitPreviousLoop(true)) {
                return;
            }
            thread = new Thread(this::runLoop, config.threadName());
            thread.setDaemon(config.daemon());
            prev = activate(thread);
            told = lifecycleListeners;
        }
        notifyListeners(told, prev, ReactorState.STARTING);
        thread.start();
    }

    @Override
    public void run() {
        ReactorState prev;
        LifecycleListener[] told;
        synchronized (lock) {
            awaitPreviousLoop(false);
            prev = activate(Thread.currentThread());
            told = lifecycleListeners;
        }
        notifyListeners(told, prev, ReactorState.STARTING);
        runLoop();
        Throwable cause = error();
        if (cause != null) {
            throw new ReactorException("reactor loop failed: " + cause, cause);
        }
    }

    /**
     * Activates the reactor on the calling thread without running the loop: the caller then
     * turns it with {@link #runOneTurn()}. For deterministic test doubles.
     */
    protected final void activateOnCurrentThread() {
        ReactorState prev;
        LifecycleListener[] told;
        synchronized (lock) {
            awaitPreviousLoop(false);
            prev = activate(Thread.currentThread());
            told = lifecycleListeners;
        }
        notifyListeners(told, prev, ReactorState.STARTING);
        try {
            openBackend();
            now = clock.nanoTime();
            beginStartup();
        } catch (Throwable t) {
            failLoop(t);
            endLoop();
            return;
        }
        if (exitLoop) {
            // A startup trigger called terminate(), or stop() with nothing to wait for: the loop
            // already ended, so release it now or the next activation would find exitLoop set.
            endLoop();
        }
    }

    /**
     * Runs one loop pass on the calling thread, which must be the loop thread of an activated
     * reactor; for deterministic test doubles. Returns false once the loop has ended.
     *
     * @return whether the loop is still running
     */
    protected final boolean runOneTurn() {
        checkLoop("runOneTurn");
        try {
            turn();
        } catch (Throwable t) {
            failLoop(t);
        }
        if (exitLoop) {
            endLoop();
            return false;
        }
        return true;
    }

    /**
     * Waits (holding {@code lock}) until a loop that has just become inactive has finished
     * unwinding on its thread, so a restart never shares fields, or the poller, with it.
     * Returns true when the caller may activate. For {@code start()} called on the ending loop's
     * own thread (from a listener or a callback after {@code terminate()}), the restart is
     * deferred to the end of that loop and false is returned.
     */
    private boolean awaitPreviousLoop(boolean forStart) {
        boolean interrupted = false;
        try {
            while (true) {
                if (state.isActive()) {
                    if (forStart) {
                        return false;
                    }
                    Thread t = loopThread;
                    throw new IllegalStateException("reactor is already " + state + ", driven by thread "
                            + (t == null ? "(none)" : t.getName()) + "; called from " + Thread.currentThread().getName());
                }
                Thread t = loopThread;
                if (t == null) {
                    return true;
                }
                if (t == Thread.currentThread()) {
                    if (forStart) {
                        deferredStart = true;
                        return false;
                    }
                    throw new IllegalStateException("cannot run the reactor from its own loop thread while that loop is ending ("
                            + t.getName() + ")");
                }
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ReactorState activate(Thread thread) {
        // Caller holds lock.
        ReactorState prev = state;
        loopThread = thread;
        error = null;
        stopRequested = false;
        terminateRequested = false;
        state = ReactorState.STARTING;
        return prev;
    }

    private void runLoop() {
        try {
            openBackend();
            now = clock.nanoTime();
            beginStartup();
            while (!exitLoop) {
                turn();
            }
        } catch (Throwable t) {
            failLoop(t);
        } finally {
            endLoop();
        }
    }

    private void endLoop() {
        try {
            closeBackend();
        } catch (RuntimeException e) {
            LOG.warn("closing the {} backend failed", backendName(), e);
        }
        exitLoop = false;
        phase = Phase.IDLE;
        boolean restart;
        synchronized (lock) {
            loopThread = null;
            restart = deferredStart;
            deferredStart = false;
            lock.notifyAll();
        }
        if (restart) {
            start();
        }
    }

    private void turn() throws IOException {
        if (terminateRequested) {
            terminateNow();
            return;
        }
        long timeout = nextTimeout();
        if (timeout != 0) {
            sleeping.set(true);
            // A stop() requested while startup waits for a stage is acted on only once startup
            // is done; re-checking it here in any other phase than RUNNING would spin the loop.
            if (!tasks.isEmpty() || (stopRequested && phase == Phase.RUNNING) || terminateRequested
                    || stagesDone()) {
                sleeping.set(false);
                timeout = 0;
            }
        }
        try {
            poll(timeout);
        } finally {
            sleeping.set(false);
        }
        if (exitLoop) {
            return;
        }
        now = clock.nanoTime();
        runTasks(tasks.size());
        if (exitLoop) {
            return;
        }
        runTimers();
        if (exitLoop) {
            return;
        }
        advanceLifecycle();
    }

    private long nextTimeout() {
        if (!tasks.isEmpty() || terminateRequested) {
            return 0;
        }
        long bound = -1;
        switch (phase) {
            case RUNNING:
                if (stopRequested) {
                    return 0;
                }
                break;
            case STARTUP_BEFORE:
            case SHUTDOWN_BEFORE:
                if (stagesDone()) {
                    return 0;
                }
                bound = Math.max(0, phaseDeadline - clock.nanoTime());
                break;
            case SHUTDOWN_DRAIN:
                if (resources.isEmpty()) {
                    return 0;
                }
                bound = Math.max(0, phaseDeadline - clock.nanoTime());
                break;
            default:
                return 0;
        }
        TimerCall next = timers.peek();
        if (next != null) {
            long d = Math.max(0, next.deadline - clock.nanoTime());
            bound = bound < 0 ? d : Math.min(bound, d);
        }
        return bound;
    }

    private boolean stagesDone() {
        AtomicInteger p = pendingStages;
        return p != null && p.get() == 0;
    }

    private void runTasks(int n) {
        try {
            for (int i = 0; i < n; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("task {} threw; the loop goes on", task, e);
                }
                if (exitLoop) {
                    return;
                }
                if ((i & (PRODUCER_WAKE_INTERVAL - 1)) == PRODUCER_WAKE_INTERVAL - 1) {
                    wakeBlockedProducers();
                }
            }
        } finally {
            if (n > 0) {
                wakeBlockedProducers();
            }
        }
    }

    private void runTimers() {
        long limit = timerSeq;
        long t0 = now;
        TimerCall t;
        while ((t = timers.peek()) != null && t.deadline - t0 <= 0 && t.seq < limit) {
            timers.poll();
            if (t.markCalled()) {
                try {
                    t.task.run();
                } catch (RuntimeException e) {
                    LOG.error("scheduled call {} threw; the loop goes on", t.task, e);
                }
                if (exitLoop) {
                    return;
                }
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle phases

    private void beginStartup() {
        phase = Phase.STARTUP_BEFORE;
        pendingStages = new AtomicInteger();
        phaseDeadline = now + clampNanos(config.shutdownTimeout().toNanos());
        fire(SystemEvent.STARTUP, TriggerPhase.BEFORE);
        advanceLifecycle();
    }

    private void advanceLifecycle() {
        switch (phase) {
            case STARTUP_BEFORE:
                if (stagesDone() || timedOut("STARTUP")) {
                    pendingStages = null;
                    fire(SystemEvent.STARTUP, TriggerPhase.DURING);
                    if (exitLoop) {
                        return;
                    }
                    phase = Phase.RUNNING;
                    setState(ReactorState.STARTED);
                    fire(SystemEvent.STARTUP, TriggerPhase.AFTER);
                    if (exitLoop) {
                        return;
                    }
                    advanceLifecycle();
                }
                break;
            case RUNNING:
                if (stopRequested) {
                    beginShutdown();
                }
                break;
            case SHUTDOWN_BEFORE:
                if (stagesDone() || timedOut("SHUTDOWN")) {
                    pendingStages = null;
                    fire(SystemEvent.SHUTDOWN, TriggerPhase.DURING);
                    if (exitLoop) {
                        return;
                    }
                    stopWorkers();
                    for (ReactorResource r : resources.toArray(new ReactorResource[0])) {
                        try {
                            r.shutdownGracefully();
                        } catch (RuntimeException e) {
                            LOG.warn("graceful close of {} failed", r, e);
                            forceCloseGuarded(r, new ConnectionLostException("reactor stopping", e));
                        }
                    }
                    phase = Phase.SHUTDOWN_DRAIN;
                    phaseDeadline = now + clampNanos(config.shutdownTimeout().toNanos());
                    advanceLifecycle();
                }
                break;
            case SHUTDOWN_DRAIN:
                if (resources.isEmpty() || phaseDeadline - now <= 0) {
                    if (!resources.isEmpty()) {
                        LOG.warn("{} resources still open {} after stop(); aborting them", resources.size(),
                                config.shutdownTimeout());
                    }
                    closeAllResources(new ConnectionLostException("reactor stopped", null));
                    fire(SystemEvent.SHUTDOWN, TriggerPhase.AFTER);
                    if (exitLoop) {
                        return;
                    }
                    finishInactive(ReactorState.STOPPED, null);
                }
                break;
            default:
                break;
        }
    }

    private boolean timedOut(String event) {
        if (phaseDeadline - now <= 0) {
            LOG.warn("{} BEFORE triggers not complete after {}; going on", event, config.shutdownTimeout());
            return true;
        }
        return false;
    }

    private void beginShutdown() {
        stopRequested = false;
        // Deliver work queued before stop(): every task in the queue now, and every call due now.
        runTasks(tasks.size());
        if (exitLoop) {
            return;
        }
        now = clock.nanoTime();
        runTimers();
        if (exitLoop) {
            return;
        }
        setState(ReactorState.STOPPING);
        phase = Phase.SHUTDOWN_BEFORE;
        pendingStages = new AtomicInteger();
        phaseDeadline = now + clampNanos(config.shutdownTimeout().toNanos());
        fire(SystemEvent.SHUTDOWN, TriggerPhase.BEFORE);
        advanceLifecycle();
    }

    private void terminateNow() {
        terminateRequested = false;
        if (!state.isActive()) {
            return;
        }
        closeAllResources(new ConnectionLostException("reactor terminated", null));
        finishInactive(ReactorState.STOPPED, null);
    }

    private void failLoop(Throwable cause) {
        LOG.error("reactor loop ({}) failed; moving to ERROR", backendName(), cause);
        try {
            closeAllResources(new ConnectionLostException("reactor failed: " + cause, cause));
        } catch (Throwable t) {
            cause.addSuppressed(t);
        }
        finishInactive(ReactorState.ERROR, cause);
    }

    private void finishInactive(ReactorState target, @Nullable Throwable cause) {
        timers.clear();
        stopWorkers();
        pendingStages = null;
        phase = Phase.IDLE;
        exitLoop = true;
        triggers.resetStartup();
        stopRequested = false;
        error = cause;
        setState(target);
    }

    private void closeAllResources(Throwable cause) {
        while (!resources.isEmpty()) {
            ReactorResource[] all = resources.toArray(new ReactorResource[0]);
            resources.clear();
            for (ReactorResource r : all) {
                forceCloseGuarded(r, cause);
            }
        }
    }

    private void forceCloseGuarded(ReactorResource r, Throwable cause) {
        try {
            r.forceClose(cause);
        } catch (RuntimeException e) {
            LOG.warn("closing {} failed", r, e);
        }
        resources.remove(r);
    }

    private void setState(ReactorState next) {
        ReactorState prev;
        LifecycleListener[] told;
        synchronized (lock) {
            prev = state;
            state = next;
            told = lifecycleListeners;
            lock.notifyAll();
        }
        // Producers waiting for room re-check the state (a stopped reactor refuses them).
        wakeBlockedProducers();
        if (prev != next) {
            notifyListeners(told, prev, next);
        }
    }

    private void notifyListeners(LifecycleListener[] told, ReactorState from, ReactorState to) {
        for (LifecycleListener l : told) {
            try {
                l.stateChanged(this, from, to);
            } catch (RuntimeException e) {
                LOG.error("lifecycle listener {} threw", l, e);
            }
        }
    }

    @Override
    public void stop() {
        LifecycleListener[] toStopped = null;
        synchronized (lock) {
            switch (state) {
                case INIT:
                    state = ReactorState.STOPPED;
                    lock.notifyAll();
                    toStopped = lifecycleListeners;
                    break;
                case STARTING:
                case STARTED:
                    stopRequested = true;
                    break;
                default:
                    return;
            }
        }
        if (toStopped != null) {
            notifyListeners(toStopped, ReactorState.INIT, ReactorState.STOPPED);
        } else {
            wakeupIfSleeping();
        }
    }

    @Override
    public void terminate() {
        if (inLoop()) {
            terminateNow();
            return;
        }
        synchronized (lock) {
            if (!state.isActive()) {
                return;
            }
            terminateRequested = true;
        }
        wakeupIfSleeping();
        boolean interrupted = false;
        synchronized (lock) {
            while (state.isActive() || (loopThread != null && loopThread != Thread.currentThread())) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public Registration callWhenRunning(Runnable task) {
        Objects.requireNonNull(task, "task must not be null");
        Registration r = triggers.addIfStartupPending(SystemEvent.STARTUP, TriggerPhase.AFTER, () -> {
            task.run();
            return null;
        });
        if (r != null) {
            return r;
        }
        if (inLoop()) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("callWhenRunning task {} threw", task, e);
            }
            return () -> false;
        }
        CancellableTask ct = new CancellableTask(task);
        execute(ct);
        return ct;
    }

    @Override
    public final void execute(Runnable task) {
        Objects.requireNonNull(task, "task must not be null");
        if (!tasks.offer(task)) {
            throw new RejectedExecutionException("reactor task queue is full (capacity "
                    + config.taskQueueCapacity() + "); task refused: " + task);
        }
        wakeupIfSleeping();
    }

    @Override
    public final boolean tryExecute(Runnable task) {
        Objects.requireNonNull(task, "task must not be null");
        if (!tasks.offer(task)) {
            return false;
        }
        wakeupIfSleeping();
        return true;
    }

    @Override
    public final void executeBlocking(Runnable task) throws InterruptedException {
        if (!tryExecute(task, Long.MAX_VALUE)) {
            throw new IllegalStateException("unreachable: an unbounded wait timed out");
        }
    }

    @Override
    public final boolean tryExecute(Runnable task, Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        long nanos;
        try {
            nanos = timeout.isNegative() ? 0 : timeout.toNanos();
        } catch (ArithmeticException e) {
            nanos = Long.MAX_VALUE;
        }
        return tryExecute(task, nanos);
    }

    /*
     * A producer that finds the ring full spins a little (the loop may be draining it right
     * now), then parks as a registered waiter. The loop, while it runs tasks, checks for waiters
     * every PRODUCER_WAKE_INTERVAL tasks and at the end of each batch, and unparks them all:
     * they refill the ring while the loop goes on draining it, rather than one waiting for the
     * other. The waiter count is incremented before the producer's last offer and read by the
     * loop after a full fence following its polls, so a producer either finds room or is seen.
     * The park is bounded (PRODUCER_PARK_NANOS) only to re-check the reactor's state.
     */
    private boolean tryExecute(Runnable task, long nanos) throws InterruptedException {
        Objects.requireNonNull(task, "task must not be null");
        if (tasks.offer(task)) {
            wakeupIfSleeping();
            return true;
        }
        if (inLoop()) {
            throw new RejectedExecutionException("reactor task queue is full (capacity " + config.taskQueueCapacity()
                    + "); the reactor thread cannot wait for room; task refused: " + task);
        }
        for (int i = 0; i < PRODUCER_SPINS; i++) {
            Thread.onSpinWait();
            if (tasks.offer(task)) {
                wakeupIfSleeping();
                return true;
            }
        }
        long start = System.nanoTime();
        Thread me = Thread.currentThread();
        blockedProducers.add(me);
        blockedProducerCount.incrementAndGet();
        try {
            while (true) {
                if (tasks.offer(task)) {
                    wakeupIfSleeping();
                    return true;
                }
                ReactorState s = state;
                if (s == ReactorState.INIT || s == ReactorState.STOPPED || s == ReactorState.ERROR) {
                    throw new RejectedExecutionException("reactor task queue is full (capacity " + config.taskQueueCapacity()
                            + ") and the reactor is " + s + ", so nothing drains it; task refused: " + task);
                }
                long left = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : nanos - (System.nanoTime() - start);
                if (left <= 0) {
                    return false;
                }
                // The loop is asleep only with an empty ring, but make sure it is not left asleep.
                wakeupIfSleeping();
                LockSupport.parkNanos(this, Math.min(left, PRODUCER_PARK_NANOS));
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for room in the reactor task queue");
                }
            }
        } finally {
            blockedProducerCount.decrementAndGet();
            blockedProducers.remove(me);
        }
    }

    /** Loop thread (or a state change): unparks producers waiting for room in the task ring. */
    private void wakeBlockedProducers() {
        VarHandle.fullFence();
        if (blockedProducerCount.get() != 0) {
            for (Thread t : blockedProducers) {
                LockSupport.unpark(t);
            }
        }
    }

    private void wakeupIfSleeping() {
        if (sleeping.get() && sleeping.compareAndSet(true, false)) {
            wakeupBackend();
        }
    }

    @Override
    public final boolean inLoop() {
        return Thread.currentThread() == loopThread;
    }

    @Override
    public <T> CompletionStage<T> callInThread(Callable<T> task) {
        Objects.requireNonNull(task, "task must not be null");
        CompletableFuture<T> result = new CompletableFuture<>();
        WorkerTask<T> wt = new WorkerTask<>(task, result);
        synchronized (lock) {
            if (!state.isActive()) {
                throw new IllegalStateException("callInThread needs an active reactor, found state: " + state);
            }
            ThreadPoolExecutor pool = workers;
            if (pool == null) {
                pool = newWorkerPool();
                workers = pool;
            }
            try {
                pool.execute(wt);
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new RejectedExecutionException("worker pool queue is full (capacity "
                        + config.workerQueueCapacity() + ", threads " + config.workerThreads() + ")"));
            }
        }
        return result;
    }

    private ThreadPoolExecutor newWorkerPool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 30,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.workerQueueCapacity()), r -> {
                    Thread t = new Thread(r, config.threadName() + "-worker-" + (++workerThreadCount));
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private void stopWorkers() {
        ThreadPoolExecutor pool;
        synchronized (lock) {
            pool = workers;
            workers = null;
        }
        if (pool == null) {
            return;
        }
        pool.shutdown();
        List<Runnable> queued = new ArrayList<>();
        pool.getQueue().drainTo(queued);
        for (Runnable r : queued) {
            if (r instanceof WorkerTask) {
                ((WorkerTask<?>) r).cancelQueued();
            }
        }
    }

    /** Delivers a worker's outcome on the loop if it still runs, else on the calling thread. */
    private void deliver(Runnable completion) {
        if (state.isActive() && loopThread != null && tryExecute(completion)) {
            return;
        }
        completion.run();
    }

    @Override
    public Registration addSystemEventTrigger(SystemEvent event, TriggerPhase phase, SystemEventTrigger trigger) {
        Objects.requireNonNull(event, "event must not be null");
        Objects.requireNonNull(phase, "phase must not be null");
        Objects.requireNonNull(trigger, "trigger must not be null");
        return triggers.add(event, phase, trigger);
    }

    @Override
    public Registration addLifecycleListener(LifecycleListener listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        synchronized (lock) {
            LifecycleListener[] now = lifecycleListeners;
            LifecycleListener[] more = Arrays.copyOf(now, now.length + 1);
            more[now.length] = listener;
            lifecycleListeners = more;
        }
        return () -> removeLifecycleListener(listener);
    }

    private boolean removeLifecycleListener(LifecycleListener listener) {
        synchronized (lock) {
            LifecycleListener[] now = lifecycleListeners;
            for (int i = 0; i < now.length; i++) {
                if (now[i] == listener) {
                    LifecycleListener[] fewer = new LifecycleListener[now.length - 1];
                    System.arraycopy(now, 0, fewer, 0, i);
                    System.arraycopy(now, i + 1, fewer, i, now.length - i - 1);
                    lifecycleListeners = fewer;
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Every {@link AbstractStreamTransport} of this reactor reports to them from its
     * {@code start()} and its end, so a backend whose stream transports extend it needs nothing
     * more.
     */
    @Override
    public final Registration addConnectionListener(dev.spindle.reactor.ConnectionListener listener) {
        return connectionListeners.add(listener);
    }

    private void fire(SystemEvent event, TriggerPhase phase) {
        SystemEventTrigger t;
        while ((t = triggers.next(event, phase)) != null) {
            try {
                CompletionStage<?> stage = t.run();
                if (stage != null && phase == TriggerPhase.BEFORE) {
                    AtomicInteger pending = pendingStages;
                    if (pending != null) {
                        pending.incrementAndGet();
                        stage.whenComplete((v, failure) -> {
                            if (failure != null) {
                                LOG.warn("{} BEFORE trigger stage failed", event, failure);
                            }
                            if (pending.decrementAndGet() == 0) {
                                wakeupIfSleeping();
                            }
                        });
                    }
                }
            } catch (Exception e) {
                LOG.error("{} {} trigger {} threw; the other triggers still run", event, phase, t, e);
            }
            if (exitLoop) {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ TimeReactor

    @Override
    public final ScheduledCall schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(delay, "delay must not be null");
        return schedule(checkDelay(delay), TimeUnit.NANOSECONDS, task);
    }

    @Override
    public final ScheduledCall schedule(long delay, TimeUnit unit, Runnable task) {
        Objects.requireNonNull(unit, "unit must not be null");
        Objects.requireNonNull(task, "task must not be null");
        if (delay < 0) {
            throw new IllegalArgumentException("delay must not be negative, found: " + delay + " " + unit);
        }
        checkLoop("schedule");
        checkActive("schedule");
        long nanos = clampNanos(unit.toNanos(delay));
        TimerCall t = new TimerCall(this, task, clock.nanoTime() + nanos, timerSeq++);
        timers.add(t);
        return t;
    }

    @Override
    public final List<ScheduledCall> pendingCalls() {
        checkLoop("pendingCalls");
        return Collections.unmodifiableList(Arrays.asList((ScheduledCall[]) timers.snapshot()));
    }

    void timerCancelled(TimerCall t) {
        timers.remove(t);
    }

    void timerMoved(TimerCall t) {
        t.seq = timerSeq++;
        timers.update(t);
    }

    static long checkDelay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, found: " + delay);
        }
        return toNanos(delay, "delay");
    }

    static long toNanos(Duration d, String what) {
        try {
            return clampNanos(d.toNanos());
        } catch (ArithmeticException e) {
            return d.isNegative() ? -MAX_DELAY_NANOS : MAX_DELAY_NANOS;
        }
    }

    private static long clampNanos(long nanos) {
        return Math.max(-MAX_DELAY_NANOS, Math.min(MAX_DELAY_NANOS, nanos));
    }

    // ------------------------------------------------------------------ TCP connect

    @Override
    public final ConnectAttempt connectTcp(String host, int port, Protocol protocol, ConnectOptions options) {
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(protocol, "protocol must not be null");
        Objects.requireNonNull(options, "options must not be null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, found: " + port);
        }
        checkLoop("connectTcp");
        checkActive("connectTcp");
        TcpConnector c = new TcpConnector(this, host, port, protocol, options);
        c.begin();
        return c;
    }

    // ------------------------------------------------------------------ for backends

    /**
     * The checks every {@code listenTcp} makes before touching a socket: non-null arguments, a
     * resolved address, the loop thread, an active reactor.
     *
     * @param bindAddress the address to bind
     * @param factory the protocol factory
     * @param options the options
     * @throws IllegalArgumentException on an unresolved address
     * @throws IllegalStateException off the loop thread or when inactive
     */
    protected final void checkListenArguments(InetSocketAddress bindAddress, ProtocolFactory factory,
            ListenOptions options) {
        Objects.requireNonNull(bindAddress, "bindAddress must not be null");
        Objects.requireNonNull(factory, "factory must not be null");
        Objects.requireNonNull(options, "options must not be null");
        if (bindAddress.isUnresolved()) {
            throw new IllegalArgumentException("bindAddress must be resolved, found unresolved: " + bindAddress);
        }
        checkLoop("listenTcp");
        checkActive("listenTcp");
    }

    /**
     * Throws unless called on the loop thread.
     *
     * @param operation names the call in the message
     * @throws IllegalStateException off the loop thread
     */
    public final void checkLoop(String operation) {
        Thread t = loopThread;
        if (Thread.currentThread() != t) {
            throw new IllegalStateException(operation + " must be called on the reactor thread ("
                    + (t == null ? "none: the reactor is " + state : t.getName()) + "), called from thread "
                    + Thread.currentThread().getName());
        }
    }

    /**
     * Throws unless the reactor is active.
     *
     * @param operation names the call in the message
     * @throws IllegalStateException when inactive
     */
    protected final void checkActive(String operation) {
        ReactorState s = state;
        if (!s.isActive() || exitLoop) {
            throw new IllegalStateException(operation + " needs an active reactor, found state: " + s);
        }
    }

    /**
     * Registers a resource to close on shutdown. Loop thread.
     *
     * @param resource the resource
     */
    public final void track(ReactorResource resource) {
        resources.add(resource);
    }

    /**
     * Forgets a resource once it is closed. Loop thread.
     *
     * @param resource the resource
     */
    public final void untrack(ReactorResource resource) {
        resources.remove(resource);
    }

    /**
     * Whether the loop is ending (terminate, failure, end of shutdown): a backend stops
     * dispatching the events it has left.
     *
     * @return true when the loop will exit after this pass
     */
    protected final boolean loopExiting() {
        return exitLoop;
    }

    /**
     * Whether a graceful shutdown is in progress; new connections are then refused.
     *
     * @return true while {@code STOPPING}
     */
    protected final boolean shuttingDown() {
        return state == ReactorState.STOPPING;
    }

    /**
     * The clock reading of the current loop pass.
     *
     * @return nanoseconds
     */
    protected final long passTime() {
        return now;
    }

    /**
     * A name for the backend's log messages and threads.
     *
     * @return the backend name
     */
    @Override
    public abstract String backendName();

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + backendName() + ", " + state + "]";
    }

    /** Size of a pending-output chunk; a read buffer of this size may be handed over as one. */
    public static final int CHUNK_SIZE = 64 * 1024;
    /** Direct chunks kept per reactor: 2 MiB of direct memory at most. */
    private static final int MAX_POOLED_CHUNKS = 32;
    private int directChunks;

    /**
     * An empty chunk (position 0, limit 0) for pending output: a pooled direct buffer, or a
     * heap buffer once {@value #MAX_POOLED_CHUNKS} direct ones are in use. Loop thread.
     *
     * @return a chunk of {@link #CHUNK_SIZE} bytes
     */
    protected final ByteBuffer acquireChunk() {
        ByteBuffer b = chunkPool.pollFirst();
        if (b == null) {
            if (directChunks < MAX_POOLED_CHUNKS) {
                directChunks++;
                b = ByteBuffer.allocateDirect(CHUNK_SIZE);
            } else {
                b = ByteBuffer.allocate(CHUNK_SIZE);
            }
        }
        b.clear().limit(0);
        return b;
    }

    /**
     * Returns a chunk from {@link #acquireChunk()} (or a detached read buffer of
     * {@link #CHUNK_SIZE}); heap chunks are left to the GC. Loop thread.
     *
     * @param b the chunk
     */
    protected final void releaseChunk(ByteBuffer b) {
        if (b.isDirect() && b.capacity() == CHUNK_SIZE && chunkPool.size() < MAX_POOLED_CHUNKS) {
            chunkPool.addFirst(b);
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A handle to one connect in progress. */
    public interface PendingConnect {
        /** Abandons the attempt and closes its socket; the listener is not told. */
        void cancel();
    }

    /** Told of the outcome of {@link #beginConnect}, on the loop thread. */
    public interface ConnectListener {
        /**
         * Connected; the protocol already had {@code connectionMade}.
         *
         * @param transport the transport
         */
        void connected(dev.spindle.reactor.Transport transport);

        /**
         * The attempt failed; its socket is closed.
         *
         * @param cause why
         */
        void failed(Throwable cause);
    }

    private final class WorkerTask<T> implements Runnable {
        private final Callable<T> task;
        private final CompletableFuture<T> result;

        WorkerTask(Callable<T> task, CompletableFuture<T> result) {
            this.task = task;
            this.result = result;
        }

        @Override
        public void run() {
            T value;
            try {
                value = task.call();
            } catch (Throwable t) {
                deliver(() -> result.completeExceptionally(t));
                return;
            }
            deliver(() -> result.complete(value));
        }

        void cancelQueued() {
            result.completeExceptionally(new CancellationException("the reactor's worker pool stopped before the task ran: " + task));
        }
    }

    private static final class CancellableTask implements Runnable, Registration {
        private final Runnable task;
        private volatile boolean removed;

        CancellableTask(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (!removed) {
                removed = true;
                task.run();
            }
        }

        @Override
        public boolean remove() {
            if (removed) {
                return false;
            }
            removed = true;
            return true;
        }
    }

    /** System-event triggers: consumed as they run (SPEC CORE-10). Thread-safe. */
    private static final class Triggers {
        private final List<ArrayDeque<Entry>> queues = new ArrayList<>();
        private boolean afterStartupDone;

        Triggers() {
            for (int i = 0; i < SystemEvent.values().length * TriggerPhase.values().length; i++) {
                queues.add(new ArrayDeque<>());
            }
        }

        private static int index(SystemEvent e, TriggerPhase p) {
            return e.ordinal() * TriggerPhase.values().length + p.ordinal();
        }

        synchronized Registration add(SystemEvent e, TriggerPhase p, SystemEventTrigger t) {
            Entry entry = new Entry(this, t);
            queues.get(index(e, p)).add(entry);
            return entry;
        }

        synchronized @Nullable Registration addIfStartupPending(SystemEvent e, TriggerPhase p, SystemEventTrigger t) {
            if (afterStartupDone) {
                return null;
            }
            return add(e, p, t);
        }

        synchronized @Nullable SystemEventTrigger next(SystemEvent e, TriggerPhase p) {
            ArrayDeque<Entry> q = queues.get(index(e, p));
            Entry entry;
            while ((entry = q.poll()) != null) {
                if (!entry.removed) {
                    entry.removed = true;
                    return entry.trigger;
                }
            }
            if (e == SystemEvent.STARTUP && p == TriggerPhase.AFTER) {
                afterStartupDone = true;
            }
            return null;
        }

        synchronized void resetStartup() {
            afterStartupDone = false;
        }

        synchronized boolean remove(Entry entry) {
            if (entry.removed) {
                return false;
            }
            entry.removed = true;
            for (ArrayDeque<Entry> q : queues) {
                if (q.remove(entry)) {
                    break;
                }
            }
            return true;
        }

        private static final class Entry implements Registration {
            private final Triggers owner;
            final SystemEventTrigger trigger;
            boolean removed; // guarded by owner

            Entry(Triggers owner, SystemEventTrigger trigger) {
                this.owner = owner;
                this.trigger = trigger;
            }

            @Override
            public boolean remove() {
                return owner.remove(this);
            }
        }
    }

    // ==== NAME RESOLUTION (issue 3): add members for this area directly below this line ====
    @Override
    public final NameLookup resolve(String host, Duration timeout) {
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, found: " + timeout);
        }
        checkLoop("resolve");
        checkActive("resolve");
        HostLookup lookup = new HostLookup(this, host, timeout);
        lookup.begin();
        return lookup;
    }
    // (end of name resolution section)

    // ==== TLS (issue 3): add members for this area directly below this line ====
    // (end of tls section)

    // ==== UDP (issue 3): add members for this area directly below this line ====
    /**
     * The checks of every {@code listenUdp}, then {@link #bindUdp} with the address and family
     * to bind (a wildcard address takes {@link UdpOptions#protocolFamily()}).
     */
    @Override
    public final DatagramTransport listenUdp(InetSocketAddress bindAddress, DatagramProtocol protocol,
            UdpOptions options) {
        Objects.requireNonNull(bindAddress, "bindAddress must not be null");
        Objects.requireNonNull(protocol, "protocol must not be null");
        Objects.requireNonNull(options, "options must not be null");
        if (bindAddress.isUnresolved()) {
            throw new IllegalArgumentException("bindAddress must be resolved, found unresolved: " + bindAddress);
        }
        checkLoop("listenUdp");
        checkActive("listenUdp");
        StandardProtocolFamily family = AbstractDatagramTransport.bindFamily(bindAddress, options);
        return bindUdp(AbstractDatagramTransport.bindAddress(bindAddress, family), family, protocol, options);
    }

    /**
     * Opens a UDP socket of {@code family}, binds it, and returns its started transport
     * (usually an {@link AbstractDatagramTransport} on which {@code start()} was called). Called
     * on the loop thread of an active reactor with checked arguments. The default throws: a
     * backend without UDP says so.
     *
     * @param bindAddress the address to bind (a wildcard already matches {@code family})
     * @param family {@code INET} or {@code INET6}
     * @param protocol the protocol
     * @param options the options
     * @return the transport
     * @throws dev.spindle.reactor.CannotListenException if the socket cannot be bound
     * @throws UnsupportedOperationException if the backend has no UDP
     */
    protected DatagramTransport bindUdp(InetSocketAddress bindAddress, StandardProtocolFamily family,
            DatagramProtocol protocol, UdpOptions options) {
        throw new UnsupportedOperationException("the " + backendName() + " backend does not support UDP");
    }
    // (end of udp section)

    // ==== UNIX-DOMAIN SOCKETS (issue 3): add members for this area directly below this line ====

    /**
     * Connects through {@link #beginConnectUnix} with the shared connector: the timeout,
     * cancellation, closing on stop, and a path too long for {@code sun_path} reported on the
     * stage before any socket is opened.
     */
    @Override
    public final ConnectAttempt connectUnix(dev.spindle.reactor.UnixAddress address, Protocol protocol,
            ConnectOptions options) {
        Objects.requireNonNull(address, "address must not be null");
        Objects.requireNonNull(protocol, "protocol must not be null");
        Objects.requireNonNull(options, "options must not be null");
        if (options.localAddress() != null) {
            throw new IllegalArgumentException("connectUnix: ConnectOptions.localAddress is a TCP option and cannot "
                    + "apply to a UNIX-domain socket, found: " + options.localAddress());
        }
        checkLoop("connectUnix");
        checkActive("connectUnix");
        checkAbstractUnixNamespace(address);
        UnixConnector c = new UnixConnector(this, address, protocol, options);
        c.begin();
        return c;
    }

    /**
     * Not supported unless the backend overrides it: throws {@link UnsupportedOperationException}
     * naming the backend, after the argument checks.
     */
    @Override
    public dev.spindle.reactor.ListeningPort listenUnix(dev.spindle.reactor.UnixAddress address, ProtocolFactory factory,
            dev.spindle.reactor.UnixListenOptions options) {
        checkListenUnixArguments(address, factory, options);
        throw new UnsupportedOperationException(unixUnsupported());
    }

    /**
     * Starts one non-blocking UNIX-domain connect. Loop thread. Not supported unless the backend
     * overrides it ({@link UnsupportedOperationException} naming the backend).
     *
     * @param target a path, or an abstract name if {@link #supportsAbstractUnixNamespace()}
     * @param protocol the protocol to attach on success
     * @param listener told of the outcome, on the loop thread (possibly before this returns)
     * @return a handle to abandon the attempt
     * @throws IOException if the attempt fails at once (missing file, refused, ...): the stage
     *     fails with it
     */
    protected PendingConnect beginConnectUnix(dev.spindle.reactor.UnixAddress target, Protocol protocol,
            ConnectListener listener) throws IOException {
        throw new UnsupportedOperationException(unixUnsupported());
    }

    /**
     * Whether this backend can bind and connect to Linux abstract-namespace names; false unless
     * overridden. When false, {@code listenUnix} and {@code connectUnix} throw
     * {@link UnsupportedOperationException} for them.
     *
     * @return false
     */
    protected boolean supportsAbstractUnixNamespace() {
        return false;
    }

    /**
     * The checks every {@code listenUnix} makes before touching a socket: non-null arguments, the
     * loop thread, an active reactor, and an abstract name only where supported.
     *
     * @param address the address to bind
     * @param factory the protocol factory
     * @param options the options
     * @throws IllegalStateException off the loop thread or when inactive
     * @throws UnsupportedOperationException for an abstract name this backend cannot bind
     */
    protected final void checkListenUnixArguments(dev.spindle.reactor.UnixAddress address, ProtocolFactory factory,
            dev.spindle.reactor.UnixListenOptions options) {
        Objects.requireNonNull(address, "address must not be null");
        Objects.requireNonNull(factory, "factory must not be null");
        Objects.requireNonNull(options, "options must not be null");
        checkLoop("listenUnix");
        checkActive("listenUnix");
        checkAbstractUnixNamespace(address);
    }

    private void checkAbstractUnixNamespace(dev.spindle.reactor.UnixAddress address) {
        if (address.isAbstract() && !supportsAbstractUnixNamespace()) {
            throw new UnsupportedOperationException("the " + backendName() + " backend does not support the Linux "
                    + "abstract namespace (" + address + "): the JDK's UnixDomainSocketAddress cannot name an address "
                    + "that starts with a NUL byte; on Linux use the epoll backend, which binds abstract names "
                    + "directly, or a path");
        }
    }

    private String unixUnsupported() {
        return "the " + backendName() + " backend does not support UNIX-domain sockets";
    }
    // (end of unix-domain sockets section)

    // ==== CHILD PROCESSES (issue 3): add members for this area directly below this line ====

    /**
     * Starts a child process with the portable implementation: {@link ProcessBuilder}, a daemon
     * reader thread per piped output stream, a standard-input writer thread started on demand,
     * and the JDK's reaper for the exit (see
     * {@link dev.spindle.reactor.DescriptorReactor#spawnProcess}). A backend that can watch a
     * child's pipes and exit on its poller (pidfd and pipes on Linux) overrides this.
     */
    @Override
    public dev.spindle.reactor.ProcessTransport spawnProcess(dev.spindle.reactor.ProcessSpec spec,
            dev.spindle.reactor.ProcessProtocol protocol) {
        checkSpawnArguments(spec, protocol);
        return ThreadedProcessTransport.spawn(this, spec, protocol);
    }

    /**
     * The checks every {@code spawnProcess} makes before starting anything: non-null arguments,
     * the loop thread, an active reactor that is not stopping.
     *
     * @param spec the spec
     * @param protocol the protocol
     * @throws IllegalStateException off the loop thread or when inactive
     * @throws dev.spindle.reactor.ProcessStartException while the reactor is stopping
     */
    protected final void checkSpawnArguments(dev.spindle.reactor.ProcessSpec spec,
            dev.spindle.reactor.ProcessProtocol protocol) {
        Objects.requireNonNull(spec, "spec must not be null");
        Objects.requireNonNull(protocol, "protocol must not be null");
        checkLoop("spawnProcess");
        checkActive("spawnProcess");
        if (shuttingDown()) {
            throw new dev.spindle.reactor.ProcessStartException(spec.command(),
                    "the reactor is stopping; new processes are refused", null);
        }
    }
    // (end of child processes section)

}
