package dev.spindle.reactor.internal;

import dev.spindle.reactor.ConnectionFailedException;
import dev.spindle.reactor.ConnectionLostException;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.TlsClientOptions;
import dev.spindle.reactor.TlsHandshakeException;
import dev.spindle.reactor.TlsLayer;
import dev.spindle.reactor.TlsServerOptions;
import dev.spindle.reactor.TlsTransport;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.WriteBufferFullException;
import dev.spindle.reactor.spi.AbstractReactor;
import dev.spindle.reactor.spi.HostNames;
import dev.spindle.reactor.spi.ReactorResource;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS connection: an {@link SSLEngine} driven between an underlying stream transport (this
 * object is its protocol) and the application protocol (which gets {@link #view}).
 *
 * <h2>Buffers</h2>
 * Per connection, reused for every record: {@code appIn} (plaintext handed to the application,
 * one engine application buffer), {@code netOut} (one record of ciphertext on its way to the
 * underlying transport, which writes it or copies it into its pending output), and
 * {@code netIn}, allocated only when a read ends inside a record (the tail waits there for the
 * rest). Ciphertext is otherwise unwrapped straight from the buffer the underlying transport
 * hands over, without a copy. Several records are unwrapped into {@code appIn} before the
 * application sees them, so a burst of small records is one {@code dataReceived}.
 *
 * <h2>Writing</h2>
 * Plaintext is encrypted as it is written; what the socket does not take waits as ciphertext in
 * the underlying transport, whose pending output, watermarks and writability events are
 * therefore the TLS transport's. Nothing plaintext is ever queued here.
 *
 * <p>Loop thread only.
 */
public final class TlsConnection implements TlsLayer, ReactorResource {
    private static final Logger LOG = LoggerFactory.getLogger(TlsConnection.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** The largest plaintext of one TLS record (RFC 8446 §5.1, RFC 5246 §6.2.1). */
    private static final int MAX_RECORD_PLAINTEXT = 16_384;
    /** Room kept for handshake messages (tickets, key updates) beside the records of a write. */
    private static final int POST_HANDSHAKE_SLACK = 4096;
    /** Ciphertext held while the application is paused is bounded by one read; this is a guard. */
    private static final int MAX_NET_IN = 4 << 20;
    private static final String TLS13 = "TLSv1.3";

    // per layer, fixed
    private final boolean client;
    private final SSLContext context;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final List<String> applicationProtocols;
    private final Duration handshakeTimeout;
    private final @Nullable String peerHost;
    private final int peerPort;
    private final boolean verifyHostName;
    private final @Nullable String sniName;
    private final TlsServerOptions.ClientAuth clientAuth;
    private final @Nullable ProtocolFactory appFactory;
    private final BiConsumer<SocketAddress, TlsHandshakeException> failureListener;
    private final CompletableFuture<TlsTransport> handshake = new CompletableFuture<>();
    private final View view = new View();
    private final ByteBuffer[] one = new ByteBuffer[1];
    private final Runnable drainTask = this::drainAfterResume;
    private final Runnable timeoutTask = this::onHandshakeTimeout;

    // per connection
    private @Nullable Protocol app;
    private @Nullable Transport net;
    private @Nullable SSLEngine engine;
    private ByteBuffer appIn = EMPTY;
    private ByteBuffer netOut = EMPTY;
    private @Nullable ByteBuffer netIn;
    private int recordOverhead;
    private @Nullable ScheduledCall timer;
    private @Nullable AbstractReactor tracker;
    private @Nullable Throwable lossCause;
    private boolean handshakeDone;
    private boolean failed;
    private boolean appMade;
    private boolean lost;
    private boolean closing;
    private boolean outputShut;
    private boolean closeNotifySent;
    private boolean eofDelivered;
    private boolean appKeepsOpen;
    private boolean appPaused;
    private boolean drainScheduled;
    private boolean processing;
    private boolean tls13;

    private TlsConnection(boolean client, SSLContext context, List<String> protocols, List<String> cipherSuites,
            List<String> applicationProtocols, Duration handshakeTimeout, @Nullable String peerHost, int peerPort,
            boolean verifyHostName, @Nullable String sniName, TlsServerOptions.ClientAuth clientAuth,
            @Nullable Protocol app, @Nullable ProtocolFactory appFactory,
            BiConsumer<SocketAddress, TlsHandshakeException> failureListener) {
        this.client = client;
        this.context = context;
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
        this.applicationProtocols = applicationProtocols;
        this.handshakeTimeout = handshakeTimeout;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.verifyHostName = verifyHostName;
        this.sniName = sniName;
        this.clientAuth = clientAuth;
        this.app = app;
        this.appFactory = appFactory;
        this.failureListener = failureListener;
    }

    /**
     * The client side for one connection.
     *
     * @param options the options
     * @param host the host connected to: verified, and the default SNI name
     * @param port the port, or -1
     * @param application the application protocol
     * @return the layer
     */
    public static TlsConnection client(TlsClientOptions options, String host, int port, Protocol application) {
        InetAddress literal = HostNames.literal(host);
        String peer = literal == null ? host : literal.getHostAddress();
        return new TlsConnection(true, options.sslContext(), options.protocols(), options.cipherSuites(),
                options.applicationProtocols(), options.handshakeTimeout(), peer, port, options.verifyHostName(),
                options.serverNameFor(host), TlsServerOptions.ClientAuth.NONE,
                Objects.requireNonNull(application, "application must not be null"), null, (r, f) -> { });
    }

    /**
     * The server side for one accepted connection.
     *
     * @param options the options
     * @param application builds the application protocol once the handshake is done
     * @return the layer
     */
    public static TlsConnection server(TlsServerOptions options, ProtocolFactory application) {
        return new TlsConnection(false, options.sslContext(), options.protocols(), options.cipherSuites(),
                options.applicationProtocols(), options.handshakeTimeout(), null, -1, false, null, options.clientAuth(),
                null, Objects.requireNonNull(application, "application must not be null"), options.handshakeFailureListener());
    }

    @Override
    public CompletionStage<TlsTransport> handshake() {
        return handshake;
    }

    // ------------------------------------------------------------------ from the underlying transport

    @Override
    public void connectionMade(Transport transport) {
        net = transport;
        SSLEngine e;
        try {
            e = newEngine();
            e.beginHandshake();
        } catch (SSLException | RuntimeException ex) {
            failHandshake(new TlsHandshakeException(TlsHandshakeException.Reason.NEGOTIATION_FAILED,
                    "cannot start a TLS handshake with " + target() + ": " + ex.getMessage(), ex), false);
            return;
        }
        engine = e;
        SSLSession s = e.getSession();
        netOut = ByteBuffer.allocate(s.getPacketBufferSize());
        appIn = ByteBuffer.allocate(s.getApplicationBufferSize());
        recordOverhead = Math.max(256, s.getPacketBufferSize() - MAX_RECORD_PLAINTEXT);
        track(transport);
        timer = transport.reactor().schedule(handshakeTimeout, timeoutTask);
        process(EMPTY);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        if (failed || lost || engine == null) {
            data.position(data.limit());
            return;
        }
        if (processing) {
            // Re-entered from inside our own processing (a transport that delivers synchronously):
            // keep the bytes in order behind what is being processed.
            stash(data);
            scheduleDrain();
            return;
        }
        ByteBuffer in = netIn;
        if (in != null && in.position() > 0) {
            // Complete the record whose start waits in netIn, then go back to unwrapping in place.
            while (data.hasRemaining() && readable()) {
                int n = Math.min(data.remaining(), in.remaining());
                if (n == 0) {
                    in = growNetIn(in);
                    if (in == null) {
                        return;
                    }
                    continue;
                }
                in.put(in.position(), data, data.position(), n);
                in.position(in.position() + n);
                data.position(data.position() + n);
                drainNetIn();
                in = netIn;
                if (in == null || in.position() == 0) {
                    break;
                }
            }
        }
        if (data.hasRemaining() && readable() && (netIn == null || netIn.position() == 0)) {
            process(data);
        }
        if (data.hasRemaining() && !failed && !lost) {
            stash(data);
        }
        data.position(data.limit());
    }

    @Override
    public boolean eofReceived() {
        if (lost) {
            return false;
        }
        if (!handshakeDone) {
            failHandshake(new TlsHandshakeException(TlsHandshakeException.Reason.CLOSED,
                    target() + " closed the connection during the TLS handshake", null), false);
            return false;
        }
        SSLEngine e = engine();
        if (e.isInboundDone()) {
            return appKeepsOpen && !closing;
        }
        SSLException truncation = null;
        try {
            e.closeInbound();
        } catch (SSLException ex) {
            truncation = ex;
        }
        if (lossCause == null) {
            lossCause = new ConnectionLostException(target() + " closed the connection without a TLS close_notify:"
                    + " the data may have been truncated", truncation);
        }
        closing = true;
        return false;
    }

    @Override
    public void writabilityChanged(boolean writable) {
        Protocol a = app;
        if (appMade && !lost && a != null) {
            try {
                a.writabilityChanged(writable);
            } catch (RuntimeException ex) {
                appFailed("writabilityChanged", ex);
            }
        }
    }

    @Override
    public void connectionLost(@Nullable Throwable cause) {
        if (lost) {
            return;
        }
        lost = true;
        cancelTimer();
        untrack();
        if (!handshakeDone) {
            if (!failed) {
                failed = true;
                report(new TlsHandshakeException(TlsHandshakeException.Reason.CLOSED, "the connection to " + target()
                        + " closed during the TLS handshake" + (cause == null ? "" : ": " + cause.getMessage()), cause));
            }
            return;
        }
        Protocol a = app;
        if (!appMade || a == null) {
            return;
        }
        Throwable c = lossCause != null ? lossCause : cause;
        try {
            a.connectionLost(c);
        } catch (RuntimeException ex) {
            LOG.error("protocol {} threw from connectionLost", a, ex);
        }
    }

    // ------------------------------------------------------------------ ReactorResource

    @Override
    public void shutdownGracefully() {
        if (lost) {
            return;
        }
        if (!handshakeDone) {
            failHandshake(new TlsHandshakeException(TlsHandshakeException.Reason.CLOSED,
                    "the reactor stopped during the TLS handshake with " + target(), null), false);
        } else if (!closing) {
            view.close();
        }
    }

    @Override
    public void forceClose(Throwable cause) {
        Transport n = net;
        if (lost || n == null) {
            untrack();
            return;
        }
        if (n instanceof ReactorResource) {
            ((ReactorResource) n).forceClose(cause);
        } else {
            n.abort();
        }
    }

    // ------------------------------------------------------------------ cancellation (client)

    /**
     * Abandons the handshake, if it is still running: the connection is aborted and the
     * handshake stage fails with a {@link ConnectionFailedException} caused by a
     * {@link CancellationException}.
     *
     * @return true if this call abandoned it
     */
    boolean cancelHandshake() {
        Transport n = net;
        if (n != null) {
            checkLoop(n, "ConnectAttempt.cancel");
        }
        if (handshakeDone || failed || lost) {
            return false;
        }
        failHandshake(new ConnectionFailedException("TLS connect to " + target() + " cancelled",
                new CancellationException("cancelled by the caller")), false);
        return true;
    }

    // ------------------------------------------------------------------ the engine

    private SSLEngine newEngine() {
        SSLEngine e = client && peerHost != null ? context.createSSLEngine(peerHost, peerPort) : context.createSSLEngine();
        e.setUseClientMode(client);
        SSLParameters p = e.getSSLParameters();
        p.setProtocols(protocols.toArray(new String[0]));
        if (!cipherSuites.isEmpty()) {
            p.setCipherSuites(cipherSuites.toArray(new String[0]));
        }
        if (!applicationProtocols.isEmpty()) {
            p.setApplicationProtocols(applicationProtocols.toArray(new String[0]));
        }
        if (client) {
            p.setEndpointIdentificationAlgorithm(verifyHostName ? "HTTPS" : null);
            String sni = sniName;
            p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        } else {
            switch (clientAuth) {
                case NEED:
                    p.setNeedClientAuth(true);
                    break;
                case WANT:
                    p.setWantClientAuth(true);
                    break;
                default:
                    p.setNeedClientAuth(false);
                    break;
            }
        }
        e.setSSLParameters(p);
        return e;
    }

    private SSLEngine engine() {
        SSLEngine e = engine;
        if (e == null) {
            throw new IllegalStateException("no TLS engine: the connection was not made");
        }
        return e;
    }

    /**
     * Runs the engine on {@code src} (ciphertext, possibly empty) until it needs more input, the
     * application paused, or the connection ended: handshake steps, unwrapping, delivery.
     */
    private void process(ByteBuffer src) {
        SSLEngine e = engine();
        boolean outer = !processing;
        processing = true;
        try {
            while (!failed && !lost) {
                HandshakeStatus hs = e.getHandshakeStatus();
                if (handshakeDone && isRenegotiation(e, hs)) {
                    refuseRenegotiation(e);
                    return;
                }
                boolean progress;
                switch (hs) {
                    case NEED_TASK:
                        progress = runTasks(e);
                        break;
                    case NEED_WRAP:
                        progress = wrapHandshake(e);
                        break;
                    case NEED_UNWRAP_AGAIN:
                        progress = unwrap(e, src, hs);
                        break;
                    default:
                        progress = src.hasRemaining() && readable() && unwrap(e, src, hs);
                        break;
                }
                if (!progress) {
                    break;
                }
            }
            if (appIn.position() > 0 && !failed && !lost) {
                deliver();
            }
            if (!handshakeDone && !failed && !lost && e.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
                // FINISHED is reported once, in a result; an engine that ended the handshake in a
                // delegated task reports it nowhere.
                onHandshakeFinished(e);
            }
        } finally {
            if (outer) {
                processing = false;
            }
        }
    }

    /** Whether reading (unwrapping application data) may go on now. */
    private boolean readable() {
        return !failed && !lost && !(handshakeDone && (appPaused || closing));
    }

    private boolean isRenegotiation(SSLEngine e, HandshakeStatus hs) {
        return !tls13 && hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED
                && !closeNotifySent && !e.isInboundDone() && !e.isOutboundDone();
    }

    private boolean runTasks(SSLEngine e) {
        try {
            Runnable task;
            while ((task = e.getDelegatedTask()) != null) {
                task.run();
            }
        } catch (RuntimeException ex) {
            tlsFailed(new SSLException("TLS engine task failed: " + ex, ex));
            return false;
        }
        return e.getHandshakeStatus() != HandshakeStatus.NEED_TASK;
    }

    private boolean wrapHandshake(SSLEngine e) {
        netOut.clear();
        SSLEngineResult r;
        try {
            r = e.wrap(EMPTY, netOut);
        } catch (SSLException ex) {
            tlsFailed(ex);
            return false;
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            return growNetOut(e);
        }
        netOut.flip();
        if (netOut.hasRemaining()) {
            writeNet(netOut);
        }
        if (failed || lost) {
            return false;
        }
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            onHandshakeFinished(e);
            return !failed && !lost;
        }
        return r.bytesProduced() > 0 || r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP;
    }

    private boolean unwrap(SSLEngine e, ByteBuffer src, HandshakeStatus before) {
        SSLEngineResult r;
        try {
            r = e.unwrap(src, appIn);
        } catch (SSLException ex) {
            if (appIn.position() > 0) {
                deliver();
            }
            if (!failed && !lost) {
                tlsFailed(ex);
            }
            return false;
        }
        switch (r.getStatus()) {
            case BUFFER_OVERFLOW:
                if (appIn.position() > 0) {
                    deliver();
                    return !failed && !lost;
                }
                return growAppIn(e);
            case BUFFER_UNDERFLOW:
                return false;
            case CLOSED:
                if (appIn.position() > 0) {
                    deliver();
                }
                if (!failed && !lost) {
                    onCloseNotify();
                }
                return r.bytesConsumed() > 0 && !failed && !lost;
            default:
                break;
        }
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            onHandshakeFinished(e);
            return !failed && !lost;
        }
        return r.bytesConsumed() > 0 || r.bytesProduced() > 0 || r.getHandshakeStatus() != before;
    }

    private void deliver() {
        ByteBuffer b = appIn;
        b.flip();
        Protocol a = app;
        try {
            if (appMade && a != null && !lost) {
                a.dataReceived(b);
            }
        } catch (RuntimeException ex) {
            appFailed("dataReceived", ex);
        } finally {
            b.clear();
        }
    }

    private void onHandshakeFinished(SSLEngine e) {
        if (handshakeDone || failed) {
            return;
        }
        handshakeDone = true;
        cancelTimer();
        tls13 = TLS13.equals(e.getSession().getProtocol());
        Protocol a = app;
        if (a == null) {
            ProtocolFactory f = Objects.requireNonNull(appFactory, "a server layer has a factory");
            SocketAddress remote = Objects.requireNonNull(net).remoteAddress();
            try {
                a = f.buildProtocol(remote);
            } catch (RuntimeException ex) {
                LOG.error("protocol factory {} threw for the TLS connection from {}; connection closed", f, remote, ex);
                refuseAfterHandshake(new ConnectionFailedException("the protocol factory threw: " + ex, ex));
                return;
            }
            if (a == null) {
                refuseAfterHandshake(new ConnectionFailedException("the protocol factory refused the connection from "
                        + remote, null));
                return;
            }
            app = a;
        }
        appMade = true;
        try {
            a.connectionMade(view);
        } catch (RuntimeException ex) {
            appFailed("connectionMade", ex);
        }
        handshake.complete(view);
    }

    private void refuseAfterHandshake(ConnectionFailedException why) {
        closing = true;
        sendCloseNotify();
        Objects.requireNonNull(net).close();
        handshake.completeExceptionally(why);
    }

    private void onCloseNotify() {
        if (!handshakeDone) {
            failHandshake(new TlsHandshakeException(TlsHandshakeException.Reason.CLOSED,
                    target() + " sent close_notify during the TLS handshake", null), false);
            return;
        }
        if (eofDelivered) {
            return;
        }
        eofDelivered = true;
        Protocol a = Objects.requireNonNull(app);
        boolean keep;
        try {
            keep = a.eofReceived();
        } catch (RuntimeException ex) {
            appFailed("eofReceived", ex);
            return;
        }
        if (lost) {
            return;
        }
        if (!keep) {
            view.close();
        } else {
            appKeepsOpen = true;
            if (outputShut) {
                Objects.requireNonNull(net).close();
            }
        }
    }

    private void refuseRenegotiation(SSLEngine e) {
        String protocol = e.getSession().getProtocol();
        LOG.debug("TLS renegotiation by {} refused ({}); aborting the connection", target(), protocol);
        lossCause = new ConnectionLostException("TLS renegotiation refused: " + target()
                + " started a new handshake on the established " + protocol + " session", null);
        closing = true;
        Objects.requireNonNull(net).abort();
    }

    /** An engine error: a failed handshake, or the end of an established connection. */
    private void tlsFailed(SSLException ex) {
        if (!handshakeDone) {
            failHandshake(TlsFailures.classify(ex, target()), true);
            return;
        }
        if (lossCause == null) {
            lossCause = new ConnectionLostException("TLS error on the connection with " + target() + ": " + ex.getMessage(), ex);
        }
        closing = true;
        flushAlert();
        closeNet();
    }

    private void failHandshake(ConnectionFailedException why, boolean sendAlert) {
        if (failed || handshakeDone) {
            return;
        }
        failed = true;
        cancelTimer();
        Transport n = net;
        if (n != null && !lost) {
            if (sendAlert) {
                flushAlert();
            }
            closeNet();
        }
        untrack();
        report(why);
    }

    private void report(ConnectionFailedException why) {
        if (client) {
            LOG.debug("{}", why.getMessage());
        } else {
            Transport n = net;
            SocketAddress remote = n == null ? null : n.remoteAddress();
            if (LOG.isDebugEnabled()) {
                LOG.debug("TLS handshake with client {} failed: {}", remote, why.getMessage(), why.getCause());
            }
            if (why instanceof TlsHandshakeException && remote != null) {
                try {
                    failureListener.accept(remote, (TlsHandshakeException) why);
                } catch (RuntimeException ex) {
                    LOG.error("TLS handshake failure listener threw", ex);
                }
            }
        }
        handshake.completeExceptionally(why);
    }

    /** Sends what the engine has left to send after an error (its alert), best effort. */
    private void flushAlert() {
        SSLEngine e = engine;
        if (e == null) {
            return;
        }
        try {
            for (int i = 0; i < 4 && !e.isOutboundDone(); i++) {
                netOut.clear();
                SSLEngineResult r = e.wrap(EMPTY, netOut);
                netOut.flip();
                if (netOut.hasRemaining()) {
                    writeNet(netOut);
                }
                if (r.bytesProduced() == 0 || lost) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException ex) {
            LOG.trace("no TLS alert sent to {}", target(), ex);
        }
    }

    private void sendCloseNotify() {
        SSLEngine e = engine;
        if (closeNotifySent || e == null) {
            return;
        }
        closeNotifySent = true;
        e.closeOutbound();
        try {
            for (int i = 0; i < 8 && !e.isOutboundDone() && !lost; i++) {
                netOut.clear();
                SSLEngineResult r = e.wrap(EMPTY, netOut);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    growNetOut(e);
                    continue;
                }
                netOut.flip();
                if (netOut.hasRemaining()) {
                    writeNet(netOut);
                }
                if (r.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException ex) {
            LOG.debug("cannot send close_notify to {}", target(), ex);
        }
    }

    /** Closes the underlying transport after an error: gracefully if nothing is pending, so an alert leaves. */
    private void closeNet() {
        Transport n = Objects.requireNonNull(net);
        if (n.pendingWriteBytes() == 0) {
            n.close();
        } else {
            n.abort();
        }
    }

    private void writeNet(ByteBuffer b) {
        Transport n = Objects.requireNonNull(net);
        try {
            n.write(b);
        } catch (WriteBufferFullException ex) {
            // Encrypted bytes that cannot be queued break the record stream for good.
            b.position(b.limit());
            if (lossCause == null) {
                lossCause = new ConnectionLostException("TLS output to " + target() + " over the pending-output limit: "
                        + ex.getMessage(), ex);
            }
            n.abort();
        } catch (IllegalStateException ex) {
            // The underlying transport is closing or its output is shut: nothing more can leave.
            b.position(b.limit());
        }
    }

    private void appFailed(String method, RuntimeException ex) {
        LOG.error("protocol {} threw from {}; aborting its TLS connection with {}", app, method, target(), ex);
        if (lossCause == null) {
            lossCause = new ConnectionLostException("protocol threw from " + method + ": " + ex, ex);
        }
        Transport n = net;
        if (n != null && !lost) {
            n.abort();
        }
    }

    // ------------------------------------------------------------------ buffers

    private boolean growNetOut(SSLEngine e) {
        int want = Math.max(e.getSession().getPacketBufferSize(), netOut.capacity() * 2);
        if (want > MAX_NET_IN) {
            tlsFailed(new SSLException("TLS record larger than " + MAX_NET_IN + " bytes"));
            return false;
        }
        netOut = ByteBuffer.allocate(want);
        return true;
    }

    private boolean growAppIn(SSLEngine e) {
        int want = Math.max(e.getSession().getApplicationBufferSize(), appIn.capacity() * 2);
        if (want > MAX_NET_IN) {
            tlsFailed(new SSLException("TLS record larger than " + MAX_NET_IN + " bytes"));
            return false;
        }
        appIn = ByteBuffer.allocate(want);
        return true;
    }

    /** netIn is full and holds less than one record: grow it (bounded), or fail. */
    private @Nullable ByteBuffer growNetIn(ByteBuffer in) {
        int want = Math.max(engine().getSession().getPacketBufferSize(), in.capacity() * 2);
        if (want > MAX_NET_IN) {
            tlsFailed(new SSLException("TLS record larger than " + MAX_NET_IN + " bytes from " + target()));
            return null;
        }
        ByteBuffer bigger = ByteBuffer.allocate(want);
        in.flip();
        bigger.put(in);
        netIn = bigger;
        return bigger;
    }

    /** Keeps the rest of {@code data} (a record's start, or what arrived while paused). */
    private void stash(ByteBuffer data) {
        ByteBuffer in = netIn;
        int need = (in == null ? 0 : in.position()) + data.remaining();
        if (need > MAX_NET_IN) {
            tlsFailed(new SSLException("more than " + MAX_NET_IN + " bytes of TLS input held for " + target()));
            data.position(data.limit());
            return;
        }
        if (in == null || in.capacity() < need) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(need, engine().getSession().getPacketBufferSize()));
            if (in != null) {
                in.flip();
                bigger.put(in);
            }
            in = bigger;
            netIn = in;
        }
        in.put(data);
    }

    private void drainNetIn() {
        ByteBuffer in = netIn;
        if (in == null) {
            return;
        }
        in.flip();
        try {
            process(in);
        } finally {
            in.compact();
        }
    }

    private void scheduleDrain() {
        if (!drainScheduled && !lost) {
            drainScheduled = true;
            Objects.requireNonNull(net).reactor().schedule(Duration.ZERO, drainTask);
        }
    }

    private void drainAfterResume() {
        drainScheduled = false;
        if (lost || failed || appPaused) {
            return;
        }
        ByteBuffer in = netIn;
        if (in != null && in.position() > 0) {
            drainNetIn();
        }
        if (!lost && !appPaused && !closing) {
            Objects.requireNonNull(net).resumeReading();
        }
    }

    // ------------------------------------------------------------------ bookkeeping

    /**
     * Registers with the reactor so that a graceful stop closes this layer (sending
     * {@code close_notify}) before the transport under it: the transport is moved behind it.
     */
    private void track(Transport transport) {
        Reactor r = transport.reactor();
        if (r instanceof AbstractReactor && transport instanceof ReactorResource) {
            AbstractReactor ar = (AbstractReactor) r;
            ReactorResource underlying = (ReactorResource) transport;
            tracker = ar;
            ar.track(this);
            ar.untrack(underlying);
            ar.track(underlying);
        }
    }

    private void untrack() {
        AbstractReactor t = tracker;
        tracker = null;
        if (t != null) {
            t.untrack(this);
        }
    }

    private void cancelTimer() {
        ScheduledCall t = timer;
        timer = null;
        if (t != null && t.isActive()) {
            t.cancel();
        }
    }

    private void onHandshakeTimeout() {
        timer = null;
        if (handshakeDone || failed || lost) {
            return;
        }
        failHandshake(new TlsHandshakeException(TlsHandshakeException.Reason.TIMEOUT, "TLS handshake with " + target()
                + " did not complete within " + handshakeTimeout, null), false);
    }

    private String target() {
        Transport n = net;
        if (client) {
            return peerHost + (peerPort >= 0 ? ":" + peerPort : "");
        }
        if (n == null) {
            return "a client";
        }
        try {
            return "client " + n.remoteAddress();
        } catch (RuntimeException e) {
            return "a client";
        }
    }

    private static void checkLoop(Transport n, String operation) {
        if (!n.reactor().inLoop()) {
            throw new IllegalStateException(operation + " must be called on the reactor thread, called from thread "
                    + Thread.currentThread().getName());
        }
    }

    @Override
    public String toString() {
        return "TlsConnection[" + (client ? "client to " : "server for ") + target()
                + (lost ? ", closed" : handshakeDone ? "" : failed ? ", failed" : ", handshaking") + "]";
    }

    // ------------------------------------------------------------------ the application's transport

    /** What the application protocol sees. */
    private final class View implements TlsTransport {
        View() {
        }

        private Transport net(String operation) {
            Transport n = Objects.requireNonNull(net);
            checkLoop(n, operation);
            return n;
        }

        @Override
        public Reactor reactor() {
            return Objects.requireNonNull(net).reactor();
        }

        @Override
        public void write(ByteBuffer data) {
            Objects.requireNonNull(data, "data must not be null");
            one[0] = data;
            try {
                encrypt(one, "Transport.write");
            } finally {
                one[0] = null;
            }
        }

        @Override
        public void write(ByteBuffer[] data) {
            Objects.requireNonNull(data, "data must not be null");
            for (ByteBuffer b : data) {
                Objects.requireNonNull(b, "data must not contain null buffers");
            }
            encrypt(data, "Transport.write");
        }

        private void encrypt(ByteBuffer[] srcs, String operation) {
            Transport n = net(operation);
            if (lost) {
                throw new IllegalStateException("write on a closed transport (" + this + ")");
            }
            if (closing || outputShut) {
                throw new IllegalStateException("write after " + (outputShut ? "shutdownOutput()" : "close()") + " (" + this + ")");
            }
            SSLEngine e = engine();
            if (e.isOutboundDone()) {
                throw new IllegalStateException("write after the TLS session was closed for sending (the peer's "
                        + "close_notify ends both directions before TLS 1.3) (" + this + ")");
            }
            long total = remaining(srcs);
            if (total == 0) {
                return;
            }
            checkLimit(n, total);
            while (true) {
                netOut.clear();
                SSLEngineResult r;
                try {
                    r = e.wrap(srcs, netOut);
                } catch (SSLException ex) {
                    consume(srcs);
                    tlsFailed(ex);
                    return;
                }
                SSLEngineResult.Status status = r.getStatus();
                if (status == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    if (!growNetOut(e)) {
                        consume(srcs);
                        return;
                    }
                    continue;
                }
                netOut.flip();
                if (netOut.hasRemaining()) {
                    writeNet(netOut);
                }
                if (lost || status == SSLEngineResult.Status.CLOSED) {
                    consume(srcs);
                    return;
                }
                if (remaining(srcs) == 0) {
                    break;
                }
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK && runTasks(e)) {
                        continue;
                    }
                    // Only a new handshake makes the engine refuse application data here.
                    consume(srcs);
                    refuseRenegotiation(e);
                    return;
                }
            }
            // TLS 1.3 post-handshake messages the engine wants to send (key update).
            for (int i = 0; i < 4 && !lost && e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                if (!wrapHandshake(e)) {
                    break;
                }
            }
        }

        private void checkLimit(Transport n, long total) {
            long records = (total + MAX_RECORD_PLAINTEXT - 1) / MAX_RECORD_PLAINTEXT;
            long withOverhead = total + records * recordOverhead + POST_HANDSHAKE_SLACK;
            long pending = n.pendingWriteBytes();
            long max = n.reactor().config().maxPendingWriteBytes();
            if (pending + withOverhead > max) {
                throw new WriteBufferFullException("write of " + total + " bytes (" + withOverhead
                        + " with TLS record overhead) would raise pending output from " + pending + " to "
                        + (pending + withOverhead) + " bytes, over the limit of " + max);
            }
        }

        @Override
        public void close() {
            Transport n = net("Transport.close");
            if (lost || closing) {
                return;
            }
            closing = true;
            sendCloseNotify();
            n.close();
        }

        @Override
        public void abort() {
            Transport n = net("Transport.abort");
            if (!lost) {
                n.abort();
            }
        }

        @Override
        public void shutdownOutput() {
            Transport n = net("Transport.shutdownOutput");
            if (lost || closing || outputShut) {
                return;
            }
            outputShut = true;
            sendCloseNotify();
            n.shutdownOutput();
            if (eofDelivered && appKeepsOpen && !lost) {
                n.close();
            }
        }

        @Override
        public void pauseReading() {
            Transport n = net("Transport.pauseReading");
            if (appPaused || lost) {
                return;
            }
            appPaused = true;
            n.pauseReading();
        }

        @Override
        public void resumeReading() {
            Transport n = net("Transport.resumeReading");
            if (!appPaused || lost) {
                return;
            }
            appPaused = false;
            ByteBuffer in = netIn;
            if (in != null && in.position() > 0) {
                // Records already read wait for the next pass, as bytes in a socket would.
                scheduleDrain();
            } else if (!closing) {
                n.resumeReading();
            }
        }

        @Override
        public boolean isReadingPaused() {
            return appPaused;
        }

        @Override
        public boolean isWritable() {
            return !lost && Objects.requireNonNull(net).isWritable();
        }

        @Override
        public long pendingWriteBytes() {
            return lost ? 0 : Objects.requireNonNull(net).pendingWriteBytes();
        }

        @Override
        public void setWriteWatermarks(int low, int high) {
            net("Transport.setWriteWatermarks").setWriteWatermarks(low, high);
        }

        @Override
        public boolean isOpen() {
            return !lost;
        }

        @Override
        public SocketAddress localAddress() {
            return Objects.requireNonNull(net).localAddress();
        }

        @Override
        public SocketAddress remoteAddress() {
            return Objects.requireNonNull(net).remoteAddress();
        }

        @Override
        public SSLSession session() {
            return engine().getSession();
        }

        @Override
        public @Nullable String applicationProtocol() {
            String p = engine().getApplicationProtocol();
            return p == null || p.isEmpty() ? null : p;
        }

        @Override
        public String toString() {
            return "TlsTransport[" + (client ? "to " : "from ") + target() + (lost ? ", closed" : closing ? ", closing" : "") + "]";
        }
    }

    private static long remaining(ByteBuffer[] srcs) {
        long n = 0;
        for (ByteBuffer b : srcs) {
            n += b.remaining();
        }
        return n;
    }

    private static void consume(ByteBuffer[] srcs) {
        for (ByteBuffer b : srcs) {
            b.position(b.limit());
        }
    }
}
