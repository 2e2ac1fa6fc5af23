package dev.spindle.signals.internal;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.spi.ReactorProvider;
import dev.spindle.signals.ReactorSignals;
import dev.spindle.signals.Signal;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.SignalListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the {@link SignalBus} service in OSGi, on the {@link Reactor} service (optional,
 * dynamic, greedy), and runs the signal whiteboard: every service registered as a
 * {@link SignalListener} with the property {@value #SIGNAL_PROPERTY}{@code =<name>} (one name or
 * several) listens to those signals from every source ({@link SignalBus#listenAll}).
 *
 * <p>A signal name stands for one event type on a bus. The type is taken from the property
 * {@value #TYPE_PROPERTY} (a class name, loaded through the listener's bundle) or, without it,
 * from Spindle's catalogue ({@link ReactorSignals} and {@link SignalBus#LISTENER_FAILED}). A
 * listener that names neither a known signal nor a loadable type is logged as an error and not
 * subscribed.
 *
 * <p>The reactor is bridged onto the bus ({@link ReactorSignals#bridge(dev.spindle.reactor.CoreReactor, SignalBus)}),
 * so whiteboard listeners of {@code dev.spindle.reactor.stateChanged} see the reactor change
 * state, and those of {@code dev.spindle.reactor.connectionMade} and
 * {@code dev.spindle.reactor.connectionLost} see its connections come and go. When the
 * {@code Reactor} service is replaced, the bus goes with it: see
 * {@link SignalBusManager}. The SignalBus service carries
 * {@value ReactorProvider#BACKEND_PROPERTY} of its reactor. Calling {@code close()} on the service
 * is ignored: the bus is shared.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.spindle.signals.SignalBus\"",
        uses = SignalBus.class)
@Component(name = "dev.spindle.signals", service = {}, immediate = true)
public final class SignalBusComponent {
    /** The whiteboard property naming the signal(s) a listener service listens to: {@value}. */
    public static final String SIGNAL_PROPERTY = "spindle.signal";
    /** The whiteboard property naming the event type of those signals (a class name): {@value}. */
    public static final String TYPE_PROPERTY = "spindle.signal.type";

    private static final Logger LOG = LoggerFactory.getLogger(SignalBusComponent.class);
    /** Spindle's signals, known by name alone; a test keeps it equal to the public constants. */
    static final List<Signal<?>> CATALOGUE = List.of(ReactorSignals.REACTOR_STATE_CHANGED,
            ReactorSignals.CONNECTION_MADE, ReactorSignals.CONNECTION_LOST, ReactorSignals.RETRY_SCHEDULED,
            ReactorSignals.CLIENT_SERVICE_STATE_CHANGED, SignalBus.LISTENER_FAILED);

    private final SignalBusManager manager = new SignalBusManager();

    /** Creates the component; called by Service Component Runtime. */
    public SignalBusComponent() {
    }

    @Activate
    void activate(BundleContext context) {
        manager.activate((bus, backend) -> register(context, bus, backend));
    }

    @Deactivate
    void deactivate() {
        manager.deactivate();
    }

    @Reference(name = "reactor", service = Reactor.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindReactor")
    void bindReactor(Reactor reactor, Map<String, Object> properties) {
        Object backend = properties.get(ReactorProvider.BACKEND_PROPERTY);
        manager.bindReactor(reactor, backend == null ? null : backend.toString());
    }

    void unbindReactor(Reactor reactor) {
        manager.unbindReactor(reactor);
    }

    @Reference(name = "listener", service = SignalListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, target = "(" + SIGNAL_PROPERTY + "=*)", unbind = "removeListener")
    void addListener(SignalListener<?> listener, ServiceReference<?> reference) {
        List<Signal<?>> signals = signalsOf(reference, listener);
        if (!signals.isEmpty()) {
            manager.addListener(listener, signals);
        }
    }

    void removeListener(SignalListener<?> listener) {
        manager.removeListener(listener);
    }

    private static Runnable register(BundleContext context, SignalBus bus, @Nullable String backend) {
        Dictionary<String, Object> props = new Hashtable<>();
        if (backend != null) {
            props.put(ReactorProvider.BACKEND_PROPERTY, backend);
        }
        ServiceRegistration<SignalBus> registration = context.registerService(SignalBus.class, bus, props);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.debug("the SignalBus service was already unregistered");
            }
        };
    }

    /** The signals a whiteboard listener asks for, or empty after logging why none can be used. */
    static List<Signal<?>> signalsOf(ServiceReference<?> reference, Object listener) {
        List<String> names = strings(reference.getProperty(SIGNAL_PROPERTY));
        Object type = reference.getProperty(TYPE_PROPERTY);
        Class<?> eventType = null;
        if (type != null) {
            String typeName = type.toString().trim();
            Bundle bundle = reference.getBundle();
            try {
                if (bundle == null) {
                    throw new ClassNotFoundException(typeName + " (the listener's bundle is gone)");
                }
                eventType = bundle.loadClass(typeName);
            } catch (ClassNotFoundException | RuntimeException e) {
                LOG.error("whiteboard listener {} (service {}): {}={} cannot be loaded through its bundle; not subscribed",
                        listener, reference.getProperty("service.id"), TYPE_PROPERTY, typeName, e);
                return List.of();
            }
        }
        List<Signal<?>> out = new ArrayList<>();
        for (String name : names) {
            Signal<?> signal = eventType != null ? signal(name, eventType) : known(name);
            if (signal == null) {
                LOG.error("whiteboard listener {} (service {}): {}={} is not a Spindle signal and {} is not set, so its"
                        + " event type is unknown; not subscribed to it", listener, reference.getProperty("service.id"),
                        SIGNAL_PROPERTY, name, TYPE_PROPERTY);
            } else {
                out.add(signal);
            }
        }
        return out;
    }

    private static @Nullable Signal<?> signal(String name, Class<?> type) {
        try {
            return Signal.of(name, type);
        } catch (IllegalArgumentException e) {
            LOG.error("whiteboard signal {}: {}", name, e.getMessage());
            return null;
        }
    }

    private static @Nullable Signal<?> known(String name) {
        for (Signal<?> s : CATALOGUE) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static List<String> strings(@Nullable Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof String[]) {
            for (String s : (String[]) value) {
                addName(out, s);
            }
        } else if (value instanceof Collection) {
            for (Object o : (Collection<?>) value) {
                addName(out, o);
            }
        } else if (value != null) {
            addName(out, value);
        }
        return out;
    }

    private static void addName(List<String> out, @Nullable Object o) {
        if (o != null && !o.toString().isBlank()) {
            out.add(o.toString().trim());
        }
    }
}
