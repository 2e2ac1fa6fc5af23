package dev.spindle.reactor.epoll;

import dev.spindle.reactor.ProcessProtocol;
import dev.spindle.reactor.ProcessStream;
import dev.spindle.reactor.ProcessSpec;
import dev.spindle.reactor.ProcessTransport;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link SafepointTest}: every thread of the epoll backend that can block in the
 * kernel (both loops' waits, {@code epoll_pwait2} and {@code epoll_wait}, and the process reaper's
 * {@code epoll_wait}) is blocked, then the JVM runs garbage collections, which need every Java
 * thread at a safepoint. A blocking call linked as a critical downcall would hold the safepoint
 * forever and this JVM would never print {@code GC OK}.
 */
public final class SafepointMain {
    private SafepointMain() {
    }

    public static void main(String[] args) throws Exception {
        ReactorConfig config = ReactorConfig.builder().threadName("safepoint-loop").build();
        Reactor nanos = EpollTesting.newReactor(config);
        Reactor millis = new EpollReactor(config, LinuxLayout.current(), false);
        nanos.start();
        millis.start();
        CompletableFuture<ProcessTransport> started = new CompletableFuture<>();
        nanos.execute(() -> nanos.spawnProcess(ProcessSpec.of("sleep", "60"), new ProcessProtocol() {
            @Override
            public void processStarted(ProcessTransport transport) {
                started.complete(transport);
            }

            @Override
            public void outputReceived(ProcessStream stream, ByteBuffer data) {
                // sleep writes nothing
            }
        }));
        ProcessTransport child = started.get(30, TimeUnit.SECONDS);
        Thread.sleep(200); // let the loops and the reaper block in the kernel
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        System.out.println("GC OK");
        nanos.execute(child::kill);
        nanos.terminate();
        millis.terminate();
        System.out.println("DONE");
    }
}
