package dev.peregrine.capture;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Hands batches of events from the tracer thread to the dispatcher thread without a system
 * call per batch: the tracer only appends to a lock-free queue; the dispatcher polls it, parking
 * between polls (1 ms, backing off to 20 ms while idle). The tracer wakes the dispatcher only
 * when much is waiting, and waits itself when the consumer is {@code limit} events behind, so
 * nothing is dropped and memory stays bounded.
 */
final class EventPipe {
    private static final long MIN_PARK = 1_000_000L;
    private static final long MAX_PARK = 20_000_000L;

    private final ConcurrentLinkedQueue<List<Event>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong outstanding = new AtomicLong();
    private final long wakeAt;
    private final long limit;
    private volatile Thread consumerThread;
    private volatile boolean closed;

    EventPipe(long wakeAt, long limit) {
        this.wakeAt = wakeAt;
        this.limit = limit;
    }

    /** Tracer side. Blocks only while the consumer is too far behind. */
    void publish(List<Event> batch) {
        queue.offer(batch);
        long n = outstanding.addAndGet(batch.size());
        if (n >= wakeAt) {
            LockSupport.unpark(consumerThread);
        }
        while (outstanding.get() > limit && !Thread.currentThread().isInterrupted()) {
            LockSupport.unpark(consumerThread);
            LockSupport.parkNanos(100_000L);
        }
    }

    /** Tracer side: no more batches will come. */
    void close() {
        closed = true;
        LockSupport.unpark(consumerThread);
    }

    /** Dispatcher side: delivers every event in order until closed and drained. */
    void drain(Consumer<Event> consumer) {
        consumerThread = Thread.currentThread();
        long failures = 0;
        long park = MIN_PARK;
        while (true) {
            List<Event> batch = queue.poll();
            if (batch == null) {
                if (closed && queue.isEmpty()) {
                    return;
                }
                LockSupport.parkNanos(park);
                park = Math.min(park * 2, MAX_PARK);
                continue;
            }
            park = MIN_PARK;
            for (Event e : batch) {
                try {
                    consumer.accept(e);
                } catch (RuntimeException | LinkageError ex) {
                    // One event's failure (even a class missing from a broken install) must not
                    // stop the rest: a dead consumer would hold the tracer, and the workload, forever.
                    failures++;
                    if (failures == 1 || Long.bitCount(failures) == 1) {
                        System.getLogger("dev.peregrine.capture").log(System.Logger.Level.WARNING,
                                "event consumer failed (" + failures + " events so far)", ex);
                    }
                }
            }
            outstanding.addAndGet(-batch.size());
        }
    }
}
