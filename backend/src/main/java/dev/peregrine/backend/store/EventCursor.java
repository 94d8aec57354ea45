package dev.peregrine.backend.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Position after the last event of a page. Pages go from newest to oldest by (event time,
 * ingest sequence), a key no later insert can reorder, so paging is stable.
 */
public record EventCursor(Instant time, long seq) {

    public String encode() {
        String raw = time.getEpochSecond() + ":" + time.getNano() + ":" + seq;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    public static EventCursor decode(String text) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
            String[] parts = raw.split(":", -1);
            if (parts.length == 3) {
                return new EventCursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                        Long.parseLong(parts[2]));
            }
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            // fall through: NumberFormatException is an IllegalArgumentException
        }
        throw new IllegalArgumentException("cursor '" + text + "' is not one this server handed out");
    }
}
