package dev.spindle.reactor;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * The application side of a UDP socket (Twisted's {@code DatagramProtocol}): it reacts, its
 * {@link DatagramTransport} acts. All methods run on the reactor thread.
 *
 * <p>Order: {@code started} once (inside {@link DescriptorReactor#listenUdp}), then any number of
 * {@code datagramReceived}, {@code errorReceived} and {@code writabilityChanged}, then
 * {@code stopped} exactly once.
 *
 * <p>Exceptions: one thrown from {@code started} is logged and closes the transport
 * ({@code stopped} gets a {@link ReactorException} carrying it). One thrown from any other
 * callback but {@code stopped} is logged and the transport goes on: a UDP socket often serves
 * many peers, and one bad datagram must not end the service (as in Twisted).
 */
public interface DatagramProtocol {
    /**
     * The socket is bound and reading.
     *
     * @param transport the transport to send on; valid until {@code stopped}
     */
    default void started(DatagramTransport transport) {
    }

    /**
     * A datagram arrived, whole (one that was larger than {@link UdpOptions#maxPacketSize()} is
     * reported to {@link #errorReceived} instead, never delivered in part).
     *
     * @param data the datagram's bytes, between position and limit; valid for this call only
     *     (copy what you keep). It may be passed straight to {@link DatagramTransport#send} to echo.
     * @param sender where it came from; on a connected transport always the connected peer.
     *     Unlike {@code data} the address object may be kept.
     */
    void datagramReceived(ByteBuffer data, SocketAddress sender);

    /**
     * A non-fatal error; the transport stays open and goes on reading:
     * <ul>
     *   <li>{@link DatagramTooLargeException}: a datagram larger than
     *       {@link UdpOptions#maxPacketSize()} arrived and was dropped;</li>
     *   <li>{@link DatagramRefusedException}: on a connected transport, the peer answered an
     *       earlier datagram with ICMP port unreachable;</li>
     *   <li>{@link DatagramSendException}: a datagram queued while the socket buffer was full
     *       failed when it was finally sent, and was dropped.</li>
     * </ul>
     * The default logs nothing and ignores the error.
     *
     * @param error what happened
     */
    default void errorReceived(ReactorException error) {
    }

    /**
     * The send queue changed state: false when a datagram had to be queued because the socket
     * buffer was full, true once the queue has drained. Sends made while unwritable are queued
     * (up to {@link UdpOptions#maxQueuedDatagrams()} / {@link UdpOptions#maxQueuedBytes()}) or
     * dropped beyond that.
     *
     * @param writable whether sending goes straight to the socket again
     */
    default void writabilityChanged(boolean writable) {
    }

    /**
     * The socket is closed. Called exactly once.
     *
     * @param cause null after {@link DatagramTransport#close()} or a graceful reactor stop;
     *     otherwise why it ended (a failed receive, {@code terminate()}, an exception from
     *     {@code started})
     */
    default void stopped(@Nullable Throwable cause) {
    }
}
