package dev.spindle.reactor;

/**
 * A unidirectional pipe made of two descriptors: bytes written to {@link #sink()} are read from
 * {@link #source()}.
 */
public interface Pipe {
    /**
     * The read end.
     *
     * @return the source descriptor
     */
    Descriptor source();

    /**
     * The write end.
     *
     * @return the sink descriptor
     */
    Descriptor sink();
}
