/**
 * Spindle's portable reactor backend on {@link java.nio.channels.Selector}. Exports nothing;
 * found through {@link dev.spindle.reactor.spi.ReactorProvider}: with {@link java.util.ServiceLoader}
 * on the module path and class path, and as an OSGi service registered by a Declarative Services
 * component (its annotations are only read at build time, so they are {@code requires static}).
 */
module dev.spindle.reactor.select {
    requires dev.spindle.reactor;
    requires static org.jspecify;
    requires static osgi.annotation;
    requires static org.osgi.service.component.annotations;

    provides dev.spindle.reactor.spi.ReactorProvider with dev.spindle.reactor.select.SelectReactorProvider;
}
