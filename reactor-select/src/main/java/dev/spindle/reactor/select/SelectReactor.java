package dev.spindle.reactor.select;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.spi.AbstractReactor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The reactor on {@link Selector}. Ready keys are dispatched through
 * {@link Selector#select(Consumer, long)}, which walks the kernel's ready list without the
 * selected-key set, so a loop pass allocates nothing; each key's attachment is a
 * {@link SelectHandler} that knows its own work.
 */
final class SelectReactor extends AbstractReactor {
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    private @Nullable Selector selector;
    private ByteBuffer readBuffer;
    final Set<SelectDescriptor> readers = new LinkedHashSet<>();
    final Set<SelectDescriptor> writers = new LinkedHashSet<>();

    SelectReactor(ReactorConfig config) {
        super(config);
        this.readBuffer = ByteBuffer.allocateDirect(config.readBufferSize());
    }

    @Override
    public String backendName() {
        return SelectReactorProvider.NAME;
    }

    @Override
    protected void openBackend() throws IOException {
        selector = Selector.open();
    }

    @Override
    protected void poll(long timeoutNanos) throws IOException {
        Selector s = selector();
        if (timeoutNanos == 0) {
            s.selectNow(dispatch);
        } else if (timeoutNanos < 0) {
            s.select(dispatch);
        } else {
            // Round up: waking before a timer is due only costs a second, empty pass.
            long millis = Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
            s.select(dispatch, millis);
        }
    }

    private void dispatch(SelectionKey key) {
        if (loopExiting() || !key.isValid()) {
            return;
        }
        ((SelectHandler) key.attachment()).ready(key.readyOps());
    }

    @Override
    protected void wakeupBackend() {
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    @Override
    protected void closeBackend() {
        Selector s = selector;
        selector = null;
        readers.clear();
        writers.clear();
        if (s != null) {
            for (SelectionKey k : s.keys()) {
                closeQuietly(k.channel());
            }
            try {
                s.close();
            } catch (IOException e) {
                // Nothing left to do with a selector that fails to close.
            }
        }
    }

    Selector selector() {
        Selector s = selector;
        if (s == null) {
            throw new IllegalStateException("select backend is not open (reactor " + state() + ")");
        }
        return s;
    }

    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** Gives the current read buffer away (it becomes pending output) and installs another. */
    boolean detachReadBuffer(ByteBuffer buffer) {
        if (buffer != readBuffer) {
            return false;
        }
        readBuffer = acquireChunk();
        return true;
    }

    SelectionKey register(SelectableChannel ch, int ops, SelectHandler handler) throws IOException {
        return ch.register(selector(), ops, handler);
    }

    static void closeQuietly(java.io.@Nullable Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // Closing is best effort; the descriptor is gone either way.
        }
    }

    // ------------------------------------------------------------------ TCP

    @Override
    public ListeningPort listenTcp(InetSocketAddress bindAddress, ProtocolFactory factory, ListenOptions options) {
        checkListenArguments(bindAddress, factory, options);
        ServerSocketChannel ch = null;
        try {
            ch = ServerSocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
            ch.bind(bindAddress, options.backlog());
            SelectListeningPort port = new SelectListeningPort(this, ch, factory, options);
            port.register();
            track(port);
            return port;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw new CannotListenException("cannot listen on " + bindAddress + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected PendingConnect beginConnect(InetSocketAddress target, ConnectOptions options, Protocol protocol,
            ConnectListener listener) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, options.tcpNoDelay());
            InetSocketAddress local = options.localAddress();
            if (local != null) {
                ch.bind(local);
            }
            return SelectConnect.start(this, ch, target, protocol, listener);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    // ------------------------------------------------------------------ descriptors

    @Override
    public Pipe openPipe(DescriptorHandler sourceHandler, DescriptorHandler sinkHandler) {
        Objects.requireNonNull(sourceHandler, "sourceHandler must not be null");
        Objects.requireNonNull(sinkHandler, "sinkHandler must not be null");
        checkLoop("openPipe");
        checkActive("openPipe");
        java.nio.channels.Pipe p;
        try {
            p = java.nio.channels.Pipe.open();
        } catch (IOException e) {
            throw new dev.spindle.reactor.ReactorException("cannot open a pipe: " + e.getMessage(), e);
        }
        try {
            SelectDescriptor source = new SelectDescriptor(this, p.source(), sourceHandler, "pipe-source");
            SelectDescriptor sink = new SelectDescriptor(this, p.sink(), sinkHandler, "pipe-sink");
            return new Pipe() {
                @Override
                public Descriptor source() {
                    return source;
                }

                @Override
                public Descriptor sink() {
                    return sink;
                }
            };
        } catch (IOException e) {
            closeQuietly(p.source());
            closeQuietly(p.sink());
            throw new dev.spindle.reactor.ReactorException("cannot register a pipe: " + e.getMessage(), e);
        }
    }

    private SelectDescriptor own(Descriptor d, String op) {
        Objects.requireNonNull(d, "descriptor must not be null");
        checkLoop(op);
        if (!(d instanceof SelectDescriptor) || ((SelectDescriptor) d).reactor != this) {
            throw new IllegalArgumentException(op + ": descriptor was not created by this reactor, found: " + d);
        }
        return (SelectDescriptor) d;
    }

    @Override
    public void addReader(Descriptor descriptor) {
        SelectDescriptor d = own(descriptor, "addReader");
        if (!d.isOpen()) {
            throw new IllegalArgumentException("addReader: descriptor is closed: " + d);
        }
        readers.add(d);
        d.updateInterest();
    }

    @Override
    public void addWriter(Descriptor descriptor) {
        SelectDescriptor d = own(descriptor, "addWriter");
        if (!d.isOpen()) {
            throw new IllegalArgumentException("addWriter: descriptor is closed: " + d);
        }
        writers.add(d);
        d.updateInterest();
    }

    @Override
    public void removeReader(Descriptor descriptor) {
        SelectDescriptor d = own(descriptor, "removeReader");
        if (readers.remove(d)) {
            d.updateInterest();
        }
    }

    @Override
    public void removeWriter(Descriptor descriptor) {
        SelectDescriptor d = own(descriptor, "removeWriter");
        if (writers.remove(d)) {
            d.updateInterest();
        }
    }

    @Override
    public List<Descriptor> removeAll() {
        checkLoop("removeAll");
        LinkedHashSet<SelectDescriptor> all = new LinkedHashSet<>(readers);
        all.addAll(writers);
        readers.clear();
        writers.clear();
        for (SelectDescriptor d : all) {
            d.updateInterest();
        }
        return new ArrayList<>(all);
    }

    @Override
    public List<Descriptor> readers() {
        checkLoop("readers");
        return new ArrayList<>(readers);
    }

    @Override
    public List<Descriptor> writers() {
        checkLoop("writers");
        return new ArrayList<>(writers);
    }

    // ==== NAME RESOLUTION (issue 3): add members for this area directly below this line ====
    // (end of name resolution section)

    // ==== TLS (issue 3): add members for this area directly below this line ====
    // (end of tls section)

    // ==== UDP (issue 3): add members for this area directly below this line ====
    @Override
    protected DatagramTransport bindUdp(InetSocketAddress bindAddress, StandardProtocolFamily family,
            DatagramProtocol protocol, UdpOptions options) {
        return SelectDatagramTransport.open(this, bindAddress, family, protocol, options);
    }
    // (end of udp section)

    // ==== UNIX-DOMAIN SOCKETS (issue 3): add members for this area directly below this line ====

    @Override
    public ListeningPort listenUnix(dev.spindle.reactor.UnixAddress address, ProtocolFactory factory,
            dev.spindle.reactor.UnixListenOptions options) {
        checkListenUnixArguments(address, factory, options);
        return SelectUnix.listen(this, address, factory, options);
    }

    @Override
    protected PendingConnect beginConnectUnix(dev.spindle.reactor.UnixAddress target, Protocol protocol,
            ConnectListener listener) throws IOException {
        return SelectUnix.connect(this, target, protocol, listener);
    }
    // (end of unix-domain sockets section)

    // ==== CHILD PROCESSES (issue 3): add members for this area directly below this line ====
    // (end of child processes section)

}
