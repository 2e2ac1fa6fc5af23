/**
 * The {@code spindle} command line: {@code info} shows the Java runtime and the reactor backends,
 * {@code echo} runs a TCP echo server, {@code mqtt pub}/{@code mqtt sub} are MQTT clients. An application: exports nothing.
 */
module dev.spindle.cli {
    requires dev.spindle.reactor.quick;
    requires dev.spindle.mqtt;
    requires static org.jspecify;
}
