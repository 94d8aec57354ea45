package dev.peregrine.capture;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A running traced workload. Thread-safe. */
public final class TracedWorkload {
    private final CompletableFuture<Integer> started;
    private final CompletableFuture<ExitStatus> finished;
    private final CountDownLatch drained = new CountDownLatch(1);
    private final CompletableFuture<ExitStatus> mainExit = new CompletableFuture<>();
    private volatile Launcher.Launched launched;
    private volatile long stops;
    private volatile long tracerCpuNanos;
    private volatile long tracerUserNanos;
    private volatile Pinner pinner;

    TracedWorkload(CompletableFuture<Integer> started, CompletableFuture<ExitStatus> finished) {
        this.started = started;
        this.finished = finished;
    }

    void launched(Launcher.Launched l) {
        this.launched = l;
    }

    void pinner(Pinner p) {
        this.pinner = p;
    }

    /** How CPU pinning was put into effect (null before the launch). */
    Pinner pinner() {
        return pinner;
    }

    void stops(long n, long cpuNanos, long userNanos) {
        this.stops = n;
        this.tracerCpuNanos = cpuNanos;
        this.tracerUserNanos = userNanos;
    }

    void mainExited(ExitStatus status) {
        Launcher.Launched l = launched;
        if (l != null && l.terminal() != null) {
            l.terminal().takeBack();
        }
        mainExit.completeAsync(() -> status); // dependents must not run on the tracer thread
    }

    /**
     * Completes when the main process has ended, even while processes it left behind still
     * run (a container ends with its main process; the agent may then stop the rest).
     */
    public java.util.concurrent.CompletionStage<ExitStatus> mainExit() {
        return mainExit.minimalCompletionStage();
    }

    void dispatcherDone() {
        drained.countDown();
    }

    /** The main process's pid. */
    public int pid() {
        return started.join();
    }

    /** Whether the workload runs with {@code no_new_privs} (set only when the kernel required it). */
    public boolean noNewPrivs() {
        return launched != null && launched.noNewPrivs();
    }

    /** How many ptrace stops the tracer handled (after the workload ended). */
    public long stopCount() {
        return stops;
    }

    /**
     * CPU time the tracer thread spent from launch to the end (after the workload ended): the
     * cost of handling the stops, without the time spent waiting for them.
     */
    public long tracerCpuNanos() {
        return tracerCpuNanos;
    }

    /** The user-mode part of {@link #tracerCpuNanos()}: the tracer's own code, without the kernel's work. */
    public long tracerUserNanos() {
        return tracerUserNanos;
    }

    /**
     * Sends {@code signal} to the main process (for the agent's forwarding of SIGTERM etc.).
     * Returns false when it has already gone.
     */
    public boolean signal(int signal) {
        if (finished.isDone()) {
            return false;
        }
        return Libc.kill(pid(), signal) == 0;
    }

    /**
     * Waits until every traced process has ended and every event was handed to the consumer;
     * returns the main process's status.
     */
    public ExitStatus waitFor() throws InterruptedException {
        try {
            ExitStatus s = finished.get();
            drained.await();
            return s;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the tracer failed", e.getCause());
        }
    }

    /** {@link #waitFor()} with a limit; empty on timeout. */
    public Optional<ExitStatus> waitFor(Duration timeout) throws InterruptedException {
        try {
            ExitStatus s = finished.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            drained.await();
            return Optional.of(s);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the tracer failed", e.getCause());
        } catch (TimeoutException e) {
            return Optional.empty();
        }
    }
}
