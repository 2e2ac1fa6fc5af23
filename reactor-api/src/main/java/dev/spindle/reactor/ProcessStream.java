package dev.spindle.reactor;

/**
 * One of a child process's output streams, as named in {@link ProcessProtocol} callbacks.
 */
public enum ProcessStream {
    /** The child's standard output (its descriptor 1); also carries standard error when merged. */
    STDOUT(1),
    /** The child's standard error (its descriptor 2). */
    STDERR(2);

    private final int descriptor;

    ProcessStream(int descriptor) {
        this.descriptor = descriptor;
    }

    /**
     * The descriptor number this stream has in the child.
     *
     * @return 1 or 2
     */
    public int descriptor() {
        return descriptor;
    }
}
