package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The generated launcher, run without a tracer: it must stop itself, and once continued exec
 * the program with the given argv (or exit 127 when it does not exist). The aarch64 image
 * runs under qemu-user, whose execve hands the (x86_64) target back to the kernel.
 */
class LauncherStubTest {
    private record Result(int status, String output) {
    }

    private static Result run(List<String> prefix, Arch arch, String... args) throws Exception {
        Path stub = Files.createTempFile("launcher", ".elf");
        Files.write(stub, LauncherStub.image(arch));
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwx------"));
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(stub.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            awaitStopped(p.pid());
            assertEquals(0, Libc.kill((int) p.pid(), 18));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "launcher did not finish");
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes()).strip());
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(stub);
        }
    }

    private static void awaitStopped(long pid) throws IOException, InterruptedException {
        for (int i = 0; i < 1500; i++) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            if (state == 'T') {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the launcher never stopped itself");
    }

    @Test
    void x86_64LauncherStopsThenExecsWithTheGivenArgv() throws Exception {
        assumeTrue(Arch.current() == Arch.X86_64);
        Result r = run(List.of(), Arch.X86_64, "/bin/echo", "echo", "one", "two");
        assertEquals(0, r.status());
        assertEquals("one two", r.output());
        assertEquals(127, run(List.of(), Arch.X86_64, "/no/such/program", "x").status());
    }

    @Test
    void aarch64LauncherStopsThenExecsWithTheGivenArgv() throws Exception {
        Path qemu = Path.of("/usr/bin/qemu-aarch64-static");
        if (!Files.exists(qemu) && Arch.current() == Arch.X86_64) {
            Path script = Path.of(System.getProperty("peregrine.root", "."), "scripts/ensure-packages.sh");
            new ProcessBuilder(script.toString(), "qemu-user-static").inheritIO().start().waitFor();
        }
        List<String> prefix = Arch.current() == Arch.AARCH64 ? List.of() : List.of(qemu.toString());
        assumeTrue(Arch.current() == Arch.AARCH64 || Files.exists(qemu), "no way to run aarch64 code here");
        Result r = run(prefix, Arch.AARCH64, "/bin/echo", "echo", "arm", "64");
        assertEquals(0, r.status(), r.output());
        assertEquals("arm 64", r.output());
        assertEquals(127, run(prefix, Arch.AARCH64, "/no/such/program", "x").status());
    }
}
