package dev.peregrine.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The launcher the workload starts from: a static ELF of a few dozen instructions that
 * Peregrine generates itself, so images need no shell and no C library for it.
 *
 * <p>Started as {@code stub PATH ARGV0 ARGS...}, it closes fd 3 (the descriptor it was
 * executed from), stops itself with {@code kill(getpid(), SIGSTOP)}, and once continued runs
 * {@code execve(PATH, [ARGV0, ARGS...], envp)}. If that fails it exits 127 for
 * {@code ENOENT} and 126 otherwise, as shells do. While it is stopped right after the
 * {@code kill} system call, the tracer seizes it and injects {@code seccomp()} through the
 * system call instruction just before the stop address.
 */
public final class LauncherStub {
    private static final long BASE = 0x400000L;
    private static final int EHDR = 64;
    private static final int PHDR = 56;
    private static final int CODE_OFFSET = EHDR + 2 * PHDR;

    private LauncherStub() {
    }

    /** The complete ELF image for {@code arch}. */
    public static byte[] image(Arch arch) {
        byte[] code = arch == Arch.X86_64 ? x86_64() : aarch64();
        int size = CODE_OFFSET + code.length;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        // ELF header
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 2);                                           // ET_EXEC
        b.putShort((short) (arch == Arch.X86_64 ? 0x3E : 0xB7));         // EM_X86_64 / EM_AARCH64
        b.putInt(1);                                                     // EV_CURRENT
        b.putLong(BASE + CODE_OFFSET);                                   // e_entry
        b.putLong(EHDR);                                                 // e_phoff
        b.putLong(0);                                                    // e_shoff
        b.putInt(0);                                                     // e_flags
        b.putShort((short) EHDR).putShort((short) PHDR).putShort((short) 2);
        b.putShort((short) 0).putShort((short) 0).putShort((short) 0);
        // PT_LOAD, R+X, the whole file
        b.putInt(1).putInt(5).putLong(0).putLong(BASE).putLong(BASE).putLong(size).putLong(size).putLong(0x10000);
        // PT_GNU_STACK, RW: a non-executable stack, so no READ_IMPLIES_EXEC personality
        b.putInt(0x6474e551).putInt(6).putLong(0).putLong(0).putLong(0).putLong(0).putLong(0).putLong(16);
        b.put(code);
        return b.array();
    }

    private static byte[] x86_64() {
        return bytes(
                0xb8, 3, 0, 0, 0,             // mov eax, 3 (close)
                0xbf, 3, 0, 0, 0,             // mov edi, 3
                0x0f, 0x05,                   // syscall
                0xb8, 39, 0, 0, 0,            // mov eax, 39 (getpid)
                0x0f, 0x05,                   // syscall
                0x89, 0xc7,                   // mov edi, eax
                0xbe, 19, 0, 0, 0,            // mov esi, SIGSTOP
                0xb8, 62, 0, 0, 0,            // mov eax, 62 (kill)
                0x0f, 0x05,                   // syscall  <- stopped here; injection reuses it
                0x48, 0x8b, 0x0c, 0x24,       // mov rcx, [rsp]          argc
                0x48, 0x8b, 0x7c, 0x24, 0x10, // mov rdi, [rsp+16]       argv[1] = path
                0x48, 0x8d, 0x74, 0x24, 0x18, // lea rsi, [rsp+24]       &argv[2]
                0x48, 0x8d, 0x54, 0xcc, 0x10, // lea rdx, [rsp+rcx*8+16] envp
                0xb8, 59, 0, 0, 0,            // mov eax, 59 (execve)
                0x0f, 0x05,                   // syscall
                0xbf, 126, 0, 0, 0,           // mov edi, 126
                0x83, 0xf8, 0xfe,             // cmp eax, -ENOENT
                0x75, 0x02,                   // jne +2
                0xff, 0xc7,                   // inc edi -> 127
                0xb8, 0xe7, 0, 0, 0,          // mov eax, 231 (exit_group)
                0x0f, 0x05);                  // syscall
    }

    private static byte[] aarch64() {
        int[] insns = {
                0xd2800060, // mov x0, #3
                0xd2800728, // mov x8, #57 (close)
                0xd4000001, // svc #0
                0xd2801588, // mov x8, #172 (getpid)
                0xd4000001, // svc #0
                0xd2800261, // mov x1, #19 (SIGSTOP); x0 = pid
                0xd2801028, // mov x8, #129 (kill)
                0xd4000001, // svc #0  <- stopped here; injection reuses it
                0xf94003e3, // ldr x3, [sp]            argc
                0xf9400be0, // ldr x0, [sp, #16]       argv[1] = path
                0x910063e1, // add x1, sp, #24         &argv[2]
                0x8b236fe2, // add x2, sp, x3, uxtx #3
                0x91004042, // add x2, x2, #16         envp
                0xd2801ba8, // mov x8, #221 (execve)
                0xd4000001, // svc #0
                0xb100081f, // cmn x0, #2              -ENOENT?
                0xd2800fc0, // mov x0, #126
                0x54000041, // b.ne +8
                0xd2800fe0, // mov x0, #127
                0xd2800bc8, // mov x8, #94 (exit_group)
                0xd4000001, // svc #0
        };
        ByteBuffer b = ByteBuffer.allocate(insns.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : insns) {
            b.putInt(i);
        }
        return b.array();
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }
}
