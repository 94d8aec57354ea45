package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** SIGQUIT, which the JVM keeps for thread dumps, reaches a Java handler instead. */
class SignalCatcherTest {
    @Test
    void sigquitToThisJvmReachesTheHandler() throws Exception {
        LinkedBlockingQueue<Integer> got = new LinkedBlockingQueue<>();
        SignalCatcher.handle(3, got::add);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, Libc.kill(Libc.getpid(), 3));
            assertEquals(3, got.poll(10, TimeUnit.SECONDS), "SIGQUIT " + (i + 1) + " handled");
        }
        assertNull(got.poll(200, TimeUnit.MILLISECONDS), "each signal once");
    }

    @Test
    void theHandlerIsTheWriteOfOneByteForEachArchitecture() {
        byte[] x86 = SignalCatcher.handlerCode(Arch.X86_64, 7);
        assertEquals((byte) 0xc3, x86[x86.length - 1], "ends with ret");
        assertEquals(7, x86[13], "the descriptor is the immediate of mov edi");
        byte[] arm = SignalCatcher.handlerCode(Arch.AARCH64, 7);
        assertEquals(36, arm.length);
        assertThrows(IllegalArgumentException.class, () -> SignalCatcher.handlerCode(Arch.AARCH64, 70_000));
    }
}
