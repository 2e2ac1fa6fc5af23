package dev.spindle.reactor.contract;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * Plain blocking {@code java.net} sockets used as the peer of a reactor transport, on 127.0.0.1
 * only. Every blocking call is bounded by {@link ReactorHarness#WAIT}.
 */
public final class BlockingPeer {
    /** 127.0.0.1, never a look-up. */
    public static final InetAddress LOOPBACK;

    static {
        try {
            LOOPBACK = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int TIMEOUT_MILLIS = (int) ReactorHarness.WAIT.toMillis();

    private BlockingPeer() {
    }

    /**
     * A listening socket on 127.0.0.1 and a free port, with a small receive buffer so that a
     * peer that does not read backs the sender up soon (set before bind so that accepted sockets
     * inherit it and the kernel does not grow it).
     *
     * @param receiveBuffer the receive buffer size
     * @return the socket
     * @throws IOException if it cannot be bound
     */
    public static ServerSocket listen(int receiveBuffer) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReceiveBufferSize(receiveBuffer);
            s.bind(new InetSocketAddress(LOOPBACK, 0), 50);
            s.setSoTimeout(TIMEOUT_MILLIS);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Accepts one connection, with a bound.
     *
     * @param server the listening socket
     * @return the accepted socket, reads bounded too
     * @throws IOException on error or time-out
     */
    public static Socket accept(ServerSocket server) throws IOException {
        Socket s = server.accept();
        s.setSoTimeout(TIMEOUT_MILLIS);
        return s;
    }

    /**
     * Connects to 127.0.0.1:{@code port}, with a bound.
     *
     * @param port the port
     * @return the socket, reads bounded too
     * @throws IOException on error or time-out
     */
    public static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(LOOPBACK, port), TIMEOUT_MILLIS);
            s.setSoTimeout(TIMEOUT_MILLIS);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * A port on 127.0.0.1 that was bound a moment ago and is now closed, so connecting to it is
     * refused.
     *
     * @return the port
     * @throws IOException if no port can be bound
     */
    public static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    /**
     * Reads exactly {@code n} bytes into {@code check}.
     *
     * @param in the stream
     * @param check receives the bytes
     * @param n how many
     * @throws IOException on error, time-out, or end of stream before {@code n} bytes
     */
    public static void readExactly(InputStream in, StreamPattern.Check check, long n) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new AssertionError("end of stream after " + (n - left) + " of " + n + " bytes");
            }
            check.accept(buf, 0, r);
            left -= r;
        }
    }

    /**
     * Reads until end of stream or a connection reset.
     *
     * @param in the stream
     * @param check receives the bytes
     * @return how the stream ended
     * @throws IOException on another error or a time-out
     */
    public static End readToEnd(InputStream in, StreamPattern.Check check) throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (true) {
            int r;
            try {
                r = in.read(buf);
            } catch (SocketException e) {
                // A reset surfaces as "Connection reset"; a time-out is a SocketTimeoutException
                // (an InterruptedIOException, not a SocketException) and propagates.
                return End.RESET;
            }
            if (r < 0) {
                return End.EOF;
            }
            check.accept(buf, 0, r);
        }
    }

    /** How a stream ended. */
    public enum End {
        /** Orderly end of stream (FIN). */
        EOF,
        /** Connection reset (RST). */
        RESET
    }
}
