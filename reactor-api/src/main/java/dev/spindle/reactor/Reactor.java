package dev.spindle.reactor;

/**
 * A reactor: one loop thread that dispatches I/O readiness and timers. One object implements
 * every facet; obtain one from a backend's {@link dev.spindle.reactor.spi.ReactorProvider}, or
 * from {@code dev.spindle.reactor.quick.Reactors.create()}.
 *
 * <p>See the package overview for the lifecycle, the threading rules and buffer ownership.
 */
public interface Reactor extends CoreReactor, TimeReactor, DescriptorReactor {
    /**
     * The settings this reactor was created with.
     *
     * @return the config
     */
    ReactorConfig config();

    /**
     * The name of the backend, as its provider reports it ({@code select}, {@code epoll}, ...).
     *
     * @return the backend name
     */
    String backendName();
}
