/**
 * Spindle's macOS and FreeBSD reactor backend: {@code kqueue}, {@code kevent} and raw sockets
 * reached through the Foreign Function &amp; Memory API. Exports nothing; found through
 * {@link dev.spindle.reactor.spi.ReactorProvider}.
 *
 * <p>The backend needs native access: {@code --enable-native-access=dev.spindle.reactor.kqueue} on
 * the module path. Without it, or on any other system than macOS or FreeBSD, the provider reports
 * itself unavailable and says why.
 *
 * <p>This descriptor and {@code KqueueReactorProvider} are compiled for Java 17, the rest for 22:
 * on Java 17 the module still resolves and its provider explains why it cannot run.
 */
module dev.spindle.reactor.kqueue {
    requires dev.spindle.reactor;
    requires static org.jspecify;
    requires static osgi.annotation;
    requires static org.osgi.service.component.annotations;

    provides dev.spindle.reactor.spi.ReactorProvider with dev.spindle.reactor.kqueue.KqueueReactorProvider;
}
