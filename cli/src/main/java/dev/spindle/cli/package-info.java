/**
 * The {@code spindle} command. Private to the bundle and the module: nothing here is API.
 */
@NullMarked
package dev.spindle.cli;

import org.jspecify.annotations.NullMarked;
