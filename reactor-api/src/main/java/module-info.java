/**
 * Spindle's reactor API: the {@link dev.spindle.reactor.Reactor} facets users program against,
 * the backend SPI with the shared loop skeleton, and deterministic test doubles.
 *
 * <p>Backends are found with {@link java.util.ServiceLoader} through
 * {@link dev.spindle.reactor.spi.ReactorProvider}; in OSGi they register the same interface as a
 * Declarative Services component.
 */
module dev.spindle.reactor {
    requires transitive org.slf4j;
    requires static transitive org.jspecify;
    requires static osgi.annotation;

    exports dev.spindle.reactor;
    exports dev.spindle.reactor.spi;
    exports dev.spindle.reactor.testing;

    uses dev.spindle.reactor.spi.ReactorProvider;
}
