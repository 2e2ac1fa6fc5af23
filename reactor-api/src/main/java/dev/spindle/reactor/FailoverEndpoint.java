package dev.spindle.reactor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * {@link ClientEndpoint#failover}: one attempt walks the nodes until one connects. Loop thread
 * only, like the nodes themselves.
 */
final class FailoverEndpoint implements ClientEndpoint {
    private final List<ClientEndpoint> nodes;
    private final FailoverOrder order;
    /** The node the previous attempt tried last; -1 before the first attempt. Loop thread. */
    private int lastTried = -1;

    FailoverEndpoint(List<? extends ClientEndpoint> nodes, FailoverOrder order) {
        Objects.requireNonNull(nodes, "nodes must not be null");
        Objects.requireNonNull(order, "order must not be null");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a failover endpoint needs at least one node, found none");
        }
        List<ClientEndpoint> copy = new ArrayList<>(nodes.size());
        for (ClientEndpoint n : nodes) {
            copy.add(Objects.requireNonNull(n, "nodes must not contain null"));
        }
        this.nodes = List.copyOf(copy);
        this.order = order;
    }

    @Override
    public ConnectAttempt connect(Protocol protocol) {
        Objects.requireNonNull(protocol, "protocol must not be null");
        int first = order == FailoverOrder.IN_ORDER ? 0 : (lastTried + 1) % nodes.size();
        Attempt a = new Attempt(protocol, first);
        a.tryNext();
        return a;
    }

    @Override
    public String toString() {
        return "failover(" + order.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ")" + nodes;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (c instanceof CompletionException && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** One attempt over the nodes. */
    private final class Attempt implements ConnectAttempt {
        private final Protocol protocol;
        private final int first;
        private final CompletableFuture<Transport> result = new CompletableFuture<>();
        private final List<Throwable> failures = new ArrayList<>();
        private int tried;
        private @Nullable ConnectAttempt current;
        private boolean done;
        /** True while {@link #tryNext()} waits for a node's stage that may settle inside connect. */
        private boolean starting;
        private boolean failedWhileStarting;

        Attempt(Protocol protocol, int first) {
            this.protocol = protocol;
            this.first = first;
        }

        /** Iterative, so nodes that fail at once do not nest calls. */
        void tryNext() {
            while (!done && tried < nodes.size()) {
                int index = (first + tried) % nodes.size();
                tried++;
                lastTried = index;
                ClientEndpoint node = nodes.get(index);
                ConnectAttempt a;
                try {
                    a = Objects.requireNonNull(node.connect(protocol), "connect returned null");
                } catch (RuntimeException e) {
                    failures.add(new ConnectionFailedException("node " + node + " threw from connect: " + e, e));
                    continue;
                }
                current = a;
                starting = true;
                failedWhileStarting = false;
                a.result().whenComplete((transport, failure) -> settled(a, transport, failure));
                starting = false;
                if (!failedWhileStarting) {
                    return;
                }
            }
            if (!done) {
                done = true;
                current = null;
                ConnectionFailedException e = new ConnectionFailedException("cannot connect to any of the "
                        + nodes.size() + " node" + (nodes.size() == 1 ? "" : "s") + " of " + FailoverEndpoint.this
                        + " (tried " + tried + ")", null);
                failures.forEach(e::addSuppressed);
                result.completeExceptionally(e);
            }
        }

        private void settled(ConnectAttempt a, @Nullable Transport transport, @Nullable Throwable failure) {
            if (done || a != current) {
                // A node that connected after this attempt was cancelled: nobody wants it.
                if (transport != null && failure == null) {
                    transport.abort();
                }
                return;
            }
            current = null;
            if (failure == null && transport != null) {
                done = true;
                result.complete(transport);
                return;
            }
            failures.add(failure == null ? new ConnectionFailedException("node attempt completed without a transport",
                    null) : unwrap(failure));
            if (starting) {
                failedWhileStarting = true;
            } else {
                tryNext();
            }
        }

        @Override
        public CompletionStage<Transport> result() {
            return result;
        }

        @Override
        public boolean cancel() {
            if (done) {
                return false;
            }
            done = true;
            ConnectAttempt a = current;
            current = null;
            if (a != null) {
                a.cancel();
            }
            result.completeExceptionally(new ConnectionFailedException("connect to " + FailoverEndpoint.this
                    + " cancelled", new CancellationException("cancelled by the caller")));
            return true;
        }

        @Override
        public String toString() {
            return "ConnectAttempt[" + FailoverEndpoint.this + (done ? ", done" : ", tried " + tried) + "]";
        }
    }
}
