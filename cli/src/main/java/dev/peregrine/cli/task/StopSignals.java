package dev.peregrine.cli.task;

import dev.peregrine.task.TaskRunner;

/**
 * SIGINT (Ctrl-C) and SIGTERM to the runner stop the task as ECS stops it, instead of killing the
 * JVM; a second one kills every container at once.
 */
final class StopSignals {
    private StopSignals() {
    }

    static void install(TaskRunner runner) {
        java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        for (String name : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                if (received.incrementAndGet() == 1) {
                    runner.stop();
                } else {
                    runner.kill();
                }
            });
        }
    }
}
