package dev.spindle.bench;

import java.io.IOException;

/** Lets a benchmark server end when the process that started it closes its standard input. */
final class StdinEof {

    private StdinEof() {}

    /** Blocks until standard input reaches end of file or fails. */
    static void await() {
        byte[] sink = new byte[256];
        try {
            while (System.in.read(sink) >= 0) {
                // whatever the parent writes is ignored; only the end matters
            }
        } catch (IOException e) {
            // a broken pipe means the parent is gone: same as end of file
        }
    }
}
