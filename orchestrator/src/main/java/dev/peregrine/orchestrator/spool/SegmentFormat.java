package dev.peregrine.orchestrator.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One spool record on disk: {@code [int length][int crc32c][payload]}, big-endian. A torn or
 * corrupt tail (a crash between write and fsync) is recognised by its length or checksum and
 * cut off on recovery; everything before it was fsync'd and acknowledged.
 */
public final class SegmentFormat {
    public static final int HEADER_BYTES = 8;
    /** No single record is larger: agent frames are limited far below this. */
    public static final int MAX_PAYLOAD_BYTES = 64 << 20;

    private SegmentFormat() {
    }

    static ByteBuffer encode(byte[] payload) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        buf.putInt(payload.length).putInt(crc(payload)).put(payload).flip();
        return buf;
    }

    static int crc(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue();
    }

    /** Records read from one segment, and the offset just after the last whole one. */
    public record Chunk(List<byte[]> payloads, long endOffset) {
    }

    /**
     * Reads whole, valid records from {@code offset} up to {@code limit}, stopping after
     * {@code maxBytes} of payload (at least one record is returned when one is there).
     */
    public static Chunk read(Path segment, long offset, long limit, long maxBytes) throws IOException {
        List<byte[]> payloads = new ArrayList<>();
        long pos = offset;
        long taken = 0;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            while (pos + HEADER_BYTES <= limit && (payloads.isEmpty() || taken < maxBytes)) {
                header.clear();
                if (readFully(ch, header, pos) < HEADER_BYTES) {
                    break;
                }
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length < 0 || length > MAX_PAYLOAD_BYTES || pos + HEADER_BYTES + length > limit) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                if (readFully(ch, body, pos + HEADER_BYTES) < length || crc(body.array()) != crc) {
                    break;
                }
                payloads.add(body.array());
                taken += length;
                pos += HEADER_BYTES + length;
            }
        }
        return new Chunk(payloads, pos);
    }

    /** The length of the valid prefix of a segment: where a torn tail starts. */
    static long validLength(Path segment, long size) throws IOException {
        long pos = 0;
        while (true) {
            Chunk chunk = read(segment, pos, size, 8L << 20);
            if (chunk.payloads().isEmpty()) {
                return pos;
            }
            pos = chunk.endOffset();
        }
    }

    private static int readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }
}
