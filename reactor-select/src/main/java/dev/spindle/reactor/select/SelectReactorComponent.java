package dev.spindle.reactor.select;

import dev.spindle.reactor.spi.ForwardingReactorProvider;
import dev.spindle.reactor.spi.ReactorProvider;
import org.osgi.service.component.annotations.Component;

/**
 * Registers the {@code select} backend as an OSGi {@link ReactorProvider} service, with
 * {@value ReactorProvider#BACKEND_PROPERTY}{@code =select} and {@code service.ranking=10} (its
 * {@linkplain SelectReactorProvider#priority() priority}).
 *
 * <p>A Declarative Services component: bnd turns the annotation into
 * {@code OSGI-INF/dev.spindle.reactor.select.SelectReactorComponent.xml} at build time, and only
 * Service Component Runtime ever creates this class. The annotations have class retention, so on
 * the module path or class path nothing of OSGi is needed; there the backend is found through
 * {@link java.util.ServiceLoader} and {@link SelectReactorProvider} instead. Every call is
 * delegated to a {@link SelectReactorProvider}.
 */
@Component(service = ReactorProvider.class, property = {
        ReactorProvider.BACKEND_PROPERTY + "=" + SelectReactorProvider.NAME,
        "service.ranking:Integer=" + SelectReactorProvider.PRIORITY})
public final class SelectReactorComponent extends ForwardingReactorProvider {
    /** Creates the component; called by Service Component Runtime. */
    public SelectReactorComponent() {
        super(new SelectReactorProvider());
    }
}
