package dev.spindle.reactor.epoll;

import dev.spindle.reactor.ListenOptions;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorConfig;
import dev.spindle.reactor.Transport;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The child process of {@link EmfileTest}, started under a low {@code ulimit -n}: an epoll echo
 * server that runs out of descriptors. Prints {@code PORT n}, then answers {@code stats} with
 * {@code STATS accepted=A open=O failures=F pauses=P state=S} and ends on {@code exit}.
 *
 * <p>Before the limit can bite it loads every class of the directories on its class path and opens
 * every jar: a JVM out of descriptors cannot open a class file, and a class missing then would be
 * the test's failure, not the backend's.
 */
public final class EmfileMain {
    private EmfileMain() {
    }

    public static void main(String[] args) throws Exception {
        preload();
        Reactor r = EpollTesting.newReactor(ReactorConfig.builder().threadName("emfile-loop").build());
        r.start();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger open = new AtomicInteger();
        CompletableFuture<EpollListeningPort> port = new CompletableFuture<>();
        r.execute(() -> {
            try {
                ListeningPort lp = r.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), remote -> {
                    accepted.incrementAndGet();
                    return new Echo(open);
                }, ListenOptions.builder().backlog(512).build());
                port.complete((EpollListeningPort) lp);
            } catch (RuntimeException e) {
                port.completeExceptionally(e);
            }
        });
        EpollListeningPort lp = port.get(30, TimeUnit.SECONDS);
        System.out.println("PORT " + lp.port());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("stats")) {
                CompletableFuture<String> stats = new CompletableFuture<>();
                r.execute(() -> stats.complete("STATS accepted=" + accepted.get() + " open=" + open.get() + " failures="
                        + lp.acceptFailures() + " pauses=" + lp.pauses() + " state=" + r.state()));
                System.out.println(stats.get(30, TimeUnit.SECONDS));
            } else if (line.equals("exit")) {
                break;
            }
        }
        r.terminate();
        System.out.println("BYE " + r.state());
    }

    private static void preload() throws IOException {
        ClassLoader loader = EmfileMain.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path root = Path.of(entry);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = root.relativize(f).toString();
                    if (!name.endsWith(".class") || name.equals("module-info.class")) {
                        continue;
                    }
                    try {
                        Class.forName(name.substring(0, name.length() - 6).replace(File.separatorChar, '.'), false, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        // A test class whose dependencies are absent here: not needed by this process.
                    }
                }
            }
        }
        // A miss makes the class loader open every jar on the path; they then stay open.
        loader.getResource("no/such/resource/anywhere");
        // Classes the failure path needs that nothing above loaded: the logger's.
        org.slf4j.LoggerFactory.getLogger(EmfileMain.class).info("preloaded");
    }

    /** Echoes; counts open connections. */
    private static final class Echo implements Protocol {
        private final AtomicInteger open;
        private Transport transport;

        Echo(AtomicInteger open) {
            this.open = open;
        }

        @Override
        public void connectionMade(Transport t) {
            transport = t;
            open.incrementAndGet();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            transport.write(data);
        }

        @Override
        public void connectionLost(Throwable cause) {
            open.decrementAndGet();
        }
    }
}
