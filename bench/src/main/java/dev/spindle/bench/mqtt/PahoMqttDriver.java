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

    private static void retryPause() {
        LockSupport.parkNanos(50_000);
    }

    private static void acquire(Semaphore window) throws InterruptedException {
        if (!window.tryAcquire(WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("no QoS 0 publish written for " + WAIT_MILLIS + " ms");
        }
    }

    /** MQTT 3.1.1. */
    private static final class V3 implements MqttDriver.Conn, org.eclipse.paho.client.mqttv3.MqttCallback {
        private final org.eclipse.paho.client.mqttv3.MqttAsyncClient client;
        private final Semaphore qos0Window = new Semaphore(MqttDriver.QOS0_WINDOW);
        private volatile Runnable onMessage = () -> {};

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
        public void subscribe(String topic, int qos, Runnable handler) throws Exception {
            onMessage = handler;
            client.subscribe(topic, qos).waitForCompletion(WAIT_MILLIS);
        }

        @Override
        public void publishQos0(String topic, byte[] payload) throws Exception {
            acquire(qos0Window);
            publish(topic, payload, 0, new Listener(qos0Window::release, null));
        }

        @Override
        public void publishQos1(String topic, byte[] payload, Runnable onAck, AtomicReference<Throwable> failed)
                throws Exception {
            publish(topic, payload, 1, new Listener(onAck, failed));
        }

        private void publish(String topic, byte[] payload, int qos, Listener listener) throws Exception {
            while (true) {
                try {
                    client.publish(topic, payload, qos, false, null, listener);
                    return;
                } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                    if (e.getReasonCode() != MAX_INFLIGHT_REASON) {
                        throw e;
                    }
                    retryPause();
                }
            }
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
            if (message.getPayload().length >= 0) {
                onMessage.run();
            }
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
        }

        private record Listener(Runnable done, AtomicReference<Throwable> failed)
                implements org.eclipse.paho.client.mqttv3.IMqttActionListener {
            @Override
            public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
                done.run();
            }

            @Override
            public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable e) {
                if (failed != null) {
                    failed.compareAndSet(null, e);
                }
                done.run();
            }
        }
    }

    /** MQTT 5. */
    private static final class V5 implements MqttDriver.Conn, org.eclipse.paho.mqttv5.client.MqttCallback {
        private final org.eclipse.paho.mqttv5.client.MqttAsyncClient client;
        private final Semaphore qos0Window = new Semaphore(MqttDriver.QOS0_WINDOW);
        private volatile Runnable onMessage = () -> {};

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
        public void subscribe(String topic, int qos, Runnable handler) throws Exception {
            onMessage = handler;
            client.subscribe(topic, qos).waitForCompletion(WAIT_MILLIS);
        }

        @Override
        public void publishQos0(String topic, byte[] payload) throws Exception {
            acquire(qos0Window);
            publish(topic, payload, 0, new Listener(qos0Window::release, null));
        }

        @Override
        public void publishQos1(String topic, byte[] payload, Runnable onAck, AtomicReference<Throwable> failed)
                throws Exception {
            publish(topic, payload, 1, new Listener(onAck, failed));
        }

        private void publish(String topic, byte[] payload, int qos, Listener listener) throws Exception {
            while (true) {
                try {
                    client.publish(topic, payload, qos, false, null, listener);
                    return;
                } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                    if (e.getReasonCode() != MAX_INFLIGHT_REASON) {
                        throw e;
                    }
                    retryPause();
                }
            }
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
            if (message.getPayload().length >= 0) {
                onMessage.run();
            }
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

        private record Listener(Runnable done, AtomicReference<Throwable> failed)
                implements org.eclipse.paho.mqttv5.client.MqttActionListener {
            @Override
            public void onSuccess(org.eclipse.paho.mqttv5.client.IMqttToken token) {
                done.run();
            }

            @Override
            public void onFailure(org.eclipse.paho.mqttv5.client.IMqttToken token, Throwable e) {
                if (failed != null) {
                    failed.compareAndSet(null, e);
                }
                done.run();
            }
        }
    }
}
