/**
 * Picks a reactor backend at run time.
 *
 * <p>{@link dev.spindle.reactor.quick.Reactors#create()} finds every
 * {@link dev.spindle.reactor.spi.ReactorProvider} with {@link java.util.ServiceLoader} (JPMS
 * {@code provides} on the module path, {@code META-INF/services} on the class path) and creates a
 * reactor on the available one with the highest priority. The system property
 * {@value dev.spindle.reactor.quick.Reactors#BACKEND_PROPERTY} names a backend explicitly.
 * {@link dev.spindle.reactor.quick.Reactors#providers()} lists what was found and why a backend is
 * unavailable; discovery itself never throws.
 */
@NullMarked
@Export
@Version("0.1.0")
package dev.spindle.reactor.quick;

import org.jspecify.annotations.NullMarked;
import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
