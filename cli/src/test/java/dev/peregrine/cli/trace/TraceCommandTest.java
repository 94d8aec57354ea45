package dev.peregrine.cli.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TraceCommandTest {
    @Test
    void tracesAShellAndExitsWithItsStatus(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "x\n");
        Path out = dir.resolve("events.jsonl");
        int status = new picocli.CommandLine(new TraceCommand()).execute("--out", out.toString(), "--",
                "sh", "-c", "cat " + secret + " > /dev/null; ls " + dir + " > /dev/null; exit 7");
        assertEquals(7, status);
        List<String> lines = Files.readAllLines(out);
        String open = lines.stream().filter(l -> l.contains("\"evt.type\":\"openat\"")
                && l.contains("\"evt.arg.name\":\"" + secret + "\"")).findFirst().orElseThrow();
        assertTrue(open.contains("\"evt.arg.flags\":\"O_RDONLY\""), open);
        assertTrue(open.contains("\"proc.name\":\"cat\""), open);
        String cat = lines.stream().filter(l -> l.contains("\"evt.type\":\"execve\"")
                && l.contains("\"proc.name\":\"cat\"")).findFirst().orElseThrow();
        assertTrue(cat.contains("\"proc.args\":[\"" + secret + "\"]"), cat);
        assertTrue(cat.contains("\"proc.ancestors\":[{\"pid\":"), cat);
        assertTrue(cat.contains("\"name\":\"sh\""), cat);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"evt.type\":\"execve\"") && l.contains("\"proc.name\":\"ls\"")));
    }

    @Test
    void deathBySignalExitsWith128PlusSignal(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("events.jsonl");
        assertEquals(137, new picocli.CommandLine(new TraceCommand()).execute("--out", out.toString(), "--syscalls", "openat",
                "--", "sh", "-c", "kill -KILL $$"));
    }

    @Test
    void unknownSyscallIsAUsageError() {
        assertEquals(2, new picocli.CommandLine(new TraceCommand()).execute("--syscalls", "openat,nosuchcall", "--", "true"));
    }

    @Test
    void badPinningModeIsAUsageError() {
        assertEquals(2, new picocli.CommandLine(new TraceCommand()).execute("--cpu-pinning", "sometimes", "--", "true"));
    }

    @Test
    void pinningOffStillTraces(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("events.jsonl");
        assertEquals(0, new picocli.CommandLine(new TraceCommand()).execute("--out", out.toString(), "--cpu-pinning",
                "off", "--syscalls", "openat", "--", "cat", "/etc/hostname"));
        assertTrue(Files.readAllLines(out).stream().anyMatch(l -> l.contains("\"evt.arg.name\":\"/etc/hostname\"")));
    }
}
