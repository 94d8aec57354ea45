package dev.peregrine.capture;

import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Puts a {@link CpuPinning} mode into effect. The tracer thread restricts itself to one CPU
 * before it spawns the workload, which inherits that affinity (as every process and thread it
 * creates does). In {@link CpuPinning#AUTO} a watcher thread samples the tracer's stop count
 * every {@link #TICK_NANOS}: when no stop came for {@link #QUIET_NANOS}, or fewer than
 * {@link #SPREAD_BELOW} stops/s over the last {@link #WINDOW} ticks, there is little to gain from
 * sharing a CPU, so the tracer and every traced thread get all the allowed CPUs back; above
 * {@link #GATHER_ABOVE} stops/s they are put on the one CPU again. A thread whose affinity is neither of
 * the two sets chose its own and is left alone.
 */
final class Pinner implements AutoCloseable {
    static final long TICK_NANOS = 10_000_000L;
    /** Rates are taken over this many ticks. */
    static final int WINDOW = 5;
    /** No stop for this long while pinned: spread. */
    static final long QUIET_NANOS = 20_000_000L;
    static final double SPREAD_BELOW = 500;
    static final double GATHER_ABOVE = 2000;

    private static final Pinner NONE = new Pinner(CpuPinning.OFF, null, null, 0);

    private final CpuPinning mode;
    private final BitSet allowed;
    private final BitSet single;
    private final int tracerTid;
    private final AtomicInteger switches = new AtomicInteger();
    private volatile boolean pinned;
    private volatile boolean closed;
    private Thread watcher;

    private Pinner(CpuPinning mode, BitSet allowed, BitSet single, int tracerTid) {
        this.mode = mode;
        this.allowed = allowed;
        this.single = single;
        this.tracerTid = tracerTid;
        this.pinned = single != null;
    }

    /**
     * Call on the tracer thread before the launch. Does nothing for {@link CpuPinning#OFF}, or
     * when this thread may run on one CPU only anyway (a one-CPU task or cpuset).
     */
    static Pinner onTracerThread(CpuPinning mode) {
        if (mode == CpuPinning.OFF) {
            return NONE;
        }
        BitSet allowed = CpuAffinity.get(0);
        if (allowed == null || allowed.cardinality() < 2) {
            return NONE;
        }
        int cpu = Libc.schedGetcpu();
        if (cpu < 0 || !allowed.get(cpu)) {
            cpu = allowed.nextSetBit(0);
        }
        BitSet one = CpuAffinity.of(cpu);
        if (!CpuAffinity.set(0, one)) {
            return NONE;
        }
        return new Pinner(mode, allowed, one, Libc.gettid());
    }

    /** Whether the tracer and the workload are on one CPU right now. */
    boolean pinned() {
        return pinned;
    }

    /** How often {@link CpuPinning#AUTO} spread or gathered the workload. */
    int switches() {
        return switches.get();
    }

    /** The CPU everything shares while pinned, or -1. */
    int cpu() {
        return single == null ? -1 : single.nextSetBit(0);
    }

    /** In {@link CpuPinning#AUTO}, starts watching {@code stops} and moving {@code tids}. */
    void watch(LongSupplier stops, Supplier<? extends Collection<Integer>> tids) {
        if (mode != CpuPinning.AUTO || single == null) {
            return;
        }
        watcher = Thread.ofPlatform().name("peregrine-pinning").daemon(true).start(() -> run(stops, tids));
    }

    private void run(LongSupplier stops, Supplier<? extends Collection<Integer>> tids) {
        Set<Integer> placed = new HashSet<>();
        // Stop counts at the last WINDOW ticks, to rate the stops over WINDOW * TICK_NANOS.
        long[] counts = new long[WINDOW];
        long[] times = new long[WINDOW];
        long start = System.nanoTime();
        java.util.Arrays.fill(counts, stops.getAsLong());
        java.util.Arrays.fill(times, start);
        long lastCount = counts[0];
        long lastChange = start;
        for (int tick = 0; !closed; tick++) {
            LockSupport.parkNanos(TICK_NANOS);
            if (closed) {
                return;
            }
            long n = stops.getAsLong();
            long t = System.nanoTime();
            if (n != lastCount) {
                lastCount = n;
                lastChange = t;
            }
            int oldest = tick % WINDOW;
            double rate = (n - counts[oldest]) * 1e9 / Math.max(1, t - times[oldest]);
            counts[oldest] = n;
            times[oldest] = t;
            boolean want = nextPinned(pinned, rate, t - lastChange);
            if (want != pinned) {
                pinned = want;
                switches.incrementAndGet();
                CpuAffinity.set(tracerTid, want ? single : allowed);
                placed.clear();
            }
            // Threads not yet placed in this state: all of them after a switch, else new ones
            // (created from a thread that was moved after it was listed).
            Collection<Integer> live = tids.get();
            placed.retainAll(live);
            for (Integer tid : live) {
                if (placed.add(tid) && !closed) {
                    CpuAffinity.move(tid, pinned ? allowed : single, pinned ? single : allowed);
                }
            }
        }
    }

    /**
     * The hysteresis: whether to be pinned after this tick, given the stop rate over the last
     * window and how long no stop has come. A compute-bound workload is spread as soon as it has
     * been quiet for {@link #QUIET_NANOS}, not a whole window later.
     */
    static boolean nextPinned(boolean pinned, double stopsPerSecond, long quietNanos) {
        if (pinned) {
            return stopsPerSecond >= SPREAD_BELOW && quietNanos < QUIET_NANOS;
        }
        return stopsPerSecond > GATHER_ABOVE;
    }

    /** On the tracer thread when the workload has ended. */
    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            LockSupport.unpark(watcher);
        }
        if (allowed != null) {
            CpuAffinity.set(0, allowed);
        }
    }
}
