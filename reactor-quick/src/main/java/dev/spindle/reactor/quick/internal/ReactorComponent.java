package dev.spindle.reactor.quick.internal;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.spi.ReactorProvider;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the {@link Reactor} service in OSGi: binds every {@link ReactorProvider} service
 * (multiple, dynamic, greedy), creates and starts a reactor on the best one (or the one the
 * configuration names) and registers it with the service property
 * {@value ReactorProvider#BACKEND_PROPERTY}{@code =<backend>}. Configured through Configuration
 * Admin under the PID {@value #PID} ({@link ReactorConfiguration}); the rules for providers that
 * come and go, failures and bad configurations are those of {@link ReactorServiceManager}.
 *
 * <p>The reactor belongs to this component: consumers must not stop or terminate it. It is
 * stopped when the component is deactivated (the bundle stops), when the provider it runs on
 * goes away, and when it is replaced.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"dev.spindle.reactor.Reactor\"",
        uses = Reactor.class)
@Component(name = ReactorComponent.PID, configurationPid = ReactorComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {}, immediate = true)
@Designate(ocd = ReactorConfiguration.class)
public final class ReactorComponent {
    /** The configuration PID, also the component name: {@value}. */
    public static final String PID = "dev.spindle.reactor";

    private static final Logger LOG = LoggerFactory.getLogger(ReactorComponent.class);

    private final ReactorServiceManager manager = new ReactorServiceManager();

    /** Creates the component; called by Service Component Runtime. */
    public ReactorComponent() {
    }

    @Activate
    void activate(BundleContext context, ReactorConfiguration config) {
        manager.activate((reactor, backend) -> register(context, reactor, backend), ReactorSettings.of(config));
    }

    @Modified
    void modified(ReactorConfiguration config) {
        manager.modified(ReactorSettings.of(config));
    }

    @Deactivate
    void deactivate() {
        manager.deactivate();
    }

    @Reference(name = "provider", service = ReactorProvider.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeProvider")
    void addProvider(ReactorProvider provider) {
        manager.addProvider(provider);
    }

    void removeProvider(ReactorProvider provider) {
        manager.removeProvider(provider);
    }

    private static Runnable register(BundleContext context, Reactor reactor, String backend) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(ReactorProvider.BACKEND_PROPERTY, backend);
        props.put("service.description", "Spindle reactor on the " + backend + " backend");
        ServiceRegistration<Reactor> registration = context.registerService(Reactor.class, reactor, props);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.debug("the Reactor service on backend '{}' was already unregistered", backend);
            }
        };
    }
}
