/**
 * Implementation details of the reactor API: the TLS engine layer. Not exported; nothing here
 * is API.
 */
@NullMarked
package dev.spindle.reactor.internal;

import org.jspecify.annotations.NullMarked;
