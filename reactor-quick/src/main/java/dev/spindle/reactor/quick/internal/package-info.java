/**
 * The OSGi side of {@code reactor-quick}: the Declarative Services component that registers the
 * {@link dev.spindle.reactor.Reactor} service on the best {@link dev.spindle.reactor.spi.ReactorProvider}
 * service ({@link dev.spindle.reactor.quick.internal.ReactorComponent}), its Metatype
 * ({@link dev.spindle.reactor.quick.internal.ReactorConfiguration}) and the OSGi-free logic behind it
 * ({@link dev.spindle.reactor.quick.internal.ReactorServiceManager}). Not exported; on the module
 * path and class path nothing here is loaded.
 */
@NullMarked
package dev.spindle.reactor.quick.internal;

import org.jspecify.annotations.NullMarked;
