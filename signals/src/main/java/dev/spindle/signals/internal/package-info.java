/**
 * The signal bus implementation. Not exported.
 */
@NullMarked
package dev.spindle.signals.internal;

import org.jspecify.annotations.NullMarked;
