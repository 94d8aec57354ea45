package dev.peregrine.capture;

import java.util.Locale;

/**
 * The CPU architectures whose system calls Peregrine decodes. The audit constants are what
 * a seccomp filter sees in {@code seccomp_data.arch}; they tell native calls from foreign
 * ones (i386 on x86_64, AArch32 on arm64), which must never pass a filter unseen.
 */
public enum Arch {
    X86_64(0xC000003EL, 0x40000003L, "i386", 2, "x86_64", "amd64"),
    AARCH64(0xC00000B7L, 0x40000028L, "arm", 4, "aarch64", "arm64");

    /** x86_64 marks x32 ABI calls by this bit in the syscall number. */
    public static final long X32_SYSCALL_BIT = 0x40000000L;

    private final long auditArch;
    private final long foreignAuditArch;
    private final String foreignName;
    private final int syscallInsnLength;
    private final String[] osArchNames;

    Arch(long auditArch, long foreignAuditArch, String foreignName, int syscallInsnLength, String... osArchNames) {
        this.auditArch = auditArch;
        this.foreignAuditArch = foreignAuditArch;
        this.foreignName = foreignName;
        this.syscallInsnLength = syscallInsnLength;
        this.osArchNames = osArchNames;
    }

    /** {@code AUDIT_ARCH_*} value from linux/audit.h. */
    public long auditArch() {
        return auditArch;
    }

    /** The 32-bit compat ABI the kernel also accepts on this CPU (i386, AArch32). */
    public long foreignAuditArch() {
        return foreignAuditArch;
    }

    /** Name of the compat ABI, used in events about foreign-ABI calls. */
    public String foreignName() {
        return foreignName;
    }

    /** Bytes of the system call instruction ({@code syscall} = 2, {@code svc #0} = 4). */
    public int syscallInsnLength() {
        return syscallInsnLength;
    }

    /** The architecture this JVM runs on, or an error naming the unsupported one. */
    public static Arch current() {
        return of(System.getProperty("os.arch"));
    }

    static Arch of(String osArch) {
        String name = osArch.toLowerCase(Locale.ROOT);
        for (Arch arch : values()) {
            for (String alias : arch.osArchNames) {
                if (alias.equals(name)) {
                    return arch;
                }
            }
        }
        throw new UnsupportedOperationException(
                "unsupported CPU architecture '" + osArch + "': Peregrine traces x86_64 and aarch64 only");
    }
}
