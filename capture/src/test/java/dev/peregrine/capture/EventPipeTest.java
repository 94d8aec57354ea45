package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventPipeTest {
    private static Event event(long seq) {
        ProcessInfo p = new ProcessInfo(1, 0, "x", "x", "/x", List.of("x"), "/", 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0,
                false, null, null);
        return new Event.Exit(seq, 0, 1, p, 0, 0, false);
    }

    @Test
    void everyEventArrivesInOrderAndASlowConsumerHoldsThePublisherBack() throws Exception {
        EventPipe pipe = new EventPipe(8, 64);
        List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread consumer = Thread.ofPlatform().start(() -> pipe.drain(e -> {
            seen.add(e.seq());
            if (e.seq() % 100 == 0) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        long seq = 0;
        long maxBehind = 0;
        for (int b = 0; b < 200; b++) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(event(++seq));
            }
            pipe.publish(batch);
            synchronized (seen) {
                maxBehind = Math.max(maxBehind, seq - seen.size());
            }
        }
        pipe.close();
        consumer.join(10_000);
        assertEquals(2000, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i + 1, seen.get(i));
        }
        assertTrue(maxBehind <= 64 + 10 + 10, "publisher ran " + maxBehind + " events ahead");
    }

    @Test
    void aConsumerThatFailsOnEveryEventDoesNotHoldThePublisher() throws Exception {
        EventPipe pipe = new EventPipe(8, 64);
        java.util.concurrent.atomic.AtomicLong tried = new java.util.concurrent.atomic.AtomicLong();
        Thread consumer = Thread.ofPlatform().start(() -> pipe.drain(e -> {
            tried.incrementAndGet();
            if (e.seq() % 2 == 0) {
                throw new NoClassDefFoundError("dev/peregrine/Missing");
            }
            throw new IllegalStateException("bad event " + e.seq());
        }));
        long seq = 0;
        for (int b = 0; b < 100; b++) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(event(++seq));
            }
            pipe.publish(batch); // would wait forever once 64 events were outstanding with a dead consumer
        }
        pipe.close();
        consumer.join(10_000);
        assertEquals(1000, tried.get());
    }
}
