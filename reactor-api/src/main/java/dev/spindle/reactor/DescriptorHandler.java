package dev.spindle.reactor;

/**
 * Told when a {@link Descriptor} may be read or written. Runs on the reactor thread.
 * If a method throws, the descriptor is removed as reader and writer and
 * {@link #connectionLost} is called with the exception (SPEC FD-8).
 */
public interface DescriptorHandler {
    /**
     * The descriptor may be readable (SPEC FD-1).
     *
     * @param descriptor the descriptor
     * @throws Exception to drop the descriptor
     */
    default void readable(Descriptor descriptor) throws Exception {
    }

    /**
     * The descriptor may be writable (SPEC FD-2).
     *
     * @param descriptor the descriptor
     * @throws Exception to drop the descriptor
     */
    default void writable(Descriptor descriptor) throws Exception {
    }

    /**
     * The descriptor was dropped by the reactor: a handler method threw, or the reactor is
     * shutting down (SPEC FD-7). Called at most once.
     *
     * @param descriptor the descriptor
     * @param cause why
     */
    default void connectionLost(Descriptor descriptor, Throwable cause) {
    }
}
