package dev.peregrine.bench.orchestrator;

import java.nio.ByteBuffer;

/**
 * Reads the orchestrator's (unmasked) WebSocket frames from a byte stream that arrives in
 * arbitrary pieces, keeping only the first {@link #PREFIX} bytes of each message: enough for
 * its {@code type}, an ack's {@code seq} or a close reason, while a large {@code welcome}
 * (the whole bundle) is skipped rather than buffered.
 */
final class ServerFrameReader {
    static final int PREFIX = 256;

    /** What a complete message was: its opcode (text, close, ping, pong) and its first bytes. */
    interface Handler {
        void message(int opcode, byte[] prefix, int length);
    }

    private final byte[] header = new byte[10];
    private int headerLength;
    private boolean inPayload;
    private long payloadLeft;
    private boolean fin;
    /** The opcode of the message being read; a continuation frame keeps the first frame's. */
    private int messageOpcode;
    private final byte[] prefix = new byte[PREFIX];
    private int prefixLength;

    /** Consumes everything in {@code in}, calling {@code handler} once per complete message. */
    void read(ByteBuffer in, Handler handler) {
        while (in.hasRemaining()) {
            if (!inPayload) {
                header[headerLength++] = in.get();
                if (headerLength < 2) {
                    continue;
                }
                if ((header[1] & 0x80) != 0) {
                    throw new IllegalStateException("the server sent a masked frame (RFC 6455 forbids it)");
                }
                int len7 = header[1] & 0x7F;
                int needed = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0);
                if (headerLength < needed) {
                    continue;
                }
                payloadLeft = len7 == 126 ? ((header[2] & 0xFF) << 8 | (header[3] & 0xFF))
                        : len7 == 127 ? ByteBuffer.wrap(header, 2, 8).getLong() : len7;
                fin = (header[0] & 0x80) != 0;
                int opcode = header[0] & 0x0F;
                if (opcode != ClientFrames.OP_CONTINUATION) {
                    messageOpcode = opcode;
                    prefixLength = 0;
                }
                headerLength = 0;
                inPayload = true;
            } else {
                int n = (int) Math.min(in.remaining(), payloadLeft);
                int keep = Math.min(n, PREFIX - prefixLength);
                in.get(prefix, prefixLength, keep);
                prefixLength += keep;
                in.position(in.position() + n - keep);
                payloadLeft -= n;
            }
            if (inPayload && payloadLeft == 0) {
                inPayload = false;
                if (fin) {
                    handler.message(messageOpcode, prefix, prefixLength);
                }
            }
        }
    }
}
