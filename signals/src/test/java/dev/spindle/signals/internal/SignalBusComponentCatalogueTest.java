package dev.spindle.signals.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spindle.signals.Signal;
import dev.spindle.signals.SignalConstants;
import java.util.HashSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The whiteboard knows every Spindle signal by its name alone. */
class SignalBusComponentCatalogueTest {
    @Test
    @DisplayName("the whiteboard's catalogue is exactly the public Signal constants")
    void whiteboardKnowsEverySignal() {
        assertEquals(new HashSet<Signal<?>>(SignalConstants.declared().values()),
                new HashSet<>(SignalBusComponent.CATALOGUE));
        assertEquals(SignalBusComponent.CATALOGUE.size(), new HashSet<>(SignalBusComponent.CATALOGUE).size());
    }
}
