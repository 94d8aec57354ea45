package dev.peregrine.capture;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LibcTest {
    @Test
    void getpidMatchesTheJvmsOwnPid() {
        assertEquals(ProcessHandle.current().pid(), Libc.getpid());
    }

    @Test
    void archesMapToTheirAuditConstants() {
        assertEquals(Arch.X86_64, Arch.of("amd64"));
        assertEquals(Arch.AARCH64, Arch.of("aarch64"));
        assertEquals(0xC000003EL, Arch.X86_64.auditArch());
        var error = assertThrows(UnsupportedOperationException.class, () -> Arch.of("riscv64"));
        assertEquals(true, error.getMessage().contains("riscv64"));
    }
}
