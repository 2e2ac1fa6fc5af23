package dev.spindle.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Netty peer of the echo benchmark: one event-loop thread that both accepts and serves.
 *
 * <p>Usage: {@code NettyEchoServer [--transport nio|epoll] [--port N] [--tls-keystore FILE] [--ignore-stdin]}.
 * With {@code --tls-keystore} an {@code SslHandler} with {@link SslProvider#JDK} (the JDK's
 * {@code SSLEngine}, as Spindle uses) and the same protocol and cipher suite ({@link BenchTls})
 * sits in front of the echo handler. Binds
 * 127.0.0.1 (port 0 picks a free one), prints {@code LISTENING <port>} once bound, and runs until
 * killed or until standard input closes (unless {@code --ignore-stdin}).
 */
public final class NettyEchoServer {

    private NettyEchoServer() {}

    /** Runs the server; see the class comment for the options. */
    public static void main(String[] args) throws InterruptedException, IOException, GeneralSecurityException {
        try {
            run(args);
        } catch (CliArgs.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws InterruptedException, IOException, GeneralSecurityException {
        CliArgs cli = CliArgs.parse("NettyEchoServer", args, Set.of("port", "transport", "tls-keystore"), Set.of("ignore-stdin"));
        SslContext tls = !cli.has("tls-keystore") ? null
                : SslContextBuilder.forServer(BenchTls.keyManagers(Path.of(cli.get("tls-keystore", ""))))
                        .sslProvider(SslProvider.JDK).protocols(BenchTls.protocols()).ciphers(BenchTls.ciphers()).build();
        int port = cli.getInt("port", 0, 0, 65535);
        String transport = cli.get("transport", "nio");
        IoHandlerFactory ioHandlers;
        Class<? extends ServerChannel> serverChannelType;
        switch (transport) {
            case "nio" -> {
                ioHandlers = NioIoHandler.newFactory();
                serverChannelType = NioServerSocketChannel.class;
            }
            case "epoll" -> {
                Epoll.ensureAvailability();
                ioHandlers = EpollIoHandler.newFactory();
                serverChannelType = EpollServerSocketChannel.class;
            }
            default -> throw cli.usage("--transport must be nio or epoll, found: " + transport);
        }

        // One thread, as Spindle's reactor has: the same loop accepts and serves every child.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, ioHandlers);
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(serverChannelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(tls == null ? EchoHandler.INSTANCE : new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()), EchoHandler.INSTANCE);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port))
                    .sync()
                    .channel();
            System.out.println("LISTENING " + ((InetSocketAddress) server.localAddress()).getPort());
            System.out.flush();
            if (cli.has("ignore-stdin")) {
                server.closeFuture().sync();
            } else {
                StdinEof.await();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The standard efficient echo: each inbound buffer is written back as is and the writes are
     * flushed once per read burst.
     *
     * <p>{@code channelRead} hands over ownership of {@code msg}; passing it to {@code write}
     * hands it on to the outbound buffer, which releases it once written, so no extra
     * {@code retain()} is needed (one would leak the buffer).
     */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {

        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
