package dev.spindle.reactor.select;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.spi.AbstractDatagramTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectionKey;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A UDP socket on the select backend: a non-blocking {@link DatagramChannel}. */
final class SelectDatagramTransport extends AbstractDatagramTransport implements SelectHandler {
    private final DatagramChannel channel;
    private final SelectionKey key;
    private final List<MembershipKey> memberships = new ArrayList<>();
    private SocketAddress local;
    private int interest;

    private SelectDatagramTransport(SelectReactor reactor, DatagramProtocol protocol, UdpOptions options,
            DatagramChannel channel, SelectionKey key) throws IOException {
        super(reactor, protocol, options);
        this.channel = channel;
        this.key = key;
        this.local = Objects.requireNonNull(channel.getLocalAddress(), "bound channel has no local address");
        this.interest = key.interestOps();
        key.attach(this);
    }

    /**
     * Opens, configures, binds and registers a channel, then starts the transport.
     *
     * @throws CannotListenException if any of that fails; the channel is closed
     */
    static SelectDatagramTransport open(SelectReactor reactor, InetSocketAddress bindAddress,
            StandardProtocolFamily family, DatagramProtocol protocol, UdpOptions options) {
        DatagramChannel ch = null;
        SelectDatagramTransport t;
        try {
            ch = DatagramChannel.open(family);
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
            if (options.broadcast()) {
                ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
            }
            if (options.receiveBufferSize() > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, options.receiveBufferSize());
            }
            if (options.sendBufferSize() > 0) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferSize());
            }
            NetworkInterface ni = options.multicastInterface();
            if (ni != null) {
                ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
            }
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, options.multicastTtl());
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, options.multicastLoopback());
            ch.bind(bindAddress);
            SelectionKey key = reactor.register(ch, 0, null);
            t = new SelectDatagramTransport(reactor, protocol, options, ch, key);
        } catch (IOException | RuntimeException e) {
            SelectReactor.closeQuietly(ch);
            throw new CannotListenException("cannot listen for UDP on " + bindAddress + " (" + family + "): " + e, e);
        }
        t.start();
        return t;
    }

    @Override
    public void ready(int readyOps) {
        if ((readyOps & SelectionKey.OP_READ) != 0) {
            onReadable();
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
            onWritable();
        }
    }

    @Override
    protected @Nullable SocketAddress receiveInto(ByteBuffer dst) throws IOException {
        return channel.receive(dst);
    }

    @Override
    protected int sendTo(ByteBuffer src, InetSocketAddress target) throws IOException {
        try {
            return channel.send(src, target);
        } catch (UnsupportedAddressTypeException e) {
            throw new IOException("the address family of " + target + " does not match this socket's (bound to "
                    + local + ")", e);
        }
    }

    @Override
    protected void connectNow(InetSocketAddress peer) throws IOException {
        if (channel.isConnected()) {
            channel.disconnect();
        }
        channel.connect(peer);
        local = channel.getLocalAddress();
    }

    @Override
    protected void disconnectNow() throws IOException {
        if (channel.isConnected()) {
            channel.disconnect();
        }
        local = channel.getLocalAddress();
    }

    @Override
    protected void joinNow(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source)
            throws IOException {
        MembershipKey k = source == null ? channel.join(group, networkInterface)
                : channel.join(group, networkInterface, source);
        if (!memberships.contains(k)) {
            memberships.add(k);
        }
    }

    @Override
    protected boolean leaveNow(InetAddress group, NetworkInterface networkInterface, @Nullable InetAddress source) {
        for (int i = 0; i < memberships.size(); i++) {
            MembershipKey k = memberships.get(i);
            if (k.group().equals(group) && k.networkInterface().equals(networkInterface)
                    && Objects.equals(k.sourceAddress(), source)) {
                memberships.remove(i);
                boolean wasValid = k.isValid();
                k.drop();
                return wasValid;
            }
        }
        return false;
    }

    @Override
    protected void closeNow() {
        key.cancel();
        memberships.clear();
        SelectReactor.closeQuietly(channel);
    }

    @Override
    protected void interestRead(boolean on) {
        setInterest(on ? interest | SelectionKey.OP_READ : interest & ~SelectionKey.OP_READ);
    }

    @Override
    protected void interestWrite(boolean on) {
        setInterest(on ? interest | SelectionKey.OP_WRITE : interest & ~SelectionKey.OP_WRITE);
    }

    private void setInterest(int ops) {
        if (ops != interest && key.isValid()) {
            interest = ops;
            key.interestOps(ops);
        }
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }
}
