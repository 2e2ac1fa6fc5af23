package dev.spindle.reactor.spi;

/**
 * Something a reactor owns and must close when it stops: a transport, a listening port, a
 * descriptor, a pending connection. Backends register each with
 * {@link AbstractReactor#track(ReactorResource)}. Loop-thread only.
 */
public interface ReactorResource {
    /**
     * Begins a clean close during a graceful shutdown (for a transport: flush, then close).
     * Must eventually {@link AbstractReactor#untrack untrack} the resource.
     */
    void shutdownGracefully();

    /**
     * Closes at once, telling its owner {@code cause}; must untrack the resource.
     *
     * @param cause why
     */
    void forceClose(Throwable cause);
}
