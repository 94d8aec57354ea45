package dev.peregrine.agent;

import dev.peregrine.capture.Capture;
import dev.peregrine.capture.CaptureException;
import dev.peregrine.capture.Event;
import dev.peregrine.capture.ExitStatus;
import dev.peregrine.capture.LaunchSpec;
import dev.peregrine.capture.Libc;
import dev.peregrine.capture.TracedWorkload;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PID-1 duties for one workload: starts it under the tracer, knows its live processes,
 * forwards signals to it, kills a process or the whole task for a policy, and turns the main
 * process's end into the agent's exit status (128+signal when it was killed). Orphans are
 * re-parented to the agent (it is PID 1, or a child subreaper otherwise) and, being traced,
 * are reaped by the tracer. When the main process ends, what is left of the tree is killed, as
 * the kernel does when a container's PID 1 exits.
 */
public final class Supervisor implements Enforcer {
    private static final System.Logger LOG = System.getLogger(Supervisor.class.getName());
    /** The status when a {@code kill_task} policy stopped a workload that would otherwise have succeeded. */
    public static final int KILLED_TASK_STATUS = 128 + 9;

    private final Set<Integer> live = ConcurrentHashMap.newKeySet();
    private final Map<Integer, ExitStatus> earlyExits = new ConcurrentHashMap<>();
    private final CompletableFuture<ExitStatus> mainExit = new CompletableFuture<>();
    private volatile TracedWorkload workload;
    private volatile int mainPid = -1;
    private volatile String killedTask;

    /** Starts {@code spec}; every event goes through {@code pipeline}. */
    public TracedWorkload start(LaunchSpec spec, Pipeline pipeline) throws CaptureException {
        return start(spec, pipeline, java.util.Set.of());
    }

    /**
     * Starts {@code spec}; the calls in {@code exitHooked} also stop at their exit, where
     * {@link Pipeline#onExit} may kill before the workload sees the result.
     */
    public TracedWorkload start(LaunchSpec spec, Pipeline pipeline, java.util.Set<dev.peregrine.capture.Syscall> exitHooked)
            throws CaptureException {
        if (Libc.getpid() != 1 && !Prctl.becomeSubreaper()) {
            LOG.log(System.Logger.Level.WARNING, "could not become a child subreaper; orphans go to the host's init");
        }
        TracedWorkload w = Capture.start(spec, e -> {
            track(e);
            pipeline.onEvent(e);
        }, pipeline::onEntry, dev.peregrine.capture.SyscallExitHook.of(exitHooked, pipeline::onExit));
        workload = w;
        mainPid = w.pid();
        live.add(mainPid);
        ExitStatus early = earlyExits.remove(mainPid);
        if (early != null) {
            mainExit.complete(early);
        }
        earlyExits.clear();
        if (killedTask != null) {
            killAll();
        }
        return w;
    }

    private void track(Event e) {
        switch (e) {
            case Event.Clone c when !c.thread() -> live.add(c.child().pid());
            case Event.Exit x -> {
                live.remove(x.process().pid());
                ExitStatus s = new ExitStatus(x.exitCode(), x.signal(), x.core());
                if (x.process().pid() == mainPid) {
                    mainExit.complete(s);
                } else if (mainPid < 0) {
                    earlyExits.put(x.process().pid(), s);
                }
            }
            default -> {
            }
        }
    }

    /** Forwards {@code signal} to the main process; false before it started or after it ended. */
    public boolean forward(int signal) {
        TracedWorkload w = workload;
        return w != null && w.signal(signal);
    }

    @Override
    public boolean killProcess(int pid) {
        LOG.log(System.Logger.Level.WARNING, "killing process {0} (policy action kill_process)", Integer.toString(pid));
        return Libc.kill(pid, 9) == 0;
    }

    @Override
    public void killTask(String reason) {
        if (killedTask != null) {
            return;
        }
        killedTask = reason;
        LOG.log(System.Logger.Level.WARNING, "stopping the task: {0} (policy action kill_task)", reason);
        killAll();
    }

    /** Why a kill_task policy stopped the task, or null. */
    public String killedTask() {
        return killedTask;
    }

    private void killAll() {
        if (mainPid > 0) {
            Libc.kill(mainPid, 9);
        }
        for (int pid : live) {
            Libc.kill(pid, 9);
        }
    }

    /**
     * Waits for the main process to end, kills what is left of the tree, waits until the last
     * event is delivered (at most {@code drainTimeout}), and returns the agent's exit status.
     */
    public int awaitExit(Duration drainTimeout) throws InterruptedException {
        TracedWorkload w = workload;
        ExitStatus status;
        while (true) {
            try {
                status = mainExit.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                break;
            } catch (java.util.concurrent.TimeoutException e) {
                if (w.waitFor(Duration.ZERO).isPresent()) {
                    status = w.waitFor();
                    break;
                }
                if (killedTask != null) {
                    killAll();
                }
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        long end = System.nanoTime() + drainTimeout.toNanos();
        while (w.waitFor(Duration.ofMillis(50)).isEmpty()) {
            killAll();
            if (System.nanoTime() > end) {
                LOG.log(System.Logger.Level.WARNING, "processes of the workload outlived it: {0}", live);
                break;
            }
        }
        int code = status.shellStatus();
        if (killedTask != null && code == 0) {
            return KILLED_TASK_STATUS;
        }
        return code;
    }
}
