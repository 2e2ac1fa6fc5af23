/**
 * Spindle's quick start: {@link dev.spindle.reactor.quick.Reactors#create()} returns a reactor on
 * the best backend available at run time, found through
 * {@link dev.spindle.reactor.spi.ReactorProvider}.
 */
module dev.spindle.reactor.quick {
    requires transitive dev.spindle.reactor;
    requires static org.jspecify;
    requires static osgi.annotation;

    exports dev.spindle.reactor.quick;

    uses dev.spindle.reactor.spi.ReactorProvider;
}
