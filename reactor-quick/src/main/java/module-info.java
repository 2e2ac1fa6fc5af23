/**
 * Spindle's quick start: {@link dev.spindle.reactor.quick.Reactors#create()} returns a reactor on
 * the best backend available at run time, found through
 * {@link dev.spindle.reactor.spi.ReactorProvider}.
 *
 * <p>In OSGi, {@link java.util.ServiceLoader} does not see across bundles: there a Declarative
 * Services component in the (unexported) internal package registers the
 * {@code dev.spindle.reactor.Reactor} service on the best {@code ReactorProvider} service instead
 * (configuration PID {@code dev.spindle.reactor}).
 */
module dev.spindle.reactor.quick {
    requires transitive dev.spindle.reactor;
    requires static org.jspecify;
    requires static osgi.annotation;
    // The OSGi component in the internal package; never loaded outside a framework.
    requires static osgi.core;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.metatype.annotations;

    exports dev.spindle.reactor.quick;

    uses dev.spindle.reactor.spi.ReactorProvider;
}
