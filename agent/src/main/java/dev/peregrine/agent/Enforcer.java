package dev.peregrine.agent;

/** What policies can do to the workload beyond denying a call. */
public interface Enforcer {
    /** SIGKILL the process (thread group) {@code pid}; false when it had already gone. */
    boolean killProcess(int pid);

    /** Stop the whole workload; the agent then exits non-zero. */
    void killTask(String reason);
}
