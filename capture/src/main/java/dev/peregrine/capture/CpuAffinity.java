package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code sched_getaffinity}/{@code sched_setaffinity} on one thread, with CPU sets as {@link BitSet}s. */
final class CpuAffinity {
    /** glibc's {@code cpu_set_t}: 1024 CPUs. */
    private static final int WORDS = 16;
    private static final ThreadLocal<MemorySegment> MASK =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(WORDS * 8L, 8));

    private CpuAffinity() {
    }

    /** The CPUs {@code tid} may run on (0: the calling thread), or null when it is gone or hidden. */
    static BitSet get(int tid) {
        MemorySegment m = MASK.get();
        m.fill((byte) 0);
        if (Libc.schedGetaffinity(tid, WORDS * 8L, m) != 0) {
            return null;
        }
        long[] words = new long[WORDS];
        for (int i = 0; i < WORDS; i++) {
            words[i] = m.getAtIndex(JAVA_LONG, i);
        }
        return BitSet.valueOf(words);
    }

    /** Restricts {@code tid} (0: the calling thread) to {@code cpus}; false when refused or gone. */
    static boolean set(int tid, BitSet cpus) {
        MemorySegment m = MASK.get();
        m.fill((byte) 0);
        long[] words = cpus.toLongArray();
        for (int i = 0; i < Math.min(words.length, WORDS); i++) {
            m.setAtIndex(JAVA_LONG, i, words[i]);
        }
        return Libc.schedSetaffinity(tid, WORDS * 8L, m) == 0;
    }

    /** {@code tid}'s set becomes {@code to} only when it is exactly {@code from}: a workload's own choice stays. */
    static boolean move(int tid, BitSet from, BitSet to) {
        BitSet now = get(tid);
        return now != null && now.equals(from) && set(tid, to);
    }

    static BitSet of(int cpu) {
        BitSet b = new BitSet();
        b.set(cpu);
        return b;
    }
}
