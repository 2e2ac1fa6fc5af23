/**
 * A small application on Spindle, run by {@code ModulePathIT} with {@code java --module-path ... -m
 * demo.app/demo.app.Main} and an empty class path. It names only the API, reactor-quick and the
 * MQTT client; the backends are found through {@code uses}/{@code provides} (service binding
 * resolves them).
 */
module demo.app {
    requires dev.spindle.reactor;
    requires dev.spindle.reactor.quick;
    requires dev.spindle.mqtt;
}
