package dev.peregrine.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The synchronous exit hook against real programs: it acts before the workload sees the result. */
class ExitHookTest {
    private static final String SECRET = "peregrine-exit-hook-secret";

    private static Path secretFile(Path dir) throws Exception {
        Path f = dir.resolve("secret.txt");
        Files.writeString(f, SECRET + "\n");
        return f;
    }

    private static boolean opens(Event.Syscall e, Path file) {
        return e.fd() != null && e.fd().name().equals(file.toString()) && e.res() != null && e.res() >= 0;
    }

    @Test
    void killAtExitStopsTheProcessBeforeItUsesTheDescriptor(@TempDir Path dir) throws Exception {
        Path secret = secretFile(dir);
        Path out = dir.resolve("out.txt");
        List<String> seen = new CopyOnWriteArrayList<>();
        SyscallExitHook hook = SyscallExitHook.of(Set.of(SyscallTable.require("openat")), e -> {
            seen.add(e.type());
            return opens(e, secret) ? Verdict.KILL : Verdict.ALLOW;
        });
        Traced t = Traced.run(Traced.set("openat,close"), SyscallHook.ALLOW_ALL, hook, out,
                "sh", "-c", "cat " + secret);
        assertEquals(137, t.status.shellStatus(), "status " + t.status);
        String printed = Files.readString(out);
        assertFalse(printed.contains(SECRET), "the file was printed before the kill: " + printed);
        Event.Syscall killed = t.one(Event.Syscall.class, e -> e.verdict() instanceof Verdict.Kill);
        assertEquals("openat", killed.type());
        assertTrue(killed.res() >= 0, "the exit event carries the call's result");
        assertEquals("cat", killed.process().comm());
        assertTrue(t.all(Event.Syscall.class, e -> e.type().equals("close") && e.tid() == killed.tid()
                && e.seq() > killed.seq()).isEmpty(), "cat ran on after the kill");
        assertTrue(seen.stream().allMatch("openat"::equals), "the hook ran for calls it did not ask for: " + seen);
        assertFalse(seen.isEmpty());
    }

    @Test
    void denyAtExitReplacesTheResult(@TempDir Path dir) throws Exception {
        Path secret = secretFile(dir);
        Path out = dir.resolve("out.txt");
        SyscallExitHook hook = SyscallExitHook.of(Set.of(SyscallTable.require("openat")),
                e -> opens(e, secret) ? Verdict.deny(13) : Verdict.ALLOW);
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, hook, out, "cat", secret.toString());
        assertEquals(1, t.status.code());
        String printed = Files.readString(out);
        assertFalse(printed.contains(SECRET), printed);
        assertTrue(printed.contains("Permission denied"), printed);
        Event.Syscall denied = t.one(Event.Syscall.class, e -> e.verdict() instanceof Verdict.Deny);
        assertEquals(-13L, denied.res());
    }

    @Test
    void onlyTheNamedCallsReachTheHookAndOthersRunUnchanged(@TempDir Path dir) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        SyscallExitHook hook = SyscallExitHook.of(Set.of(SyscallTable.require("chdir")), e -> {
            seen.add(e.type());
            return Verdict.ALLOW;
        });
        Traced t = Traced.run(Traced.set("openat,chdir"), SyscallHook.ALLOW_ALL, hook, dir.resolve("o"),
                "sh", "-c", "cd / && cat /etc/hostname > /dev/null");
        assertEquals(0, t.status.code());
        assertEquals(List.of("chdir"), seen);
        assertFalse(t.all(Event.Syscall.class, e -> e.type().equals("openat")).isEmpty());
    }
}
