package dev.peregrine.backend.http;

import dev.peregrine.backend.store.EventCursor;
import dev.peregrine.backend.store.EventQuery;
import dev.peregrine.backend.store.EventStore;
import dev.peregrine.backend.store.EventStore.Incoming;
import dev.peregrine.protocol.AlertScanner;
import dev.peregrine.protocol.Priority;
import dev.peregrine.protocol.ProtocolException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code /api/v1/events}: batch ingest (idempotent on id) and queries with filters and cursors. */
final class EventRoutes {
    static final int MAX_ID_LENGTH = 100;
    /** One alert's JSON; Falco alerts are a few KiB, this leaves room for long command lines. */
    static final int MAX_ALERT_BYTES = 256 * 1024;

    private final EventStore store;
    private final Clock clock;
    private final long maxBodyBytes;
    private final Counter accepted;
    private final Counter duplicates;

    EventRoutes(EventStore store, Clock clock, long maxBodyBytes, MeterRegistry metrics) {
        this.store = store;
        this.clock = clock;
        this.maxBodyBytes = maxBodyBytes;
        this.accepted = Counter.builder("peregrine.events.accepted").description("alerts stored").register(metrics);
        this.duplicates = Counter.builder("peregrine.events.duplicates").description("alerts dropped as already stored").register(metrics);
    }

    void register(RoutesConfig r) {
        r.post("/api/v1/events", this::ingest, Role.ORCHESTRATOR);
        r.get("/api/v1/events", this::query, Role.ADMIN);
        r.get("/api/v1/events/counts", this::counts, Role.ADMIN);
    }

    private void ingest(Context ctx) {
        Bodies.requireJson(ctx);
        byte[] body = Bodies.read(ctx, maxBodyBytes);
        // one streaming pass: the store needs the indexed fields and each alert's JSON as sent, not records
        List<AlertScanner.ScannedAlert> alerts;
        try {
            alerts = AlertScanner.readArray(body);
        } catch (ProtocolException e) {
            throw ApiException.badRequest(e.field(), e.getMessage().replaceFirst("^field '[^']*': ", ""));
        }
        List<Incoming> batch = new ArrayList<>(alerts.size());
        for (int i = 0; i < alerts.size(); i++) {
            AlertScanner.ScannedAlert a = alerts.get(i);
            if (a.id().length() > MAX_ID_LENGTH) {
                throw ApiException.badRequest("[" + i + "].id", "must be at most " + MAX_ID_LENGTH + " characters");
            }
            if (a.end() - a.start() > MAX_ALERT_BYTES) {
                throw ApiException.badRequest("[" + i + "]", "one alert may be at most " + MAX_ALERT_BYTES + " bytes of JSON");
            }
            checkLength(i, "rule", a.rule(), 500);
            checkLength(i, "workload.cluster", a.cluster(), 255);
            checkLength(i, "workload.task_arn", a.taskArn(), 500);
            checkLength(i, "workload.task_family", a.taskFamily(), 255);
            checkLength(i, "workload.container_name", a.containerName(), 255);
            Instant time = parseTime(a.time(), "[" + i + "].time");
            Priority priority;
            try {
                priority = Priority.parse(a.priority());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("[" + i + "].priority", e.getMessage());
            }
            batch.add(new Incoming(a.id(), EventStore.storedPrecision(time), a.rule(), priority, a.cluster(), a.taskArn(),
                    a.taskFamily(), a.containerName(), new String(body, a.start(), a.end() - a.start(), StandardCharsets.UTF_8)));
        }
        EventStore.IngestResult result = store.ingest(batch, clock.instant());
        accepted.increment(result.accepted());
        duplicates.increment(result.duplicates());
        ctx.json(Map.of("accepted", result.accepted(), "duplicates", result.duplicates()));
    }

    /** The columns a query filters on have a size; the error says which field is too long. */
    private static void checkLength(int index, String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw ApiException.badRequest("[" + index + "]." + field, "must be at most " + max + " characters");
        }
    }

    private void query(Context ctx) {
        EventQuery q = filters(ctx, true);
        EventStore.Page page = store.query(q);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", page.events());
        out.put("next_cursor", page.next() == null ? null : page.next().encode());
        ctx.json(out);
    }

    private void counts(Context ctx) {
        String by = ctx.queryParam("by");
        EventStore.CountBy countBy;
        try {
            countBy = EventStore.CountBy.valueOf(by == null ? "" : by.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("by", "expected 'rule' or 'priority', got '" + by + "'");
        }
        List<EventStore.Count> counts = store.counts(filters(ctx, false), countBy);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("by", countBy.name().toLowerCase(Locale.ROOT));
        out.put("counts", counts.stream().map(c -> Map.of("key", c.key(), "count", c.count())).toList());
        out.put("total", counts.stream().mapToLong(EventStore.Count::count).sum());
        ctx.json(out);
    }

    private static EventQuery filters(Context ctx, boolean paged) {
        Instant from = optionalTime(ctx.queryParam("from"), "from");
        Instant to = optionalTime(ctx.queryParam("to"), "to");
        Priority priority = null;
        String p = ctx.queryParam("priority");
        if (p != null) {
            try {
                priority = Priority.parse(p);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("priority", e.getMessage());
            }
        }
        int limit = 100;
        String l = ctx.queryParam("limit");
        if (paged && l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > EventQuery.MAX_LIMIT) {
                throw ApiException.badRequest("limit", "expected 1 to " + EventQuery.MAX_LIMIT + ", got '" + l + "'");
            }
        }
        EventCursor cursor = null;
        String c = ctx.queryParam("cursor");
        if (paged && c != null && !c.isEmpty()) {
            try {
                cursor = EventCursor.decode(c);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("cursor", e.getMessage());
            }
        }
        return new EventQuery(from, to, blankToNull(ctx.queryParam("rule")), priority, blankToNull(ctx.queryParam("cluster")),
                blankToNull(ctx.queryParam("task")), blankToNull(ctx.queryParam("container")),
                blankToNull(ctx.queryParam("text")), cursor, limit);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static Instant optionalTime(String text, String field) {
        return text == null || text.isEmpty() ? null : parseTime(text, field);
    }

    static Instant parseTime(String text, String field) {
        try {
            return Rfc3339.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field, "expected an RFC 3339 time like 2026-01-31T12:00:00.000000000Z, got '" + text + "'");
        }
    }
}
