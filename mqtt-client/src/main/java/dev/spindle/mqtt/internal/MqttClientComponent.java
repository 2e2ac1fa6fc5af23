package dev.spindle.mqtt.internal;

import dev.spindle.mqtt.MqttClient;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.spi.ReactorProvider;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers one {@link MqttClient} service per factory configuration of
 * {@value #FACTORY_PID} (Configuration Admin; the keys, their defaults and the service properties
 * are listed in {@link MqttClientSettings}, the Metatype form is {@link MqttClientConfiguration}).
 * Without a configuration there is no component and no client.
 *
 * <p>The client runs on the {@link Reactor} service (optional, dynamic, greedy reference, like
 * the SignalBus's; a configuration may narrow it with the standard {@code reactor.target}
 * property). It is created and started on the bound reactor and registered with the service
 * properties {@code mqtt.clientId}, {@code mqtt.host}, {@code mqtt.port}, {@code mqtt.version},
 * {@value ReactorProvider#BACKEND_PROPERTY} and the configuration's own non-secret properties, so
 * consumers can target one client: {@code (mqtt.clientId=sensor-7)}. When the Reactor service is
 * replaced (its backend's bundle stopped, so reactor-quick moved to the next backend), the client
 * is unregistered and terminated, and a new client is created, started and registered on the new
 * reactor; consumers with a dynamic reference get it without being restarted, and add their
 * listeners and subscriptions to it. Changing a configuration deactivates the component and
 * activates it anew (a new client). The rules in full: {@link MqttClientManager}.
 *
 * <p>The client belongs to its configuration: {@code start()}, {@code stop()} and
 * {@code terminate()} called by consumers on the service are ignored (with a warning). A bad
 * configuration (an unknown version, a port outside 1..65535, a negative number, no host) logs one
 * error naming the keys and values and registers nothing. TLS cannot be configured here: a client
 * that needs TLS is built in code ({@link dev.spindle.mqtt.MqttClientConfig.Builder#tls}).
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.spindle.mqtt.MqttClient\"",
        uses = MqttClient.class)
@Component(name = MqttClientComponent.FACTORY_PID, configurationPid = MqttClientComponent.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {}, immediate = true)
@Designate(ocd = MqttClientConfiguration.class, factory = true)
public final class MqttClientComponent {
    /** The factory configuration PID, also the component name: {@value}. */
    public static final String FACTORY_PID = "dev.spindle.mqtt.client";

    private static final Logger LOG = LoggerFactory.getLogger(MqttClientComponent.class);

    private final MqttClientManager manager = new MqttClientManager();

    /** Creates the component; called by Service Component Runtime. */
    public MqttClientComponent() {
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        manager.activate((client, props) -> register(context, client, props), MqttClientSettings.of(properties));
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

    private static Runnable register(BundleContext context, MqttClient client, Map<String, Object> properties) {
        Dictionary<String, Object> props = new Hashtable<>(properties);
        ServiceRegistration<MqttClient> registration = context.registerService(MqttClient.class, client, props);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.debug("the MqttClient service {} was already unregistered", client);
            }
        };
    }
}
