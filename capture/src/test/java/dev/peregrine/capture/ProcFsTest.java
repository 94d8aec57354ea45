package dev.peregrine.capture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The /proc readers on a real process. */
class ProcFsTest {
    @Test
    void credentialsComeFromStatus() throws Exception {
        Process p = new ProcessBuilder("sleep", "5").start();
        try {
            ProcFs.Creds c = ProcFs.creds((int) p.pid());
            assertNotNull(c);
            assertEquals("sleep", c.name());
            assertEquals((int) p.pid(), c.tgid());
            assertEquals(Libc.getpid(), c.ppid());
            String status = Files.readString(Path.of("/proc/" + p.pid() + "/status"));
            assertEquals(Integer.parseInt(ProcFs.value(status, "Uid:").split("\\s+")[1]), c.ids()[1]);
            assertEquals(Long.parseUnsignedLong(ProcFs.value(status, "CapEff:"), 16), c.capEff());
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertEquals(null, ProcFs.creds(Integer.MAX_VALUE - 1), "a process that is gone has no credentials");
    }

    @Test
    void valueFindsAKeyOnAnyLine() {
        String text = "Name:\tsh\nUid:\t1\t2\t3\t4\nCapEff:\t00000000a80425fb\n";
        assertEquals("sh", ProcFs.value(text, "Name:"));
        assertEquals("1\t2\t3\t4", ProcFs.value(text, "Uid:"));
        assertEquals("00000000a80425fb", ProcFs.value(text, "CapEff:"));
        assertEquals(null, ProcFs.value(text, "Gid:"));
    }

    @Test
    void theExecutableIsWritableForItsOwnerWithTheWriteBitAndAlwaysForRoot(@TempDir Path dir) throws Exception {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "needs root to chown");
        Path exe = dir.resolve("sleeper");
        Files.copy(Path.of("/bin/sleep"), exe);
        Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwx---r-x"));
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(exe, users.lookupPrincipalByName("nobody"));
        dir.toFile().setExecutable(true, false);
        Process p = new ProcessBuilder(exe.toString(), "5").start();
        try {
            int pid = (int) p.pid();
            ProcessInfo info = ProcFs.snapshot(pid, Libc.getpid(), null);
            int nobody = (Integer) Files.getAttribute(exe, "unix:uid");
            assertEquals(Render.EXE_WRITABLE, ProcFs.exeFlags(as(info, nobody)), "owner with u+w");
            assertEquals(0L, ProcFs.exeFlags(as(info, 4242)), "others without o+w");
            assertEquals(Render.EXE_WRITABLE, ProcFs.exeFlags(as(info, 0)), "root");
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static ProcessInfo as(ProcessInfo p, int euid) {
        return p.withCredentials(new int[] {euid, euid, 4242, 4242}, 0, 0);
    }
}
