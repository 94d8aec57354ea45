package dev.peregrine.cli.up;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** Prints each alert once, as it appears in the backend, oldest first. */
final class AlertWatcher implements AutoCloseable {
    private static final long POLL_MILLIS = 500;

    private final EventFeed feed;
    private final PrintStream out;
    private final Instant since;
    private final Set<String> seen = new HashSet<>();
    private final AtomicInteger printed = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stop;

    private AlertWatcher(EventFeed feed, PrintStream out, Instant since) {
        this.feed = feed;
        this.out = out;
        this.since = since;
        this.thread = Thread.ofPlatform().daemon().name("peregrine-up-alerts").unstarted(this::loop);
    }

    static AlertWatcher start(EventFeed feed, PrintStream out, Instant since) {
        AlertWatcher w = new AlertWatcher(feed, out, since);
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
            } catch (RuntimeException | java.io.IOException e) {
                if (!stop) {
                    out.println("peregrine up: reading alerts failed: " + e.getMessage());
                }
            }
        }
    }

    void poll() throws java.io.IOException, InterruptedException {
        List<JsonNode> fresh = new ArrayList<>();
        for (JsonNode alert : feed.since(since)) {
            if (seen.add(alert.path("id").asText())) {
                fresh.add(alert);
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
