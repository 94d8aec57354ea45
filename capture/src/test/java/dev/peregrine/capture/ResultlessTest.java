package dev.peregrine.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Verdict#ALLOW_WITHOUT_RESULT} on real programs: one stop instead of two, state still kept. */
class ResultlessTest {
    private static final int FILES = 20;

    private static String createFiles(Path dir) {
        return "i=0; while [ $i -lt " + FILES + " ]; do : > " + dir + "/f$i; i=$((i+1)); done; cd " + dir
                + " && : > relative";
    }

    private static List<Event.Syscall> creates(Traced t, Path dir) {
        return t.all(Event.Syscall.class, e -> e.type().equals("openat") && e.fd() != null
                && e.fd().name().startsWith(dir + "/"));
    }

    @Test
    void callsWhoseResultNobodyWantsAreReportedAtEntryWithOneStopEach(@TempDir Path dir) throws Exception {
        Path watched = Files.createDirectory(dir.resolve("watched"));
        Path skipped = Files.createDirectory(dir.resolve("skipped"));
        SyscallHook withResult = SyscallHook.ALLOW_ALL;
        List<SyscallEntry> entries = new CopyOnWriteArrayList<>();
        SyscallHook withoutResult = e -> {
            entries.add(e);
            return e.name().equals("openat") || e.name().equals("chdir") ? Verdict.ALLOW_WITHOUT_RESULT : Verdict.ALLOW;
        };
        Traced full = Traced.run(Traced.set("openat,chdir"), withResult, "sh", "-c", createFiles(watched));
        Traced lean = Traced.run(Traced.set("openat,chdir"), withoutResult, "sh", "-c", createFiles(skipped));
        assertEquals(0, full.status.code());
        assertEquals(0, lean.status.code());
        assertEquals(FILES + 1, Files.list(skipped).count(), "the calls ran");

        List<Event.Syscall> fullCreates = creates(full, watched);
        List<Event.Syscall> leanCreates = creates(lean, skipped);
        assertEquals(FILES + 1, fullCreates.size());
        assertEquals(FILES + 1, leanCreates.size());
        assertTrue(fullCreates.stream().allMatch(e -> e.res() != null && e.res() >= 0 && e.fd().num() == e.res()));
        for (Event.Syscall e : leanCreates) {
            assertNull(e.res(), "no result without the exit stop");
            assertEquals(-1, e.fd().num(), "the number is not known");
            assertEquals("file", e.fd().type());
        }
        // The name the event carries is the one the exit would carry, also for a relative path
        // opened after the chdir (the chdir kept its exit stop: it changes the cwd).
        assertTrue(leanCreates.stream().anyMatch(e -> e.fd().name().equals(skipped + "/relative")), leanCreates.toString());
        Event.Syscall chdir = lean.one(Event.Syscall.class, e -> e.type().equals("chdir"));
        assertEquals(0L, chdir.res(), "a state-keeping call stops at its exit whatever the hook says");
        // The hook saw the descriptor to be created, named as the exit names it.
        assertTrue(entries.stream().anyMatch(e -> e.fd() != null && e.fd().name().equals(skipped + "/f3")
                && e.fd().num() == -1));
        // One stop saved for each open the hook let go without its result.
        long saved = full.workload.stopCount() - lean.workload.stopCount();
        assertTrue(saved >= FILES, "stops with results " + full.workload.stopCount() + ", without " + lean.workload.stopCount());
    }

    @Test
    void anExitHookedCallLetGoWithoutResultDoesNotReachTheExitHook(@TempDir Path dir) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        SyscallExitHook exitHook = SyscallExitHook.of(Set.of(SyscallTable.require("openat")), e -> {
            seen.add(e.fd() == null ? "?" : e.fd().name());
            return Verdict.ALLOW;
        });
        Path kept = dir.resolve("kept");
        SyscallHook hook = e -> e.fd() != null && e.fd().name().equals(kept.toString())
                ? Verdict.ALLOW : Verdict.ALLOW_WITHOUT_RESULT;
        Traced t = Traced.run(Traced.set("openat"), hook, exitHook, Files.createTempFile("resultless", ".out"),
                "sh", "-c", ": > " + dir.resolve("other") + "; : > " + kept);
        assertEquals(0, t.status.code());
        assertEquals(List.of(kept.toString()), seen.stream().filter(n -> n.startsWith(dir.toString())).toList());
    }
}
