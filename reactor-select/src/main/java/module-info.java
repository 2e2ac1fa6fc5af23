/**
 * Spindle's portable reactor backend on {@link java.nio.channels.Selector}. Exports nothing;
 * found through {@link dev.spindle.reactor.spi.ReactorProvider}.
 */
module dev.spindle.reactor.select {
    requires dev.spindle.reactor;
    requires static org.jspecify;
    requires static osgi.annotation;

    provides dev.spindle.reactor.spi.ReactorProvider with dev.spindle.reactor.select.SelectReactorProvider;
}
