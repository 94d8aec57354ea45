package dev.peregrine.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.ProtocolJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A small real HTTP server that honours the backend's orchestrator contract (ARCHITECTURE §5):
 * bundle long poll with ETag, idempotent event ingest (gzip allowed), heartbeat; all behind a
 * bearer access key. It can be stopped and started again on the same port to play an outage.
 */
final class TestBackend implements AutoCloseable {
    final String accessKey;
    private final Object bundleLock = new Object();
    private Bundle bundle;
    private int port;
    private HttpServer server;
    /** id → alert, as stored; {@link #receipts} counts how often each id arrived. */
    final Map<String, Alert> stored = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> receipts = new ConcurrentHashMap<>();
    final AtomicInteger heartbeats = new AtomicInteger();
    final AtomicInteger unauthorized = new AtomicInteger();

    TestBackend(String accessKey) throws IOException {
        this.accessKey = accessKey;
        start();
    }

    synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        port = server.getAddress().getPort();
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/bundle", this::bundle);
        server.createContext("/api/v1/events", this::events);
        server.createContext("/api/v1/orchestrators/heartbeat", this::heartbeat);
        server.start();
    }

    /** Plays an outage: the port refuses connections until {@link #start()}. */
    synchronized void stop() {
        server.stop(0);
        synchronized (bundleLock) {
            bundleLock.notifyAll();
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    void setBundle(Bundle next) {
        synchronized (bundleLock) {
            bundle = next;
            bundleLock.notifyAll();
        }
    }

    private boolean authorized(HttpExchange ex) throws IOException {
        if (("Bearer " + accessKey).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        unauthorized.incrementAndGet();
        respond(ex, 401, "{\"error\":\"bad access key\"}");
        return false;
    }

    private void bundle(HttpExchange ex) throws IOException {
        if (!authorized(ex)) {
            return;
        }
        String query = ex.getRequestURI().getQuery();
        int wait = query != null && query.startsWith("wait=") ? Integer.parseInt(query.substring(5)) : 0;
        String ifNoneMatch = ex.getRequestHeaders().getFirst("If-None-Match");
        long deadline = System.currentTimeMillis() + wait * 1000L;
        Bundle current;
        synchronized (bundleLock) {
            while (true) {
                current = bundle;
                boolean same = current == null || ("\"" + current.etag() + "\"").equals(ifNoneMatch);
                long left = deadline - System.currentTimeMillis();
                if (!same || left <= 0) {
                    break;
                }
                try {
                    bundleLock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (current == null) {
            respond(ex, 404, "{\"error\":\"no bundle\"}");
        } else if (("\"" + current.etag() + "\"").equals(ifNoneMatch)) {
            ex.sendResponseHeaders(304, -1);
            ex.close();
        } else {
            ex.getResponseHeaders().add("ETag", "\"" + current.etag() + "\"");
            respond(ex, 200, ProtocolJson.write(current));
        }
    }

    private void events(HttpExchange ex) throws IOException {
        if (!authorized(ex)) {
            return;
        }
        InputStream body = ex.getRequestBody();
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            body = new GZIPInputStream(body);
        }
        List<Alert> alerts;
        try {
            alerts = ProtocolJson.readAlerts(body);
        } catch (Exception e) {
            respond(ex, 400, "{\"error\":\"" + e.getMessage().replace('"', '\'') + "\"}");
            return;
        }
        int accepted = 0;
        int duplicates = 0;
        for (Alert a : alerts) {
            receipts.computeIfAbsent(a.id(), k -> new AtomicInteger()).incrementAndGet();
            if (stored.putIfAbsent(a.id(), a) == null) {
                accepted++;
            } else {
                duplicates++;
            }
        }
        respond(ex, 200, "{\"accepted\":" + accepted + ",\"duplicates\":" + duplicates + "}");
    }

    private void heartbeat(HttpExchange ex) throws IOException {
        if (!authorized(ex)) {
            return;
        }
        JsonNode node = ProtocolJson.mapper().readTree(ex.getRequestBody());
        if (node.hasNonNull("orchestrator_id")) {
            heartbeats.incrementAndGet();
        }
        respond(ex, 204, null);
    }

    private static void respond(HttpExchange ex, int status, String json) throws IOException {
        if (json == null) {
            ex.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    @Override
    public void close() {
        stop();
    }
}
