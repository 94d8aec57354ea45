package dev.peregrine.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/** Runs a real program under the real tracer and keeps its events, for the tests. */
final class Traced {
    final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    final ExitStatus status;
    final TracedWorkload workload;

    private Traced(TracedWorkload workload, ExitStatus status, List<Event> events) {
        this.workload = workload;
        this.status = status;
        this.events.addAll(events);
    }

    static Traced run(TrapSet set, SyscallHook hook, String... command) throws Exception {
        return run(set, hook, w -> { }, command);
    }

    static Traced run(TrapSet set, SyscallHook hook, java.util.function.Consumer<TracedWorkload> during,
                      String... command) throws Exception {
        return run(set, hook, SyscallExitHook.NONE, during, null, command);
    }

    /** Runs with an exit hook; the workload's stdout and stderr go to {@code output}. */
    static Traced run(TrapSet set, SyscallHook hook, SyscallExitHook exitHook, Path output, String... command)
            throws Exception {
        return run(set, hook, exitHook, w -> { }, output, command);
    }

    private static Traced run(TrapSet set, SyscallHook hook, SyscallExitHook exitHook,
                              java.util.function.Consumer<TracedWorkload> during, Path output,
                              String... command) throws Exception {
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        Path out = output != null ? output : Files.createTempFile("traced", ".out");
        LaunchSpec spec = LaunchSpec.of(List.of(command), set).withStdio(Path.of("/dev/null"), out, out);
        TracedWorkload w = Capture.start(spec, events::add, hook, exitHook);
        during.accept(w);
        ExitStatus status = w.waitFor(Duration.ofSeconds(60)).orElseThrow(() -> new AssertionError("timed out"));
        if (output == null) {
            Files.deleteIfExists(out);
        }
        return new Traced(w, status, events);
    }

    <T extends Event> List<T> all(Class<T> type, Predicate<T> filter) {
        synchronized (events) {
            return events.stream().filter(type::isInstance).map(type::cast).filter(filter).toList();
        }
    }

    <T extends Event> T one(Class<T> type, Predicate<T> filter) {
        List<T> found = all(type, filter);
        if (found.isEmpty()) {
            throw new AssertionError("no matching " + type.getSimpleName() + " among " + events.size() + " events:\n"
                    + String.join("\n", events.stream().map(EventJson::toJson).toList()));
        }
        return found.getFirst();
    }

    static TrapSet set(String names) {
        return TrapSet.withStateKeeping(SyscallTable.parseList(names));
    }
}
