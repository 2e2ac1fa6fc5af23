package dev.spindle.signals.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.select.SelectReactorProvider;
import dev.spindle.signals.ConnectionLost;
import dev.spindle.signals.ReactorSignals;
import dev.spindle.signals.SignalListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SignalBus service bridges its reactor's connections, not only its state: a whiteboard
 * listener of {@code dev.spindle.reactor.connectionMade}/{@code connectionLost} sees them.
 */
@Timeout(60)
class SignalBusManagerConnectionTest {
    private final SignalBusManager manager = new SignalBusManager();
    private final Reactor reactor = new SelectReactorProvider().create(
            ReactorConfig.builder().threadName("signals-manager-loop").daemon(true).build());

    @AfterEach
    void tearDown() {
        manager.deactivate();
        reactor.terminate();
    }

    /** Records {@code made}/{@code lost} with the source and transport; a whiteboard listener of both signals. */
    static final class ConnectionRecorder implements SignalListener<Object> {
        final List<Object[]> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onSignal(Object source, Object event) {
            if (event instanceof ConnectionLost) {
                ConnectionLost l = (ConnectionLost) event;
                seen.add(new Object[] {"lost", source, l.transport(), l.cause()});
            } else {
                seen.add(new Object[] {"made", source, event, null});
            }
        }
    }

    @Test
    void whiteboardListenersSeeTheReactorsConnections() {
        ReactorHarness h = new ReactorHarness(reactor).start();
        ConnectionRecorder recorder = new ConnectionRecorder();
        manager.addListener(recorder, List.of(ReactorSignals.CONNECTION_MADE, ReactorSignals.CONNECTION_LOST));
        manager.activate((bus, backend) -> () -> { });
        manager.bindReactor(reactor, "select");
        assertNotNull(manager.bus());

        BlockingQueue<RecordingProtocol> accepted = new LinkedBlockingQueue<>();
        int port = h.call(() -> reactor.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), remote -> {
            RecordingProtocol p = new RecordingProtocol.Echo();
            accepted.add(p);
            return p;
        }).port());
        RecordingProtocol client = new RecordingProtocol();
        Transport t = ReactorHarness.await(h.call(() -> reactor.connectTcp("127.0.0.1", port, client).result()));
        h.run(() -> t.write("via the service".getBytes(UTF_8)));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 15);
        h.run(t::close);
        ReactorHarness.await("made and lost for both ends", () -> recorder.seen.size() == 4);

        int madeOfClient = -1;
        int lostOfClient = -1;
        for (int i = 0; i < 4; i++) {
            Object[] e = recorder.seen.get(i);
            assertSame(reactor, e[1], "the reactor is the source");
            if (e[2] == t) {
                if ("made".equals(e[0])) {
                    madeOfClient = i;
                } else {
                    lostOfClient = i;
                    assertNull(e[3], "a clean close");
                }
            }
        }
        assertTrue(madeOfClient >= 0 && lostOfClient > madeOfClient,
                "the client's transport: made, then lost; seen " + recorder.seen.size() + " events");
    }
}
