package dev.spindle.mqtt;

import org.jspecify.annotations.Nullable;

/** The server sent an MQTT 5 DISCONNECT and closed the connection. */
public final class MqttServerDisconnectException extends MqttException {
    private static final long serialVersionUID = 1L;
    private final int reasonCode;
    private final @Nullable String reasonString;
    private final @Nullable String serverReference;

    /**
     * @param reasonCode      the DISCONNECT reason code
     * @param reasonString    the server's reason string, or null
     * @param serverReference another server to use (reason 0x9C/0x9D), or null
     */
    public MqttServerDisconnectException(int reasonCode, @Nullable String reasonString,
            @Nullable String serverReference) {
        super("the server disconnected: " + ReasonCodes.describe(reasonCode)
                + (reasonString != null ? " (" + reasonString + ")" : "")
                + (serverReference != null ? ", use server " + serverReference : ""));
        this.reasonCode = reasonCode;
        this.reasonString = reasonString;
        this.serverReference = serverReference;
    }

    /** The DISCONNECT reason code. */
    public int reasonCode() {
        return reasonCode;
    }

    /** The server's reason string, or null. */
    public @Nullable String reasonString() {
        return reasonString;
    }

    /** The server reference property, or null. */
    public @Nullable String serverReference() {
        return serverReference;
    }
}
