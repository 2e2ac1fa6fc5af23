package dev.spindle.bench.jmh;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;

/** The Netty event-loop flavours the JMH peers run on. */
final class NettyLoops {

    private NettyLoops() {}

    /** {@code nio} (the JDK selector) or {@code epoll} (Netty's native transport). */
    static IoHandlerFactory ioHandlers(String transport) {
        return switch (transport) {
            case "nio" -> NioIoHandler.newFactory();
            case "epoll" -> {
                Epoll.ensureAvailability();
                yield EpollIoHandler.newFactory();
            }
            default -> throw new IllegalArgumentException("transport must be nio or epoll, found: " + transport);
        };
    }
}
