package dev.peregrine.orchestrator.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable event spool: append-only segment files under one directory. {@link #append}
 * completes only after the record is written and fsync'd, so an acknowledgement sent on
 * completion survives a crash. One writer thread batches concurrent appends into one fsync
 * (group commit), which is what makes thousands of agents affordable.
 *
 * <p>Segments are named by an increasing number; the newest is the active one. The
 * {@link Forwarder} reads from the oldest and deletes a segment once it is sealed and shipped.
 */
public final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final String SUFFIX = ".seg";
    public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;

    /**
     * Outcome of an append. A batch that would take the spool over its disk budget is refused,
     * not written: its sender must keep it and offer it again later (agents keep their outbox).
     */
    public enum Result { SPOOLED, REFUSED_OVER_BUDGET }

    private record Pending(byte[] payload, CompletableFuture<Result> done) {
    }

    private final Path dir;
    private final long budgetBytes;
    private final long segmentBytes;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** segment id → committed (fsync'd) length; the last entry is the active segment. */
    private final ConcurrentSkipListMap<Long, Long> segments = new ConcurrentSkipListMap<>();
    private final AtomicLong bytesOnDisk = new AtomicLong();
    private final AtomicLong refusedRecords = new AtomicLong();
    private final AtomicLong spooledRecords = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition committed = lock.newCondition();
    private final Thread writer;
    private volatile boolean closed;
    /** Set by the forwarder once it has shipped the whole active segment while space is short. */
    private volatile boolean rollRequested;
    private FileChannel active;
    private volatile long activeId;
    private long lastBudgetWarningNanos;

    public Spool(Path dir, long budgetBytes) throws IOException {
        this(dir, budgetBytes, DEFAULT_SEGMENT_BYTES);
    }

    public Spool(Path dir, long budgetBytes, long segmentBytes) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.budgetBytes = budgetBytes;
        this.segmentBytes = segmentBytes;
        recover();
        openSegment(segments.isEmpty() ? 1 : segments.lastKey() + 1);
        writer = Thread.ofPlatform().name("spool-writer").daemon().start(this::writeLoop);
    }

    /** Cuts a torn tail off the newest segment and learns the sizes of all segments. */
    private void recover() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
                String name = p.getFileName().toString();
                long id;
                try {
                    id = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                } catch (NumberFormatException e) {
                    LOG.warn("ignoring {} in the spool directory: not a segment name", p);
                    continue;
                }
                segments.put(id, Files.size(p));
            }
        }
        if (!segments.isEmpty()) {
            long last = segments.lastKey();
            Path p = segmentPath(last);
            long size = segments.get(last);
            long valid = SegmentFormat.validLength(p, size);
            if (valid < size) {
                LOG.warn("spool segment {}: cutting a torn tail of {} bytes (written but never acknowledged)", p, size - valid);
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.truncate(valid);
                    ch.force(true);
                }
                segments.put(last, valid);
            }
        }
        bytesOnDisk.set(segments.values().stream().mapToLong(Long::longValue).sum());
        if (!segments.isEmpty()) {
            LOG.info("spool {}: {} segment(s), {} bytes waiting to be forwarded", dir, segments.size(), bytesOnDisk.get());
        }
    }

    private void openSegment(long id) throws IOException {
        if (active != null) {
            active.close();
        }
        active = FileChannel.open(segmentPath(id), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        activeId = id;
        segments.put(id, 0L);
        fsyncDirectory();
    }

    private void fsyncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    public Path segmentPath(long id) {
        return dir.resolve(String.format(Locale.ROOT, "%020d%s", id, SUFFIX));
    }

    /** Appends one record; the future completes once it is on disk (fsync'd) or refused over budget. */
    public CompletableFuture<Result> append(byte[] payload) {
        CompletableFuture<Result> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("spool is closed"));
            return done;
        }
        if (payload.length > SegmentFormat.MAX_PAYLOAD_BYTES) {
            done.completeExceptionally(new IllegalArgumentException("record of " + payload.length + " bytes is too large"));
            return done;
        }
        queue.add(new Pending(payload, done));
        return done;
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                if (rollRequested) {
                    rollShippedSegment();
                }
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 4096);
                writeBatch(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("spool write failed; the affected batches are not acknowledged: {}", e.toString());
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void writeBatch(List<Pending> batch) throws IOException {
        List<Pending> written = new ArrayList<>(batch.size());
        List<Pending> refused = new ArrayList<>();
        long activeLength = segments.get(activeId);
        for (Pending p : batch) {
            long size = SegmentFormat.HEADER_BYTES + p.payload().length;
            // once one batch is refused, so is every later one of the group: a smaller batch that
            // still fits must not be acknowledged ahead of a refused one (agents ack cumulatively)
            if (!refused.isEmpty() || bytesOnDisk.get() + size > budgetBytes) {
                refused.add(p);
                continue;
            }
            ByteBuffer buf = SegmentFormat.encode(p.payload());
            while (buf.hasRemaining()) {
                active.write(buf, activeLength + buf.position());
            }
            activeLength += size;
            bytesOnDisk.addAndGet(size);
            written.add(p);
        }
        if (!written.isEmpty()) {
            active.force(false);
            spooledRecords.addAndGet(written.size());
            lock.lock();
            try {
                segments.put(activeId, activeLength);
                committed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        if (!refused.isEmpty()) {
            refusedRecords.addAndGet(refused.size());
            warnOverBudget();
        }
        written.forEach(p -> p.done().complete(Result.SPOOLED));
        refused.forEach(p -> p.done().complete(Result.REFUSED_OVER_BUDGET));
        if (activeLength >= segmentBytes) {
            openSegment(activeId + 1);
        }
    }

    /**
     * Seals the active segment so that the forwarder can delete it: bytes already shipped would
     * otherwise count against the budget until the segment reaches its size limit.
     */
    private void rollShippedSegment() throws IOException {
        rollRequested = false;
        if (segments.getOrDefault(activeId, 0L) > 0) {
            openSegment(activeId + 1);
            lock.lock();
            try {
                committed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The forwarder has read segment {@code id}, the active one, to its end: when more than half of
     * the budget is in use, the writer seals it (within 200 ms), so that its space is freed once the
     * backend has acknowledged it instead of when it reaches its size limit.
     */
    public void shippedActiveSegment(long id) {
        if (id == activeId && bytesOnDisk.get() > budgetBytes / 2) {
            rollRequested = true;
        }
    }

    private void warnOverBudget() {
        long now = System.nanoTime();
        if (lastBudgetWarningNanos == 0 || now - lastBudgetWarningNanos > TimeUnit.SECONDS.toNanos(10)) {
            lastBudgetWarningNanos = now;
            LOG.error("SPOOL FULL: {} bytes on disk reached the budget of {} bytes (backend unreachable?); "
                    + "REFUSING events: agents keep them in their outbox and retry; {} batches refused so far",
                    bytesOnDisk.get(), budgetBytes, refusedRecords.get());
        }
    }

    /** Segment ids, oldest first. */
    public List<Long> segmentIds() {
        return List.copyOf(segments.keySet());
    }

    /** How far a segment is durably written; readers never read past it. */
    public long committedLength(long id) {
        Long length = segments.get(id);
        return length == null ? -1 : length;
    }

    public boolean isActive(long id) {
        return id == activeId;
    }

    /** Deletes a sealed segment that the backend has acknowledged in full. */
    public void delete(long id) throws IOException {
        if (isActive(id)) {
            throw new IllegalStateException("segment " + id + " is still being written");
        }
        Long length = segments.remove(id);
        if (length != null) {
            Files.deleteIfExists(segmentPath(id));
            bytesOnDisk.addAndGet(-length);
        }
    }

    /** Waits until the segment grows past {@code length}, or a newer segment exists, or the timeout passes. */
    public void awaitBeyond(long id, long length, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (committedLength(id) <= length && isActive(id) && !closed && nanos > 0) {
                nanos = committed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    public long bytesOnDisk() {
        return bytesOnDisk.get();
    }

    /** Batches refused because the spool was at its budget (each may have been offered again later). */
    public long refusedRecords() {
        return refusedRecords.get();
    }

    public long spooledRecords() {
        return spooledRecords.get();
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lock.lock();
        try {
            committed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            active.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
