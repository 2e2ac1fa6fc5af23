package dev.spindle.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.fail;

import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.spi.ReactorProvider;
import dev.spindle.signals.ReactorSignals;
import dev.spindle.signals.ReactorStateChange;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.SignalListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The checks that use Spindle's types, called by {@link SpindleFeaturesIT} once the features are
 * installed (only then can the probe load Spindle's classes).
 */
final class SpindleChecks {
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final String LOOP_THREAD = "spindle-reactor";

    private SpindleChecks() {
    }

    /** Waits for the Reactor service on {@code backend}. */
    static ServiceReference<Reactor> awaitReactor(BundleContext context, String backend) throws Exception {
        return await(context, Reactor.class, backendFilter(backend));
    }

    /**
     * A scheduled call runs on the loop thread, and a message is echoed over loopback TCP by a
     * server on the reactor to a plain JDK socket.
     */
    static void scheduleAndEcho(BundleContext context, String backend) throws Exception {
        ServiceReference<Reactor> ref = awaitReactor(context, backend);
        Reactor reactor = context.getService(ref);
        try {
            assertEquals(ReactorState.STARTED, reactor.state());
            CompletableFuture<String> scheduled = new CompletableFuture<>();
            CompletableFuture<ListeningPort> listening = new CompletableFuture<>();
            reactor.execute(() -> {
                try {
                    reactor.schedule(Duration.ofMillis(10),
                            () -> scheduled.complete(Thread.currentThread().getName() + ", inLoop=" + reactor.inLoop()));
                    listening.complete(reactor.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                            remote -> new EchoServer()));
                } catch (RuntimeException e) {
                    listening.completeExceptionally(e);
                    scheduled.completeExceptionally(e);
                }
            });
            assertEquals("the scheduled call ran on the loop", LOOP_THREAD + ", inLoop=true",
                    scheduled.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            ListeningPort port = listening.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            byte[] message = ("hello from Karaf over " + backend).getBytes(StandardCharsets.UTF_8);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port.port())) {
                client.setSoTimeout((int) WAIT.toMillis());
                client.getOutputStream().write(message);
                byte[] echoed = client.getInputStream().readNBytes(message.length);
                assertEquals(new String(message, StandardCharsets.UTF_8), new String(echoed, StandardCharsets.UTF_8));
            }
            CompletableFuture<Boolean> closed = new CompletableFuture<>();
            reactor.execute(() -> {
                port.close();
                closed.complete(port.isOpen());
            });
            assertEquals("listening port closed", Boolean.FALSE, closed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            context.ungetService(ref);
        }
    }

    /**
     * The Reactor service is reactor-quick's, made by {@code backend}'s bundle, the only one; the
     * epoll provider is there and available where it should be (native access granted).
     */
    static void runsOn(BundleContext context, String backend) throws Exception {
        ServiceReference<Reactor> ref = awaitReactor(context, backend);
        assertEquals(1, context.getServiceReferences(Reactor.class, null).size());
        assertEquals("dev.spindle.reactor.quick", ref.getBundle().getSymbolicName());
        Reactor reactor = context.getService(ref);
        try {
            assertEquals(backend, reactor.backendName());
            assertEquals("dev.spindle.reactor." + backend, FrameworkUtil.getBundle(reactor.getClass()).getSymbolicName());
        } finally {
            context.ungetService(ref);
        }
        Map<String, String> providers = providers(context);
        assertEquals("select provider: " + providers, "available", providers.get("select"));
        if (SpindleFeaturesIT.epollExpected()) {
            assertEquals("epoll provider: " + providers, "available", providers.get("epoll"));
            ServiceReference<ReactorProvider> epoll = await(context, ReactorProvider.class, backendFilter("epoll"));
            assertEquals(30, epoll.getProperty(Constants.SERVICE_RANKING));
        }
    }

    /**
     * A {@link SignalListener} registered as a service with {@code spindle.signal} sees the
     * reactor's state changes when the bundle of the backend in use stops; the Reactor service
     * comes back on that backend when the bundle starts again.
     */
    static void whiteboardSeesTheReactorStop(BundleContext context, String backend) throws Exception {
        ServiceReference<Reactor> ref = awaitReactor(context, backend);
        Reactor reactor = context.getService(ref);
        ServiceReference<SignalBus> busRef = await(context, SignalBus.class, backendFilter(backend));
        SignalBus bus = context.getService(busRef);
        int subscriptionsBefore = bus.subscriptionCount();

        StateChanges changes = new StateChanges();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("spindle.signal", ReactorSignals.REACTOR_STATE_CHANGED.name());
        ServiceRegistration<?> registration = context.registerService(SignalListener.class, changes, properties);
        Bundle backendBundle = await(context, ReactorProvider.class, backendFilter(backend)).getBundle();
        try {
            await("the whiteboard listener subscribed", () -> bus.subscriptionCount() > subscriptionsBefore);
            backendBundle.stop();
            await(reactor + " STOPPED", () -> changes.of(reactor).contains(ReactorState.STOPPED));
            assertEquals(List.of(ReactorState.STOPPING, ReactorState.STOPPED), changes.of(reactor));
            assertEquals("delivered on the loop thread", List.of(LOOP_THREAD), changes.threadsOf(reactor));
            if (!backend.equals("select")) {
                awaitReactor(context, "select");
            }
        } finally {
            backendBundle.start();
            registration.unregister();
            context.ungetService(busRef);
            context.ungetService(ref);
        }
        // "A better backend arrives": the service moves back to it at once (README, OSGi).
        ServiceReference<Reactor> again = awaitReactor(context, backend);
        assertNotEquals(ref.getProperty(Constants.SERVICE_ID), again.getProperty(Constants.SERVICE_ID));
    }

    // ------------------------------------------------------------------ helpers

    private static String backendFilter(String backend) {
        return "(" + ReactorProvider.BACKEND_PROPERTY + "=" + backend + ")";
    }

    private static Map<String, String> providers(BundleContext context) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (ServiceReference<ReactorProvider> r : context.getServiceReferences(ReactorProvider.class, null)) {
            ReactorProvider p = context.getService(r);
            try {
                Throwable cause = p.unavailabilityCause();
                out.put(p.name(), p.isAvailable() ? "available" : "unavailable: " + cause);
            } finally {
                context.ungetService(r);
            }
        }
        return out;
    }

    private static <T> ServiceReference<T> await(BundleContext context, Class<T> type, String filter) throws Exception {
        Filter f = context.createFilter("(&(" + Constants.OBJECTCLASS + "=" + type.getName() + ")" + filter + ")");
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, f, null);
        tracker.open();
        try {
            T service = tracker.waitForService(WAIT.toMillis());
            ServiceReference<T> ref = tracker.getServiceReference();
            if (service == null || ref == null) {
                fail("no " + f + " service within " + WAIT + "; karaf.log:\n" + SpindleFeaturesIT.logTail());
            }
            return ref;
        } finally {
            tracker.close();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT + " waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** Echoes what it receives; closes when the client does. */
    static final class EchoServer implements Protocol {
        private @Nullable Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            Objects.requireNonNull(transport).write(data);
        }
    }

    /** The reactor state changes it is told of, per source, with the thread each came on. */
    static final class StateChanges implements SignalListener<ReactorStateChange> {
        private final List<Object[]> seen = new ArrayList<>();

        @Override
        public synchronized void onSignal(Object source, ReactorStateChange change) {
            seen.add(new Object[] {source, change.to(), Thread.currentThread().getName()});
        }

        synchronized List<ReactorState> of(Object source) {
            List<ReactorState> out = new ArrayList<>();
            for (Object[] s : seen) {
                if (s[0] == source) {
                    out.add((ReactorState) s[1]);
                }
            }
            return out;
        }

        synchronized List<String> threadsOf(Object source) {
            List<String> out = new ArrayList<>();
            for (Object[] s : seen) {
                if (s[0] == source && !out.contains(s[2])) {
                    out.add((String) s[2]);
                }
            }
            return out;
        }
    }
}
