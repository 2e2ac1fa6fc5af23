package dev.spindle.reactor.spi;

import dev.spindle.reactor.Protocol;

/**
 * A stream transport on an edge-triggered poller ({@code EPOLLET}, kqueue's {@code EV_CLEAR}): the
 * kernel reports new input once, so an event must never be left half-served. This class keeps the
 * rules that make that hold, whatever the poller:
 * <ul>
 *   <li>reading drains until a short read or would-block ({@link #onReadable()} does that);</li>
 *   <li>a burst stopped by the fairness cap, reading switched on again after a pause (the input
 *       that came meanwhile raised its edge already), and a stream whose end is known but not yet
 *       read are put on the backend's "read again" list ({@link #scheduleReadAgain()}), which
 *       calls {@link #readAgainNow()} on its next pass, a pass that must not block;</li>
 *   <li>reading switched on for the first time needs no such read: the registration itself
 *       reports input that arrived before.</li>
 * </ul>
 * The backend calls {@link #readable(boolean)} for its read events and supplies the socket calls.
 * Loop thread only.
 */
public abstract class EdgeTriggeredStreamTransport extends AbstractStreamTransport {
    private boolean readInterest;
    private boolean readQueued;
    private boolean socketClosed;
    /**
     * The peer shut its side down (or the connection failed): the end of stream, or the error,
     * waits behind the data and raises no further edge, so reading goes on until it is seen.
     */
    private boolean inputEnded;
    /** The registration already reports data that arrived before reading was first switched on. */
    private boolean fresh = true;

    /**
     * Creates the transport; call {@link #start()} once the socket is registered.
     *
     * @param reactor the owning reactor
     * @param protocol the protocol
     */
    protected EdgeTriggeredStreamTransport(AbstractReactor reactor, Protocol protocol) {
        super(reactor, protocol);
    }

    // ------------------------------------------------------------------ backend hooks

    /**
     * Puts this transport on the backend's read-again list: {@link #readAgainNow()} on the next
     * pass, which does not wait for the kernel while the list is non-empty. Called at most once
     * until {@code readAgainNow} runs.
     */
    protected abstract void scheduleReadAgain();

    /** Stops watching the socket and closes it; called once. Must not throw. */
    protected abstract void closeSocket();

    /**
     * Reading was switched on or off: a backend that can silence the kernel's read reports (kqueue's
     * {@code EV_DISABLE}) does so here; one that keeps the socket registered for reading throughout
     * (epoll) keeps the default, which does nothing. Not called once the socket is closed.
     *
     * @param on the interest
     */
    protected void readInterestChanged(boolean on) {
    }

    // ------------------------------------------------------------------ for backends

    /**
     * The kernel reported input: reads if reading is on.
     *
     * @param endOfInput the report says the peer's side is done (or failed): reading goes on
     *     until the end is seen, without further reports
     */
    protected final void readable(boolean endOfInput) {
        if (endOfInput) {
            inputEnded = true;
        }
        if (readInterest) {
            read();
        }
    }

    /** From the backend's read-again list. */
    public final void readAgainNow() {
        readQueued = false;
        if (readInterest && !socketClosed) {
            read();
        }
    }

    /** Reads on the next pass: for a connection whose first input was reported before it existed. */
    protected final void readSoon() {
        queueRead();
    }

    /** Whether the socket was closed. */
    protected final boolean isSocketClosed() {
        return socketClosed;
    }

    private void read() {
        onReadable();
        // A short read ended the burst; with the stream's end pending, read on to reach it.
        if (inputEnded && readInterest && !socketClosed) {
            queueRead();
        }
    }

    private void queueRead() {
        if (!readQueued && !socketClosed) {
            readQueued = true;
            scheduleReadAgain();
        }
    }

    @Override
    protected final void interestRead(boolean on) {
        if (on) {
            if (!readInterest) {
                readInterest = true;
                if (!fresh) {
                    queueRead();
                }
            }
        } else {
            readInterest = false;
        }
        fresh = false;
        if (!socketClosed) {
            readInterestChanged(on);
        }
    }

    @Override
    protected final void readBudgetExhausted() {
        queueRead();
    }

    @Override
    protected final void closeNow() {
        if (socketClosed) {
            return;
        }
        socketClosed = true;
        readInterest = false;
        closeSocket();
    }
}
