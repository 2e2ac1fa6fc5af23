/**
 * Spindle's MQTT 3.1.1 and 5.0 client on the reactor: {@link dev.spindle.mqtt.MqttClient}.
 * Depends only on the reactor API; in OSGi a Declarative Services component registers one
 * client per factory configuration.
 */
module dev.spindle.mqtt {
    requires transitive dev.spindle.reactor;
    requires org.slf4j;
    // Only MqttSignals (dev.spindle.mqtt.signals) needs the signal bus. Not transitive: an
    // application that does not use MqttSignals compiles and runs without signals.
    requires static dev.spindle.signals;
    requires static org.jspecify;
    requires static osgi.annotation;
    // The OSGi component in the internal package; never loaded outside a framework.
    requires static osgi.core;
    requires static org.osgi.service.component.annotations;
    requires static org.osgi.service.metatype.annotations;

    exports dev.spindle.mqtt;
    exports dev.spindle.mqtt.signals;
}
