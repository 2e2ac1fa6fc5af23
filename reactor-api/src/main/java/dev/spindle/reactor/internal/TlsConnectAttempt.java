package dev.spindle.reactor.internal;

import dev.spindle.reactor.ConnectAttempt;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.DescriptorReactor;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.TlsClientOptions;
import dev.spindle.reactor.TlsTransport;
import dev.spindle.reactor.Transport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.Objects;

/**
 * A TLS connection attempt: a TCP attempt whose protocol is a {@link TlsConnection}; done when
 * the handshake is. Cancelling cancels the TCP attempt or, once connected, the handshake.
 */
public final class TlsConnectAttempt implements ConnectAttempt {
    private final ConnectAttempt tcp;
    private final TlsConnection layer;
    private final CompletableFuture<Transport> result = new CompletableFuture<>();

    private TlsConnectAttempt(ConnectAttempt tcp, TlsConnection layer) {
        this.tcp = tcp;
        this.layer = layer;
    }

    /**
     * Starts the attempt (the checks of {@code connectTcp} apply).
     *
     * @param reactor the reactor
     * @param host host name or address literal
     * @param port 1..65535
     * @param application the application protocol
     * @param tls the TLS options
     * @param options the TCP options
     * @return the attempt
     */
    public static ConnectAttempt start(DescriptorReactor reactor, String host, int port, Protocol application,
            TlsClientOptions tls, ConnectOptions options) {
        Objects.requireNonNull(host, "host must not be null");
        Objects.requireNonNull(application, "protocol must not be null");
        Objects.requireNonNull(tls, "tls must not be null");
        Objects.requireNonNull(options, "options must not be null");
        TlsConnection layer = TlsConnection.client(tls, host, port, application);
        ConnectAttempt tcp = reactor.connectTcp(host, port, layer, options);
        TlsConnectAttempt attempt = new TlsConnectAttempt(tcp, layer);
        tcp.result().whenComplete((t, failure) -> {
            if (failure != null) {
                attempt.result.completeExceptionally(unwrap(failure));
            }
        });
        layer.handshake().whenComplete(attempt::handshakeDone);
        return attempt;
    }

    private void handshakeDone(TlsTransport transport, Throwable failure) {
        if (failure != null) {
            result.completeExceptionally(unwrap(failure));
        } else {
            result.complete(transport);
        }
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    @Override
    public CompletionStage<Transport> result() {
        return result;
    }

    @Override
    public boolean cancel() {
        if (result.isDone()) {
            return false;
        }
        if (!tcp.result().toCompletableFuture().isDone()) {
            return tcp.cancel();
        }
        return layer.cancelHandshake();
    }

    @Override
    public String toString() {
        return "TlsConnectAttempt[" + layer + "]";
    }
}
