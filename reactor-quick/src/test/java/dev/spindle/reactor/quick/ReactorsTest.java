package dev.spindle.reactor.quick;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.ReactorState;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReactorsTest {
    private @Nullable String savedProperty;

    @BeforeEach
    void clearProperty() {
        savedProperty = System.getProperty(Reactors.BACKEND_PROPERTY);
        System.clearProperty(Reactors.BACKEND_PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (savedProperty == null) {
            System.clearProperty(Reactors.BACKEND_PROPERTY);
        } else {
            System.setProperty(Reactors.BACKEND_PROPERTY, savedProperty);
        }
    }

    @Test
    void createPicksTheHighestPriorityAvailableBackend() {
        Reactor reactor = Reactors.create();
        assertEquals("select", reactor.backendName());
        assertEquals(ReactorState.INIT, reactor.state());
        assertEquals("select", Reactors.chosenProvider().name());
    }

    @Test
    void createPassesTheConfigToTheBackend() {
        ReactorConfig config = ReactorConfig.builder().threadName("quick-test").build();
        assertSame(config, Reactors.create(config).config());
    }

    @Test
    void propertyForcesABackendIgnoringCaseAndSpaces() {
        System.setProperty(Reactors.BACKEND_PROPERTY, " Select ");
        assertEquals("select", Reactors.create().backendName());
    }

    @Test
    void blankPropertyMeansNoPreference() {
        System.setProperty(Reactors.BACKEND_PROPERTY, " ");
        assertEquals("select", Reactors.create().backendName());
    }

    @Test
    void unknownForcedBackendFailsListingEveryBackend() {
        System.setProperty(Reactors.BACKEND_PROPERTY, "nope");
        ReactorException e = assertThrows(ReactorException.class, Reactors::create);
        String m = e.getMessage();
        assertTrue(m.contains("unknown"), m);
        assertTrue(m.contains("'nope'"), m);
        assertTrue(m.contains(Reactors.BACKEND_PROPERTY), m);
        assertTrue(m.contains("select (priority 10): available"), m);
        assertTrue(m.contains("fake (priority 1000): unavailable: test: not here"), m);
        assertTrue(m.contains(BrokenTestProvider.CAUSE), m);
    }

    @Test
    void providersListsAnUnavailableBackendWithItsCauseAndDoesNotChooseIt() {
        List<BackendInfo> all = Reactors.providers();
        BackendInfo fake = find(all, UnavailableTestProvider.NAME);
        assertEquals(1000, fake.priority());
        assertFalse(fake.available());
        assertFalse(fake.chosen());
        assertNotNull(fake.unavailabilityCause());
        assertEquals(UnavailableTestProvider.CAUSE, fake.unavailabilityCause().getMessage());

        BackendInfo select = find(all, "select");
        assertEquals(10, select.priority());
        assertTrue(select.available());
        assertTrue(select.chosen());
        assertEquals(null, select.unavailabilityCause());
        assertEquals(1, all.stream().filter(BackendInfo::chosen).count(), all::toString);
    }

    @Test
    void providersAreSortedByPriorityHighestFirst() {
        List<Integer> priorities = Reactors.providers().stream().map(BackendInfo::priority).collect(Collectors.toList());
        List<Integer> sorted = priorities.stream().sorted((a, b) -> Integer.compare(b, a)).collect(Collectors.toList());
        assertEquals(sorted, priorities);
        assertEquals(UnavailableTestProvider.NAME, Reactors.providers().get(0).name());
    }

    @Test
    void providerThatFailsToLoadIsListedAsUnavailableInsteadOfThrowing() {
        BackendInfo broken = find(Reactors.providers(), BrokenTestProvider.class.getName());
        assertFalse(broken.available());
        assertFalse(broken.chosen());
        assertEquals(BackendInfo.UNKNOWN_PRIORITY, broken.priority());
        assertInstanceOf(ServiceConfigurationError.class, broken.unavailabilityCause());
        assertTrue(broken.describe().contains(BrokenTestProvider.CAUSE), broken.describe());
        assertTrue(broken.describe().contains("priority unknown"), broken.describe());
    }

    @Test
    void forcingAnUnavailableBackendFailsNamingItsCause() {
        System.setProperty(Reactors.BACKEND_PROPERTY, UnavailableTestProvider.NAME);
        ReactorException e = assertThrows(ReactorException.class, Reactors::create);
        String m = e.getMessage();
        assertTrue(m.contains("'fake'"), m);
        assertTrue(m.contains("unavailable: " + UnavailableTestProvider.CAUSE), m);
        assertTrue(m.contains("select (priority 10): available"), m);
        assertNotNull(e.getCause());
        assertEquals(UnavailableTestProvider.CAUSE, e.getCause().getMessage());
    }

    @Test
    void providersMarksNothingChosenWhenTheForcedBackendIsUnknown() {
        System.setProperty(Reactors.BACKEND_PROPERTY, "nope");
        List<BackendInfo> all = Reactors.providers();
        assertTrue(all.stream().noneMatch(BackendInfo::chosen), all::toString);
        assertTrue(all.stream().anyMatch(b -> b.name().equals("select")), all::toString);
    }

    @Test
    void providersMarksTheForcedBackendChosen() {
        System.setProperty(Reactors.BACKEND_PROPERTY, "select");
        assertTrue(find(Reactors.providers(), "select").chosen());
    }

    @Test
    void providerByNameIgnoresTheProperty() {
        System.setProperty(Reactors.BACKEND_PROPERTY, "nope");
        assertEquals("select", Reactors.provider("select").name());
        ReactorException e = assertThrows(ReactorException.class, () -> Reactors.provider("kqueue9"));
        assertTrue(e.getMessage().contains("unknown reactor backend 'kqueue9'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Reactors.provider(""));
    }

    @Test
    void noBackendAtAllSaysWhichJarToAdd() {
        ReactorException e = assertThrows(ReactorException.class, () -> Reactors.choose(List.of(), null, ""));
        assertTrue(e.getMessage().contains("no reactor backend found"), e.getMessage());
        assertTrue(e.getMessage().contains("reactor-select"), e.getMessage());
    }

    @Test
    void onlyUnavailableBackendsSaysWhyAndWhatToAdd() {
        List<Reactors.Found> found = List.of(new Reactors.Found(new UnavailableTestProvider(),
                new BackendInfo("fake", 1000, false, new UnsupportedOperationException("test: not here"), false)));
        ReactorException e = assertThrows(ReactorException.class, () -> Reactors.choose(found, null, ""));
        assertTrue(e.getMessage().contains("no reactor backend is available"), e.getMessage());
        assertTrue(e.getMessage().contains("fake (priority 1000): unavailable: test: not here"), e.getMessage());
        assertTrue(e.getMessage().contains("reactor-select"), e.getMessage());
    }

    private static BackendInfo find(List<BackendInfo> all, String name) {
        return all.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no backend " + name + " in " + all));
    }
}
