package dev.peregrine.capture;

import java.util.Locale;

/**
 * The CPU architectures whose system calls Peregrine decodes. The audit constants are what
 * a seccomp filter sees in {@code seccomp_data.arch}; they tell native calls from foreign
 * ones (i386 on x86_64, AArch32 on arm64), which must never pass a filter unseen.
 */
public enum Arch {
    X86_64(0xC000003EL, "x86_64", "amd64"),
    AARCH64(0xC00000B7L, "aarch64", "arm64");

    private final long auditArch;
    private final String[] osArchNames;

    Arch(long auditArch, String... osArchNames) {
        this.auditArch = auditArch;
        this.osArchNames = osArchNames;
    }

    /** {@code AUDIT_ARCH_*} value from linux/audit.h. */
    public long auditArch() {
        return auditArch;
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
