package dev.spindle.mqtt.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.TlsClientOptions;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.ReactorContractSupport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.select.SelectReactorProvider;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker's {@link TlsClientOptions} used as the MQTT client will use them: a real reactor's
 * {@code connectTls} to the broker's TLS listener (host-name verification on), then a
 * hand-written CONNECT answered by CONNACK.
 */
@Timeout(60)
class MosquittoReactorTlsTest extends ReactorContractSupport {
    private static final byte[] CONNACK_ACCEPTED = {0x20, 2, 0, 0};

    @Override
    protected Reactor newReactor(ReactorConfig config) {
        return new SelectReactorProvider().create(config);
    }

    @Test
    void tlsClientOptionsConnectTheReactorToTheTlsListener() {
        try (MosquittoBroker broker = MosquittoBroker.builder().tls(true).start()) {
            ReactorHarness h = started();
            assertArrayEquals(CONNACK_ACCEPTED, connectAndConnack(h, broker, broker.tlsClientOptions()));
        }
    }

    @Test
    void mutualTlsNeedsTheClientCertificateOptions() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().requireClientCertificate(true).start()) {
            ReactorHarness h = started();
            assertArrayEquals(CONNACK_ACCEPTED, connectAndConnack(h, broker, broker.mutualTlsClientOptions()));

            // Without the certificate: the handshake fails, or (TLS 1.3, where the client may
            // finish first) the broker's alert ends the connection before any MQTT byte comes back.
            RecordingProtocol client = new RecordingProtocol();
            CompletableFuture<Transport> result = h.call(() -> h.reactor()
                    .connectTls(broker.host(), broker.tlsPort(), client, broker.tlsClientOptions()).result()).toCompletableFuture();
            try {
                Transport t = result.get(ReactorHarness.WAIT.toMillis(), TimeUnit.MILLISECONDS);
                h.run(() -> {
                    if (t.isOpen()) { // the alert may already have closed it
                        t.write(MqttBytes.connect(MqttBytes.V311, "no-cert", true, 30, null, null));
                    }
                });
                ReactorHarness.await(client.lost());
            } catch (ExecutionException refused) {
                // handshake failure
            }
            assertEquals(0, client.receivedBytes(), "nothing from the broker without a client certificate");
        }
    }

    private static byte[] connectAndConnack(ReactorHarness h, MosquittoBroker broker, TlsClientOptions tls) {
        RecordingProtocol client = new RecordingProtocol();
        Transport t = ReactorHarness.await(h.call(() -> h.reactor().connectTls(broker.host(), broker.tlsPort(), client, tls).result()));
        h.run(() -> t.write(MqttBytes.connect(MqttBytes.V311, "reactor-tls", true, 30, null, null)));
        ReactorHarness.await("the CONNACK", () -> client.receivedBytes() >= CONNACK_ACCEPTED.length);
        byte[] connack = client.received();
        h.run(t::close);
        return connack;
    }
}
