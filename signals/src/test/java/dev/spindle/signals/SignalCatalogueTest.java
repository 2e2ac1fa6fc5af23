package dev.spindle.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The signal catalogue in the package documentation cannot drift from the code: its rows are
 * exactly the public {@link Signal} constants, with their names and event types, and nothing is
 * left marked as planned.
 */
class SignalCatalogueTest {
    private static final Path PACKAGE_INFO = Path.of("src/main/java/dev/spindle/signals/package-info.java");
    /** A row: the constant, its name in {@code {@code ...}}, and the first link of the event-type cell. */
    private static final Pattern ROW = Pattern.compile(
            "<tr><td>\\{@link dev\\.spindle\\.signals\\.(\\w+)#(\\w+)}\\s*\\(\\{@code ([^}]+)}\\)</td>\\s*<td>\\{@link ([\\w.]+)}");

    /** One catalogue row. */
    private record Row(String constant, String name, String eventType) {
    }

    private static String catalogue() throws IOException {
        assertTrue(Files.isRegularFile(PACKAGE_INFO), "run from the module directory: " + PACKAGE_INFO.toAbsolutePath());
        String source = Files.readString(PACKAGE_INFO, StandardCharsets.UTF_8).replaceAll("\\n\\s*\\*", "\n");
        int start = source.indexOf("<h2>Signal catalogue</h2>");
        assertTrue(start >= 0, "the package documentation has a signal catalogue");
        int end = source.indexOf("</table>", start);
        assertTrue(end > start, "the catalogue is a table");
        return source.substring(start, end);
    }

    private static Map<String, Row> rows() throws IOException {
        String table = catalogue();
        Map<String, Row> out = new LinkedHashMap<>();
        Matcher m = ROW.matcher(table);
        while (m.find()) {
            Row r = new Row(m.group(1) + "#" + m.group(2), m.group(3).trim(), m.group(4));
            assertFalse(out.containsKey(r.constant()), "listed twice: " + r.constant());
            out.put(r.constant(), r);
        }
        int rowTags = table.split("<tr><td>", -1).length - 1;
        assertEquals(rowTags, out.size(), "every row of the catalogue is in the form the test reads: " + table);
        return out;
    }

    @Test
    @DisplayName("the catalogue lists exactly the public Signal constants of ReactorSignals and SignalBus")
    void catalogueListsEveryConstant() throws IOException {
        assertEquals(SignalConstants.declared().keySet(), rows().keySet());
    }

    @Test
    @DisplayName("each catalogue row gives the constant's signal name and its event type")
    void rowsMatchNamesAndEventTypes() throws IOException {
        Map<String, Signal<?>> declared = SignalConstants.declared();
        List<String> wrong = new ArrayList<>();
        for (Row r : rows().values()) {
            Signal<?> s = declared.get(r.constant());
            assertNotNull(s, r.constant());
            if (!s.name().equals(r.name())) {
                wrong.add(r.constant() + ": name " + r.name() + ", but the constant's is " + s.name());
            }
            if (!s.eventType().getName().equals(r.eventType())) {
                wrong.add(r.constant() + ": event type " + r.eventType() + ", but the constant's is "
                        + s.eventType().getName());
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    @DisplayName("nothing in the catalogue or the constants' documentation is left as planned or not fired")
    void nothingIsPlanned() throws IOException {
        String doc = Files.readString(PACKAGE_INFO, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        String signals = Files.readString(Path.of("src/main/java/dev/spindle/signals/ReactorSignals.java"),
                StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        for (String text : List.of(doc, signals)) {
            assertFalse(text.contains("planned"), "a signal is still marked planned");
            assertFalse(text.contains("not fired"), "a signal is still marked not fired");
        }
    }

    @Test
    @DisplayName("signal names are unique")
    void namesAreUnique() {
        List<String> names = SignalConstants.declared().values().stream().map(Signal::name).toList();
        assertEquals(names.size(), names.stream().distinct().count(), names.toString());
    }
}
