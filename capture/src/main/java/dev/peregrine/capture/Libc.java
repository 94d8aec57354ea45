package dev.peregrine.capture;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Downcalls into the C library. Handles are created lazily: each distinct downcall shape
 * costs milliseconds to link, and start-up time is part of every workload's start.
 */
public final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    private Libc() {
    }

    private static final class Getpid {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LIBC.find("getpid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
    }

    /** The process id of this JVM, straight from the kernel. */
    public static int getpid() {
        try {
            return (int) Getpid.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("getpid() downcall failed", t);
        }
    }
}
