package dev.spindle.mqtt.internal;

import dev.spindle.mqtt.MqttAck;
import dev.spindle.mqtt.MqttClient;
import dev.spindle.mqtt.MqttClientConfig;
import dev.spindle.mqtt.MqttClientState;
import dev.spindle.mqtt.MqttConnack;
import dev.spindle.mqtt.MqttConnectRefusedException;
import dev.spindle.mqtt.MqttConnectionException;
import dev.spindle.mqtt.MqttDecodeException;
import dev.spindle.mqtt.MqttException;
import dev.spindle.mqtt.MqttListener;
import dev.spindle.mqtt.MqttMessage;
import dev.spindle.mqtt.MqttProtocolException;
import dev.spindle.mqtt.MqttQueueFullException;
import dev.spindle.mqtt.MqttRequestAbandonedException;
import dev.spindle.mqtt.MqttServerDisconnectException;
import dev.spindle.mqtt.MqttTimeoutException;
import dev.spindle.mqtt.MqttVersion;
import dev.spindle.mqtt.Qos;
import dev.spindle.mqtt.ReasonCodes;
import dev.spindle.mqtt.Topics;
import dev.spindle.mqtt.TopicSubscription;
import dev.spindle.mqtt.internal.codec.MqttCodec;
import dev.spindle.mqtt.internal.packet.Ack;
import dev.spindle.mqtt.internal.packet.Connack;
import dev.spindle.mqtt.internal.packet.Connect;
import dev.spindle.mqtt.internal.packet.Disconnect;
import dev.spindle.mqtt.internal.packet.Packet;
import dev.spindle.mqtt.internal.packet.PacketType;
import dev.spindle.mqtt.internal.packet.Pingreq;
import dev.spindle.mqtt.internal.packet.Properties;
import dev.spindle.mqtt.internal.packet.PropertyId;
import dev.spindle.mqtt.internal.packet.Publish;
import dev.spindle.mqtt.internal.packet.Suback;
import dev.spindle.mqtt.internal.packet.Subscribe;
import dev.spindle.mqtt.internal.packet.Unsuback;
import dev.spindle.mqtt.internal.packet.Unsubscribe;
import dev.spindle.mqtt.internal.packet.Will;
import dev.spindle.reactor.ConnectAttempt;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Registration;
import dev.spindle.reactor.ScheduledCall;
import dev.spindle.reactor.Transport;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT client on a reactor: haka-mqtt's protocol core (SPEC §1) as a {@link Protocol}, with
 * its defects fixed. All session and connection state is touched only on the reactor thread;
 * public methods called elsewhere hand their work over with {@code execute}. The state, the
 * error and the request counter are the only fields other threads read.
 */
public final class ReactorMqttClient implements MqttClient {
    private static final Logger LOG = LoggerFactory.getLogger(ReactorMqttClient.class);

    private final Reactor reactor;
    private final MqttClientConfig config;
    private final MqttCodec codec;
    private final String name;

    // Read from any thread.
    private volatile MqttClientState state = MqttClientState.INIT;
    private volatile @Nullable MqttException error;
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile boolean refusedSinceDrain;
    private volatile int inFlightCount;
    private final CopyOnWriteArrayList<MqttListener> listeners = new CopyOnWriteArrayList<>();

    // Per session (survive connections): requests not yet on the wire, then those awaiting
    // their acknowledgement keyed by packet identifier in the order they were first sent.
    private final ArrayDeque<Request> preflight = new ArrayDeque<>();
    private final LinkedHashMap<Integer, Request> inFlight = new LinkedHashMap<>();
    private final boolean[] idInUse = new boolean[65536];
    private int nextId = 1;
    private int inFlightPublishes;
    private long nextSeq;
    // QoS 2 messages received and answered with PUBREC whose PUBREL has not come: a re-sent
    // PUBLISH with one of these identifiers is not delivered again (exactly once).
    private final Set<Integer> inboundQos2 = new HashSet<>();
    private @Nullable String assignedClientId;

    // Reconnect (config.reconnect() set): failures since the last accepted CONNACK, pending restart.
    private int failedAttempts;
    private @Nullable ScheduledCall reconnectCall;

    // Per activation.
    private long stopSeq = Long.MAX_VALUE;
    private boolean connackAccepted;

    // Per connection.
    private @Nullable Connection connection;
    private @Nullable ConnectAttempt attempt;
    private boolean mute;
    private boolean pingOutstanding;
    private boolean pingDue;
    private long lastWriteNanos;
    private long lastReadNanos;
    private @Nullable ScheduledCall keepAliveCall;
    private @Nullable ScheduledCall pingCall;
    private @Nullable ScheduledCall abortCall;
    private long keepAliveNanos;
    private final long receivePingNanos;
    private final long receiveAbortNanos;
    private int serverReceiveMaximum = 65535;
    private int serverMaximumQos = 2;
    private boolean serverRetainAvailable = true;
    private long serverMaximumPacketSize = MqttClientConfig.MAX_PACKET_SIZE_LIMIT;
    private String @Nullable [] inboundAliases;
    private @Nullable ByteBuffer readBuffer;

    /**
     * @param reactor the reactor to run on
     * @param config  the configuration
     */
    public ReactorMqttClient(Reactor reactor, MqttClientConfig config) {
        this.reactor = Objects.requireNonNull(reactor, "reactor must not be null");
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.codec = MqttCodec.of(config.version());
        this.name = config.name();
        this.receivePingNanos = config.receiveIdlePing().toNanos();
        this.receiveAbortNanos = config.receiveIdleAbort().toNanos();
    }

    // ------------------------------------------------------------------ public API

    @Override
    public MqttClientConfig config() {
        return config;
    }

    @Override
    public Reactor reactor() {
        return reactor;
    }

    @Override
    public MqttClientState state() {
        return state;
    }

    @Override
    public @Nullable MqttException error() {
        return state == MqttClientState.ERROR ? error : null;
    }

    @Override
    public void start() {
        onLoop(this::doStart);
    }

    @Override
    public void stop() {
        onLoop(this::doStop);
    }

    @Override
    public void terminate() {
        onLoop(this::doTerminate);
    }

    @Override
    public CompletionStage<MqttAck> publish(MqttMessage message) {
        Objects.requireNonNull(message, "message must not be null");
        Request r = new Request(Request.PUBLISH);
        r.message = message;
        return submit(r);
    }

    @Override
    public CompletionStage<MqttAck> subscribe(List<TopicSubscription> subscriptions) {
        Objects.requireNonNull(subscriptions, "subscriptions must not be null");
        if (subscriptions.isEmpty()) {
            throw new IllegalArgumentException("subscribe needs at least one topic filter (MQTT-3.8.3-3)");
        }
        Request r = new Request(Request.SUBSCRIBE);
        r.subscriptions = List.copyOf(subscriptions);
        return submit(r);
    }

    @Override
    public CompletionStage<MqttAck> unsubscribe(List<String> filters) {
        Objects.requireNonNull(filters, "filters must not be null");
        if (filters.isEmpty()) {
            throw new IllegalArgumentException("unsubscribe needs at least one topic filter (MQTT-3.10.3-2)");
        }
        for (String f : filters) {
            Topics.checkTopicFilter(f);
        }
        Request r = new Request(Request.UNSUBSCRIBE);
        r.filters = List.copyOf(filters);
        return submit(r);
    }

    @Override
    public Registration addListener(MqttListener listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public int queuedRequests() {
        return outstanding.get();
    }

    @Override
    public int inFlight() {
        return inFlightCount;
    }

    @Override
    public String toString() {
        return name + "[" + state + "]";
    }

    private CompletionStage<MqttAck> submit(Request r) {
        int limit = config.maxQueuedRequests();
        if (outstanding.incrementAndGet() > limit) {
            outstanding.decrementAndGet();
            refusedSinceDrain = true;
            return CompletableFuture.failedFuture(new MqttQueueFullException(limit));
        }
        try {
            onLoop(() -> enqueue(r));
        } catch (RejectedExecutionException e) {
            outstanding.decrementAndGet();
            r.stage.completeExceptionally(new MqttException("the reactor refused the request: " + e.getMessage(), e));
        }
        return r.stage;
    }

    private void onLoop(Runnable task) {
        if (reactor.inLoop()) {
            task.run();
        } else {
            reactor.execute(task);
        }
    }

    // ------------------------------------------------------------------ lifecycle (loop thread)

    private void doStart() {
        cancelReconnect();
        if (state.isActive()) {
            LOG.warn("{}: start() while {}; no effect", name, state);
            return;
        }
        error = null;
        connackAccepted = false;
        stopSeq = Long.MAX_VALUE;
        setState(MqttClientState.STARTING);
        Connection c = new Connection();
        connection = c;
        try {
            ConnectAttempt a = config.tls() != null
                    ? reactor.connectTls(config.host(), config.port(), c, config.tls(), config.connectOptions())
                    : reactor.connectTcp(config.host(), config.port(), c, config.connectOptions());
            attempt = a;
            a.result().whenComplete((t, failure) -> {
                if (failure != null && connection == c && attempt == a) {
                    attempt = null;
                    fail(new MqttConnectionException("could not connect to " + config.host() + ":" + config.port()
                            + ": " + failure.getMessage(), failure));
                }
            });
        } catch (RuntimeException e) {
            fail(new MqttConnectionException("could not start connecting to " + config.host() + ":" + config.port()
                    + ": " + e.getMessage(), e));
        }
    }

    private void doStop() {
        switch (state) {
            case INIT -> setState(MqttClientState.STOPPED); // SPEC HK-LC table: stop() in init
            case STARTING -> {
                Connection c = connection;
                if (c == null || c.transport == null) {
                    // SPEC HK-LC-5: before the connection is up, stop at once.
                    endActivation(MqttClientState.STOPPED, null);
                } else {
                    beginStopping();
                }
            }
            case STARTED -> beginStopping();
            default -> {
                if (!cancelReconnect()) {
                    LOG.debug("{}: stop() while {}; no effect", name, state);
                }
            }
        }
    }

    private boolean cancelReconnect() {
        ScheduledCall r = reconnectCall;
        reconnectCall = null;
        return r != null && r.cancel();
    }

    private void beginStopping() {
        // SPEC HK-LC-4: DISCONNECT goes behind everything queued so far.
        stopSeq = nextSeq;
        setState(MqttClientState.STOPPING);
        flush();
    }

    private void doTerminate() {
        if (!state.isActive()) {
            cancelReconnect();
            return; // SPEC HK-LC-7
        }
        endActivation(MqttClientState.STOPPED, null);
    }

    private void fail(MqttException cause) {
        if (!state.isActive()) {
            return;
        }
        Connection c = connection;
        if (c != null && c.transport != null && c.transport.isOpen() && config.version() == MqttVersion.V5
                && cause instanceof MqttProtocolException p && !mute) {
            // MQTT 5 §4.13: tell the server why before closing.
            try {
                c.transport.write(codec.encode(new Disconnect(p.reasonCode(), Properties.EMPTY)));
                c.transport.close();
            } catch (RuntimeException e) {
                LOG.debug("{}: DISCONNECT before closing failed", name, e);
            }
        }
        endActivation(MqttClientState.ERROR, cause);
    }

    /**
     * Leaves the activation: closes the connection, cancels timers, settles what cannot survive,
     * sets the final state and then tells the listeners (SPEC HK-CB-2, HK-LC-10).
     */
    private void endActivation(MqttClientState to, @Nullable MqttException cause) {
        boolean hadConnack = connackAccepted;
        Connection c = connection;
        connection = null;
        ConnectAttempt a = attempt;
        attempt = null;
        if (a != null) {
            a.cancel();
        }
        if (c != null) {
            c.dead = true;
            Transport t = c.transport;
            if (t != null && t.isOpen()) {
                t.abort();
            }
        }
        cancelTimers();
        readBuffer = null;
        inboundAliases = null;
        mute = false;
        pingOutstanding = false;
        pingDue = false;
        connackAccepted = false;
        stopSeq = Long.MAX_VALUE;
        List<Request> abandoned = settleInFlightSubscriptions();
        error = cause;
        setState(to);
        for (Request r : abandoned) {
            finish(r, null, new MqttRequestAbandonedException((r.kind == Request.SUBSCRIBE ? "SUBSCRIBE " + r.subscriptions
                    : "UNSUBSCRIBE " + r.filters) + " was sent but not acknowledged before the connection ended"));
        }
        for (MqttListener l : listeners) {
            try {
                if (hadConnack) {
                    l.disconnected(this, cause);
                } else {
                    l.connectFailed(this, cause);
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: listener {} failed", name, l, e);
            }
        }
        if (to == MqttClientState.ERROR && cause != null && config.reconnect() != null && state == MqttClientState.ERROR
                && reconnectCall == null) {
            scheduleReconnect(cause);
        }
    }

    private void scheduleReconnect(MqttException cause) {
        int n = ++failedAttempts;
        Duration delay = config.reconnect().delay(n);
        if (!reactor.state().isActive() || reactor.state() == ReactorState.STOPPING) {
            LOG.info("{}: not reconnecting after {}: the reactor is {}", name, cause.getMessage(), reactor.state());
            return;
        }
        LOG.info("{}: reconnecting in {} after failure {}: {}", name, delay, n, cause.getMessage());
        try {
            reconnectCall = reactor.schedule(delay, () -> {
                reconnectCall = null;
                if (!state.isActive()) {
                    doStart();
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot schedule the reconnect on {}", name, reactor, e);
            return;
        }
        for (MqttListener l : listeners) {
            try {
                l.reconnectScheduled(this, n, delay, cause);
            } catch (RuntimeException e) {
                LOG.warn("{}: listener {} failed in reconnectScheduled", name, l, e);
            }
        }
    }

    /** In-flight SUBSCRIBE/UNSUBSCRIBE cannot be re-sent safely: they leave and fail (fixes HK-DEF-4). */
    private List<Request> settleInFlightSubscriptions() {
        List<Request> out = new ArrayList<>();
        for (Iterator<Request> it = inFlight.values().iterator(); it.hasNext();) {
            Request r = it.next();
            if (r.kind != Request.PUBLISH) {
                it.remove();
                releaseId(r.packetId);
                out.add(r);
            }
        }
        inFlightCount = inFlight.size();
        return out;
    }

    private void setState(MqttClientState to) {
        MqttClientState from = state;
        if (from == to) {
            return;
        }
        state = to;
        LOG.debug("{}: {} -> {}", name, from, to);
        for (MqttListener l : listeners) {
            try {
                l.stateChanged(this, from, to);
            } catch (RuntimeException e) {
                LOG.warn("{}: listener {} failed in stateChanged", name, l, e);
            }
        }
    }

    // ------------------------------------------------------------------ connection events

    private void connectionMade(Connection c, Transport t) {
        if (c.dead || connection != c) {
            t.abort();
            return;
        }
        attempt = null;
        c.transport = t;
        long now = reactor.clock().nanoTime();
        lastReadNanos = now;
        lastWriteNanos = now;
        // SPEC HK-KA-1: the abort deadline runs from the connection on.
        if (receiveAbortNanos > 0) {
            abortCall = reactor.schedule(receiveAbortNanos, TimeUnit.NANOSECONDS, this::abortTimer);
        }
        keepAliveNanos = config.keepAlive().toNanos();
        serverReceiveMaximum = 65535;
        serverMaximumQos = 2;
        serverRetainAvailable = true;
        serverMaximumPacketSize = MqttClientConfig.MAX_PACKET_SIZE_LIMIT;
        inboundAliases = config.version() == MqttVersion.V5 && config.topicAliasMaximum() > 0
                ? new String[config.topicAliasMaximum() + 1] : null;
        write(c, buildConnect());
        if (keepAliveNanos > 0) {
            keepAliveCall = reactor.schedule(keepAliveNanos, TimeUnit.NANOSECONDS, this::keepAliveTimer);
        }
    }

    private Connect buildConnect() {
        String clientId = config.clientId();
        if (clientId.isEmpty() && assignedClientId != null && (!config.cleanStart() || config.sessionExpirySeconds() > 0)) {
            clientId = assignedClientId; // resume the session the server created for us
        }
        Properties props = Properties.EMPTY;
        Will will = null;
        if (config.version() == MqttVersion.V5) {
            Properties.Builder b = Properties.builder();
            if (config.sessionExpirySeconds() > 0) {
                b.number(PropertyId.SESSION_EXPIRY_INTERVAL, config.sessionExpirySeconds());
            }
            if (config.receiveMaximum() < 65535) {
                b.number(PropertyId.RECEIVE_MAXIMUM, config.receiveMaximum());
            }
            b.number(PropertyId.MAXIMUM_PACKET_SIZE, config.maximumPacketSize());
            if (config.topicAliasMaximum() > 0) {
                b.number(PropertyId.TOPIC_ALIAS_MAXIMUM, config.topicAliasMaximum());
            }
            b.userProperties(config.connectUserProperties());
            props = b.build();
        }
        MqttMessage w = config.will();
        if (w != null) {
            Properties wp = Properties.EMPTY;
            if (config.version() == MqttVersion.V5) {
                Properties.Builder b = messageProperties(w);
                if (config.willDelaySeconds() > 0) {
                    b.number(PropertyId.WILL_DELAY_INTERVAL, config.willDelaySeconds());
                }
                wp = b.build();
            }
            will = new Will(w.topic(), w.payloadBytes(), w.qos(), w.retain(), wp);
        }
        return new Connect(config.version(), clientId, config.cleanStart(), (int) config.keepAlive().toSeconds(),
                config.username(), config.password(), will, props);
    }

    private static Properties.Builder messageProperties(MqttMessage m) {
        Properties.Builder b = Properties.builder();
        Boolean utf8 = m.payloadUtf8();
        if (utf8 != null) {
            b.number(PropertyId.PAYLOAD_FORMAT_INDICATOR, utf8 ? 1 : 0);
        }
        if (m.messageExpirySeconds() >= 0) {
            b.number(PropertyId.MESSAGE_EXPIRY_INTERVAL, m.messageExpirySeconds());
        }
        b.string(PropertyId.CONTENT_TYPE, m.contentType());
        b.string(PropertyId.RESPONSE_TOPIC, m.responseTopic());
        b.binary(PropertyId.CORRELATION_DATA, m.correlationData());
        b.userProperties(m.userProperties());
        return b;
    }

    private void dataReceived(Connection c, ByteBuffer data) {
        if (c.dead || connection != c) {
            return;
        }
        lastReadNanos = reactor.clock().nanoTime();
        if (pingCall == null && receivePingNanos > 0 && !mute) {
            // SPEC HK-KA-3: first armed by the first bytes received.
            pingCall = reactor.schedule(receivePingNanos, TimeUnit.NANOSECONDS, this::receivePingTimer);
        }
        ByteBuffer in = data;
        ByteBuffer buf = readBuffer;
        if (buf != null && buf.position() > 0) {
            buf = append(buf, data);
            readBuffer = buf;
            buf.flip();
            in = buf;
        }
        try {
            while (connection == c && in.hasRemaining()) {
                Packet p = codec.decode(in, config.maximumPacketSize());
                if (p == null) {
                    break;
                }
                handle(c, p);
            }
        } catch (MqttProtocolException e) {
            fail(e);
            return;
        }
        if (connection != c) {
            return;
        }
        if (in == buf) {
            buf.compact();
        } else if (in.hasRemaining()) {
            readBuffer = append(buf != null ? buf : ByteBuffer.allocate(Math.max(256, in.remaining() * 2)), in);
        }
    }

    /** Copies {@code data} behind {@code buf}'s content (buf in write mode), growing it up to the packet bound. */
    private ByteBuffer append(ByteBuffer buf, ByteBuffer data) {
        if (buf.remaining() < data.remaining()) {
            int need = buf.position() + data.remaining();
            // A partial packet is never larger than maximumPacketSize: the decoder refuses a longer
            // one from its fixed header, so the buffer stays bounded.
            int cap = (int) Math.min((long) Math.max(need, buf.capacity() * 2), (long) config.maximumPacketSize() + 5);
            if (cap < need) {
                cap = need;
            }
            ByteBuffer bigger = ByteBuffer.allocate(cap);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }
        buf.put(data);
        return buf;
    }

    private boolean eofReceived(Connection c) {
        if (c.dead || connection != c) {
            return false;
        }
        if (mute) {
            // SPEC HK-LC-4: our DISCONNECT is out and the server closed: a clean stop.
            endActivation(MqttClientState.STOPPED, null);
        } else {
            fail(new MqttConnectionException("the server closed the connection", null));
        }
        return false;
    }

    private void connectionLost(Connection c, @Nullable Throwable cause) {
        if (c.dead || connection != c) {
            return;
        }
        if (mute && cause == null) {
            endActivation(MqttClientState.STOPPED, null);
        } else {
            fail(new MqttConnectionException("the connection was lost"
                    + (cause != null ? ": " + cause.getMessage() : ""), cause));
        }
    }

    // ------------------------------------------------------------------ receive path

    private void handle(Connection c, Packet p) {
        if (!connackAccepted) {
            if (p instanceof Connack ca) {
                onConnack(c, ca);
                return;
            }
            if (p instanceof Disconnect d && config.version() == MqttVersion.V5) {
                onServerDisconnect(d);
                return;
            }
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR,
                    "received " + p.type() + " before CONNACK (MQTT-3.2.0-1)");
        }
        switch (p.type()) {
            case PUBLISH -> onPublish(c, (Publish) p);
            case PUBACK -> onPuback((Ack) p);
            case PUBREC -> onPubrec(c, (Ack) p);
            case PUBREL -> onPubrel(c, (Ack) p);
            case PUBCOMP -> onPubcomp((Ack) p);
            case SUBACK -> onSuback((Suback) p);
            case UNSUBACK -> onUnsuback((Unsuback) p);
            case PINGRESP -> onPingresp();
            case DISCONNECT -> {
                if (config.version() != MqttVersion.V5) {
                    throw new MqttDecodeException(ReasonCodes.PROTOCOL_ERROR, "an MQTT 3.1.1 server never sends DISCONNECT");
                }
                onServerDisconnect((Disconnect) p);
            }
            case CONNACK -> throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "a second CONNACK (MQTT-3.2.0-2)");
            default -> throw new MqttDecodeException(ReasonCodes.PROTOCOL_ERROR,
                    "a server never sends " + p.type() + " to a client");
        }
    }

    private void onConnack(Connection c, Connack ca) {
        int code = ca.reasonCode();
        if (code != 0) {
            fail(new MqttConnectRefusedException(config.version(), code, ca.properties().string(PropertyId.REASON_STRING)));
            return;
        }
        if (ca.sessionPresent() && config.cleanStart()) {
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR,
                    "CONNACK says a session is present although clean start was asked (MQTT-3.2.2-4)");
        }
        Properties props = ca.properties();
        serverReceiveMaximum = (int) props.number(PropertyId.RECEIVE_MAXIMUM, 65535);
        serverMaximumQos = (int) props.number(PropertyId.MAXIMUM_QOS, 2);
        serverRetainAvailable = props.number(PropertyId.RETAIN_AVAILABLE, 1) == 1;
        serverMaximumPacketSize = props.number(PropertyId.MAXIMUM_PACKET_SIZE, MqttClientConfig.MAX_PACKET_SIZE_LIMIT);
        String assigned = props.string(PropertyId.ASSIGNED_CLIENT_IDENTIFIER);
        if (assigned != null) {
            assignedClientId = assigned;
        }
        long serverKeepAlive = props.number(PropertyId.SERVER_KEEP_ALIVE, -1);
        if (serverKeepAlive >= 0 && serverKeepAlive * 1_000_000_000L != keepAliveNanos) {
            // MQTT-3.2.2-21: the server's keep alive replaces ours.
            keepAliveNanos = serverKeepAlive * 1_000_000_000L;
            ScheduledCall k = keepAliveCall;
            if (k != null) {
                k.cancel();
                keepAliveCall = null;
            }
            if (keepAliveNanos > 0) {
                keepAliveCall = reactor.schedule(keepAliveNanos, TimeUnit.NANOSECONDS, this::keepAliveTimer);
            }
        }
        if (!ca.sessionPresent()) {
            // A new session on the server: it holds no QoS 2 state for us.
            inboundQos2.clear();
        }
        connackAccepted = true;
        failedAttempts = 0;
        if (state == MqttClientState.STARTING) {
            setState(MqttClientState.STARTED);
        }
        MqttConnack info = new MqttConnack(ca.sessionPresent(), code,
                props.number(PropertyId.SESSION_EXPIRY_INTERVAL, -1), serverReceiveMaximum, serverMaximumQos,
                serverRetainAvailable, props.number(PropertyId.MAXIMUM_PACKET_SIZE, 0), assigned,
                (int) props.number(PropertyId.TOPIC_ALIAS_MAXIMUM, 0), props.string(PropertyId.REASON_STRING),
                props.userProperties(), props.number(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, 1) == 1,
                props.number(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 1) == 1,
                props.number(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, 1) == 1, (int) serverKeepAlive,
                props.string(PropertyId.RESPONSE_INFORMATION), props.string(PropertyId.SERVER_REFERENCE));
        for (MqttListener l : listeners) {
            try {
                l.connected(this, info);
            } catch (RuntimeException e) {
                LOG.warn("{}: listener {} failed in connected", name, l, e);
            }
            if (connection != c) {
                return;
            }
        }
        // Re-send what the last connection left unacknowledged, in its original order, with the
        // same identifiers (MQTT-4.4.0-1); a PUBREL stays a PUBREL (fixes HK-DEF-3).
        for (Request r : inFlight.values()) {
            if (r.awaitingPubcomp) {
                write(c, Ack.of(PacketType.PUBREL, r.packetId));
            } else if (r.publish != null) {
                write(c, r.publish.with(r.packetId, true));
            }
        }
        // SPEC HK-KA-2: a keep-alive ping that fell due while awaiting CONNACK goes now.
        if (pingDue && !pingOutstanding) {
            sendPing(c);
        }
        flush();
    }

    private void onServerDisconnect(Disconnect d) {
        Properties p = d.properties();
        MqttServerDisconnectException e = new MqttServerDisconnectException(d.reasonCode(),
                p.string(PropertyId.REASON_STRING), p.string(PropertyId.SERVER_REFERENCE));
        if (mute && d.reasonCode() == 0) {
            endActivation(MqttClientState.STOPPED, null);
        } else {
            endActivation(MqttClientState.ERROR, e);
        }
    }

    private void onPublish(Connection c, Publish p) {
        String topic = p.topic();
        Properties props = p.properties();
        if (config.version() == MqttVersion.V5) {
            long alias = props.number(PropertyId.TOPIC_ALIAS, 0);
            if (alias != 0) {
                String[] aliases = inboundAliases;
                if (aliases == null || alias >= aliases.length) {
                    throw new MqttProtocolException(ReasonCodes.TOPIC_ALIAS_INVALID,
                            "topic alias " + alias + " is above the maximum " + config.topicAliasMaximum() + " (MQTT-3.3.2-9)");
                }
                if (topic.isEmpty()) {
                    String known = aliases[(int) alias];
                    if (known == null) {
                        throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR,
                                "topic alias " + alias + " was never set on this connection");
                    }
                    topic = known;
                } else {
                    aliases[(int) alias] = topic;
                }
            } else if (topic.isEmpty()) {
                throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "PUBLISH with neither a topic nor a topic alias");
            }
        }
        int id = p.packetId();
        boolean deliver = true;
        if (p.qos() == Qos.EXACTLY_ONCE) {
            if (!inboundQos2.add(id)) {
                deliver = false; // a re-sent QoS 2 PUBLISH whose PUBREL has not come: already delivered
            } else if (inboundQos2.size() > config.receiveMaximum()) {
                throw new MqttProtocolException(ReasonCodes.RECEIVE_MAXIMUM_EXCEEDED,
                        "the server has more than " + config.receiveMaximum() + " QoS 2 messages unreleased (MQTT-3.3.4-9)");
            }
        }
        if (deliver) {
            MqttMessage.Builder b = MqttMessage.builder(topic).payload(p.payload()).qos(p.qos()).retain(p.retain())
                    .duplicate(p.dup());
            if (!props.isEmpty()) {
                long pf = props.number(PropertyId.PAYLOAD_FORMAT_INDICATOR, -1);
                if (pf >= 0) {
                    b.payloadUtf8(pf == 1);
                }
                b.messageExpirySeconds(props.number(PropertyId.MESSAGE_EXPIRY_INTERVAL, -1))
                        .contentType(props.string(PropertyId.CONTENT_TYPE))
                        .responseTopic(props.string(PropertyId.RESPONSE_TOPIC))
                        .correlationData(props.binary(PropertyId.CORRELATION_DATA))
                        .subscriptionIdentifiers(props.subscriptionIdentifiers());
                for (var u : props.userProperties()) {
                    b.userProperty(u.name(), u.value());
                }
            }
            MqttMessage m = b.build();
            // SPEC HK-Q-10: the listeners see the message first, then it is acknowledged.
            for (MqttListener l : listeners) {
                try {
                    l.messageReceived(this, m);
                } catch (RuntimeException e) {
                    LOG.warn("{}: listener {} failed in messageReceived for {}", name, l, m, e);
                }
                if (connection != c) {
                    return;
                }
            }
        }
        if (mute) {
            return; // SPEC HK-Q-10: nothing can be sent after DISCONNECT
        }
        if (p.qos() == Qos.AT_LEAST_ONCE) {
            write(c, Ack.of(PacketType.PUBACK, id));
        } else if (p.qos() == Qos.EXACTLY_ONCE) {
            write(c, Ack.of(PacketType.PUBREC, id));
        }
    }

    private void onPubrel(Connection c, Ack a) {
        boolean known = inboundQos2.remove(a.packetId());
        if (mute) {
            return;
        }
        // MQTT 5 §3.7.2.1: PUBCOMP 0x92 when the identifier is unknown; 3.1.1 just completes.
        int code = known || config.version() != MqttVersion.V5 ? 0 : ReasonCodes.PACKET_IDENTIFIER_NOT_FOUND;
        write(c, new Ack(PacketType.PUBCOMP, a.packetId(), code, Properties.EMPTY));
    }

    private void onPuback(Ack a) {
        Request r = inFlight.get(a.packetId());
        if (r == null || r.kind != Request.PUBLISH) {
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "PUBACK for packet " + a.packetId()
                    + ", which is not an unacknowledged publish");
        }
        if (r.message.qos() != Qos.AT_LEAST_ONCE) {
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "PUBACK for packet " + a.packetId()
                    + ", a QoS 2 publish (expected PUBREC)");
        }
        // MQTT-4.6.0-2: QoS 1 acknowledgements come in the order the publishes were sent. The
        // order is checked among QoS 1 publishes only (SPEC HK-DEF-14: upstream also counted
        // QoS 2 publishes, which have their own flow).
        for (Request earlier : inFlight.values()) {
            if (earlier == r) {
                break;
            }
            if (earlier.kind == Request.PUBLISH && earlier.message.qos() == Qos.AT_LEAST_ONCE) {
                throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "PUBACK for packet " + a.packetId()
                        + " before the PUBACK for the earlier packet " + earlier.packetId + " (MQTT-4.6.0-2)");
            }
        }
        removeInFlight(r);
        finish(r, ackOf(a), null);
    }

    private void onPubrec(Connection c, Ack a) {
        Request r = inFlight.get(a.packetId());
        if (r == null || r.kind != Request.PUBLISH || r.awaitingPubcomp) {
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "PUBREC for packet " + a.packetId()
                    + ", which is not a QoS 2 publish awaiting PUBREC");
        }
        if (r.message.qos() != Qos.EXACTLY_ONCE) {
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "PUBREC for packet " + a.packetId()
                    + ", a QoS 1 publish (expected PUBACK)");
        }
        if (ReasonCodes.isError(a.reasonCode())) {
            // MQTT 5 §4.3.3: a refusing PUBREC ends the flow; no PUBREL.
            removeInFlight(r);
            finish(r, ackOf(a), null);
            return;
        }
        r.awaitingPubcomp = true;
        r.publish = null; // the payload is no longer needed
        if (!mute) {
            write(c, Ack.of(PacketType.PUBREL, r.packetId));
        }
        // In mute, the PUBREL is sent on the next connection (SPEC HK-Q-13).
    }

    private void onPubcomp(Ack a) {
        Request r = inFlight.get(a.packetId());
        if (r == null || !r.awaitingPubcomp) {
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "PUBCOMP for packet " + a.packetId()
                    + ", which has no PUBREL outstanding");
        }
        removeInFlight(r); // the identifier is released (fixes HK-DEF-2)
        finish(r, ackOf(a), null);
    }

    private void onSuback(Suback s) {
        Request r = inFlight.get(s.packetId());
        if (r == null || r.kind != Request.SUBSCRIBE) {
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "SUBACK for packet " + s.packetId()
                    + ", which is not an unacknowledged SUBSCRIBE");
        }
        if (s.reasonCodes().size() != r.subscriptions.size()) {
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "SUBACK for packet " + s.packetId() + " has "
                    + s.reasonCodes().size() + " codes for " + r.subscriptions.size() + " topic filters (MQTT-3.9.3-1)");
        }
        removeInFlight(r);
        finish(r, new MqttAck(s.reasonCodes(), s.properties().string(PropertyId.REASON_STRING),
                s.properties().userProperties()), null);
    }

    private void onUnsuback(Unsuback u) {
        Request r = inFlight.get(u.packetId());
        if (r == null || r.kind != Request.UNSUBSCRIBE) {
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "UNSUBACK for packet " + u.packetId()
                    + ", which is not an unacknowledged UNSUBSCRIBE");
        }
        List<Integer> codes = u.reasonCodes();
        if (config.version() == MqttVersion.V5 && codes.size() != r.filters.size()) {
            throw new MqttProtocolException(ReasonCodes.PROTOCOL_ERROR, "UNSUBACK for packet " + u.packetId() + " has "
                    + codes.size() + " codes for " + r.filters.size() + " topic filters (MQTT-3.11.3-1)");
        }
        if (codes.isEmpty()) {
            Integer[] zeros = new Integer[r.filters.size()];
            java.util.Arrays.fill(zeros, 0);
            codes = List.of(zeros);
        }
        removeInFlight(r);
        finish(r, new MqttAck(codes, u.properties().string(PropertyId.REASON_STRING), u.properties().userProperties()),
                null);
    }

    private void onPingresp() {
        if (!pingOutstanding) {
            LOG.debug("{}: unsolicited PINGRESP ignored", name); // SPEC HK-KA-4
            return;
        }
        pingOutstanding = false;
        Connection c = connection;
        if (pingDue && c != null && !mute) {
            sendPing(c); // SPEC HK-KA-4: a keep-alive ping that fell due meanwhile
        }
    }

    private static MqttAck ackOf(Ack a) {
        return new MqttAck(List.of(a.reasonCode()), a.properties().string(PropertyId.REASON_STRING),
                a.properties().userProperties());
    }

    // ------------------------------------------------------------------ send path

    private void enqueue(Request r) {
        r.seq = nextSeq++;
        preflight.add(r);
        flush();
    }

    /**
     * Writes queued requests while the transport takes them: after CONNACK, in FIFO order, with
     * QoS 1/2 publishes bounded by the in-flight window; DISCONNECT once everything queued
     * before {@code stop()} is out.
     */
    private void flush() {
        Connection c = connection;
        if (c == null || c.transport == null || !connackAccepted || mute) {
            return;
        }
        Transport t = c.transport;
        int window = Math.min(config.maxInFlight(), serverReceiveMaximum);
        while (connection == c && t.isWritable()) {
            Request r = preflight.peek();
            if (r == null || r.seq >= stopSeq) {
                if (state == MqttClientState.STOPPING) {
                    sendDisconnect(c);
                }
                return;
            }
            if (r.kind == Request.PUBLISH) {
                MqttMessage m = r.message;
                String refusal = checkAgainstServer(m);
                if (refusal != null) {
                    preflight.poll();
                    finish(r, null, new MqttException(refusal));
                    continue;
                }
                if (m.qos() != Qos.AT_MOST_ONCE && inFlightPublishes >= window) {
                    return; // head-of-line: order is kept
                }
            }
            int id = 0;
            if (r.kind != Request.PUBLISH || r.message.qos() != Qos.AT_MOST_ONCE) {
                id = takeId();
                if (id == 0) {
                    return; // all 65,535 identifiers held: wait for an acknowledgement
                }
            }
            Packet p;
            try {
                p = toPacket(r, id);
                int size = codec.encodedSize(p);
                if (size > serverMaximumPacketSize) {
                    throw new IllegalArgumentException("the packet is " + size + " bytes, the server's maximum packet size is "
                            + serverMaximumPacketSize + " (MQTT-3.1.2-24)");
                }
            } catch (IllegalArgumentException e) {
                releaseId(id);
                preflight.poll();
                finish(r, null, new MqttException("cannot send " + describe(r) + ": " + e.getMessage(), e));
                continue;
            }
            preflight.poll();
            if (id != 0) {
                r.packetId = id;
                if (p instanceof Publish pub) {
                    r.publish = pub;
                    inFlightPublishes++;
                }
                inFlight.put(id, r);
                inFlightCount = inFlight.size();
            }
            write(c, p);
            if (id == 0) {
                finish(r, new MqttAck(List.of(0), null, List.of()), null); // QoS 0: done once handed over
            }
        }
    }

    private @Nullable String checkAgainstServer(MqttMessage m) {
        if (m.qos().value() > serverMaximumQos) {
            return "cannot publish " + m + ": the server's maximum QoS is " + serverMaximumQos + " (MQTT-3.2.2-11)";
        }
        if (m.retain() && !serverRetainAvailable) {
            return "cannot publish " + m + ": the server does not support retained messages (MQTT-3.2.2-14)";
        }
        return null;
    }

    private Packet toPacket(Request r, int id) {
        boolean v5 = config.version() == MqttVersion.V5;
        return switch (r.kind) {
            case Request.PUBLISH -> {
                MqttMessage m = r.message;
                yield new Publish(m.topic(), m.qos(), m.retain(), false, id, m.payloadBytes(),
                        v5 ? messageProperties(m).build() : Properties.EMPTY);
            }
            case Request.SUBSCRIBE -> new Subscribe(id, r.subscriptions, Properties.EMPTY);
            default -> new Unsubscribe(id, r.filters, Properties.EMPTY);
        };
    }

    private static String describe(Request r) {
        return switch (r.kind) {
            case Request.PUBLISH -> r.message.toString();
            case Request.SUBSCRIBE -> "SUBSCRIBE " + r.subscriptions;
            default -> "UNSUBSCRIBE " + r.filters;
        };
    }

    private void sendDisconnect(Connection c) {
        Transport t = c.transport;
        if (t == null) {
            return;
        }
        write(c, Disconnect.NORMAL);
        // SPEC HK-LC-4: after DISCONNECT our half is shut; keep-alive and ping end, the abort
        // deadline bounds the wait for the server to close.
        mute = true;
        t.shutdownOutput();
        ScheduledCall k = keepAliveCall;
        if (k != null) {
            k.cancel();
            keepAliveCall = null;
        }
        ScheduledCall p = pingCall;
        if (p != null) {
            p.cancel();
            pingCall = null;
        }
    }

    private void write(Connection c, Packet p) {
        Transport t = c.transport;
        if (t == null) {
            return;
        }
        if (LOG.isTraceEnabled()) {
            LOG.trace("{}: send {}", name, p);
        }
        t.write(codec.encode(p));
        lastWriteNanos = reactor.clock().nanoTime();
    }

    private int takeId() {
        for (int i = 0; i < 65535; i++) {
            int id = nextId;
            nextId = nextId == 65535 ? 1 : nextId + 1;
            if (!idInUse[id]) {
                idInUse[id] = true;
                return id;
            }
        }
        return 0;
    }

    private void releaseId(int id) {
        if (id != 0) {
            idInUse[id] = false;
        }
    }

    private void removeInFlight(Request r) {
        inFlight.remove(r.packetId);
        if (r.kind == Request.PUBLISH) {
            inFlightPublishes--;
        }
        releaseId(r.packetId);
        inFlightCount = inFlight.size();
        flush(); // the window may have opened
    }

    private void finish(Request r, @Nullable MqttAck ack, @Nullable Throwable failure) {
        int left = outstanding.decrementAndGet();
        if (failure != null) {
            r.stage.completeExceptionally(failure);
        } else {
            r.stage.complete(ack);
        }
        if (refusedSinceDrain && left <= config.maxQueuedRequests() / 2) {
            refusedSinceDrain = false;
            for (MqttListener l : listeners) {
                try {
                    l.queueDrained(this);
                } catch (RuntimeException e) {
                    LOG.warn("{}: listener {} failed in queueDrained", name, l, e);
                }
            }
        }
    }

    // ------------------------------------------------------------------ timers (SPEC §1.6)

    private void keepAliveTimer() {
        keepAliveCall = null;
        Connection c = connection;
        if (c == null || mute || keepAliveNanos == 0) {
            return;
        }
        long idle = reactor.clock().nanoTime() - lastWriteNanos;
        if (idle < keepAliveNanos) {
            keepAliveCall = reactor.schedule(keepAliveNanos - idle, TimeUnit.NANOSECONDS, this::keepAliveTimer);
            return;
        }
        pingDue = true;
        if (connackAccepted && !pingOutstanding) {
            sendPing(c);
        }
        // Re-armed by the next write (the PINGREQ is one).
        keepAliveCall = reactor.schedule(keepAliveNanos, TimeUnit.NANOSECONDS, this::keepAliveTimer);
    }

    private void receivePingTimer() {
        pingCall = null;
        Connection c = connection;
        if (c == null || mute || receivePingNanos == 0) {
            return;
        }
        long idle = reactor.clock().nanoTime() - lastReadNanos;
        if (idle < receivePingNanos) {
            pingCall = reactor.schedule(receivePingNanos - idle, TimeUnit.NANOSECONDS, this::receivePingTimer);
            return;
        }
        if (connackAccepted && !pingOutstanding) {
            sendPing(c); // SPEC HK-KA-3
        }
        pingCall = reactor.schedule(receivePingNanos, TimeUnit.NANOSECONDS, this::receivePingTimer);
    }

    private void abortTimer() {
        abortCall = null;
        if (connection == null) {
            return;
        }
        long idle = reactor.clock().nanoTime() - lastReadNanos;
        if (idle < receiveAbortNanos) {
            abortCall = reactor.schedule(receiveAbortNanos - idle, TimeUnit.NANOSECONDS, this::abortTimer);
            return;
        }
        fail(new MqttTimeoutException("nothing received from the server for " + Duration.ofNanos(receiveAbortNanos)
                + (connackAccepted ? "" : " while awaiting CONNACK") + (mute ? " after DISCONNECT" : "")));
    }

    private void sendPing(Connection c) {
        pingDue = false;
        pingOutstanding = true;
        write(c, Pingreq.INSTANCE);
    }

    private void cancelTimers() {
        ScheduledCall k = keepAliveCall;
        if (k != null) {
            k.cancel();
        }
        ScheduledCall p = pingCall;
        if (p != null) {
            p.cancel();
        }
        ScheduledCall a = abortCall;
        if (a != null) {
            a.cancel();
        }
        keepAliveCall = null;
        pingCall = null;
        abortCall = null;
    }

    // ------------------------------------------------------------------ types

    private static final MqttMessage PLACEHOLDER = MqttMessage.of("-", "");

    /** One request of the user's, from its queueing to its completion. Loop thread only. */
    private static final class Request {
        static final int PUBLISH = 0;
        static final int SUBSCRIBE = 1;
        static final int UNSUBSCRIBE = 2;

        final int kind;
        final CompletableFuture<MqttAck> stage = new CompletableFuture<>();
        long seq;
        int packetId;
        boolean awaitingPubcomp;
        // Set for PUBLISH requests only.
        MqttMessage message = PLACEHOLDER;
        @Nullable Publish publish;
        List<TopicSubscription> subscriptions = List.of();
        List<String> filters = List.of();

        Request(int kind) {
            this.kind = kind;
        }
    }

    /** The protocol of one connection; events of a connection that is no longer current are ignored. */
    private final class Connection implements Protocol {
        @Nullable Transport transport;
        boolean dead;

        @Override
        public void connectionMade(Transport t) {
            ReactorMqttClient.this.connectionMade(this, t);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            ReactorMqttClient.this.dataReceived(this, data);
        }

        @Override
        public boolean eofReceived() {
            return ReactorMqttClient.this.eofReceived(this);
        }

        @Override
        public void writabilityChanged(boolean writable) {
            if (writable && !dead && connection == this) {
                flush();
            }
        }

        @Override
        public void connectionLost(@Nullable Throwable cause) {
            ReactorMqttClient.this.connectionLost(this, cause);
        }

        @Override
        public String toString() {
            return name + " connection";
        }
    }
}
