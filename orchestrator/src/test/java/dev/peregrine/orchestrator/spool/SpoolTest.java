package dev.peregrine.orchestrator.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.orchestrator.Backoff;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    private static byte[] record(String... ids) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids[i]).append("\"}");
        }
        return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> readAll(Spool spool) throws IOException {
        List<String> out = new ArrayList<>();
        for (long id : spool.segmentIds()) {
            for (byte[] p : SegmentFormat.read(spool.segmentPath(id), 0, spool.committedLength(id), Long.MAX_VALUE).payloads()) {
                out.add(new String(p, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void appendedRecordsSurviveAReopenInOrder() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20)) {
            List<CompletableFuture<Spool.Result>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                futures.add(spool.append(record("e" + i)));
            }
            for (CompletableFuture<Spool.Result> f : futures) {
                assertEquals(Spool.Result.SPOOLED, f.get());
            }
        }
        try (Spool reopened = new Spool(dir, 1 << 20)) {
            List<String> records = readAll(reopened);
            assertEquals(100, records.size());
            assertEquals("[{\"id\":\"e0\"}]", records.getFirst());
            assertEquals("[{\"id\":\"e99\"}]", records.getLast());
            assertEquals(2, reopened.segmentIds().size(), "a reopened spool writes to a fresh segment");
        }
    }

    @Test
    void aTornTailIsCutOffOnRecovery() throws Exception {
        Path segment;
        try (Spool spool = new Spool(dir, 1 << 20)) {
            spool.append(record("a")).get();
            spool.append(record("b")).get();
            segment = spool.segmentPath(spool.segmentIds().getLast());
        }
        long good = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 50, 1, 2, 3, 4, '[', '{'})); // a record cut short by a crash
        }
        try (Spool reopened = new Spool(dir, 1 << 20)) {
            assertEquals(good, Files.size(segment));
            assertEquals(List.of("[{\"id\":\"a\"}]", "[{\"id\":\"b\"}]"), readAll(reopened));
        }
    }

    @Test
    void aCorruptRecordIsDetectedByItsChecksum() throws Exception {
        Path segment;
        try (Spool spool = new Spool(dir, 1 << 20)) {
            spool.append(record("a")).get();
            spool.append(record("b")).get();
            segment = spool.segmentPath(spool.segmentIds().getLast());
        }
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 3] ^= 0x20; // flip a bit inside the second record
        Files.write(segment, bytes);
        try (Spool reopened = new Spool(dir, 1 << 20)) {
            assertEquals(List.of("[{\"id\":\"a\"}]"), readAll(reopened));
        }
    }

    @Test
    void overTheBudgetBatchesAreRefusedNotWrittenAndCounted() throws Exception {
        try (Spool spool = new Spool(dir, 100)) {
            assertEquals(Spool.Result.SPOOLED, spool.append(record("fits-in-100-bytes")).get());
            assertEquals(Spool.Result.REFUSED_OVER_BUDGET, spool.append(record("x".repeat(80))).get());
            assertEquals(1, spool.refusedRecords());
            assertTrue(spool.bytesOnDisk() <= 100);
            assertEquals(List.of("[{\"id\":\"fits-in-100-bytes\"}]"), readAll(spool));
        }
    }

    @Test
    void segmentsRollAtTheirSizeLimit() throws Exception {
        try (Spool spool = new Spool(dir, 1 << 20, 200)) {
            for (int i = 0; i < 20; i++) {
                spool.append(record("event-" + i)).get();
            }
            assertTrue(spool.segmentIds().size() >= 3, "segments: " + spool.segmentIds());
            assertEquals(20, readAll(spool).size());
        }
    }

    @Test
    void forwarderShipsInOrderRetriesAndDeletesShippedSegments() throws Exception {
        List<String> shipped = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger calls = new AtomicInteger();
        Forwarder.Sink flaky = body -> {
            if (calls.incrementAndGet() % 3 == 0) {
                throw new IOException("backend hiccup");
            }
            shipped.add(new String(body, StandardCharsets.UTF_8));
        };
        try (Spool spool = new Spool(dir, 1 << 20, 150);
             Forwarder forwarder = new Forwarder(spool, flaky, new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), 60).start()) {
            for (int i = 0; i < 30; i++) {
                spool.append(record("e" + i)).get();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (forwarder.forwardedRecords() < 30 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(300);
            List<String> ids = new ArrayList<>();
            for (String body : shipped) {
                for (String part : body.split("\"id\":\"")) {
                    if (part.startsWith("e")) {
                        ids.add(part.substring(0, part.indexOf('"')));
                    }
                }
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add("e" + i);
            }
            assertEquals(expected, ids, "every record exactly once, in order");
            assertTrue(forwarder.failures() > 0);
            assertEquals(List.of(spool.segmentIds().getLast()), spool.segmentIds(), "sealed, shipped segments are deleted");
        }
    }

    @Test
    void withSeveralPostsInFlightTheCursorOnlyPassesWhatTheBackendAcknowledgedInOrder() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<String> shipped = Collections.synchronizedList(new ArrayList<>());
        Forwarder.Sink slowFirst = body -> {
            String text = new String(body, StandardCharsets.UTF_8);
            if (text.contains("\"e0\"")) {
                release.await();
            }
            shipped.add(text);
        };
        try (Spool spool = new Spool(dir, 1 << 20)) {
            for (int i = 0; i < 12; i++) {
                spool.append(record("e" + i)).get();
            }
            long all = spool.bytesOnDisk();
            // one record per post (a batch limit of 1 byte), four posts at once
            try (Forwarder forwarder = new Forwarder(spool, slowFirst, new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), 1, 4).start()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (shipped.size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(200);
                assertEquals(3, shipped.size(), "posts after the stuck first one went out, but no further than the window of 4 reaches");
                assertEquals(all, forwarder.backlogBytes(), "the cursor waits for the first post");
                release.countDown();
                while (forwarder.backlogBytes() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(0, forwarder.backlogBytes());
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    expected.add("[{\"id\":\"e" + i + "\"}]");
                }
                assertEquals(new java.util.HashSet<>(expected), new java.util.HashSet<>(shipped));
                assertEquals(12, shipped.size(), "each record once");
            }
        }
    }

    @Test
    void forwarderResumesFromItsCursorAfterARestart() throws Exception {
        List<String> first = Collections.synchronizedList(new ArrayList<>());
        try (Spool spool = new Spool(dir, 1 << 20);
             Forwarder forwarder = new Forwarder(spool, b -> first.add(new String(b, StandardCharsets.UTF_8)),
                     new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), 1 << 20).start()) {
            spool.append(record("a", "b")).get();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (forwarder.forwardedRecords() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertEquals(List.of("[{\"id\":\"a\"},{\"id\":\"b\"}]"), first);
        List<String> second = Collections.synchronizedList(new ArrayList<>());
        try (Spool spool = new Spool(dir, 1 << 20);
             Forwarder forwarder = new Forwarder(spool, b -> second.add(new String(b, StandardCharsets.UTF_8)),
                     new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), 1 << 20).start()) {
            spool.append(record("c")).get();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (forwarder.forwardedRecords() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(200);
        }
        assertEquals(List.of("[{\"id\":\"c\"}]"), second, "nothing already shipped is sent again");
    }

    @Test
    void aBatchTheBackendRefusesForGoodIsSkippedAloneNotWithItsNeighbours() throws Exception {
        List<String> accepted = Collections.synchronizedList(new ArrayList<>());
        Forwarder.Sink picky = body -> {
            String text = new String(body, StandardCharsets.UTF_8);
            if (text.contains("poison")) {
                throw new dev.peregrine.orchestrator.backend.BackendClient.BackendException(400, "bad alert");
            }
            accepted.add(text);
        };
        try (Spool spool = new Spool(dir, 1 << 20)) {
            spool.append(record("a")).get();
            spool.append(record("poison")).get();
            spool.append(record("b")).get();
            try (Forwarder forwarder = new Forwarder(spool, picky, new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)), 1 << 20).start()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (forwarder.rejectedRecords() < 1 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(100);
                assertEquals(1, forwarder.rejectedRecords());
            }
        }
        assertEquals(List.of("[{\"id\":\"a\"}]", "[{\"id\":\"b\"}]"), accepted);
    }

    @Test
    void joinsRecordArraysIntoOneArraySkippingEmptyOnes() {
        byte[] joined = Forwarder.joinArrays(List.of(record("a"), "[]".getBytes(StandardCharsets.UTF_8), record("b", "c")));
        assertEquals("[{\"id\":\"a\"},{\"id\":\"b\"},{\"id\":\"c\"}]", new String(joined, StandardCharsets.UTF_8));
        assertNull(Forwarder.joinArrays(List.of("[]".getBytes(StandardCharsets.UTF_8))));
    }
}
