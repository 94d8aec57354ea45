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
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships the spool to the backend: reads records from the oldest segment, posts them as one JSON
 * array, and moves its cursor only over what the backend answered 2xx to. Up to
 * {@code maxInFlight} posts may be ahead of the cursor at once (the backend parses one while it
 * stores another); they may finish in any order, but the cursor only advances over a contiguous
 * prefix of finished posts, so a crash re-sends at most that window. A sealed segment is
 * deleted only when the cursor has passed its end. The cursor is saved (best effort) so a
 * restart re-sends little; whatever it does re-send, the backend drops as duplicates by id.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    /** Posts in flight by default: enough to overlap the backend's parsing with its database writes. */
    public static final int DEFAULT_IN_FLIGHT = 4;
    /** Records joined into one post, at most (at least one record is always sent). */
    public static final long DEFAULT_BATCH_BYTES = 1L << 20;

    /** Where shipping stands: the next unshipped byte of a segment. */
    record Cursor(long segment, long offset) {
    }

    /** What the forwarder needs from the backend; the real one is {@link BackendClient#postEvents}. */
    @FunctionalInterface
    public interface Sink {
        void post(byte[] jsonArray) throws IOException, InterruptedException;
    }

    /** One post: the records of one segment between two offsets. */
    private static final class Shipment {
        final long segment;
        final long end;
        final List<byte[]> payloads;
        boolean done;

        Shipment(long segment, long end, List<byte[]> payloads) {
            this.segment = segment;
            this.end = end;
            this.payloads = payloads;
        }
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
    private final Semaphore window;
    private final ExecutorService shippers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("spool-shipper-", 0).factory());
    /** Posts not yet folded into the cursor, in read order; guarded by itself. */
    private final ArrayDeque<Shipment> inFlight = new ArrayDeque<>();
    private volatile boolean running = true;
    private volatile boolean backendReachable = true;
    private volatile Cursor cursor;
    /** Reader thread only: the next byte to read. */
    private Cursor readAt;

    public Forwarder(Spool spool, Sink sink, Backoff backoff, long maxBatchBytes) {
        this(spool, sink, backoff, maxBatchBytes, 1);
    }

    public Forwarder(Spool spool, Sink sink, Backoff backoff, long maxBatchBytes, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
        this.spool = spool;
        this.sink = sink;
        this.backoff = backoff;
        this.maxBatchBytes = maxBatchBytes;
        this.window = new Semaphore(maxInFlight);
        this.cursorFile = spool.directory().resolve("cursor");
        this.cursor = loadCursor();
        this.readAt = cursor;
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

    /** Deletes one finished segment, or starts one post, or waits for data. */
    private void step() throws IOException, InterruptedException {
        List<Long> ids = spool.segmentIds();
        if (ids.isEmpty()) {
            Thread.sleep(100);
            return;
        }
        long oldest = ids.getFirst();
        if (!spool.isActive(oldest) && shippedToItsEnd(oldest)) {
            spool.delete(oldest);
            LOG.debug("forwarder: segment {} shipped and deleted", oldest);
            return;
        }
        // the first segment at or after the read position; older ones were shipped before a restart
        long id = ids.stream().filter(s -> s >= readAt.segment()).findFirst().orElse(-1L);
        if (id < 0) {
            Thread.sleep(100);
            return;
        }
        long offset = id == readAt.segment() ? readAt.offset() : 0;
        long limit = spool.committedLength(id);
        if (offset >= limit) {
            if (!spool.isActive(id)) {
                readAt = new Cursor(id + 1, 0);
            } else {
                spool.shippedActiveSegment(id);
                spool.awaitBeyond(id, offset, Duration.ofMillis(500));
            }
            return;
        }
        window.acquire();
        Shipment shipment;
        try {
            SegmentFormat.Chunk chunk = SegmentFormat.read(spool.segmentPath(id), offset, limit, maxBatchBytes);
            if (chunk.payloads().isEmpty()) {
                // committed bytes are whole records; nothing readable means corruption at this offset
                LOG.error("forwarder: segment {} has an unreadable record at offset {}; skipping the rest of it", id, offset);
                shipment = new Shipment(id, limit, List.of());
            } else {
                shipment = new Shipment(id, chunk.endOffset(), chunk.payloads());
            }
            synchronized (inFlight) {
                inFlight.addLast(shipment);
            }
        } catch (IOException | RuntimeException e) {
            window.release();
            throw e;
        }
        readAt = new Cursor(id, shipment.end);
        Shipment s = shipment;
        shippers.execute(() -> {
            try {
                deliver(s);
                finished(s);
            } catch (InterruptedException e) {
                // stopping: the cursor stays before this post, which is sent again after a restart
                window.release();
            } catch (RuntimeException e) {
                // a record that is not a JSON array can never be shipped; it must not hold the cursor
                LOG.error("forwarder: cannot ship {} record(s) of segment {}, skipping them: {}", s.payloads.size(), s.segment, e.toString());
                rejectedRecords.addAndGet(s.payloads.size());
                finished(s);
            }
        });
    }

    /** Whether the backend acknowledged segment {@code id} to its end (or a newer one: shipped before a restart). */
    private boolean shippedToItsEnd(long id) {
        Cursor at = cursor;
        long length = spool.committedLength(id);
        return at.segment() > id || (at.segment() == id && at.offset() >= length) || length == 0;
    }

    /** Ships one post's records; a body the backend refuses for good is retried record by record. */
    private void deliver(Shipment s) throws InterruptedException {
        if (s.payloads.isEmpty()) {
            return;
        }
        byte[] body = joinArrays(s.payloads);
        if (body != null && !ship(body, s.payloads.size())) {
            if (s.payloads.size() == 1) {
                rejectedRecords.incrementAndGet();
            } else {
                // refused for good as a whole: ship record by record so that only the agent batch
                // the backend objects to is skipped, not its neighbours
                for (byte[] record : s.payloads) {
                    byte[] single = joinArrays(List.of(record));
                    if (single != null && !ship(single, 1)) {
                        rejectedRecords.incrementAndGet();
                    }
                }
            }
        }
        forwardedRecords.addAndGet(s.payloads.size());
    }

    /** Folds finished posts into the cursor, oldest first, stopping at the first one still in flight; frees their window slots. */
    private void finished(Shipment s) {
        synchronized (inFlight) {
            s.done = true;
            Cursor next = null;
            while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
                Shipment head = inFlight.pollFirst();
                next = new Cursor(head.segment, head.end);
                // the window bounds posts not yet behind the cursor, not just posts on the wire:
                // one stuck post holds back at most the window, in memory and in what a crash re-sends
                window.release();
            }
            if (next != null) {
                advance(next);
            }
        }
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
        shippers.shutdownNow();
        try {
            shippers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
