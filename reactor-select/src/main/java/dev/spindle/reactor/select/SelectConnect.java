package dev.spindle.reactor.select;

import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.spi.AbstractReactor;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.jspecify.annotations.Nullable;

/** One non-blocking connect in progress; becomes a {@link SelectTransport} on success. */
final class SelectConnect implements SelectHandler, AbstractReactor.PendingConnect {
    private final SelectReactor reactor;
    private final SocketChannel channel;
    private final Protocol protocol;
    private final AbstractReactor.ConnectListener listener;
    private @Nullable SelectionKey key;
    private boolean done;

    SelectConnect(SelectReactor reactor, SocketChannel channel, Protocol protocol, AbstractReactor.ConnectListener listener) {
        this.reactor = reactor;
        this.channel = channel;
        this.protocol = protocol;
        this.listener = listener;
    }

    /**
     * Connects {@code channel}, non-blocking, to {@code target}: told {@code listener} at once if
     * the kernel connects immediately, else when the key reports the connect finished.
     */
    static SelectConnect start(SelectReactor reactor, SocketChannel channel, SocketAddress target, Protocol protocol,
            AbstractReactor.ConnectListener listener) throws IOException {
        SelectConnect c = new SelectConnect(reactor, channel, protocol, listener);
        if (channel.connect(target)) {
            c.register(0);
            c.connected();
        } else {
            c.register(SelectionKey.OP_CONNECT);
        }
        return c;
    }

    void register(int ops) throws IOException {
        key = reactor.register(channel, ops, this);
    }

    @Override
    public void ready(int readyOps) {
        if (done) {
            return;
        }
        try {
            if (!channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            fail(e);
            return;
        }
        connected();
    }

    void connected() {
        done = true;
        SelectionKey k = key;
        SelectTransport t;
        try {
            k.interestOps(0);
            t = new SelectTransport(reactor, protocol, channel, k, channel.getLocalAddress(), channel.getRemoteAddress());
        } catch (IOException | RuntimeException e) {
            done = false;
            fail(e);
            return;
        }
        t.start();
        listener.connected(t);
    }

    private void fail(Exception e) {
        done = true;
        close();
        listener.failed(e);
    }

    @Override
    public void cancel() {
        done = true;
        close();
    }

    private void close() {
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
        }
        SelectReactor.closeQuietly(channel);
    }
}
