package dev.spindle.mqtt.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.signals.Signal;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The catalogue in the package documentation lists exactly MqttSignals' constants, names and event types. */
class MqttSignalCatalogueTest {
    private static final Path PACKAGE_INFO = Path.of("src/main/java/dev/spindle/mqtt/signals/package-info.java");
    private static final Pattern ROW = Pattern.compile(
            "<tr><td>\\{@link dev\\.spindle\\.mqtt\\.signals\\.MqttSignals#(\\w+)}\\s*\\(\\{@code ([^}]+)}\\)</td>\\s*<td>\\{@link ([\\w.]+)}");

    @Test
    void catalogueMatchesTheConstants() throws Exception {
        assertTrue(Files.isRegularFile(PACKAGE_INFO), "run from the module directory: " + PACKAGE_INFO.toAbsolutePath());
        String source = Files.readString(PACKAGE_INFO, StandardCharsets.UTF_8).replaceAll("\\n\\s*\\*", "\n");
        String table = source.substring(source.indexOf("<h2>Signal catalogue</h2>"), source.indexOf("</table>"));
        Map<String, String> documented = new TreeMap<>();
        Matcher m = ROW.matcher(table);
        while (m.find()) {
            documented.put(m.group(1), m.group(2).trim() + " " + m.group(3));
        }
        assertEquals(table.split("<tr><td>", -1).length - 1, documented.size(), "a row the test cannot read");
        Map<String, String> declared = new TreeMap<>();
        for (Field f : MqttSignals.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Signal.class) {
                Signal<?> s = (Signal<?>) f.get(null);
                declared.put(f.getName(), s.name() + " " + s.eventType().getName());
            }
        }
        assertEquals(declared, documented);
    }
}
