package dev.spindle.cli;

import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Transport;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes every byte it receives back to the peer. Back-pressure: while the transport holds more
 * pending output than its high watermark, reading is paused, so a peer that sends faster than it
 * reads cannot make the server buffer without bound. Reactor thread only.
 */
final class EchoProtocol implements Protocol {
    // per connection, set in connectionMade before any other callback
    private @Nullable Transport transport;

    @Override
    public void connectionMade(Transport t) {
        this.transport = t;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        // write() consumes the buffer before returning (copying what the socket does not take),
        // so handing back the reactor's read buffer is safe.
        transport().write(data);
    }

    @Override
    public void writabilityChanged(boolean writable) {
        Transport t = transport();
        if (writable) {
            t.resumeReading();
        } else {
            t.pauseReading();
        }
    }

    private Transport transport() {
        return Objects.requireNonNull(transport, "transport is set in connectionMade");
    }
}
