package dev.peregrine.orchestrator.spool;

import dev.peregrine.orchestrator.Backoff;
import dev.peregrine.orchestrator.backend.BackendClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the spool to the backend in order: reads records from the oldest segment, posts them
 * as one JSON array, and moves its cursor only after the backend answered 2xx. A sealed segment
 * is deleted only when it has been shipped to its end. The cursor is saved (best effort) so a
 * restart re-sends little; whatever it does re-send, the backend drops as duplicates by id.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    /** Where shipping stands: the next unshipped byte of a segment. */
    record Cursor(long segment, long offset) {
    }

    /** What the forwarder needs from the backend; the real one is {@link BackendClient#postEvents}. */
    @FunctionalInterface
    public interface Sink {
        void post(byte[] jsonArray) throws IOException, InterruptedException;
    }

    private final Spool spool;
    private final Sink sink;
    private final Backoff backoff;
    private final long maxBatchBytes;
    private final Path cursorFile;
    private final AtomicLong forwardedRecords = new AtomicLong();
    private final AtomicLong rejectedRecords = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean backendReachable = true;
    private volatile Cursor cursor;

    public Forwarder(Spool spool, Sink sink, Backoff backoff, long maxBatchBytes) {
        this.spool = spool;
        this.sink = sink;
        this.backoff = backoff;
        this.maxBatchBytes = maxBatchBytes;
        this.cursorFile = spool.directory().resolve("cursor");
        this.cursor = loadCursor();
        this.thread = Thread.ofPlatform().name("spool-forwarder").daemon().unstarted(this::run);
    }

    public Forwarder start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            try {
                step();
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("forwarder: {}", e.toString());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    /** Ships one batch, or deletes one finished segment, or waits for data. */
    private void step() throws IOException, InterruptedException {
        List<Long> ids = spool.segmentIds();
        if (ids.isEmpty()) {
            Thread.sleep(100);
            return;
        }
        long id = ids.getFirst();
        long offset = cursor.segment() == id ? cursor.offset() : 0;
        if (cursor.segment() > id) {
            // a segment older than the cursor was shipped before a restart: finish it off
            offset = spool.committedLength(id);
        }
        long limit = spool.committedLength(id);
        if (offset >= limit) {
            if (!spool.isActive(id)) {
                spool.delete(id);
                LOG.debug("forwarder: segment {} shipped and deleted", id);
            } else {
                spool.shippedActiveSegment(id);
                spool.awaitBeyond(id, offset, Duration.ofMillis(500));
            }
            return;
        }
        SegmentFormat.Chunk chunk = SegmentFormat.read(spool.segmentPath(id), offset, limit, maxBatchBytes);
        if (chunk.payloads().isEmpty()) {
            // committed bytes are whole records; nothing readable means corruption at this offset
            LOG.error("forwarder: segment {} has an unreadable record at offset {}; skipping the rest of it", id, offset);
            advance(new Cursor(id, limit));
            return;
        }
        byte[] body = joinArrays(chunk.payloads());
        if (body != null && !ship(body, chunk.payloads().size())) {
            if (chunk.payloads().size() == 1) {
                rejectedRecords.incrementAndGet();
            } else {
                // refused for good as a whole: ship record by record so that only the agent batch
                // the backend objects to is skipped, not its neighbours
                for (byte[] record : chunk.payloads()) {
                    byte[] single = joinArrays(List.of(record));
                    if (single != null && !ship(single, 1)) {
                        rejectedRecords.incrementAndGet();
                    }
                }
            }
        }
        forwardedRecords.addAndGet(chunk.payloads().size());
        advance(new Cursor(id, chunk.endOffset()));
    }

    /** Posts until the backend answers; false when it refused the body for good (a 4xx that retrying cannot fix). */
    private boolean ship(byte[] body, int records) throws InterruptedException {
        for (int attempt = 0; running; attempt++) {
            try {
                sink.post(body);
                if (!backendReachable) {
                    LOG.info("forwarder: backend reachable again, shipping the spool ({} bytes waiting)", backlogBytes());
                }
                backendReachable = true;
                return true;
            } catch (BackendClient.BackendException e) {
                if (e.permanent()) {
                    LOG.error("forwarder: backend refused {} record(s) for good{}: {}", records,
                            records == 1 ? ", skipping it" : ", retrying them one by one", e.getMessage());
                    return false;
                }
                retryLater(attempt, e);
            } catch (IOException e) {
                retryLater(attempt, e);
            }
        }
        throw new InterruptedException("forwarder stopped");
    }

    private void retryLater(int attempt, Exception e) throws InterruptedException {
        failures.incrementAndGet();
        Duration delay = backoff.delay(attempt, ThreadLocalRandom.current());
        if (backendReachable || attempt % 10 == 0) {
            LOG.warn("forwarder: backend not taking events ({}); retry #{} in {} ms, {} bytes spooled",
                    e.getMessage(), attempt + 1, delay.toMillis(), spool.bytesOnDisk());
        }
        backendReachable = false;
        Thread.sleep(delay);
    }

    /** Concatenates the alert arrays of several records into one array; null when all are empty. */
    static byte[] joinArrays(List<byte[]> arrays) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write('[');
        boolean any = false;
        for (byte[] array : arrays) {
            int start = indexOf(array, (byte) '[') + 1;
            int end = lastIndexOf(array, (byte) ']');
            if (start <= 0 || end < start) {
                throw new IllegalStateException("spool record is not a JSON array");
            }
            String inner = new String(array, start, end - start, StandardCharsets.UTF_8);
            if (inner.isBlank()) {
                continue;
            }
            if (any) {
                out.write(',');
            }
            out.write(array, start, end - start);
            any = true;
        }
        out.write(']');
        return any ? out.toByteArray() : null;
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(byte[] a, byte b) {
        for (int i = a.length - 1; i >= 0; i--) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private void advance(Cursor next) {
        cursor = next;
        try {
            Path tmp = cursorFile.resolveSibling("cursor.tmp");
            Files.writeString(tmp, next.segment() + " " + next.offset() + "\n");
            Files.move(tmp, cursorFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("forwarder: cannot save cursor: {}", e.toString());
        }
    }

    private Cursor loadCursor() {
        try {
            if (Files.exists(cursorFile)) {
                String[] parts = Files.readString(cursorFile).trim().split(" ");
                return new Cursor(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("forwarder: ignoring unreadable cursor file {} ({}); re-sending from the oldest segment", cursorFile, e.toString());
        }
        return new Cursor(0, 0);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Bytes spooled but not yet acknowledged by the backend (shipped bytes of the active segment excluded). */
    public long backlogBytes() {
        Cursor at = cursor;
        long backlog = 0;
        for (long id : spool.segmentIds()) {
            long length = Math.max(0, spool.committedLength(id));
            if (id > at.segment()) {
                backlog += length;
            } else if (id == at.segment()) {
                backlog += Math.max(0, length - at.offset());
            }
        }
        return backlog;
    }

    public long forwardedRecords() {
        return forwardedRecords.get();
    }

    public long rejectedRecords() {
        return rejectedRecords.get();
    }

    public long failures() {
        return failures.get();
    }

    public boolean backendReachable() {
        return backendReachable;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
