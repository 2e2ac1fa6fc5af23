package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.ClientEndpoint;
import dev.spindle.reactor.ClientService;
import dev.spindle.reactor.ExponentialBackoff;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.RecordingProtocol;
import dev.spindle.reactor.quick.Reactors;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the reconnecting-client example written for the README (issue 3, client service) against
 * a real reactor and the README's echo server. When the example is pasted into README.md, move
 * {@code Greeter} and {@code GreeterClient} with this test into {@link ReadmeExampleTest}, whose
 * check wants every README code block in its own source.
 */
@Timeout(30)
class ClientServiceReadmeExampleTest {
    @Test
    void greeterConnectsSaysHelloAndStops() throws Exception {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(received, true, StandardCharsets.UTF_8);
        Reactor reactor = Reactors.create();
        CompletableFuture<ClientService<Greeter>> started = new CompletableFuture<>();
        reactor.callWhenRunning(() -> {
            // An echo server (the README's EchoServer lives in ReadmeExampleTest's file).
            ListeningPort port = reactor.listenTcp(new InetSocketAddress("127.0.0.1", 0),
                    remote -> new RecordingProtocol.Echo());
            started.complete(GreeterClient.start(reactor, port.port(), out));
        });
        reactor.start();
        try {
            ClientService<Greeter> service = started.get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!received.toString(StandardCharsets.UTF_8).endsWith("hello\n") && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            service.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(ClientService.State.STOPPED, service.state());
            assertEquals("connected\nhello\n", received.toString(StandardCharsets.UTF_8));
        } finally {
            reactor.stop();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reactor.state() != ReactorState.STOPPED && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
        assertTrue(reactor.state() == ReactorState.STOPPED, "reactor stopped: " + reactor.state());
    }
}

// ---- The README example (imports above). ----

/** Says hello on every connection it gets and prints what comes back. */
final class Greeter implements Protocol {
    private final PrintStream out;

    Greeter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void connectionMade(Transport transport) {
        transport.write("hello\n".getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        out.print(StandardCharsets.UTF_8.decode(data));
    }
}

final class GreeterClient {
    static ClientService<Greeter> start(Reactor reactor, int port, PrintStream out) {
        ClientService<Greeter> service = ClientService
                .builder(reactor, ClientEndpoint.tcp(reactor, "127.0.0.1", port), remote -> new Greeter(out))
                .retryPolicy(ExponentialBackoff.builder()
                        .initialDelay(Duration.ofMillis(100))   // 1st retry after a random 0..100 ms
                        .maxDelay(Duration.ofSeconds(10))       // n-th: 0..min(10 s, 100 ms × 2^(n-1))
                        .build())
                .build();
        service.start();                                        // connects now, again after each loss
        service.whenConnected().thenAccept(greeter -> out.println("connected"));
        return service;
    }

    public static void main(String[] args) {
        Reactor reactor = Reactors.create();
        reactor.callWhenRunning(() -> start(reactor, 7000, System.out));
        reactor.run(); // reactor.stop() stops the service first: its connection closes cleanly
    }
}
