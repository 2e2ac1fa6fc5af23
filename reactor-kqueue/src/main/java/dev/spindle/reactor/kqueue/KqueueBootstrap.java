package dev.spindle.reactor.kqueue;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Java 22 side of {@link KqueueReactorProvider}, loaded reflectively once the provider has
 * checked the system and the Java version: checks native access, links the C library and opens (and
 * closes) a kqueue with its wake-up event, so a backend that reports itself available also works.
 * As a {@link Supplier} it gives the reason the backend is unavailable (null if it is); as a
 * {@link Function} it creates reactors. Never throws from {@link #get()}.
 */
final class KqueueBootstrap implements Supplier<@Nullable Throwable>, Function<ReactorConfig, Reactor> {
    private @Nullable BsdPlatform platform;

    /** Used reflectively by the provider. */
    KqueueBootstrap() {
    }

    @Override
    public @Nullable Throwable get() {
        Module module = KqueueBootstrap.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            return new IllegalCallerException(nativeAccessAdvice(module));
        }
        BsdPlatform p;
        try {
            p = BsdPlatform.current();
        } catch (IllegalStateException e) {
            return e;
        }
        try (Arena arena = Arena.ofConfined()) {
            BsdIo io = new BsdIo(arena, new NativeKernel(arena), p);
            int kq = io.kqueue();
            try {
                KeventCodec codec = p.kevents();
                MemorySegment change = arena.allocate(codec.size(), 8);
                codec.put(change, 0, KqueueReactor.WAKE_IDENT, p.evfiltUser(), BsdPlatform.EV_ADD | BsdPlatform.EV_CLEAR, 0, 0, 0);
                io.keventNow(kq, change, 1);
            } finally {
                io.close(kq);
            }
            platform = p;
            return null;
        } catch (ErrnoException e) {
            return new IllegalStateException("the kqueue backend cannot open its kqueue: " + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            return new IllegalStateException("the kqueue backend cannot link the C library: " + e, e);
        }
    }

    /** How to grant native access, for the module this class is in. */
    static String nativeAccessAdvice(Module module) {
        if (module.isNamed()) {
            return "native access is not enabled for module " + module.getName()
                    + "; start java with --enable-native-access=" + module.getName()
                    + " (on the module path; ALL-UNNAMED on the class path or in OSGi)";
        }
        return "native access is not enabled for the class path (the unnamed module); start java with"
                + " --enable-native-access=ALL-UNNAMED (or, on the module path,"
                + " --enable-native-access=dev.spindle.reactor.kqueue)";
    }

    @Override
    public Reactor apply(ReactorConfig config) {
        BsdPlatform p = platform;
        if (p == null) {
            throw new IllegalStateException("the kqueue backend was not checked, or is unavailable");
        }
        return new KqueueReactor(config, p, NativeKernel::new);
    }
}
