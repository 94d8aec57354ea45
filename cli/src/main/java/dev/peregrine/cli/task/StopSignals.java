package dev.peregrine.cli.task;

import dev.peregrine.task.TaskRunner;

/** SIGINT (Ctrl-C) and SIGTERM to the runner stop the task as ECS stops it, instead of killing the JVM. */
final class StopSignals {
    private StopSignals() {
    }

    static void install(TaskRunner runner) {
        for (String name : new String[] {"INT", "TERM"}) {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> runner.stop());
        }
    }
}
