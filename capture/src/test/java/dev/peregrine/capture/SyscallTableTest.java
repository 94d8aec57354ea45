package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SyscallTableTest {
    private static final Pattern DEFINE = Pattern.compile("#define __NR(?:3264)?_(\\w+)\\s+(\\d+)");

    private static Map<String, Integer> header(Path path) throws IOException {
        Map<String, Integer> numbers = new HashMap<>();
        Matcher m = DEFINE.matcher(Files.readString(path));
        while (m.find()) {
            numbers.putIfAbsent(m.group(1), Integer.parseInt(m.group(2)));
        }
        return numbers;
    }

    /** Calls newer than the installed header must at least number above everything it knows. */
    private static void check(Map<String, Integer> header, String name, int ours) {
        Integer expected = header.get(name);
        if (expected == null && ours != Syscall.ABSENT) {
            int newest = header.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            assertTrue(ours > newest, name + " is missing from the header but numbered " + ours);
            return;
        }
        assertEquals(expected == null ? Syscall.ABSENT : expected, ours, name);
    }

    @Test
    void x86_64NumbersMatchTheKernelHeader() throws IOException {
        Path h = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
        assumeTrue(Files.exists(h), "kernel headers not installed");
        Map<String, Integer> numbers = header(h);
        for (Syscall s : SyscallTable.all()) {
            check(numbers, s.name(), s.x86_64());
        }
    }

    @Test
    void aarch64NumbersMatchTheGenericHeader() throws IOException {
        Path h = Path.of("/usr/include/asm-generic/unistd.h");
        assumeTrue(Files.exists(h), "kernel headers not installed");
        Map<String, Integer> numbers = header(h);
        for (Syscall s : SyscallTable.all()) {
            check(numbers, s.name(), s.aarch64());
        }
    }

    @Test
    void theIssuesMinimumSetIsCovered() {
        String required = "execve, execveat, open, openat, openat2, creat, connect, accept, accept4, bind, listen, "
                + "socket, sendto, sendmsg, dup, dup2, dup3, symlink, symlinkat, link, linkat, unlink, unlinkat, "
                + "rename, renameat, renameat2, mkdir, mkdirat, rmdir, chmod, fchmod, fchmodat, chown, fchown, "
                + "lchown, fchownat, setuid, setgid, setreuid, setregid, setresuid, setresgid, setns, unshare, "
                + "ptrace, memfd_create, init_module, finit_module, bpf, mount, chdir, fchdir, kill, tkill, tgkill, "
                + "clone, clone3, fork, vfork, exit_group, userfaultfd";
        assertEquals(61, SyscallTable.parseList(required).size());
    }

    @Test
    void unknownNamesAreRejectedWithTheListOfKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> SyscallTable.parseList("openat,frobnicate"));
        assertTrue(e.getMessage().contains("frobnicate") && e.getMessage().contains("openat"));
    }

    @Test
    void numberIndexFindsRowsPerArch() {
        assertEquals("openat", SyscallTable.byNumber(Arch.X86_64)[257].name());
        assertEquals("openat", SyscallTable.byNumber(Arch.AARCH64)[56].name());
    }
}
