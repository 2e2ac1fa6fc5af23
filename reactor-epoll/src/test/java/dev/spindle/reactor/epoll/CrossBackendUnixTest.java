package dev.spindle.reactor.epoll;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spindle.reactor.Transport;
import dev.spindle.reactor.contract.ReactorHarness;
import dev.spindle.reactor.contract.RecordingProtocol;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * UNIX-domain stream sockets with the two ends on different backends, both ways, over a socket
 * file (the select backend cannot bind abstract names): echo with the addresses each side
 * reports, half-close with a reply after the end of stream, back-pressure, and the socket file
 * gone once the listener closes.
 */
@Timeout(60)
class CrossBackendUnixTest extends CrossBackendSupport {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void echoWithUnixAddressesThenCleanClose(Pairing p) {
        Ends e = ends(p);
        Path path = dir.resolve("echo.sock");
        Server server = listen(e, path, RecordingProtocol.Echo::new);
        RecordingProtocol client = new RecordingProtocol();
        Transport t = connect(e, path, client);
        RecordingProtocol accepted = server.next();
        UnixDomainSocketAddress bound = UnixDomainSocketAddress.of(path);
        UnixDomainSocketAddress unnamed = UnixDomainSocketAddress.of("");
        assertEquals(bound, e.server.call(server.listeningPort()::localAddress));
        assertEquals(List.of(bound, unnamed), e.client.call(() -> List.of(t.remoteAddress(), t.localAddress())));
        assertEquals(List.of(bound, unnamed), e.server.call(() -> List.of(accepted.transport().localAddress(),
                accepted.transport().remoteAddress())));

        e.client.run(() -> t.write("hello over a socket file".getBytes(UTF_8)));
        ReactorHarness.await("the echo", () -> client.receivedBytes() == 24);
        assertEquals("hello over a socket file", client.receivedText());
        e.client.run(t::close);
        assertNull(ReactorHarness.await(client.lost()));
        assertNull(ReactorHarness.await(accepted.lost()));
        assertEquals(List.of("made", "data", "lost"), client.events());
        assertEquals(List.of("made", "data", "eof", "lost"), accepted.events());

        e.server.run(server.listeningPort()::close);
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the socket file is removed on close");
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void halfCloseLetsTheServerReplyAfterEof(Pairing p) {
        Ends e = ends(p);
        Path path = dir.resolve("half.sock");
        assertHalfCloseLetsTheServerReply(e, protocols -> listen(e, path, protocols), (server, client) -> connect(e, path, client));
    }

    @ParameterizedTest
    @EnumSource(Pairing.class)
    void backPressureUntilTheReceiverResumesThenEveryByteIntact(Pairing p) {
        Ends e = ends(p);
        Path path = dir.resolve("flow.sock");
        assertBackPressureUntilTheReceiverResumes(e, protocols -> listen(e, path, protocols), (server, client) -> connect(e, path, client));
    }

    private static Server listen(Ends e, Path path, Supplier<? extends RecordingProtocol> protocols) {
        return accepting(e.server, f -> e.server.reactor().listenUnix(path, f), protocols);
    }

    private static Transport connect(Ends e, Path path, RecordingProtocol protocol) {
        return ReactorHarness.await(e.client.call(() -> e.client.reactor().connectUnix(path, protocol).result()));
    }
}
