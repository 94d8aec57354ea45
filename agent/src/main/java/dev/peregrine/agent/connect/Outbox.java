package dev.peregrine.agent.connect;

import dev.peregrine.agent.output.AlertSink;
import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.ProtocolException;
import dev.peregrine.protocol.ProtocolJson;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Alerts waiting for the orchestrator's acknowledgement (at-least-once delivery; the backend
 * drops duplicates by id). Up to {@code memoryLimit} alerts are held in memory, sent or not;
 * beyond that, new alerts are appended to overflow files in {@code spillDir} (one JSON alert per
 * line) and read back, oldest file first, once memory has room. The overflow files are limited
 * to {@code diskLimit} bytes: an alert that does not fit is dropped, counted ({@link #dropped})
 * and logged, so a long orchestrator outage cannot fill the task's disk.
 *
 * <p>A batch taken with {@link #nextBatch} stays here until {@link #acknowledge}d; when a
 * connection is lost, {@link #requeueUnacknowledged} puts its batches back in front, in order.
 */
public final class Outbox implements AlertSink {
    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());
    private final int memoryLimit;
    private final Path spillDir;
    private final Deque<Alert> waiting = new ArrayDeque<>();
    private final Deque<Batch> inFlight = new ArrayDeque<>();
    private int inFlightAlerts;
    private long spillSeq;
    private OutputStream spillWriter;
    private Path spillFile;
    private int spillFileLines;
    private long spilled;
    private final long diskLimit;
    private long diskBytes;
    private long dropped;

    /** A batch handed to a connection under {@code seq}. */
    public record Batch(long seq, List<Alert> alerts) {
    }

    /** An outbox whose overflow files may grow without limit. */
    public Outbox(int memoryLimit, Path spillDir) {
        this(memoryLimit, Long.MAX_VALUE, spillDir);
    }

    public Outbox(int memoryLimit, long diskLimit, Path spillDir) {
        if (memoryLimit < 1 || diskLimit < 0) {
            throw new IllegalArgumentException("outbox limits must be positive: " + memoryLimit + " alerts, " + diskLimit + " bytes");
        }
        this.memoryLimit = memoryLimit;
        this.diskLimit = diskLimit;
        this.spillDir = spillDir;
        for (Path f : spillFiles()) {
            try {
                diskBytes += Files.size(f);
            } catch (IOException ignored) {
                // gone meanwhile
            }
        }
    }

    @Override
    public synchronized void send(Alert alert) {
        if (spillFile == null && spillFiles().isEmpty() && waiting.size() + inFlightAlerts < memoryLimit) {
            waiting.add(alert);
        } else {
            spill(alert);
        }
        notifyAll();
    }

    private void spill(Alert alert) {
        byte[] line = (ProtocolJson.write(alert) + "\n").getBytes(StandardCharsets.UTF_8);
        if (diskBytes + line.length > diskLimit) {
            if (dropped++ % 1000 == 0) {
                LOG.log(System.Logger.Level.ERROR, "outbox full ({0} alerts in memory, {1} bytes of overflow files): "
                        + "alert {2} dropped ({3} so far)", Integer.toString(memoryLimit), Long.toString(diskBytes),
                        alert.id(), Long.toString(dropped));
            }
            return;
        }
        try {
            if (spillWriter == null) {
                Files.createDirectories(spillDir);
                spillFile = spillDir.resolve(String.format("outbox-%019d.jsonl", spillSeq++ + System.nanoTime()));
                spillWriter = Files.newOutputStream(spillFile, StandardOpenOption.CREATE_NEW);
                spillFileLines = 0;
            }
            spillWriter.write(line);
            spillWriter.flush();
            diskBytes += line.length;
            spilled++;
            if (++spillFileLines >= Math.max(1, memoryLimit / 2)) {
                spillWriter.close();
                spillWriter = null;
                spillFile = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("outbox overflow to " + spillDir + " failed", e);
        }
    }

    private List<Path> spillFiles() {
        if (!Files.isDirectory(spillDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(spillDir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("outbox-")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Reads spilled alerts back into memory, a file at a time, while they fit. */
    private void refill() {
        if (!waiting.isEmpty()) {
            return;
        }
        for (Path file : spillFiles()) {
            if (file.equals(spillFile)) {
                try {
                    spillWriter.close();
                } catch (IOException ignored) {
                    // the lines written so far were flushed
                }
                spillWriter = null;
                spillFile = null;
            }
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (waiting.size() + inFlightAlerts + lines.size() > memoryLimit && !(waiting.isEmpty() && inFlightAlerts == 0)) {
                    return;
                }
                for (String line : lines) {
                    if (!line.isBlank()) {
                        waiting.add(ProtocolJson.read(line, Alert.class));
                    }
                }
                long size = Files.size(file);
                Files.delete(file);
                diskBytes = Math.max(0, diskBytes - size);
            } catch (IOException | ProtocolException e) {
                LOG.log(System.Logger.Level.ERROR, "outbox overflow file " + file + " unreadable, set aside: " + e);
                try {
                    Files.move(file, file.resolveSibling("bad-" + file.getFileName()));
                } catch (IOException ignored) {
                    // it will be retried
                }
            }
        }
    }

    /** Waits up to {@code wait} for alerts, then takes up to {@code max} of them as batch {@code seq}; null when none. */
    public synchronized Batch nextBatch(long seq, int max, Duration wait) throws InterruptedException {
        refill();
        long end = System.nanoTime() + wait.toNanos();
        while (waiting.isEmpty()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
            refill();
        }
        List<Alert> alerts = new ArrayList<>(Math.min(max, waiting.size()));
        while (alerts.size() < max && !waiting.isEmpty()) {
            alerts.add(waiting.poll());
        }
        Batch b = new Batch(seq, List.copyOf(alerts));
        inFlight.add(b);
        inFlightAlerts += alerts.size();
        return b;
    }

    /** Everything up to and including {@code seq} is durable at the orchestrator. */
    public synchronized void acknowledge(long seq) {
        while (!inFlight.isEmpty() && inFlight.peek().seq() <= seq) {
            inFlightAlerts -= inFlight.poll().alerts().size();
        }
        notifyAll();
    }

    /** The connection was lost: unacknowledged batches go back in front, in their order. */
    public synchronized void requeueUnacknowledged() {
        while (!inFlight.isEmpty()) {
            Batch b = inFlight.pollLast();
            inFlightAlerts -= b.alerts().size();
            List<Alert> a = b.alerts();
            for (int i = a.size() - 1; i >= 0; i--) {
                waiting.addFirst(a.get(i));
            }
        }
        notifyAll();
    }

    /** Alerts not yet acknowledged, in memory and on disk. */
    public synchronized long pending() {
        long onDisk = 0;
        for (Path f : spillFiles()) {
            try (Stream<String> lines = Files.lines(f)) {
                onDisk += lines.filter(l -> !l.isBlank()).count();
            } catch (IOException e) {
                onDisk++;
            }
        }
        return waiting.size() + inFlightAlerts + onDisk;
    }

    /** Alerts dropped because the overflow files had reached their size limit. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Bytes held in overflow files now. */
    public synchronized long overflowBytes() {
        return diskBytes;
    }

    /** Alerts that went through the overflow files. */
    public synchronized long spilled() {
        return spilled;
    }

    @Override
    public boolean drain(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (pending() > 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    wait(Math.max(1, Math.min(100, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }
}
