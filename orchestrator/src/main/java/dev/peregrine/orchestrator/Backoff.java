package dev.peregrine.orchestrator;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter, for retries against the backend: many orchestrators
 * retrying after one outage must not all come back in the same second.
 */
public record Backoff(Duration initial, Duration max) {
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    /** Upper bound of the delay before retry number {@code attempt} (0-based). */
    public Duration ceiling(int attempt) {
        long initialMs = initial.toMillis();
        int shift = Math.min(Math.max(attempt, 0), 30);
        long ms = initialMs << shift;
        return ms <= 0 || ms > max.toMillis() ? max : Duration.ofMillis(ms);
    }

    /** A random delay in [0, ceiling(attempt)]. */
    public Duration delay(int attempt, RandomGenerator random) {
        return Duration.ofMillis(random.nextLong(ceiling(attempt).toMillis() + 1));
    }
}
