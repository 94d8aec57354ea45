package dev.peregrine.capture;

import java.util.List;

/** Traces {@code args}, prints "pid=N" once the workload runs, then waits for it. */
public final class HoldMain {
    private HoldMain() {
    }

    public static void main(String[] args) throws Exception {
        TracedWorkload w = Capture.start(LaunchSpec.of(List.of(args), TrapSet.withStateKeeping(
                SyscallTable.parseList("openat"))), e -> { }, SyscallHook.ALLOW_ALL);
        System.out.println("pid=" + w.pid());
        System.out.flush();
        w.waitFor();
    }
}
