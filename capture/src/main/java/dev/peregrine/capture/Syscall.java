package dev.peregrine.capture;

import java.util.List;
import java.util.Optional;

/**
 * One row of the system-call table: what Peregrine knows about a call. The same row drives
 * the seccomp filter (numbers), the decoder (argument types) and {@code evt.arg} rendering.
 *
 * @param name      the Linux/Falco name ({@code evt.type})
 * @param x86_64    number on x86_64, or {@link #ABSENT}
 * @param aarch64   number on aarch64 (asm-generic), or {@link #ABSENT}
 * @param result    what the return value is
 * @param args      the decoded arguments, named as Falco names them
 * @param effect    how the call changes process state the tracer keeps
 * @param needsExit whether the tracer waits for the syscall-exit stop to read the result
 */
public record Syscall(String name, int x86_64, int aarch64, Result result, List<Arg> args, Effect effect,
                      boolean needsExit) {
    /** The call does not exist on that architecture. */
    public static final int ABSENT = -1;

    public Syscall {
        args = List.copyOf(args);
    }

    /** What the return value of a call means. */
    public enum Result {
        /** 0 or -errno. */
        STATUS,
        /** A new file descriptor or -errno; its name is resolved. */
        FD,
        /** A new descriptor for the open file of the first argument (dup), or -errno. */
        DUPLICATE,
        /** A process or thread id or -errno. */
        PID,
        /** The call does not return (exit_group). */
        NONE
    }

    /** State the tracer updates when the call succeeds. */
    public enum Effect {
        NONE, EXEC, CLONE, CHDIR, CREDENTIALS, EXIT,
        /** Changes a process group or session ({@code proc.vpgid}, {@code proc.sid}). */
        PROCESS_GROUP
    }

    /**
     * One decoded argument.
     *
     * @param name  Falco's parameter name
     * @param type  how it is read and rendered
     * @param index the register index (0..5)
     */
    public record Arg(String name, ArgType type, int index) {
    }

    /** The number on {@code arch}, or {@link #ABSENT}. */
    public int number(Arch arch) {
        return arch == Arch.X86_64 ? x86_64 : aarch64;
    }

    public boolean existsOn(Arch arch) {
        return number(arch) != ABSENT;
    }

    /** The argument named {@code argName}, if the call has one. */
    public Optional<Arg> arg(String argName) {
        return args.stream().filter(a -> a.name().equals(argName)).findFirst();
    }
}
