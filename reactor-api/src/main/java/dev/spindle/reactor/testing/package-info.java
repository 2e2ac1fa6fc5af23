/**
 * Deterministic test doubles for users' own tests: a {@link dev.spindle.reactor.testing.ManualClock}
 * that only moves when told, and a {@link dev.spindle.reactor.testing.DeterministicReactor} with
 * in-memory transports, so a protocol can be tested without sockets or sleeps (the model is
 * Twisted's {@code Clock} and {@code MemoryReactor}, SPEC §5.6, NET-8).
 */
@NullMarked
@Export
@Version("0.1.0")
package dev.spindle.reactor.testing;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
