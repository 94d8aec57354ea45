package dev.peregrine.task;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** One container of a running task: its plan, its shim process and what has happened to it. */
final class ContainerRun {
    enum Status { PENDING, RUNNING, STOPPED }

    enum Health { UNKNOWN, HEALTHY, UNHEALTHY }

    final ContainerPlan plan;
    /** Completes when PID 1 was executed; exceptionally when it could not be (or never will be). */
    final CompletableFuture<Void> started = new CompletableFuture<>();
    /** The exit code; exceptionally when the container never ran. */
    final CompletableFuture<Integer> exited = new CompletableFuture<>();
    /** Completes when the health check first passes; exceptionally when it never will. */
    final CompletableFuture<Void> healthy = new CompletableFuture<>();

    volatile Status status = Status.PENDING;
    volatile Health health = Health.UNKNOWN;
    volatile Process shim;
    volatile long hostPid;
    volatile Instant startedAt;
    volatile Instant finishedAt;
    volatile Integer exitCode;

    ContainerRun(ContainerPlan plan) {
        this.plan = plan;
    }

    String name() {
        return plan.name();
    }

    /** The container will never run: everything waiting on it learns why. */
    void neverRuns(String why) {
        TaskException e = new TaskException(why);
        started.completeExceptionally(e);
        exited.completeExceptionally(e);
        healthy.completeExceptionally(e);
    }
}
