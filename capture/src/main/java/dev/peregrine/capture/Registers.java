package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The general registers of a stopped tracee, for the few places that must write them
 * (syscall injection, denying a call) or read what {@code PTRACE_GET_SYSCALL_INFO} does not
 * report (arguments at fork/clone event stops). Tracer thread only.
 */
final class Registers {
    // x86_64 user_regs_struct offsets
    private static final long RAX = 80, RDI = 112, RSI = 104, RDX = 96, R10 = 56, R8 = 72, R9 = 64,
            ORIG_RAX = 120, RIP = 128, RSP = 152;
    private static final long X86_SIZE = 216;
    // aarch64 user_pt_regs: x0..x30, sp, pc, pstate
    private static final long ARM_SP = 31 * 8, ARM_PC = 32 * 8, ARM_SIZE = 34 * 8;

    private final Arch arch;
    private final MemorySegment regs;
    private final MemorySegment iov;
    private final MemorySegment scratch;

    Registers(Arch arch, Arena arena) {
        this.arch = arch;
        this.regs = arena.allocate(512, 16);
        this.iov = arena.allocate(16, 8);
        this.scratch = arena.allocate(16, 8);
    }

    /** Reads the registers of {@code tid}; false if it is gone. */
    boolean load(int tid) {
        if (arch == Arch.X86_64) {
            return Libc.ptrace(Ptrace.GETREGS, tid, 0, regs.address()) == 0;
        }
        iov.set(JAVA_LONG, 0, regs.address());
        iov.set(JAVA_LONG, 8, ARM_SIZE);
        return Libc.ptrace(Ptrace.GETREGSET, tid, Ptrace.NT_PRSTATUS, iov.address()) == 0;
    }

    boolean store(int tid) {
        if (arch == Arch.X86_64) {
            return Libc.ptrace(Ptrace.SETREGS, tid, 0, regs.address()) == 0;
        }
        iov.set(JAVA_LONG, 0, regs.address());
        iov.set(JAVA_LONG, 8, ARM_SIZE);
        return Libc.ptrace(Ptrace.SETREGSET, tid, Ptrace.NT_PRSTATUS, iov.address()) == 0;
    }

    /** A copy of the loaded registers, to restore later. */
    byte[] save() {
        return regs.asSlice(0, size()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    void restore(byte[] saved) {
        MemorySegment.copy(MemorySegment.ofArray(saved), 0, regs, 0, saved.length);
    }

    private long size() {
        return arch == Arch.X86_64 ? X86_SIZE : ARM_SIZE;
    }

    long pc() {
        return regs.get(JAVA_LONG, arch == Arch.X86_64 ? RIP : ARM_PC);
    }

    long sp() {
        return regs.get(JAVA_LONG, arch == Arch.X86_64 ? RSP : ARM_SP);
    }

    /** The return value register (rax, x0). */
    long ret() {
        return regs.get(JAVA_LONG, arch == Arch.X86_64 ? RAX : 0);
    }

    /** Syscall argument {@code i} (0..5) as the registers hold it before the call returns. */
    long arg(int i) {
        if (arch == Arch.X86_64) {
            long[] offs = {RDI, RSI, RDX, R10, R8, R9};
            return regs.get(JAVA_LONG, offs[i]);
        }
        return regs.get(JAVA_LONG, 8L * i);
    }

    /** The syscall number register at an event stop (orig_rax, x8). */
    long nr() {
        return regs.get(JAVA_LONG, arch == Arch.X86_64 ? ORIG_RAX : 8 * 8);
    }

    /** Prepares the loaded registers to execute syscall {@code nr} at {@code insn}. */
    void setupCall(long insn, long nr, long... args) {
        if (arch == Arch.X86_64) {
            long[] offs = {RDI, RSI, RDX, R10, R8, R9};
            regs.set(JAVA_LONG, RAX, nr);
            regs.set(JAVA_LONG, ORIG_RAX, -1L);
            for (int i = 0; i < args.length; i++) {
                regs.set(JAVA_LONG, offs[i], args[i]);
            }
            regs.set(JAVA_LONG, RIP, insn);
        } else {
            regs.set(JAVA_LONG, 8 * 8, nr);
            for (int i = 0; i < args.length; i++) {
                regs.set(JAVA_LONG, 8L * i, args[i]);
            }
            regs.set(JAVA_LONG, ARM_PC, insn);
        }
    }

    /**
     * Makes the call {@code tid} is stopped in at a seccomp stop not run and return
     * {@code -errno}: x86_64 sets orig_rax to -1; aarch64 writes the syscall number regset.
     */
    boolean skipCall(int tid, int errno) {
        if (!load(tid)) {
            return false;
        }
        if (arch == Arch.X86_64) {
            regs.set(JAVA_LONG, ORIG_RAX, -1L);
            regs.set(JAVA_LONG, RAX, -(long) errno);
            return store(tid);
        }
        regs.set(JAVA_LONG, 0, -(long) errno);
        if (!store(tid)) {
            return false;
        }
        scratch.set(JAVA_INT, 0, -1);
        iov.set(JAVA_LONG, 0, scratch.address());
        iov.set(JAVA_LONG, 8, 4);
        return Libc.ptrace(Ptrace.SETREGSET, tid, Ptrace.NT_ARM_SYSTEM_CALL, iov.address()) == 0;
    }

    /** Replaces the return value of the call {@code tid} is stopped at the exit of. */
    boolean setResult(int tid, long value) {
        if (!load(tid)) {
            return false;
        }
        regs.set(JAVA_LONG, arch == Arch.X86_64 ? RAX : 0, value);
        return store(tid);
    }
}
