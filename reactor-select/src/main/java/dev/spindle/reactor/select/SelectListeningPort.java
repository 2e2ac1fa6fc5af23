package dev.spindle.reactor.select;

import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.spi.ReactorResource;
import dev.spindle.reactor.spi.UnixSocketFile;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A listening TCP or UNIX-domain socket on the select backend. */
final class SelectListeningPort implements ListeningPort, ReactorResource, SelectHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SelectListeningPort.class);
    private static final int MAX_ACCEPTS_PER_EVENT = 64;

    private final SelectReactor reactor;
    private final ServerSocketChannel channel;
    private final ProtocolFactory factory;
    // TCP only: the options for accepted sockets.
    private final @Nullable ListenOptions options;
    // UNIX paths only: the socket file, removed when the port closes.
    private final @Nullable UnixSocketFile socketFile;
    private final SocketAddress local;
    private @Nullable SelectionKey key;
    private boolean open = true;
    private final Runnable resumeAccepting = this::resumeAccepting;

    SelectListeningPort(SelectReactor reactor, ServerSocketChannel channel, ProtocolFactory factory, ListenOptions options)
            throws IOException {
        this(reactor, channel, factory, options, null);
    }

    SelectListeningPort(SelectReactor reactor, ServerSocketChannel channel, ProtocolFactory factory,
            @Nullable ListenOptions options, @Nullable UnixSocketFile socketFile) throws IOException {
        this.reactor = reactor;
        this.channel = channel;
        this.factory = factory;
        this.options = options;
        this.socketFile = socketFile;
        this.local = channel.getLocalAddress();
    }

    void register() throws IOException {
        key = reactor.register(channel, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void ready(int readyOps) {
        for (int i = 0; i < MAX_ACCEPTS_PER_EVENT && open; i++) {
            SocketChannel ch;
            try {
                ch = channel.accept();
            } catch (IOException e) {
                // EMFILE and friends: stop accepting briefly instead of spinning on a level-triggered key.
                LOG.warn("accept on {} failed ({}); pausing accepts for 100 ms", local, e.toString());
                SelectionKey k = key;
                if (k != null && k.isValid()) {
                    k.interestOps(0);
                    reactor.schedule(100, TimeUnit.MILLISECONDS, resumeAccepting);
                }
                return;
            }
            if (ch == null) {
                return;
            }
            accepted(ch);
        }
    }

    private void resumeAccepting() {
        SelectionKey k = key;
        if (open && k != null && k.isValid()) {
            k.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    private void accepted(SocketChannel ch) {
        Protocol protocol;
        SocketAddress remote;
        try {
            ch.configureBlocking(false);
            ListenOptions tcp = options;
            if (tcp != null) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, tcp.tcpNoDelay());
            }
            remote = ch.getRemoteAddress();
            if (remote == null) {
                SelectReactor.closeQuietly(ch);
                return;
            }
        } catch (IOException e) {
            SelectReactor.closeQuietly(ch);
            return;
        }
        try {
            protocol = factory.buildProtocol(remote);
        } catch (RuntimeException e) {
            LOG.error("protocol factory {} threw for {}; connection closed", factory, remote, e);
            SelectReactor.closeQuietly(ch);
            return;
        }
        if (protocol == null) {
            SelectReactor.closeQuietly(ch);
            return;
        }
        SelectTransport t;
        try {
            SelectionKey k = reactor.register(ch, 0, null);
            t = new SelectTransport(reactor, protocol, ch, k, ch.getLocalAddress(), remote);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot register accepted connection from {}", remote, e);
            SelectReactor.closeQuietly(ch);
            return;
        }
        t.start();
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public void close() {
        reactor.checkLoop("ListeningPort.close");
        closeNow();
    }

    private void closeNow() {
        if (!open) {
            return;
        }
        open = false;
        SelectionKey k = key;
        if (k != null) {
            k.cancel();
        }
        SelectReactor.closeQuietly(channel);
        UnixSocketFile f = socketFile;
        if (f != null) {
            f.remove();
        }
        reactor.untrack(this);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void shutdownGracefully() {
        closeNow();
    }

    @Override
    public void forceClose(Throwable cause) {
        closeNow();
    }

    @Override
    public String toString() {
        return "ListeningPort[" + local + (open ? "" : ", closed") + "]";
    }
}
