package dev.peregrine.orchestrator;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void ceilingDoublesUpToTheMaximum() {
        assertEquals(Duration.ofMillis(100), backoff.ceiling(0));
        assertEquals(Duration.ofMillis(800), backoff.ceiling(3));
        assertEquals(Duration.ofSeconds(5), backoff.ceiling(10));
        assertEquals(Duration.ofSeconds(5), backoff.ceiling(1000));
    }

    @Test
    void delaysStayWithinTheCeiling() {
        Random random = new Random(7);
        for (int attempt = 0; attempt < 50; attempt++) {
            Duration d = backoff.delay(attempt, random);
            assertTrue(!d.isNegative() && d.compareTo(backoff.ceiling(attempt)) <= 0, d.toString());
        }
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
