package dev.spindle.signals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;

/** The public {@link Signal} constants Spindle declares, found by reflection. */
public final class SignalConstants {
    private SignalConstants() {
    }

    /**
     * Every {@code public static final Signal} field of {@link ReactorSignals} and
     * {@link SignalBus}, keyed {@code SimpleClassName#FIELD}.
     *
     * @return the constants, in declaration order
     */
    public static Map<String, Signal<?>> declared() {
        Map<String, Signal<?>> out = new LinkedHashMap<>();
        for (Class<?> c : new Class<?>[] {ReactorSignals.class, SignalBus.class}) {
            for (Field f : c.getDeclaredFields()) {
                int m = f.getModifiers();
                if (f.getType() == Signal.class && Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)) {
                    try {
                        out.put(c.getSimpleName() + "#" + f.getName(), (Signal<?>) f.get(null));
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                }
            }
        }
        return out;
    }
}
