package dev.peregrine.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.backend.store.EventQuery;
import dev.peregrine.backend.store.EventStore;
import dev.peregrine.protocol.ProtocolJson;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prints each alert once, as it appears in the backend's event store (the query behind
 * {@code GET /api/v1/events}, run in process: {@code up} holds no admin token after the first start).
 */
final class AlertWatcher implements AutoCloseable {
    private static final long POLL_MILLIS = 500;

    private final EventStore events;
    private final PrintStream out;
    private final Instant since;
    private final Set<String> seen = new HashSet<>();
    private final AtomicInteger printed = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stop;

    private AlertWatcher(EventStore events, PrintStream out, Instant since) {
        this.events = events;
        this.out = out;
        this.since = since;
        this.thread = Thread.ofPlatform().daemon().name("peregrine-up-alerts").unstarted(this::loop);
    }

    static AlertWatcher start(EventStore events, PrintStream out, Instant since) {
        AlertWatcher w = new AlertWatcher(events, out, since);
        w.thread.start();
        return w;
    }

    int printed() {
        return printed.get();
    }

    private void loop() {
        while (!stop) {
            try {
                poll();
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!stop) {
                    out.println("peregrine up: reading alerts failed: " + e.getMessage());
                }
            }
        }
    }

    void poll() {
        EventQuery q = new EventQuery(since, null, null, null, null, null, null, null, null, EventQuery.MAX_LIMIT);
        List<JsonNode> fresh = new ArrayList<>();
        for (var raw : events.query(q).events()) {
            try {
                JsonNode alert = ProtocolJson.mapper().readTree(String.valueOf(raw.rawValue()));
                if (seen.add(alert.path("id").asText())) {
                    fresh.add(alert);
                }
            } catch (Exception e) {
                // stored alerts were validated on ingest; one unreadable row must not stop the display
            }
        }
        for (JsonNode a : fresh.reversed()) { // the query is newest first
            out.println(line(a));
            printed.incrementAndGet();
        }
        out.flush();
    }

    static String line(JsonNode a) {
        JsonNode f = a.path("output_fields");
        StringBuilder b = new StringBuilder("ALERT ").append(pad(a.path("priority").asText(), 8)).append(' ')
                .append(a.path("rule").asText());
        String cmd = f.path("proc.cmdline").asText("");
        String file = f.path("fd.name").asText("");
        String actions = a.path("actions").isArray() && !a.path("actions").isEmpty() ? a.path("actions").toString() : "";
        if (!cmd.isEmpty() && !cmd.equals("<NA>")) {
            b.append("  command=").append(cmd);
        }
        if (!file.isEmpty() && !file.equals("<NA>")) {
            b.append("  file=").append(file);
        }
        if (!actions.isEmpty()) {
            b.append("  actions=").append(actions);
        }
        return b.toString();
    }

    private static String pad(String s, int n) {
        return s.length() >= n ? s : s + " ".repeat(n - s.length());
    }

    @Override
    public void close() {
        stop = true;
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
