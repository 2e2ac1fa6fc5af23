package dev.spindle.reactor;

import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Work run when a {@link SystemEvent} reaches a {@link TriggerPhase}. Runs on the reactor thread.
 */
@FunctionalInterface
public interface SystemEventTrigger {
    /**
     * Runs the trigger.
     *
     * @return null when done, or a stage the event waits for (honoured in {@code BEFORE} only,
     *     bounded by {@link ReactorConfig#shutdownTimeout()})
     * @throws Exception logged; the remaining triggers still run (SPEC CORE-11)
     */
    @Nullable CompletionStage<?> run() throws Exception;
}
