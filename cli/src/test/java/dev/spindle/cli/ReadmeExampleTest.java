package dev.spindle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spindle.reactor.DatagramProtocol;
import dev.spindle.reactor.DatagramRefusedException;
import dev.spindle.reactor.DatagramTransport;
import dev.spindle.reactor.ListeningPort;
import dev.spindle.reactor.LoopingCall;
import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Reactor;
import dev.spindle.reactor.ReactorException;
import dev.spindle.reactor.ReactorState;
import dev.spindle.reactor.Transport;
import dev.spindle.reactor.UdpOptions;
import dev.spindle.reactor.quick.Reactors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the Java examples of the root {@code README.md} against a real reactor, and checks that
 * the README still shows exactly the code below, so that neither can drift from the other.
 */
@Timeout(30)
class ReadmeExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path THIS_SOURCE = Path.of("src/test/java/dev/spindle/cli/ReadmeExampleTest.java");
    /** Tests that run README examples of their own; a README block may come from any of them. */
    private static final List<Path> OTHER_SOURCES = List.of(
            Path.of("src/test/java/dev/spindle/cli/ReadmeProcessExampleTest.java"),
            Path.of("src/test/java/dev/spindle/cli/ClientServiceReadmeExampleTest.java"),
            Path.of("../mqtt-client/src/test/java/dev/spindle/mqtt/MqttReadmeExampleTest.java"));

    @Test
    void echoServerEchoesTheTickerClientsLinesAndEverythingStops() {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(received, true, StandardCharsets.UTF_8);
        Reactor reactor = Reactors.create();
        reactor.callWhenRunning(() -> {
            ListeningPort port = EchoServer.listen(reactor, 0);
            TickerClient.connect(reactor, port.port(), out);
        });
        reactor.run(); // the Ticker stops the reactor when its connection is closed

        assertEquals("tick 1\ntick 2\ntick 3\n", received.toString(StandardCharsets.UTF_8));
        assertEquals(ReactorState.STOPPED, reactor.state());
    }

    @Test
    void udpPingGetsItsEchoAndStopsTheReactor() {
        String printed = printedByUdpPing(reactor -> {
            DatagramTransport server = UdpEchoServer.listen(reactor, 0);
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
        });
        assertEquals("ping\n", printed);
    }

    @Test
    void udpPingToAPortNobodyListensOnIsToldSo() throws IOException {
        InetSocketAddress closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            closed = new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
        InetSocketAddress target = closed;
        // An ICMP port-unreachable answer arrives as a DatagramRefusedException.
        assertEquals("nobody listens on " + closed + "\n", printedByUdpPing(reactor -> target));
    }

    /** Runs a UdpPing against the server {@code setup} names (on the loop) until it stops the reactor. */
    private static String printedByUdpPing(Function<Reactor, InetSocketAddress> setup) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Reactor reactor = Reactors.create();
        reactor.callWhenRunning(() -> reactor.listenUdp(new InetSocketAddress("127.0.0.1", 0),
                new UdpPing(setup.apply(reactor), out)));
        reactor.run();
        assertEquals(ReactorState.STOPPED, reactor.state());
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void readmeShowsExactlyTheCodeThatThisTestRuns() throws IOException {
        List<List<String>> blocks = javaBlocks(Files.readAllLines(README, StandardCharsets.UTF_8));
        assertFalse(blocks.isEmpty(), "no ```java block in " + README.toAbsolutePath());
        List<List<String>> sources = new ArrayList<>();
        sources.add(normalize(Files.readAllLines(THIS_SOURCE, StandardCharsets.UTF_8)));
        for (Path other : OTHER_SOURCES) {
            sources.add(normalize(Files.readAllLines(other, StandardCharsets.UTF_8)));
        }
        for (List<String> block : blocks) {
            List<String> code = normalize(block);
            assertTrue(sources.stream().anyMatch(source -> Collections.indexOfSubList(source, code) >= 0),
                    () -> "README.md shows Java code that " + THIS_SOURCE + " does not contain; copy one to the other:\n"
                            + String.join("\n", code));
        }
    }

    private static List<List<String>> javaBlocks(List<String> lines) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : lines) {
            if (current == null && line.strip().equals("```java")) {
                current = new ArrayList<>();
            } else if (current != null && line.strip().equals("```")) {
                blocks.add(current);
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        return blocks;
    }

    /** Lines stripped of indentation, blank lines dropped: nesting may differ, code may not. */
    private static List<String> normalize(List<String> lines) {
        return lines.stream().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toList());
    }
}

// ---- The README's examples, verbatim (imports above). ----

/** Writes every byte back, and stops reading while the peer is slow to take the echo. */
final class Echo implements Protocol {
    private Transport transport;

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        transport.write(data); // consumes the buffer, which is only valid during this call
    }

    @Override
    public void writabilityChanged(boolean writable) {
        if (writable) {
            transport.resumeReading();
        } else {
            transport.pauseReading();
        }
    }
}

final class EchoServer {
    static ListeningPort listen(Reactor reactor, int port) {
        return reactor.listenTcp(new InetSocketAddress("127.0.0.1", port), remote -> new Echo());
    }

    public static void main(String[] args) {
        Reactor reactor = Reactors.create();                   // the best backend available
        reactor.callWhenRunning(() -> listen(reactor, 7000));  // runs on the reactor thread
        reactor.run();                                         // loops until reactor.stop()
    }
}

/** Sends "tick N" now and every second, three times, then half-closes; prints the echo. */
final class Ticker implements Protocol {
    private final PrintStream out;
    private final Runnable whenClosed;
    private LoopingCall beat;
    private int sent;

    Ticker(PrintStream out, Runnable whenClosed) {
        this.out = out;
        this.whenClosed = whenClosed;
    }

    @Override
    public void connectionMade(Transport transport) {
        beat = LoopingCall.of(transport.reactor(), () -> {
            transport.write(("tick " + ++sent + "\n").getBytes(StandardCharsets.UTF_8));
            if (sent == 3) {
                beat.stop();
                transport.shutdownOutput(); // the server reads end of stream, echoes, closes
            }
        });
        beat.start(Duration.ofSeconds(1), true);
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        out.print(StandardCharsets.UTF_8.decode(data));
    }

    @Override
    public void connectionLost(Throwable cause) {
        whenClosed.run();
    }
}

final class TickerClient {
    static void connect(Reactor reactor, int port, PrintStream out) {
        reactor.connectTcp("127.0.0.1", port, new Ticker(out, reactor::stop))
                .result()
                .exceptionally(failure -> {
                    System.err.println("cannot connect: " + failure);
                    reactor.stop();
                    return null;
                });
    }

    public static void main(String[] args) {
        Reactor reactor = Reactors.create();
        reactor.callWhenRunning(() -> connect(reactor, 7000, System.out));
        reactor.run();
    }
}

/** Sends every datagram back to where it came from. */
final class UdpEcho implements DatagramProtocol {
    private DatagramTransport transport;

    @Override
    public void started(DatagramTransport transport) {
        this.transport = transport;
    }

    @Override
    public void datagramReceived(ByteBuffer data, SocketAddress sender) {
        transport.send(data, sender); // false if dropped: the send queue was full
    }

    @Override
    public void errorReceived(ReactorException error) {
        System.err.println("udp echo: " + error.getMessage()); // e.g. a datagram over maxPacketSize
    }
}

final class UdpEchoServer {
    static DatagramTransport listen(Reactor reactor, int port) {
        UdpOptions options = UdpOptions.builder().maxPacketSize(1472).build(); // one Ethernet frame
        return reactor.listenUdp(new InetSocketAddress("127.0.0.1", port), new UdpEcho(), options);
    }

    public static void main(String[] args) {
        Reactor reactor = Reactors.create();
        reactor.callWhenRunning(() -> listen(reactor, 7000));
        reactor.run();
    }
}

/** Sends "ping" to a server, prints the answer (or that nobody listens), then stops the reactor. */
final class UdpPing implements DatagramProtocol {
    private final InetSocketAddress server;
    private final PrintStream out;
    private DatagramTransport transport;

    UdpPing(InetSocketAddress server, PrintStream out) {
        this.server = server;
        this.out = out;
    }

    @Override
    public void started(DatagramTransport transport) {
        this.transport = transport;
        transport.connect(server); // only the server's datagrams arrive; ICMP errors are reported
        transport.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void datagramReceived(ByteBuffer data, SocketAddress sender) {
        out.println(StandardCharsets.UTF_8.decode(data));
        transport.close();
    }

    @Override
    public void errorReceived(ReactorException error) {
        if (error instanceof DatagramRefusedException) {
            out.println("nobody listens on " + server);
            transport.close();
        }
    }

    @Override
    public void stopped(Throwable cause) {
        transport.reactor().stop();
    }
}
