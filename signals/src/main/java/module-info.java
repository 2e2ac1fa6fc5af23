/**
 * Spindle's typed signal bus: {@link dev.spindle.signals.SignalBus#listen listen} to a
 * {@link dev.spindle.signals.Signal} of a source, {@link dev.spindle.signals.SignalBus#fire fire}
 * it, and get every event on the reactor thread. Depends only on the reactor API.
 */
module dev.spindle.signals {
    requires transitive dev.spindle.reactor;
    requires org.slf4j;
    requires static org.jspecify;
    requires static osgi.annotation;
    // The OSGi component in the internal package; never loaded outside a framework.
    requires static osgi.core;
    requires static org.osgi.service.component.annotations;

    exports dev.spindle.signals;
}
