package dev.spindle.reactor;

import java.util.Objects;

/** {@link ClientEndpoint#tcp}: one {@code connectTcp} per attempt. */
final class TcpEndpoint implements ClientEndpoint {
    private final Reactor reactor;
    private final String host;
    private final int port;
    private final ConnectOptions options;

    TcpEndpoint(Reactor reactor, String host, int port, ConnectOptions options) {
        this.reactor = Objects.requireNonNull(reactor, "reactor must not be null");
        this.host = Objects.requireNonNull(host, "host must not be null");
        this.options = Objects.requireNonNull(options, "options must not be null");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be in 1..65535, found: " + port);
        }
        this.port = port;
    }

    @Override
    public ConnectAttempt connect(Protocol protocol) {
        return reactor.connectTcp(host, port, protocol, options);
    }

    @Override
    public String toString() {
        return "tcp:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
