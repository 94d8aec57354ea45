package dev.peregrine.capture;

import java.util.List;

/** Runs a classic-BPF seccomp program the way the kernel does, for the tests. */
final class BpfInterpreter {
    private BpfInterpreter() {
    }

    static int run(List<SeccompFilter.Insn> program, long arch, int nr, long... args) {
        int a = 0;
        int pc = 0;
        int steps = 0;
        while (true) {
            if (pc < 0 || pc >= program.size()) {
                throw new AssertionError("program ran off its end at " + pc);
            }
            if (++steps > 10_000) {
                throw new AssertionError("program loops");
            }
            SeccompFilter.Insn i = program.get(pc++);
            switch (i.code()) {
                case SeccompFilter.LD_W_ABS -> a = load(i.k(), arch, nr, args);
                case SeccompFilter.JMP_JA -> pc += i.k();
                case SeccompFilter.JMP_JEQ_K -> pc += a == i.k() ? i.jt() : i.jf();
                case SeccompFilter.JMP_JGT_K -> pc += Integer.compareUnsigned(a, i.k()) > 0 ? i.jt() : i.jf();
                case SeccompFilter.JMP_JGE_K -> pc += Integer.compareUnsigned(a, i.k()) >= 0 ? i.jt() : i.jf();
                case SeccompFilter.JMP_JSET_K -> pc += (a & i.k()) != 0 ? i.jt() : i.jf();
                case SeccompFilter.RET_K -> {
                    return i.k();
                }
                default -> throw new AssertionError("unknown opcode " + i.code());
            }
        }
    }

    private static int load(int offset, long arch, int nr, long[] args) {
        if (offset == SeccompFilter.OFF_NR) {
            return nr;
        }
        if (offset == SeccompFilter.OFF_ARCH) {
            return (int) arch;
        }
        int index = (offset - SeccompFilter.OFF_ARGS) / 8;
        boolean high = (offset - SeccompFilter.OFF_ARGS) % 8 == 4;
        long v = index < args.length ? args[index] : 0;
        return (int) (high ? v >>> 32 : v);
    }
}
