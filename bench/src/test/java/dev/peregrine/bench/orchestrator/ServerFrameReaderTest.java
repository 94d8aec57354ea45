package dev.peregrine.bench.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerFrameReaderTest {
    /** An unmasked server frame. */
    private static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xFF);
        } else {
            out.write(127);
            out.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void messagesSplitAnywhereAreReassembledAndLargeOnesKeepOnlyTheirStart() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(frame(true, ClientFrames.OP_TEXT, text("{\"type\":\"ack\",\"seq\":7}")));
        String welcome = "{\"type\":\"welcome\",\"bundle\":\"" + "x".repeat(100_000) + "\"}";
        stream.writeBytes(frame(true, ClientFrames.OP_TEXT, text(welcome)));
        stream.writeBytes(frame(false, ClientFrames.OP_TEXT, text("{\"type\":\"heart")));
        stream.writeBytes(frame(true, ClientFrames.OP_CONTINUATION, text("beat\"}")));
        stream.writeBytes(frame(true, ClientFrames.OP_PING, new byte[0]));
        stream.writeBytes(frame(true, ClientFrames.OP_CLOSE, new byte[] {0x03, (byte) 0xF0, 'b', 'y', 'e'}));
        byte[] all = stream.toByteArray();
        for (int piece : new int[] {1, 7, 4096, all.length}) {
            List<String> seen = new ArrayList<>();
            ServerFrameReader reader = new ServerFrameReader();
            for (int at = 0; at < all.length; at += piece) {
                reader.read(ByteBuffer.wrap(all, at, Math.min(piece, all.length - at)),
                        (opcode, prefix, length) -> seen.add(opcode + ":" + new String(prefix, 0, length, StandardCharsets.ISO_8859_1)));
            }
            assertEquals(List.of("1:{\"type\":\"ack\",\"seq\":7}", "1:" + welcome.substring(0, ServerFrameReader.PREFIX),
                    "1:{\"type\":\"heartbeat\"}", "9:", "8:\u0003\u00f0bye"), seen, "read in pieces of " + piece);
        }
    }

    @Test
    void aMaskedServerFrameIsAnError() {
        byte[] masked = {(byte) 0x81, (byte) 0x81, 0, 0, 0, 0, 'x'};
        assertThrows(IllegalStateException.class, () -> new ServerFrameReader().read(ByteBuffer.wrap(masked), (o, p, l) -> { }));
    }

    @Test
    void clientFramesAreMaskedWithTheRightLength() {
        for (int size : new int[] {0, 125, 126, 65_535, 65_536}) {
            ByteBuffer b = ByteBuffer.allocate(size + ClientFrames.MAX_HEADER);
            ClientFrames.put(b, ClientFrames.OP_TEXT, new byte[size], size);
            b.flip();
            assertEquals(0x81, b.get() & 0xFF);
            int len7 = b.get() & 0xFF;
            assertEquals(0x80, len7 & 0x80, "mask bit");
            long length = (len7 & 0x7F) == 126 ? b.getShort() & 0xFFFF : (len7 & 0x7F) == 127 ? b.getLong() : len7 & 0x7F;
            assertEquals(size, length);
            b.getInt();
            assertEquals(size, b.remaining());
        }
    }
}
