package dev.peregrine.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.ADDRESS;

/** CPU time (user + system) of this process's reaped children, from {@code getrusage}. */
final class CpuClock {
    private static final int RUSAGE_CHILDREN = -1;
    private static final MethodHandle GETRUSAGE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getrusage").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private CpuClock() {
    }

    /** Every child this JVM has reaped, and their reaped descendants. */
    static long childrenNanos() {
        return nanos(RUSAGE_CHILDREN);
    }

    private static long nanos(int who) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ru = a.allocate(144, 8); // struct rusage; ru_utime and ru_stime are its first two timevals
            int rc = (int) GETRUSAGE.invokeExact(who, ru);
            if (rc != 0) {
                throw new IllegalStateException("getrusage failed");
            }
            return (ru.get(JAVA_LONG, 0) + ru.get(JAVA_LONG, 16)) * 1_000_000_000L
                    + (ru.get(JAVA_LONG, 8) + ru.get(JAVA_LONG, 24)) * 1_000L;
        } catch (Throwable t) {
            throw new IllegalStateException("getrusage downcall failed", t);
        }
    }
}
