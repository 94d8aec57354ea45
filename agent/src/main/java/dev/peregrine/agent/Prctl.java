package dev.peregrine.agent;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code prctl(PR_SET_CHILD_SUBREAPER)}: orphans of the workload are re-parented to the agent. */
final class Prctl {
    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final MethodHandle PRCTL = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("prctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));

    private Prctl() {
    }

    static boolean becomeSubreaper() {
        try {
            return (int) PRCTL.invokeExact(PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
