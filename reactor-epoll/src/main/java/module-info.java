/**
 * Spindle's Linux reactor backend: {@code epoll}, {@code eventfd} and raw sockets reached through
 * the Foreign Function &amp; Memory API. Exports nothing; found through
 * {@link dev.spindle.reactor.spi.ReactorProvider}.
 *
 * <p>The backend needs native access: {@code --enable-native-access=dev.spindle.reactor.epoll} on
 * the module path. Without it the provider reports itself unavailable and says so.
 *
 * <p>This descriptor and {@code EpollReactorProvider} are compiled for Java 17, the rest for 22:
 * on Java 17 the module still resolves and its provider explains that it needs Java 22.
 */
module dev.spindle.reactor.epoll {
    requires dev.spindle.reactor;
    requires static org.jspecify;
    requires static osgi.annotation;
    requires static org.osgi.service.component.annotations;

    provides dev.spindle.reactor.spi.ReactorProvider with dev.spindle.reactor.epoll.EpollReactorProvider;
}
