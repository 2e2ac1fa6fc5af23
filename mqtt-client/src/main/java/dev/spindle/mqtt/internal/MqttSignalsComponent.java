package dev.spindle.mqtt.internal;

import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.signals.MqttSignals;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.Subscription;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Bridges every {@link MqttClient} service onto the {@link SignalBus} service
 * ({@link MqttSignals#bridge}, the service object as the source), so that signal whiteboard
 * listeners of {@code dev.spindle.mqtt.connected} and the others see every configured client.
 *
 * <p>A component of its own, apart from the client component, because the signals bundle is
 * optional: without a SignalBus service this component is never satisfied, so its class (which
 * needs {@code dev.spindle.signals}) is never loaded. When the SignalBus service is replaced (its
 * reactor was), the component is deactivated, which closes every bridge, and activated again on
 * the new bus. Clients come and go dynamically.
 */
@Component(name = "dev.spindle.mqtt.signals", service = {}, immediate = true)
public final class MqttSignalsComponent {
    private final Map<MqttClient, @Nullable Subscription> bridges = new IdentityHashMap<>();
    private @Nullable SignalBus active;

    @Reference
    private SignalBus bus;

    /** Creates the component; called by Service Component Runtime. */
    public MqttSignalsComponent() {
    }

    @Activate
    void activate() {
        synchronized (bridges) {
            active = bus;
            for (Map.Entry<MqttClient, @Nullable Subscription> e : bridges.entrySet()) {
                if (e.getValue() == null) {
                    e.setValue(MqttSignals.bridge(e.getKey(), bus));
                }
            }
        }
    }

    @Deactivate
    void deactivate() {
        List<Subscription> open = new ArrayList<>();
        synchronized (bridges) {
            active = null;
            for (Map.Entry<MqttClient, @Nullable Subscription> e : bridges.entrySet()) {
                Subscription s = e.getValue();
                if (s != null) {
                    open.add(s);
                }
                e.setValue(null);
            }
        }
        open.forEach(Subscription::close);
    }

    @Reference(name = "client", service = MqttClient.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeClient")
    void addClient(MqttClient client) {
        synchronized (bridges) {
            SignalBus b = active;
            bridges.put(client, b == null ? null : MqttSignals.bridge(client, b));
        }
    }

    void removeClient(MqttClient client) {
        Subscription s;
        synchronized (bridges) {
            s = bridges.remove(client);
        }
        if (s != null) {
            s.close();
        }
    }
}
