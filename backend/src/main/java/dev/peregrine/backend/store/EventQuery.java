package dev.peregrine.backend.store;

import dev.peregrine.protocol.Priority;
import java.time.Instant;

/**
 * Filters of an events query; null means "any". {@code task} matches the task ARN or the task
 * family, {@code text} is a case-insensitive substring of the alert's JSON (output, fields, workload).
 */
public record EventQuery(
        Instant from,
        Instant to,
        String rule,
        Priority minPriority,
        String cluster,
        String task,
        String container,
        String text,
        EventCursor after,
        int limit) {

    public static final int MAX_LIMIT = 1000;

    public static EventQuery all() {
        return new EventQuery(null, null, null, null, null, null, null, null, null, 100);
    }

    public EventQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    public EventQuery withAfter(EventCursor cursor) {
        return new EventQuery(from, to, rule, minPriority, cluster, task, container, text, cursor, limit);
    }
}
