package dev.spindle.reactor.epoll;

import dev.spindle.reactor.spi.ForwardingReactorProvider;
import dev.spindle.reactor.spi.ReactorProvider;
import org.osgi.service.component.annotations.Component;

/**
 * Registers the {@code epoll} backend as an OSGi {@link ReactorProvider} service, with
 * {@value ReactorProvider#BACKEND_PROPERTY}{@code =epoll} and {@code service.ranking=30} (its
 * {@linkplain EpollReactorProvider#priority() priority}).
 *
 * <p>A Declarative Services component: bnd turns the annotation into
 * {@code OSGI-INF/dev.spindle.reactor.epoll.EpollReactorComponent.xml} at build time, and only
 * Service Component Runtime ever creates this class. The annotations have class retention, so on
 * the module path or class path nothing of OSGi is needed; there the backend is found through
 * {@link java.util.ServiceLoader} and {@link EpollReactorProvider} instead. Every call is
 * delegated to an {@link EpollReactorProvider}; like it, the service is registered on every
 * platform and reports itself unavailable (with the reason) where epoll cannot run, so
 * {@code reactor-quick} skips it. The framework's JVM needs
 * {@code --enable-native-access=ALL-UNNAMED} (bundles are unnamed modules).
 */
@Component(service = ReactorProvider.class, property = {
        ReactorProvider.BACKEND_PROPERTY + "=" + EpollReactorProvider.NAME,
        "service.ranking:Integer=" + EpollReactorProvider.PRIORITY})
public final class EpollReactorComponent extends ForwardingReactorProvider {
    /** Creates the component; called by Service Component Runtime. */
    public EpollReactorComponent() {
        super(new EpollReactorProvider());
    }
}
