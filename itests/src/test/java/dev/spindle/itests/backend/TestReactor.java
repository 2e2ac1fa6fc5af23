package dev.spindle.itests.backend;

import dev.spindle.reactor.ConnectOptions;
import dev.spindle.reactor.Descriptor;
import dev.spindle.reactor.DescriptorHandler;
import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Pipe;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.spi.AbstractReactor;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The smallest third-party backend: the shared loop skeleton ({@link AbstractReactor}) with a
 * poller that only sleeps until woken or until the next timer. Lifecycle, tasks, timers and the
 * worker pool are real; it has no I/O (every descriptor or socket operation throws
 * {@link UnsupportedOperationException}). Enough to prove that a backend from another bundle is
 * bound, chosen and replaced.
 */
public final class TestReactor extends AbstractReactor {
    private final Object monitor = new Object();
    private boolean woken;

    TestReactor(ReactorConfig config) {
        super(config);
    }

    @Override
    public String backendName() {
        return TestReactorProvider.NAME;
    }

    @Override
    protected void openBackend() {
        synchronized (monitor) {
            woken = false;
        }
    }

    @Override
    protected void poll(long timeoutNanos) throws InterruptedIOException {
        synchronized (monitor) {
            try {
                if (!woken && timeoutNanos != 0) {
                    if (timeoutNanos < 0) {
                        monitor.wait();
                    } else {
                        TimeUnit.NANOSECONDS.timedWait(monitor, timeoutNanos);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("test reactor poll interrupted");
            }
            woken = false;
        }
    }

    @Override
    protected void wakeupBackend() {
        synchronized (monitor) {
            woken = true;
            monitor.notifyAll();
        }
    }

    @Override
    protected void closeBackend() {
    }

    @Override
    protected PendingConnect beginConnect(InetSocketAddress target, ConnectOptions options, Protocol protocol,
            ConnectListener listener) {
        throw unsupported();
    }

    @Override
    public ListeningPort listenTcp(InetSocketAddress bindAddress, ProtocolFactory factory, ListenOptions options) {
        throw unsupported();
    }

    @Override
    public Pipe openPipe(DescriptorHandler sourceHandler, DescriptorHandler sinkHandler) {
        throw unsupported();
    }

    @Override
    public void addReader(Descriptor descriptor) {
        throw unsupported();
    }

    @Override
    public void addWriter(Descriptor descriptor) {
        throw unsupported();
    }

    @Override
    public void removeReader(Descriptor descriptor) {
        throw unsupported();
    }

    @Override
    public void removeWriter(Descriptor descriptor) {
        throw unsupported();
    }

    @Override
    public List<Descriptor> removeAll() {
        return List.of();
    }

    @Override
    public List<Descriptor> readers() {
        return List.of();
    }

    @Override
    public List<Descriptor> writers() {
        return List.of();
    }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("the itests 'test' backend has no I/O");
    }
}
