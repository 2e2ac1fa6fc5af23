/**
 * The backend SPI: {@link dev.spindle.reactor.spi.ReactorProvider} for discovery, and the shared
 * loop skeleton ({@link dev.spindle.reactor.spi.AbstractReactor},
 * {@link dev.spindle.reactor.spi.AbstractStreamTransport}) so that a backend only implements
 * polling and sockets.
 *
 * <h2>Writing a backend</h2>
 * Subclass {@code AbstractReactor} and implement {@code openBackend}, {@code poll},
 * {@code wakeupBackend} and {@code closeBackend} plus the socket factories; subclass
 * {@code AbstractStreamTransport} for connections. Register the provider with
 * {@code provides dev.spindle.reactor.spi.ReactorProvider with ...} in {@code module-info} and
 * a {@code META-INF/services} file for the class path, and run the contract suite from
 * {@code reactor-api}'s test-jar against it.
 */
@NullMarked
@Export
@Version("0.1.0")
package dev.spindle.reactor.spi;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
