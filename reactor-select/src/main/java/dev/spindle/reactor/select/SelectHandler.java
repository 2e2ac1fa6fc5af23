package dev.spindle.reactor.select;

/** The attachment of every selection key: told which operations are ready. */
interface SelectHandler {
    void ready(int readyOps);
}
