package dev.peregrine.backend.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast reader agrees with {@link OffsetDateTime#parse} on every input: same instant, or the same refusal. */
class Rfc3339Test {

    @Test
    void theCommonShapesAreReadWithoutTheFormatterAndAgreeWithIt() {
        for (String text : List.of("2026-11-28T21:00:00Z", "2026-11-28T21:00:00.1Z", "2026-11-28T21:00:00.123456789Z",
                "2024-02-29T23:59:59.999999999+01:00", "1970-01-01T00:00:00-00:00", "2026-01-31T12:00:00.000000000-08:30",
                "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.5+18:00")) {
            Instant fast = Rfc3339.fast(text);
            assertNotNull(fast, text);
            assertEquals(OffsetDateTime.parse(text).toInstant(), fast, text);
        }
    }

    @Test
    void randomTimesAgreeWithTheFormatter() {
        Random random = new Random(42);
        for (int i = 0; i < 10_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 4_000_000_000L), random.nextInt(1_000_000_000));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds(random.nextInt(-18 * 60, 18 * 60 + 1) * 60);
            String text = OffsetDateTime.ofInstant(t, offset).toString();
            assertEquals(OffsetDateTime.parse(text).toInstant(), Rfc3339.parse(text), text);
        }
    }

    @Test
    void everythingElseGetsTheFormattersAnswer() {
        for (String text : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T21:60:00Z",
                "2026-11-28T21:00:60Z", "2026-11-28T21:00:00.Z", "2026-11-28T21:00:00.1234567890Z", "2026-11-28T21:00:00",
                "2026-11-28 21:00:00Z", "noon", "2026-11-28T21:00:00+19:00", "2026-11-28T21:00:00+0100", "2026-11-28T21:00:0xZ",
                "+2026-11-28T21:00:00Z")) {
            Instant viaFormatter;
            try {
                viaFormatter = OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                assertThrows(DateTimeParseException.class, () -> Rfc3339.parse(text), text);
                continue;
            }
            assertEquals(viaFormatter, Rfc3339.parse(text), text);
        }
        // lower-case separators and a seconds offset are the formatter's to read
        for (String text : List.of("2026-11-28t21:00:00z", "2026-11-28T21:00:00+01:00:30")) {
            assertEquals(OffsetDateTime.parse(text).toInstant(), Rfc3339.parse(text), text);
        }
    }
}
