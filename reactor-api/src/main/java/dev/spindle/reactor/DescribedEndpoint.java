package dev.spindle.reactor;

import java.util.function.Function;

/** A {@link ClientEndpoint} made of a description and the connect call it stands for. */
final class DescribedEndpoint implements ClientEndpoint {
    private final String description;
    private final Function<Protocol, ConnectAttempt> connect;

    DescribedEndpoint(String description, Function<Protocol, ConnectAttempt> connect) {
        this.description = description;
        this.connect = connect;
    }

    @Override
    public ConnectAttempt connect(Protocol protocol) {
        return connect.apply(protocol);
    }

    @Override
    public String toString() {
        return description;
    }
}
