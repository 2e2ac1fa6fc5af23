package dev.spindle.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Netty peer of the UDP echo benchmark: one event-loop thread, Netty's native
 * {@link EpollDatagramChannel}.
 *
 * <p>Usage: {@code NettyUdpEchoServer [--batch N] [--port N] [--ignore-stdin]}. With N above 1
 * (16 by default) Netty receives with {@code recvmmsg}:
 * {@link EpollChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE} is set to 2,048 bytes and the receive
 * buffer allocator hands out N times that, which Netty splits into N datagrams per call; its
 * writes flushed together go out with {@code sendmmsg}. N = 1 leaves both options at their
 * defaults (one {@code recvfrom} per datagram). Binds 127.0.0.1 with a 4 MiB receive buffer,
 * prints {@code LISTENING <port>}, and runs until killed or until standard input closes.
 */
public final class NettyUdpEchoServer {
    /** The largest datagram the benchmark sends, with room to spare. */
    static final int MAX_PAYLOAD = 2048;

    private NettyUdpEchoServer() {}

    /** Runs the server; see the class comment for the options. */
    public static void main(String[] args) throws InterruptedException {
        try {
            run(args);
        } catch (CliArgs.UsageException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static void run(String[] args) throws InterruptedException {
        CliArgs cli = CliArgs.parse("NettyUdpEchoServer", args, Set.of("port", "batch"), Set.of("ignore-stdin"));
        int port = cli.getInt("port", 0, 0, 65535);
        int batch = cli.getInt("batch", 16, 1, 1024);
        Epoll.ensureAvailability();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Bootstrap b = new Bootstrap()
                    .group(group)
                    .channel(EpollDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, SpindleUdpEchoServer.RECEIVE_BUFFER)
                    .handler(EchoHandler.INSTANCE);
            if (batch > 1) {
                b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_PAYLOAD)
                        .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_PAYLOAD * batch));
            }
            Channel channel = b.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            System.out.println("LISTENING " + ((InetSocketAddress) channel.localAddress()).getPort());
            System.out.flush();
            if (cli.has("ignore-stdin")) {
                channel.closeFuture().sync();
            } else {
                StdinEof.await();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Writes each datagram back to its sender and flushes once per read burst. The inbound
     * packet's content is handed on to the outbound one, which releases it once sent.
     */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        static final EchoHandler INSTANCE = new EchoHandler();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket in = (DatagramPacket) msg;
            ctx.write(new DatagramPacket(in.content(), in.sender()), ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A datagram socket outlives one peer's error (an ICMP refusal): keep serving.
        }
    }
}
