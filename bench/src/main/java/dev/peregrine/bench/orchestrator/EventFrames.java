package dev.peregrine.bench.orchestrator;

import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.AlertId;
import dev.peregrine.protocol.ProtocolJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code events} frames of the benchmark's agents, built from an alert serialised once with
 * the id and time left open: each alert gets a fresh time-ordered id ({@link AlertId}, as the
 * agent makes them) and the send time, which the backend's {@code received_at} is measured
 * against. Used by the selector thread only.
 */
final class EventFrames {
    private static final byte[] HEAD = "{\"type\":\"events\",\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ALERTS = ",\"alerts\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "]}".getBytes(StandardCharsets.US_ASCII);
    private final byte[] beforeId;
    private final byte[] betweenIdAndTime;
    private final byte[] afterTime;
    private byte[] payload = new byte[64 * 1024];
    private int length;

    EventFrames() {
        String alert = ProtocolJson.write(new Alert("@ID@", "@TIME@", "Bench rule", "Warning", "bench event",
                Map.of("proc.name", "bench"), "syscall", List.of("bench"), "bench-host", "bench", List.of("notify"), null));
        int id = alert.indexOf("@ID@");
        int time = alert.indexOf("@TIME@");
        if (id < 0 || time < id) {
            throw new IllegalStateException("unexpected alert JSON: " + alert);
        }
        beforeId = alert.substring(0, id).getBytes(StandardCharsets.UTF_8);
        betweenIdAndTime = alert.substring(id + 4, time).getBytes(StandardCharsets.UTF_8);
        afterTime = alert.substring(time + 6).getBytes(StandardCharsets.UTF_8);
    }

    /** The masked frame of one batch in {@code out} (cleared first), ready to write. */
    ByteBuffer events(long seq, int batch, Instant time, ByteBuffer out) {
        byte[] t = time.toString().getBytes(StandardCharsets.US_ASCII);
        length = 0;
        append(HEAD);
        append(Long.toString(seq).getBytes(StandardCharsets.US_ASCII));
        append(ALERTS);
        for (int i = 0; i < batch; i++) {
            if (i > 0) {
                append(new byte[] {','});
            }
            append(beforeId);
            append(AlertId.next().getBytes(StandardCharsets.US_ASCII));
            append(betweenIdAndTime);
            append(t);
            append(afterTime);
        }
        append(TAIL);
        out.clear();
        ClientFrames.put(out, ClientFrames.OP_TEXT, payload, length);
        return out.flip();
    }

    /** The payload of the last frame, as text (for tests). */
    String lastPayload() {
        return new String(payload, 0, length, StandardCharsets.UTF_8);
    }

    private void append(byte[] b) {
        if (length + b.length > payload.length) {
            payload = Arrays.copyOf(payload, Math.max(payload.length * 2, length + b.length));
        }
        System.arraycopy(b, 0, payload, length, b.length);
        length += b.length;
    }
}
