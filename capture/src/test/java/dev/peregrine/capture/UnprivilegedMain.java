package dev.peregrine.capture;

import java.util.List;

/** Traces a command and prints "status=N nnp=B events=N"; run as an unprivileged user by a test. */
public final class UnprivilegedMain {
    private UnprivilegedMain() {
    }

    public static void main(String[] args) throws Exception {
        List<Event> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        TracedWorkload w = Capture.start(LaunchSpec.of(List.of(args), TrapSet.withStateKeeping(
                SyscallTable.parseList("openat"))), events::add, SyscallHook.ALLOW_ALL);
        ExitStatus s = w.waitFor();
        long opens = events.stream().filter(e -> e.type().equals("openat")).count();
        System.out.println("status=" + s.shellStatus() + " nnp=" + w.noNewPrivs() + " opens=" + opens);
    }
}
