package dev.peregrine.capture;

import java.lang.foreign.Arena;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The entry point: start a workload traced from its first instruction.
 *
 * <pre>{@code
 * TracedWorkload w = Capture.start(LaunchSpec.of(List.of("sh", "-c", "cat /etc/shadow"),
 *         TrapSet.withStateKeeping(SyscallTable.parseList("openat,connect"))),
 *     event -> System.out.println(event), SyscallHook.ALLOW_ALL);
 * int status = w.waitFor().shellStatus();
 * }</pre>
 *
 * Events reach {@code consumer} on one dispatcher thread, in order. The queue between the
 * tracer and the dispatcher is bounded; when the consumer falls behind, the tracer waits (and
 * with it the workload) rather than dropping events.
 */
public final class Capture {
    /** How many batches of at most 512 events the consumer may fall behind before the tracer waits. */
    static final int QUEUE = 256;

    private Capture() {
    }

    /** Starts {@code spec}; returns once the workload runs under the tracer, or throws why not. */
    public static TracedWorkload start(LaunchSpec spec, Consumer<Event> consumer, SyscallHook hook)
            throws CaptureException {
        return start(spec, consumer, hook, SyscallExitHook.NONE);
    }

    /**
     * Starts {@code spec} with a synchronous exit hook as well: the calls in
     * {@code exitHook.syscalls()} stop at their exit and the hook decides before they return.
     */
    public static TracedWorkload start(LaunchSpec spec, Consumer<Event> consumer, SyscallHook hook,
                                       SyscallExitHook exitHook) throws CaptureException {
        Arch arch = Arch.current();
        EventPipe pipe = new EventPipe(4 * 512, QUEUE * 512L);
        CompletableFuture<Integer> started = new CompletableFuture<>();
        CompletableFuture<ExitStatus> finished = new CompletableFuture<>();
        TracedWorkload workload = new TracedWorkload(started, finished);
        Thread dispatcher = Thread.ofPlatform().name("peregrine-events").daemon(true).unstarted(() -> {
            pipe.drain(consumer);
            workload.dispatcherDone();
        });
        Thread tracer = Thread.ofPlatform().name("peregrine-tracer").daemon(true).unstarted(() -> {
            ExitStatus result = null;
            try (Arena arena = Arena.ofConfined(); Pinner pinner = Pinner.onTracerThread(spec.pinning())) {
                workload.pinner(pinner);
                Tracer t = new Tracer(arch, arena, spec.trapSet(), hook, exitHook, pipe::publish);
                Launcher.Launched launched;
                try {
                    launched = new Launcher(arch, arena, t.registers(), t.memory()).launch(spec);
                } catch (CaptureException | RuntimeException e) {
                    started.completeExceptionally(e);
                    return;
                }
                t.adopt(launched);
                t.mainExitListener = workload::mainExited;
                t.jobTerminal = launched.terminal();
                workload.launched(launched);
                started.complete(launched.pid());
                pinner.watch(t::stopCount, t::tids);
                var threads = java.lang.management.ManagementFactory.getThreadMXBean();
                long cpu0 = threads.getCurrentThreadCpuTime();
                long user0 = threads.getCurrentThreadUserTime();
                result = t.loop();
                workload.stops(t.stops, threads.getCurrentThreadCpuTime() - cpu0,
                        threads.getCurrentThreadUserTime() - user0);
            } catch (RuntimeException | Error e) {
                started.completeExceptionally(e);
                finished.completeExceptionally(e);
            } finally {
                pipe.close();
                if (result != null) {
                    finished.complete(result);
                } else if (!finished.isDone()) {
                    finished.completeExceptionally(new IllegalStateException("the workload never started"));
                }
            }
        });
        dispatcher.start();
        tracer.start();
        try {
            started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CaptureException ce) {
                throw ce;
            }
            throw new CaptureException("starting the workload failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptureException("interrupted while starting the workload", e);
        }
        return workload;
    }
}
