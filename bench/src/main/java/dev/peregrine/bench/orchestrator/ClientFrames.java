package dev.peregrine.bench.orchestrator;

import java.nio.ByteBuffer;

/**
 * Client-side WebSocket framing (RFC 6455 §5.2) for the benchmark's agents: one final text (or
 * pong) frame around a payload. Client frames must be masked; the key is all zeros, which is a
 * valid key and leaves the payload bytes as they are, so a frame costs one copy. The server
 * still unmasks every frame as it would an agent's, which is the work being measured.
 */
final class ClientFrames {
    static final int OP_CONTINUATION = 0x0, OP_TEXT = 0x1, OP_CLOSE = 0x8, OP_PING = 0x9, OP_PONG = 0xA;
    /** The longest header: 2 bytes, 8 bytes of length, 4 bytes of mask key. */
    static final int MAX_HEADER = 14;

    private ClientFrames() {
    }

    /** Appends one final, masked frame of {@code opcode} carrying {@code payload[0..length)} to {@code out}. */
    static void put(ByteBuffer out, int opcode, byte[] payload, int length) {
        out.put((byte) (0x80 | opcode));
        if (length < 126) {
            out.put((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            out.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            out.put((byte) (0x80 | 127)).putLong(length);
        }
        out.putInt(0); // the masking key
        out.put(payload, 0, length);
    }

    static ByteBuffer text(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(MAX_HEADER + payload.length);
        put(b, OP_TEXT, payload, payload.length);
        return b.flip();
    }
}
