package dev.spindle.signals.internal;

import dev.spindle.reactor.ClientService;
import dev.spindle.reactor.Registration;
import dev.spindle.signals.ClientServiceStateChange;
import dev.spindle.signals.ReactorSignals;
import dev.spindle.signals.RetryScheduled;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.Subscription;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Fires a client service's state changes and scheduled retries on a bus; see
 * {@link ReactorSignals#bridge(ClientService, SignalBus)}.
 */
public final class ClientServiceBridge implements Subscription {
    private final String name;
    private final Registration registration;
    private volatile boolean active = true;

    /**
     * Starts bridging.
     *
     * @param service the service to observe
     * @param bus the bus to fire on
     */
    public ClientServiceBridge(ClientService<?> service, SignalBus bus) {
        Objects.requireNonNull(service, "service must not be null");
        Objects.requireNonNull(bus, "bus must not be null");
        this.name = service.name();
        this.registration = service.addListener(new ClientService.Listener() {
            @Override
            public void stateChanged(ClientService<?> s, ClientService.State from, ClientService.State to) {
                bus.fire(s, ReactorSignals.CLIENT_SERVICE_STATE_CHANGED, new ClientServiceStateChange(from, to));
            }

            @Override
            public void retryScheduled(ClientService<?> s, int failedAttempts, Duration delay,
                    @Nullable Throwable lastFailure) {
                bus.fire(s, ReactorSignals.RETRY_SCHEDULED, new RetryScheduled(failedAttempts, delay, lastFailure));
            }

            @Override
            public String toString() {
                return "signal bridge of " + name + " to " + bus;
            }
        });
    }

    @Override
    public void close() {
        active = false;
        registration.remove();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public String toString() {
        return "ClientServiceBridge[" + name + (active ? "" : ", closed") + "]";
    }
}
