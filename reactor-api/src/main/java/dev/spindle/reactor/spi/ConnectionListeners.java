package dev.spindle.reactor.spi;

import dev.spindle.reactor.ConnectionListener;
import dev.spindle.reactor.Registration;
import dev.spindle.reactor.Transport;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ConnectionListener}s of one reactor: a copy-on-write array, so that a transport
 * takes a snapshot with one volatile read and keeps it (one reference) until it is lost; nothing
 * is allocated per connection, and a reactor without listeners costs each connection one read
 * and a length check. Registration is thread-safe; dispatch happens on the loop thread.
 */
final class ConnectionListeners {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionListeners.class);
    static final Entry[] NONE = new Entry[0];

    private final Object lock = new Object();
    private volatile Entry[] entries = NONE; // written under lock

    /** One registration; {@code removed} stops calls even from snapshots taken before. */
    static final class Entry implements Registration {
        final ConnectionListener listener;
        private final ConnectionListeners owner;
        volatile boolean removed;

        Entry(ConnectionListener listener, ConnectionListeners owner) {
            this.listener = listener;
            this.owner = owner;
        }

        @Override
        public boolean remove() {
            return owner.remove(this);
        }

        @Override
        public String toString() {
            return "ConnectionListener registration[" + listener + (removed ? ", removed" : "") + "]";
        }
    }

    Registration add(ConnectionListener listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        Entry e = new Entry(listener, this);
        synchronized (lock) {
            Entry[] old = entries;
            Entry[] next = Arrays.copyOf(old, old.length + 1);
            next[old.length] = e;
            entries = next;
        }
        return e;
    }

    private boolean remove(Entry e) {
        synchronized (lock) {
            if (e.removed) {
                return false;
            }
            e.removed = true;
            Entry[] old = entries;
            int at = -1;
            for (int i = 0; i < old.length; i++) {
                if (old[i] == e) {
                    at = i;
                    break;
                }
            }
            if (at >= 0) {
                Entry[] next = old.length == 1 ? NONE : new Entry[old.length - 1];
                System.arraycopy(old, 0, next, 0, at);
                System.arraycopy(old, at + 1, next, at, old.length - at - 1);
                entries = next;
            }
            return true;
        }
    }

    /** The listeners registered now, in order; never modified. Any thread. */
    Entry[] snapshot() {
        return entries;
    }

    /** Tells {@code e} the connection was made; an exception is logged. Loop thread. */
    static void made(Entry e, Transport t) {
        if (e.removed) {
            return;
        }
        try {
            e.listener.connectionMade(t);
        } catch (RuntimeException ex) {
            LOG.error("connection listener {} threw from connectionMade for {}; ignored", e.listener, t, ex);
        }
    }

    /** Tells the first {@code count} of {@code told} the connection was lost. Loop thread. */
    static void lost(Entry[] told, int count, Transport t, @Nullable Throwable cause) {
        for (int i = 0; i < count; i++) {
            Entry e = told[i];
            if (e.removed) {
                continue;
            }
            try {
                e.listener.connectionLost(t, cause);
            } catch (RuntimeException ex) {
                LOG.error("connection listener {} threw from connectionLost for {}; ignored", e.listener, t, ex);
            }
        }
    }
}
