/**
 * The itests' third-party backend as a named module: the same two classes the OSGi tests build
 * into a bundle (src/test/java/dev/spindle/itests/backend), registered for JPMS the way the README
 * tells a backend author to. The OSGi annotation and JSpecify are compile-time only.
 */
module dev.spindle.itests.backend {
    requires dev.spindle.reactor;
    requires static org.jspecify;
    requires static org.osgi.service.component.annotations;

    provides dev.spindle.reactor.spi.ReactorProvider with dev.spindle.itests.backend.TestReactorProvider;
}
