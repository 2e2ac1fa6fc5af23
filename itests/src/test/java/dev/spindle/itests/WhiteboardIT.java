package dev.spindle.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import dev.spindle.itests.backend.TestReactorProvider;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.signals.ReactorStateChange;
import dev.spindle.signals.SignalBus;
import dev.spindle.signals.SignalListener;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.ServiceRegistration;

/**
 * The signal whiteboard: {@link SignalListener} services with {@code spindle.signal=<name>} are
 * subscribed to that signal on the SignalBus service, whose reactor's lifecycle is bridged onto it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class WhiteboardIT extends SpindleOsgiSupport {
    private static final String STATE_CHANGED = "dev.spindle.reactor.stateChanged";

    @Configuration
    public Option[] config() {
        return options(SpindleOptions.spindle(), SpindleOptions.testBackend());
    }

    /** Records what it is told, with the thread it was told on. */
    static final class Recorder implements SignalListener<Object> {
        final List<Object[]> seen = new ArrayList<>();

        @Override
        public synchronized void onSignal(Object source, Object event) {
            seen.add(new Object[] {source, event, Thread.currentThread().getName()});
        }

        synchronized List<Object[]> seen() {
            return new ArrayList<>(seen);
        }

        synchronized boolean saw(Object source, ReactorState to) {
            for (Object[] s : seen) {
                if (s[0] == source && ((ReactorStateChange) s[1]).to() == to) {
                    return true;
                }
            }
            return false;
        }
    }

    private ServiceRegistration<?> register(Recorder recorder, String signal, String type) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("spindle.signal", signal);
        if (type != null) {
            props.put("spindle.signal.type", type);
        }
        return context.registerService(SignalListener.class, recorder, props);
    }

    @Test
    public void aWhiteboardListenerSeesTheReactorStopWhenItsBackendGoes() throws Exception {
        Reactor testReactor = service(awaitReactor("test", null));
        Recorder recorder = new Recorder();
        register(recorder, STATE_CHANGED, null);

        bundle(TEST_BACKEND).stop();
        await("STOPPED of the test reactor", () -> recorder.saw(testReactor, ReactorState.STOPPED));
        List<Object[]> seen = recorder.seen();
        ReactorStateChange first = (ReactorStateChange) seen.get(0)[1];
        ReactorStateChange second = (ReactorStateChange) seen.get(1)[1];
        assertEquals(ReactorState.STARTED, first.from());
        assertEquals(ReactorState.STOPPING, first.to());
        assertEquals(ReactorState.STOPPING, second.from());
        assertEquals(ReactorState.STOPPED, second.to());
        assertEquals("delivered on the reactor's thread", "spindle-reactor", seen.get(0)[2]);

        // The listener is subscribed on the new bus as well: it sees the next reactor stop too.
        String next = best(TestReactorProvider.NAME);
        Reactor nextReactor = service(awaitReactor(next, null));
        assertSame(nextReactor,
                service(awaitService(SignalBus.class, "(spindle.reactor.backend=" + next + ")")).reactor());
        backendBundle(next).stop();
        await("STOPPED of the next reactor", () -> recorder.saw(nextReactor, ReactorState.STOPPED));
    }

    @Test
    public void anExplicitEventTypeAndAnUnregisteredListener() throws Exception {
        Reactor reactor = service(awaitReactor("test", null));
        Recorder typed = new Recorder();
        Recorder gone = new Recorder();
        register(typed, STATE_CHANGED, ReactorStateChange.class.getName());
        ServiceRegistration<?> goneReg = register(gone, STATE_CHANGED, null);
        goneReg.unregister();

        bundle(TEST_BACKEND).stop();
        await("STOPPED through the typed listener", () -> typed.saw(reactor, ReactorState.STOPPED));
        assertTrue("an unregistered listener is not called", gone.seen().isEmpty());
    }

    @Test
    public void aListenerOfAnUnknownSignalWithoutTypeIsLoggedAndNotSubscribed() throws Exception {
        awaitReactor("test", null);
        long mark = logMark();
        Recorder recorder = new Recorder();
        register(recorder, "app.somethingHappened", null);
        awaitLog(mark, "ERROR", "spindle.signal=app.somethingHappened is not a Spindle signal",
                "spindle.signal.type is not set");
        SignalBus bus = service(awaitService(SignalBus.class, null));
        // Fired with a type of our own, it reaches nobody: the listener was not subscribed.
        bus.fire(this, dev.spindle.signals.Signal.of("app.somethingHappened", String.class), "hello");
        // And a listener that names the type gets the same fire.
        Recorder typed = new Recorder();
        register(typed, "app.somethingHappened", String.class.getName());
        await("the typed listener subscribed", () -> bus.subscriptionCount() > 0 && typedSubscribed(bus, typed));
        assertTrue(recorder.seen().isEmpty());
    }

    private boolean typedSubscribed(SignalBus bus, Recorder typed) {
        bus.fire(this, dev.spindle.signals.Signal.of("app.somethingHappened", String.class), "ping");
        return !typed.seen().isEmpty();
    }
}
