package dev.spindle.mqtt.internal.packet;

/** Range checks shared by the packet records. */
final class Packets {
    private Packets() {
    }

    static void checkPacketId(int packetId) {
        if (packetId < 1 || packetId > 65535) {
            throw new IllegalArgumentException("packetId must be in 1..65535, found: " + packetId);
        }
    }

    static void checkByte(String what, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException(what + " must be in 0..255, found: " + value);
        }
    }
}
