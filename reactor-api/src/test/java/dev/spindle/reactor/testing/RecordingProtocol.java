package dev.spindle.reactor.testing;

import dev.spindle.reactor.Protocol;
import dev.spindle.reactor.Transport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** A protocol that records its callbacks as strings, for assertions on order. */
final class RecordingProtocol implements Protocol {
    final List<String> events = new ArrayList<>();
    final List<@Nullable Throwable> lostCauses = new ArrayList<>();
    @Nullable Transport transport;
    boolean keepOpenOnEof;
    @Nullable Consumer<String> onData;
    @Nullable RuntimeException throwOnData;

    @Override
    public void connectionMade(Transport transport) {
        this.transport = transport;
        events.add("made");
    }

    @Override
    public void dataReceived(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        String s = new String(b, StandardCharsets.ISO_8859_1);
        events.add("data:" + s);
        if (throwOnData != null) {
            throw throwOnData;
        }
        if (onData != null) {
            onData.accept(s);
        }
    }

    @Override
    public boolean eofReceived() {
        events.add("eof");
        return keepOpenOnEof;
    }

    @Override
    public void writabilityChanged(boolean writable) {
        events.add("writable:" + writable);
    }

    @Override
    public void connectionLost(@Nullable Throwable cause) {
        events.add("lost:" + (cause == null ? "null" : cause.getClass().getSimpleName()));
        lostCauses.add(cause);
    }

    /** All data received, concatenated. */
    String received() {
        StringBuilder sb = new StringBuilder();
        for (String e : events) {
            if (e.startsWith("data:")) {
                sb.append(e, 5, e.length());
            }
        }
        return sb.toString();
    }

    long count(String prefix) {
        return events.stream().filter(e -> e.startsWith(prefix)).count();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
