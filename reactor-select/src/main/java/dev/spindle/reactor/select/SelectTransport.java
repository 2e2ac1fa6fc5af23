package dev.spindle.reactor.select;

import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.spi.AbstractStreamTransport;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** A TCP connection on the select backend. */
final class SelectTransport extends AbstractStreamTransport implements SelectHandler {
    private final SelectReactor selectReactor;
    private final SocketChannel channel;
    private final SelectionKey key;
    private final SocketAddress local;
    private final SocketAddress remote;
    private int interest;

    SelectTransport(SelectReactor reactor, Protocol protocol, SocketChannel channel, SelectionKey key,
            SocketAddress local, SocketAddress remote) {
        super(reactor, protocol);
        this.selectReactor = reactor;
        this.channel = channel;
        this.key = key;
        this.local = local;
        this.remote = remote;
        this.interest = key.interestOps();
        key.attach(this);
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
    protected int readInto(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    protected int writeFrom(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    protected long writeFrom(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return channel.write(srcs, offset, length);
    }

    @Override
    protected void shutdownOutputNow() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    protected void closeNow() {
        key.cancel();
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
    protected ByteBuffer readBuffer() {
        return selectReactor.readBuffer();
    }

    @Override
    protected boolean detachReadBuffer(ByteBuffer buffer) {
        return selectReactor.detachReadBuffer(buffer);
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }
}
