package dev.peregrine.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.peregrine.agent.connect.Outbox;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.ProtocolJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Alert outputs: Falco http_output over a real HTTP server, the file output, the outbox's disk overflow. */
class OutputsTest {
    @TempDir
    Path dir;

    private static Alert alert(int n) {
        return new Alert("id-" + n, "2026-01-01T00:00:00.000000000Z", "R", "Warning", "out " + n, Map.of("fd.name", "/f" + n),
                "syscall", List.of("t"), "h", null, List.of("notify"), null);
    }

    @Test
    void httpOutputPostsFalcoJsonAlerts() throws Exception {
        List<JsonNode> received = new CopyOnWriteArrayList<>();
        List<String> types = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            types.add(ex.getRequestHeaders().getFirst("Content-Type") + " " + ex.getRequestMethod());
            received.add(ProtocolJson.mapper().readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Run run = Run.standaloneTo(List.of(Run.upstreamRules()), url, "sh", "-c", "cat /etc/shadow > /dev/null");
            assertEquals(0, run.status, run.stderr);
            assertEquals(1, received.size());
            JsonNode a = received.getFirst();
            for (String key : List.of("hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time")) {
                assertTrue(a.has(key), "Falco key " + key + " in " + a);
            }
            assertEquals("Read sensitive file untrusted", a.path("rule").asText());
            assertEquals("application/json POST", types.getFirst());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void fileOutputAppendsJsonLines() throws Exception {
        Path file = dir.resolve("alerts/alerts.jsonl");
        Run.standaloneTo(List.of(Run.upstreamRules()), file.toString(), "sh", "-c", "cat /etc/shadow > /dev/null");
        Run.standaloneTo(List.of(Run.upstreamRules()), file.toString(), "sh", "-c", "cat /etc/shadow > /dev/null");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(2, lines.size());
        assertEquals("/etc/shadow", ProtocolJson.mapper().readTree(lines.get(1)).path("output_fields").path("fd.name").asText());
    }

    @Test
    void outboxOverflowsToDiskAndKeepsOrderAcrossRequeues() throws Exception {
        Outbox box = new Outbox(4, dir.resolve("spill"));
        for (int i = 0; i < 11; i++) {
            box.send(alert(i));
        }
        assertEquals(11, box.pending());
        assertEquals(7, box.spilled());
        Outbox.Batch b1 = box.nextBatch(1, 3, Duration.ZERO);
        assertEquals(List.of("id-0", "id-1", "id-2"), b1.alerts().stream().map(Alert::id).toList());
        box.requeueUnacknowledged();
        List<String> got = new ArrayList<>();
        long seq = 0;
        for (Outbox.Batch b; (b = box.nextBatch(++seq, 3, Duration.ZERO)) != null; ) {
            b.alerts().forEach(a -> got.add(a.id()));
            box.acknowledge(b.seq());
        }
        assertEquals(List.of("id-0", "id-1", "id-2", "id-3", "id-4", "id-5", "id-6", "id-7", "id-8", "id-9", "id-10"), got);
        assertEquals(0, box.pending());
        assertTrue(box.drain(Duration.ZERO));
        assertNull(box.nextBatch(99, 3, Duration.ofMillis(10)));
    }

    @Test
    void outboxOverflowStopsAtItsByteLimitAndCountsWhatItDrops() throws Exception {
        long oneLine = (ProtocolJson.write(alert(0)) + "\n").getBytes(StandardCharsets.UTF_8).length;
        Outbox box = new Outbox(2, oneLine * 3 + oneLine / 2, dir.resolve("spill-limited"));
        for (int i = 0; i < 8; i++) {
            box.send(alert(i));
        }
        assertEquals(3, box.spilled());
        assertEquals(3, box.dropped());
        assertEquals(5, box.pending());
        assertTrue(box.overflowBytes() <= oneLine * 3 + oneLine / 2);
        List<String> got = new ArrayList<>();
        long seq = 0;
        for (Outbox.Batch b; (b = box.nextBatch(++seq, 3, Duration.ZERO)) != null; ) {
            b.alerts().forEach(a -> got.add(a.id()));
            box.acknowledge(b.seq());
        }
        assertEquals(List.of("id-0", "id-1", "id-2", "id-3", "id-4"), got);
        assertEquals(0, box.overflowBytes());
        box.send(alert(8));
        box.send(alert(9));
        box.send(alert(10));
        assertEquals(1, box.spilled() - 3, "room on disk again once the overflow was read back");
    }
}
