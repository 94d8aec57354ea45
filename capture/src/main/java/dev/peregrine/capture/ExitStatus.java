package dev.peregrine.capture;

/**
 * How the workload's main process ended.
 *
 * @param code   exit code when it exited normally, else 0
 * @param signal the signal that killed it, else 0
 * @param core   whether it dumped core
 */
public record ExitStatus(int code, int signal, boolean core) {
    /** The status a shell reports: the exit code, or 128 + signal. */
    public int shellStatus() {
        return signal != 0 ? 128 + signal : code;
    }

    static ExitStatus fromWaitStatus(int status) {
        if ((status & 0x7f) == 0) {
            return new ExitStatus((status >> 8) & 0xff, 0, false);
        }
        return new ExitStatus(0, status & 0x7f, (status & 0x80) != 0);
    }
}
