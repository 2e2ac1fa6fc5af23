package dev.spindle.bench.mqtt;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;

/**
 * Eclipse Paho: {@code org.eclipse.paho.client.mqttv3.MqttAsyncClient} for MQTT 3.1.1 and
 * {@code org.eclipse.paho.mqttv5.client.MqttAsyncClient} for MQTT 5 (two separate clients in
 * Paho), in-memory persistence, no automatic reconnect. Paho bounds unacknowledged QoS 1/2
 * publishes (max inflight, set to 1,000 for MQTT 3; the server's receive maximum for MQTT 5) and
 * refuses one beyond it with reason 32202; such a publish waits 50 µs and is made again. QoS 0
 * publishes go to a queue Paho does not bound, so the driver keeps at most
 * {@link MqttDriver#QOS0_WINDOW} of them not yet written (the action listener's
 * {@code onSuccess} releases one).
 *
 * <p>Paho's sockets come from a {@link SocketFactory}; its default leaves {@code TCP_NODELAY}
 * off, and Nagle's algorithm then holds a small packet (a PUBACK, the next PUBLISH) until the
 * broker's delayed ACK: 40 ms per round trip. Spindle and HiveMQ (Netty) set it by default, so
 * the driver gives Paho a factory that sets it too ({@link NoDelaySockets}).
 */
final class PahoMqttDriver implements MqttDriver.Library {

    private static final int MAX_INFLIGHT_REASON = 32202;
    private static final long WAIT_MILLIS = 30_000;

    @Override
    public MqttDriver.Conn connect(String clientId, int port, int mqttVersion) throws Exception {
        String uri = "tcp://127.0.0.1:" + port;
        return mqttVersion == 5 ? new V5(uri, clientId) : new V3(uri, clientId);
    }

    @Override
    public void close() {
    }

    /** Plain sockets with {@code TCP_NODELAY} on; Paho creates them unconnected and connects them itself. */
    static final class NoDelaySockets extends SocketFactory {
        @Override
        public Socket createSocket() throws IOException {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket s = new Socket(host, port);
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            Socket s = new Socket(host, port, localHost, localPort);
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket s = new Socket(host, port);
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket s = new Socket(address, port, localAddress, localPort);
            s.setTcpNoDelay(true);
            return s;
        }
    }

    /** What the two Paho clients share: the QoS 0 window, the max-inflight retry, message counting. */
    private abstract static class PahoConn implements MqttDriver.Conn {
        private final Semaphore qos0Window = new Semaphore(MqttDriver.QOS0_WINDOW);
        private volatile Runnable onMessage = () -> {};

        /** Hands one publish to Paho; {@code done} runs from its action listener. */
        abstract void send(String topic, byte[] payload, int qos, Runnable done, AtomicReference<Throwable> failed)
                throws Exception;

        /** Paho's reason code of {@code e}, or -1 if it is not Paho's exception. */
        abstract int reasonCode(Exception e);

        abstract void subscribeAndWait(String topic, int qos) throws Exception;

        @Override
        public final void subscribe(String topic, int qos, Runnable handler) throws Exception {
            onMessage = handler;
            subscribeAndWait(topic, qos);
        }

        @Override
        public final void publishQos0(String topic, byte[] payload) throws Exception {
            if (!qos0Window.tryAcquire(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("no QoS 0 publish written for " + WAIT_MILLIS + " ms");
            }
            publish(topic, payload, 0, qos0Window::release, null);
        }

        @Override
        public final void publishQos1(String topic, byte[] payload, Runnable onAck, AtomicReference<Throwable> failed)
                throws Exception {
            publish(topic, payload, 1, onAck, failed);
        }

        private void publish(String topic, byte[] payload, int qos, Runnable done, AtomicReference<Throwable> failed)
                throws Exception {
            while (true) {
                try {
                    send(topic, payload, qos, done, failed);
                    return;
                } catch (Exception e) {
                    if (reasonCode(e) != MAX_INFLIGHT_REASON) {
                        throw e;
                    }
                    LockSupport.parkNanos(50_000);
                }
            }
        }

        final void arrived(byte[] payload) {
            if (payload.length >= 0) {
                onMessage.run();
            }
        }

        static void finished(Runnable done, AtomicReference<Throwable> failed, Throwable e) {
            if (e != null && failed != null) {
                failed.compareAndSet(null, e);
            }
            done.run();
        }
    }

    /** MQTT 3.1.1. */
    private static final class V3 extends PahoConn implements org.eclipse.paho.client.mqttv3.MqttCallback {
        private final org.eclipse.paho.client.mqttv3.MqttAsyncClient client;

        V3(String uri, String clientId) throws Exception {
            client = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(uri, clientId,
                    new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            client.setCallback(this);
            org.eclipse.paho.client.mqttv3.MqttConnectOptions options = new org.eclipse.paho.client.mqttv3.MqttConnectOptions();
            options.setMqttVersion(org.eclipse.paho.client.mqttv3.MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setCleanSession(true);
            options.setAutomaticReconnect(false);
            options.setMaxInflight(1000);
            options.setSocketFactory(new NoDelaySockets());
            client.connect(options).waitForCompletion(WAIT_MILLIS);
        }

        @Override
        void subscribeAndWait(String topic, int qos) throws Exception {
            client.subscribe(topic, qos).waitForCompletion(WAIT_MILLIS);
        }

        @Override
        void send(String topic, byte[] payload, int qos, Runnable done, AtomicReference<Throwable> failed)
                throws Exception {
            client.publish(topic, payload, qos, false, null, new org.eclipse.paho.client.mqttv3.IMqttActionListener() {
                @Override
                public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
                    finished(done, failed, null);
                }

                @Override
                public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable e) {
                    finished(done, failed, e);
                }
            });
        }

        @Override
        int reasonCode(Exception e) {
            return e instanceof org.eclipse.paho.client.mqttv3.MqttException m ? m.getReasonCode() : -1;
        }

        @Override
        public void close() throws Exception {
            client.disconnect().waitForCompletion(WAIT_MILLIS);
            client.close();
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
            arrived(message.getPayload());
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
        }
    }

    /** MQTT 5. */
    private static final class V5 extends PahoConn implements org.eclipse.paho.mqttv5.client.MqttCallback {
        private final org.eclipse.paho.mqttv5.client.MqttAsyncClient client;

        V5(String uri, String clientId) throws Exception {
            client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(uri, clientId,
                    new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            client.setCallback(this);
            org.eclipse.paho.mqttv5.client.MqttConnectionOptions options = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
            options.setCleanStart(true);
            options.setAutomaticReconnect(false);
            options.setSocketFactory(new NoDelaySockets());
            client.connect(options).waitForCompletion(WAIT_MILLIS);
        }

        @Override
        void subscribeAndWait(String topic, int qos) throws Exception {
            client.subscribe(topic, qos).waitForCompletion(WAIT_MILLIS);
        }

        @Override
        void send(String topic, byte[] payload, int qos, Runnable done, AtomicReference<Throwable> failed)
                throws Exception {
            client.publish(topic, payload, qos, false, null, new org.eclipse.paho.mqttv5.client.MqttActionListener() {
                @Override
                public void onSuccess(org.eclipse.paho.mqttv5.client.IMqttToken token) {
                    finished(done, failed, null);
                }

                @Override
                public void onFailure(org.eclipse.paho.mqttv5.client.IMqttToken token, Throwable e) {
                    finished(done, failed, e);
                }
            });
        }

        @Override
        int reasonCode(Exception e) {
            return e instanceof org.eclipse.paho.mqttv5.common.MqttException m ? m.getReasonCode() : -1;
        }

        @Override
        public void close() throws Exception {
            client.disconnect().waitForCompletion(WAIT_MILLIS);
            client.close();
        }

        @Override
        public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(org.eclipse.paho.mqttv5.common.MqttException exception) {
        }

        @Override
        public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage message) {
            arrived(message.getPayload());
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
        }

        @Override
        public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {
        }
    }
}
