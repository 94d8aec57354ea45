package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.peregrine.capture.SeccompFilter.ENOSYS;
import static dev.peregrine.capture.SeccompFilter.RET_ALLOW;
import static dev.peregrine.capture.SeccompFilter.RET_ERRNO;
import static dev.peregrine.capture.SeccompFilter.RET_TRACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeccompFilterTest {
    private static final int O_DIRECTORY_X86 = 0200000;

    @Test
    void everyNumberIsTrappedExactlyWhenInTheSetOnBothArches() {
        for (Arch arch : Arch.values()) {
            for (int size : new int[] {0, 1, 3, 5, 17, SyscallTable.all().size()}) {
                List<Syscall> chosen = SyscallTable.all().stream().limit(size).toList();
                var program = SeccompFilter.build(arch, TrapSet.of(chosen));
                Set<Integer> trapped = new HashSet<>();
                chosen.stream().filter(s -> s.existsOn(arch)).forEach(s -> trapped.add(s.number(arch)));
                for (int nr = 0; nr < 600; nr++) {
                    int expected = trapped.contains(nr) ? RET_TRACE : RET_ALLOW;
                    assertEquals(expected, BpfInterpreter.run(program, arch.auditArch(), nr),
                            arch + " nr " + nr + " with " + size + " calls");
                }
            }
        }
    }

    @Test
    void foreignAbiCallsAreDeniedOrTrappedNeverAllowed() {
        var set = TrapSet.of(List.of(SyscallTable.require("openat")));
        for (Arch arch : Arch.values()) {
            var deny = SeccompFilter.build(arch, set);
            var trace = SeccompFilter.build(arch, set.withForeignAbi(TrapSet.ForeignAbi.TRACE));
            for (int nr : new int[] {0, 1, 5, 11, 102, 295, 400}) {
                assertEquals(RET_ERRNO | ENOSYS, BpfInterpreter.run(deny, arch.foreignAuditArch(), nr));
                assertEquals(RET_TRACE, BpfInterpreter.run(trace, arch.foreignAuditArch(), nr));
                // Any other arch value (there is none today) must not fall through to ALLOW either.
                assertEquals(RET_ERRNO | ENOSYS, BpfInterpreter.run(deny, 0x12345678L, nr));
            }
        }
    }

    @Test
    void x32CallsOnX86_64AreHandledLikeForeignAbiCalls() {
        var set = TrapSet.of(List.of(SyscallTable.require("openat")));
        var deny = SeccompFilter.build(Arch.X86_64, set);
        var trace = SeccompFilter.build(Arch.X86_64, set.withForeignAbi(TrapSet.ForeignAbi.TRACE));
        int x32Read = (int) Arch.X32_SYSCALL_BIT;          // read through the x32 ABI
        int x32Execve = (int) Arch.X32_SYSCALL_BIT + 520;  // x32 execve
        for (int nr : new int[] {x32Read, x32Execve}) {
            assertEquals(RET_ERRNO | ENOSYS, BpfInterpreter.run(deny, Arch.X86_64.auditArch(), nr));
            assertEquals(RET_TRACE, BpfInterpreter.run(trace, Arch.X86_64.auditArch(), nr));
        }
        assertEquals(RET_TRACE, BpfInterpreter.run(deny, Arch.X86_64.auditArch(), 257));
        assertEquals(RET_ALLOW, BpfInterpreter.run(deny, Arch.X86_64.auditArch(), 0));
    }

    @Test
    void argumentPrefilterLetsDirectoryOpensThroughWithoutAStop() {
        var set = TrapSet.of(List.of(SyscallTable.require("openat"), SyscallTable.require("execve")))
                .withPrefilter(new TrapSet.Prefilter("openat", "flags", O_DIRECTORY_X86, TrapSet.Prefilter.When.ANY_SET));
        var program = SeccompFilter.build(Arch.X86_64, set);
        long arch = Arch.X86_64.auditArch();
        assertEquals(RET_ALLOW, BpfInterpreter.run(program, arch, 257, -100, 0, O_DIRECTORY_X86 | 0x80000));
        assertEquals(RET_TRACE, BpfInterpreter.run(program, arch, 257, -100, 0, 0x80000));
        assertEquals(RET_TRACE, BpfInterpreter.run(program, arch, 59, 0, 0, O_DIRECTORY_X86));
    }

    @Test
    void noneSetPrefilterTrapsOnlyWritingOpens() {
        int writeBits = 1 | 2 | 0100 | 01000; // O_WRONLY|O_RDWR|O_CREAT|O_TRUNC
        var set = TrapSet.of(List.of(SyscallTable.require("openat")))
                .withPrefilter(new TrapSet.Prefilter("openat", "flags", writeBits, TrapSet.Prefilter.When.NONE_SET));
        var program = SeccompFilter.build(Arch.AARCH64, set);
        long arch = Arch.AARCH64.auditArch();
        assertEquals(RET_ALLOW, BpfInterpreter.run(program, arch, 56, -100, 0, 0));
        assertEquals(RET_TRACE, BpfInterpreter.run(program, arch, 56, -100, 0, 1));
        assertEquals(RET_TRACE, BpfInterpreter.run(program, arch, 56, -100, 0, 0100));
    }

    @Test
    void prefilterOnAnArgumentTheCallLacksIsAnErrorNamingIt() {
        var e = assertThrows(IllegalArgumentException.class, () -> TrapSet.of(List.of())
                .withPrefilter(new TrapSet.Prefilter("openat", "nosuch", 1, TrapSet.Prefilter.When.ANY_SET)));
        assertTrue(e.getMessage().contains("nosuch") && e.getMessage().contains("openat"), e.getMessage());
    }

    @Test
    void bytesAreEightPerInstruction() {
        var program = SeccompFilter.build(Arch.X86_64, TrapSet.of(SyscallTable.all()));
        assertEquals(program.size() * 8, SeccompFilter.toBytes(program).length);
        assertTrue(program.size() < 400, "program has " + program.size() + " instructions");
    }
}
