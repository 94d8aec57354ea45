package dev.peregrine.capture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Programs that try to leave the tracer's sight: 32-bit system calls, exec from a non-leader
 * thread, executing a memfd, execveat. They are compiled at test time with gcc.
 */
class EscapeTest {
    @TempDir
    static Path bin;

    @BeforeAll
    static void compile() throws Exception {
        Path src = Path.of(System.getProperty("peregrine.root", "."), "capture/src/test/resources/c");
        for (String name : List.of("thread_exec", "int80", "memfd_exec", "x32")) {
            Process p = new ProcessBuilder("gcc", "-O1", "-no-pie", "-pthread", "-o", bin.resolve(name).toString(),
                    src.resolve(name + ".c").toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "gcc unavailable or failed: " + out);
        }
    }

    @Test
    void execFromANonLeaderThreadIsFollowed() throws Exception {
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, bin.resolve("thread_exec").toString());
        assertEquals(0, t.status.code(), "echo replaced the process, so its status is echo's");
        Event.Exec exec = t.one(Event.Exec.class, e -> e.process().comm().equals("echo"));
        assertNotEquals(exec.process().pid(), exec.formerTid(), "the exec came from a non-leader thread");
        assertEquals(t.workload.pid(), exec.process().pid());
        assertEquals(List.of("echo", "from-thread"), exec.process().args());
        t.one(Event.Syscall.class, e -> e.process().comm().equals("echo") && e.type().equals("openat"));
    }

    @Test
    void int80CallsAreDeniedByDefault() throws Exception {
        Traced t = Traced.run(Traced.set("open,openat"), SyscallHook.ALLOW_ALL, bin.resolve("int80").toString());
        assertEquals(38, t.status.code(), "the i386 open must fail with ENOSYS");
    }

    @Test
    void int80CallsAreReportedWhenTraced() throws Exception {
        TrapSet set = Traced.set("open,openat").withForeignAbi(TrapSet.ForeignAbi.TRACE);
        Traced t = Traced.run(set, SyscallHook.ALLOW_ALL, bin.resolve("int80").toString());
        Event.Syscall open = t.one(Event.Syscall.class, e -> e.abi().equals("i386") && e.nr() == 5);
        assertTrue(open.type().startsWith("i386:"));
        assertEquals(0, t.status.code(), "the i386 open ran and was seen");
        assertTrue(open.res() >= 0);
    }

    @Test
    void int80CallsCanBeDeniedByTheHook() throws Exception {
        TrapSet set = Traced.set("openat").withForeignAbi(TrapSet.ForeignAbi.TRACE);
        SyscallHook hook = e -> e.syscall() == null ? Verdict.deny(38) : Verdict.ALLOW;
        Traced t = Traced.run(set, hook, bin.resolve("int80").toString());
        assertEquals(38, t.status.code());
    }

    @Test
    void x32CallsAreDeniedByDefaultAndReportedWhenTraced() throws Exception {
        Traced denied = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, bin.resolve("x32").toString());
        assertEquals(38, denied.status.code(), "the x32 call must fail with ENOSYS");
        TrapSet set = Traced.set("openat").withForeignAbi(TrapSet.ForeignAbi.TRACE);
        Traced traced = Traced.run(set, SyscallHook.ALLOW_ALL, bin.resolve("x32").toString());
        Event.Syscall call = traced.one(Event.Syscall.class, e -> e.abi().equals("x32"));
        assertEquals(0x40000000L | 39, call.nr());
    }

    @Test
    void theExecSnapshotCarriesTheExecutablesInodeAndTimes() throws Exception {
        Path dropped = Files.copy(Path.of("/bin/true"), bin.resolve("dropped-true"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Traced t = Traced.run(Traced.set("openat"), SyscallHook.ALLOW_ALL, dropped.toString());
        assertEquals(0, t.status.code());
        ExecutableFile f = t.one(Event.Exec.class, e -> e.process().comm().equals("dropped-true")).process().exeFile();
        assertEquals(((Number) Files.getAttribute(dropped, "unix:ino")).longValue(), f.inode());
        assertEquals(((java.nio.file.attribute.FileTime) Files.getAttribute(dropped, "unix:ctime"))
                .to(TimeUnit.NANOSECONDS), f.ctimeNanos());
        assertEquals(Files.getLastModifiedTime(dropped).to(TimeUnit.NANOSECONDS), f.mtimeNanos());
        assertEquals(0755, f.mode() & 07777);
    }

    @Test
    void memfdExecAndExecveatAreSeen() throws Exception {
        Traced t = Traced.run(Traced.set("memfd_create,openat"), SyscallHook.ALLOW_ALL,
                bin.resolve("memfd_exec").toString());
        Event.Syscall memfd = t.one(Event.Syscall.class, e -> e.type().equals("memfd_create"));
        assertEquals("payload", memfd.param("name").orElseThrow().rendered());
        Event.Exec fromMemfd = t.one(Event.Exec.class, e -> e.process().exeFromMemfd());
        assertEquals("memfd:payload", fromMemfd.process().exePath(), "Falco's name: no leading slash, no (deleted)");
        assertTrue(fromMemfd.params().stream().anyMatch(p -> p.name().equals("flags")
                && p.rendered().contains("EXE_FROM_MEMFD")), fromMemfd.params().toString());
        Event.Exec viaExecveat = t.one(Event.Exec.class, e -> e.type().equals("execveat")
                && e.process().comm().equals("echo"));
        assertEquals(List.of("echo", "via-execveat"), viaExecveat.process().args());
        assertEquals(0, t.status.code());
    }
}
