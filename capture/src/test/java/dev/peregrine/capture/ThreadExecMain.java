package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A traced workload for the tests: a JVM that starts a child with ProcessBuilder (posix_spawn,
 * a vfork-style clone) and then execs /bin/echo from a new, non-leader thread.
 */
public final class ThreadExecMain {
    private ThreadExecMain() {
    }

    public static void main(String[] args) throws Exception {
        int rc = new ProcessBuilder("/bin/true").start().waitFor();
        if (rc != 0) {
            System.exit(50);
        }
        Thread t = Thread.ofPlatform().start(() -> {
            Linker linker = Linker.nativeLinker();
            MethodHandle execv = linker.downcallHandle(linker.defaultLookup().find("execv").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment argv = arena.allocate(ADDRESS, 3);
                argv.setAtIndex(ADDRESS, 0, arena.allocateFrom("echo"));
                argv.setAtIndex(ADDRESS, 1, arena.allocateFrom("jvm-thread"));
                argv.setAtIndex(ADDRESS, 2, MemorySegment.NULL);
                int r = (int) execv.invokeExact(arena.allocateFrom("/bin/echo"), argv);
                System.exit(60 + r);
            } catch (Throwable e) {
                System.exit(70);
            }
        });
        t.join();
    }
}
