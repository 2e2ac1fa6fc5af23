package dev.spindle.reactor.select;

import dev.spindle.reactor.CannotListenException;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.ProtocolFactory;
import dev.spindle.reactor.UnixAddress;
import dev.spindle.reactor.UnixListenOptions;
import dev.spindle.reactor.spi.AbstractReactor;
import dev.spindle.reactor.spi.UnixSocketFile;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * UNIX-domain stream sockets on the select backend: the JDK's {@code StandardProtocolFamily.UNIX}
 * channels are selectable like TCP ones, so listening ports, connects and transports are the TCP
 * classes with the TCP socket options left out. Path addresses only: the JDK cannot name a Linux
 * abstract address ({@link SelectReactor} does not claim support, so the shared checks refuse
 * them before this class is reached).
 */
final class SelectUnix {
    private SelectUnix() {
    }

    static ListeningPort listen(SelectReactor reactor, UnixAddress address, ProtocolFactory factory,
            UnixListenOptions options) {
        UnixSocketFile file = UnixSocketFile.prepare(address, options);
        ServerSocketChannel ch = null;
        try {
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.configureBlocking(false);
            ch.bind(UnixDomainSocketAddress.of(address.path()), options.backlog());
            file.bound();
            SelectListeningPort port = new SelectListeningPort(reactor, ch, factory, null, file);
            port.register();
            reactor.track(port);
            return port;
        } catch (IOException | RuntimeException e) {
            SelectReactor.closeQuietly(ch);
            file.remove();
            throw new CannotListenException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    static AbstractReactor.PendingConnect connect(SelectReactor reactor, UnixAddress target, Protocol protocol,
            AbstractReactor.ConnectListener listener) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.configureBlocking(false);
            return SelectConnect.start(reactor, ch, UnixDomainSocketAddress.of(target.path()), protocol, listener);
        } catch (IOException | RuntimeException e) {
            SelectReactor.closeQuietly(ch);
            throw e;
        }
    }
}
