package dev.spindle.reactor.epoll;

import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.UdpOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The child process of {@link EpollUdpSendQueueTest}, run where loopback is slowed down by a
 * token-bucket queue so that a UDP socket's send buffer fills: one epoll transport with the
 * smallest send buffer sends {@value #COUNT} datagrams of {@value #SIZE} bytes in one loop turn
 * to another, which receives them. Prints one line
 * {@code RESULT accepted=A queuedAfterSends=Q received=R inOrder=B writability=LIST sendBatches=S
 * shortSendBatches=P dropped=D errors=E}.
 */
public final class UdpSendQueueMain {
    static final int COUNT = 64;
    static final int SIZE = 1200;

    private UdpSendQueueMain() {
    }

    public static void main(String[] args) throws Exception {
        Reactor r = EpollTesting.newReactor(ReactorConfig.builder().threadName("send-queue-loop").build());
        r.start();
        CountDownLatch all = new CountDownLatch(COUNT);
        Receiver receiver = new Receiver(all);
        Sender sender = new Sender();
        CompletableFuture<String> sent = new CompletableFuture<>();
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        r.execute(() -> {
            try {
                DatagramTransport rt = r.listenUdp(loopback, receiver, UdpOptions.builder().receiveBufferSize(1 << 20).build());
                EpollDatagramTransport st = (EpollDatagramTransport) r.listenUdp(loopback, sender,
                        UdpOptions.builder().sendBufferSize(1).build());
                sender.transport = st;
                int accepted = 0;
                for (int i = 0; i < COUNT; i++) {
                    ByteBuffer b = ByteBuffer.allocateDirect(SIZE);
                    b.putInt(0, i);
                    if (st.send(b, rt.localAddress())) {
                        accepted++;
                    }
                }
                sent.complete("accepted=" + accepted + " queuedAfterSends=" + st.queuedDatagrams());
            } catch (RuntimeException e) {
                sent.completeExceptionally(e);
            }
        });
        String first = sent.get(30, TimeUnit.SECONDS);
        boolean complete = all.await(60, TimeUnit.SECONDS);
        CompletableFuture<String> stats = new CompletableFuture<>();
        r.execute(() -> {
            EpollDatagramTransport st = sender.transport;
            stats.complete("received=" + receiver.order.size() + " inOrder=" + receiver.inOrder() + " writability="
                    + sender.writability + " sendBatches=" + st.sendBatches() + " shortSendBatches="
                    + st.shortSendBatches() + " dropped=" + st.droppedDatagrams() + " errors=" + (sender.errors
                    + receiver.errors) + " queuedAtEnd=" + st.queuedDatagrams());
        });
        System.out.println("RESULT " + first + " " + stats.get(30, TimeUnit.SECONDS) + " complete=" + complete);
        r.terminate();
    }

    /** Records the index at the start of each datagram. */
    private static final class Receiver implements DatagramProtocol {
        final List<Integer> order = new ArrayList<>();
        final CountDownLatch all;
        int errors;

        Receiver(CountDownLatch all) {
            this.all = all;
        }

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress sender) {
            order.add(data.remaining() == SIZE ? data.getInt(data.position()) : -1);
            all.countDown();
        }

        @Override
        public void errorReceived(ReactorException error) {
            errors++;
            System.out.println("receiver error: " + error);
        }

        boolean inOrder() {
            for (int i = 0; i < order.size(); i++) {
                if (order.get(i) != i) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Records writability changes. */
    private static final class Sender implements DatagramProtocol {
        final List<Boolean> writability = new ArrayList<>();
        @Nullable EpollDatagramTransport transport;
        int errors;

        @Override
        public void datagramReceived(ByteBuffer data, SocketAddress sender) {
        }

        @Override
        public void writabilityChanged(boolean writable) {
            writability.add(writable);
        }

        @Override
        public void errorReceived(ReactorException error) {
            errors++;
            System.out.println("sender error: " + error);
        }
    }
}
