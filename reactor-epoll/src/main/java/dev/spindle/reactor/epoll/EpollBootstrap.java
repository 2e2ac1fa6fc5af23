package dev.spindle.reactor.epoll;

import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import java.lang.foreign.Arena;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Java 22 side of {@link EpollReactorProvider}, loaded reflectively once the provider has
 * checked the platform and the Java version: checks native access, links the C library and opens
 * (and closes) an epoll instance and an eventfd, so a backend that reports itself available also
 * works. As a {@link Supplier} it gives the reason the backend is unavailable (null if it is); as a
 * {@link Function} it creates reactors.
 */
final class EpollBootstrap implements Supplier<@Nullable Throwable>, Function<ReactorConfig, Reactor> {
    private final LinuxLayout layout = LinuxLayout.current();

    /** Used reflectively by the provider. */
    EpollBootstrap() {
    }

    @Override
    public @Nullable Throwable get() {
        Module module = EpollBootstrap.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            return new IllegalCallerException(nativeAccessAdvice(module));
        }
        try (Arena arena = Arena.ofConfined()) {
            NativeIo io = new NativeIo(arena, layout, true);
            int epfd = io.epollCreate();
            int efd;
            try {
                efd = io.eventfd();
            } finally {
                io.close(epfd);
            }
            io.close(efd);
            return null;
        } catch (ErrnoException e) {
            return new IllegalStateException("the epoll backend cannot open its poller: " + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            return new IllegalStateException("the epoll backend cannot link the C library: " + e, e);
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
                + " --enable-native-access=dev.spindle.reactor.epoll)";
    }

    @Override
    public Reactor apply(ReactorConfig config) {
        return new EpollReactor(config, layout, true);
    }
}
