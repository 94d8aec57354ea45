package dev.peregrine.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Synthesises the classic-BPF seccomp program for a {@link TrapSet}: foreign ABIs first,
 * then a binary search over the trapped numbers (so untrapped hot calls such as
 * {@code read} pay O(log n) comparisons), each hit returning {@code SECCOMP_RET_TRACE}
 * unless an argument pre-filter lets it through.
 */
public final class SeccompFilter {
    public static final int RET_ALLOW = 0x7fff0000;
    public static final int RET_TRACE = 0x7ff00000;
    public static final int RET_ERRNO = 0x00050000;
    public static final int ENOSYS = 38;

    static final int LD_W_ABS = 0x20;
    static final int JMP_JA = 0x05;
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JGT_K = 0x25;
    static final int JMP_JGE_K = 0x35;
    static final int JMP_JSET_K = 0x45;
    static final int RET_K = 0x06;

    /** Offsets in {@code struct seccomp_data}. */
    static final int OFF_NR = 0;
    static final int OFF_ARCH = 4;
    static final int OFF_ARGS = 16;

    /** Leaves of the search tree at most this wide are a linear run of comparisons. */
    private static final int LEAF = 4;

    /** One {@code struct sock_filter}. */
    public record Insn(int code, int jt, int jf, int k) {
    }

    private final List<Insn> code = new ArrayList<>();

    private SeccompFilter() {
    }

    /** The program for {@code set} on {@code arch}. */
    public static List<Insn> build(Arch arch, TrapSet set) {
        SeccompFilter f = new SeccompFilter();
        f.emitProgram(arch, set);
        if (f.code.size() > 4096) {
            throw new IllegalArgumentException("seccomp program of " + f.code.size()
                    + " instructions exceeds the kernel's limit of 4096");
        }
        return List.copyOf(f.code);
    }

    /** The program as the bytes of a {@code struct sock_filter[]} (little-endian hosts). */
    public static byte[] toBytes(List<Insn> program) {
        ByteBuffer buf = ByteBuffer.allocate(program.size() * 8).order(ByteOrder.nativeOrder());
        for (Insn i : program) {
            buf.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return buf.array();
    }

    private void emitProgram(Arch arch, TrapSet set) {
        int foreignAction = set.foreignAbi() == TrapSet.ForeignAbi.TRACE ? RET_TRACE : RET_ERRNO | ENOSYS;
        emit(LD_W_ABS, 0, 0, OFF_ARCH);
        emit(JMP_JEQ_K, 1, 0, (int) arch.auditArch());
        emit(RET_K, 0, 0, foreignAction);
        emit(LD_W_ABS, 0, 0, OFF_NR);
        if (arch == Arch.X86_64) {
            // x32 calls arrive with AUDIT_ARCH_X86_64 and the x32 bit in the number.
            emit(JMP_JGE_K, 0, 1, (int) Arch.X32_SYSCALL_BIT);
            emit(RET_K, 0, 0, foreignAction);
        }
        List<Syscall> sorted = set.syscalls().stream()
                .filter(s -> s.existsOn(arch))
                .sorted(Comparator.comparingInt(s -> s.number(arch)))
                .toList();
        emitTree(arch, set, sorted);
    }

    private void emitTree(Arch arch, TrapSet set, List<Syscall> calls) {
        if (calls.size() <= LEAF) {
            for (Syscall s : calls) {
                List<Insn> block = block(arch, set, s);
                emit(JMP_JEQ_K, 0, block.size(), s.number(arch));
                code.addAll(block);
            }
            emit(RET_K, 0, 0, RET_ALLOW);
            return;
        }
        int mid = calls.size() / 2;
        // A >= pivot: fall into the 'ja' to the right half; else skip it into the left half.
        emit(JMP_JGE_K, 0, 1, calls.get(mid).number(arch));
        int jaAt = code.size();
        emit(JMP_JA, 0, 0, 0);
        emitTree(arch, set, calls.subList(0, mid));
        code.set(jaAt, new Insn(JMP_JA, 0, 0, code.size() - jaAt - 1));
        emitTree(arch, set, calls.subList(mid, calls.size()));
    }

    /** What a matching number does: pre-filter checks, then TRACE; ends with an ALLOW slot. */
    private static List<Insn> block(Arch arch, TrapSet set, Syscall s) {
        List<TrapSet.Prefilter> mine = set.prefilters().stream().filter(p -> p.syscall().equals(s.name())).toList();
        List<Insn> out = new ArrayList<>();
        if (mine.isEmpty()) {
            out.add(new Insn(RET_K, 0, 0, RET_TRACE));
            return out;
        }
        // Layout: [ld, jset] per pre-filter, RET_TRACE, RET_ALLOW. Each jset jumps to RET_ALLOW on a skip.
        int n = mine.size();
        for (int i = 0; i < n; i++) {
            TrapSet.Prefilter p = mine.get(i);
            int index = s.arg(p.arg()).orElseThrow().index();
            out.add(new Insn(LD_W_ABS, 0, 0, OFF_ARGS + 8 * index));
            int toAllow = (n - i - 1) * 2 + 1; // past the remaining pairs and RET_TRACE
            if (p.when() == TrapSet.Prefilter.When.ANY_SET) {
                out.add(new Insn(JMP_JSET_K, toAllow, 0, (int) p.mask()));
            } else {
                out.add(new Insn(JMP_JSET_K, 0, toAllow, (int) p.mask()));
            }
        }
        out.add(new Insn(RET_K, 0, 0, RET_TRACE));
        out.add(new Insn(RET_K, 0, 0, RET_ALLOW));
        return out;
    }

    private void emit(int op, int jt, int jf, int k) {
        if (jt > 255 || jf > 255) {
            throw new IllegalStateException("conditional jump too far: " + jt + "/" + jf);
        }
        code.add(new Insn(op, jt, jf, k));
    }
}
