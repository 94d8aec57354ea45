package dev.peregrine.cli.trace;

import dev.peregrine.capture.Capture;
import dev.peregrine.capture.CaptureException;
import dev.peregrine.capture.CpuPinning;
import dev.peregrine.capture.EventJson;
import dev.peregrine.capture.ExitStatus;
import dev.peregrine.capture.LaunchSpec;
import dev.peregrine.capture.SyscallHook;
import dev.peregrine.capture.SyscallTable;
import dev.peregrine.capture.TracedWorkload;
import dev.peregrine.capture.TrapSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code peregrine trace}: run a command under the tracer and print its events as JSON lines. */
@Command(name = "trace", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a command traced (ptrace + seccomp) and print its events as JSON lines.",
                "Exits with the command's exit status (128+signal when it was killed)."})
public final class TraceCommand implements Callable<Integer> {
    @Option(names = "--syscalls", paramLabel = "LIST",
            description = "Comma-separated system calls to trap (default: every call in the table). "
                    + "Process-state calls (exec, chdir, set*id) are always added.")
    String syscalls;

    @Option(names = "--out", paramLabel = "FILE", description = "Write events to FILE instead of standard output.")
    Path out;

    @Option(names = "--trace-foreign-abi",
            description = "Trap i386/x32 calls and report them, instead of failing them with ENOSYS.")
    boolean traceForeignAbi;

    @Option(names = "--cpu-pinning", paramLabel = "MODE",
            description = "auto (default): tracer and command share one CPU while the command makes many trapped "
                    + "calls; on: always; off: never. Default from PEREGRINE_CAPTURE_PIN.")
    String pinning;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        TrapSet set;
        try {
            set = TrapSet.withStateKeeping(syscalls == null ? SyscallTable.all() : SyscallTable.parseList(syscalls));
        } catch (IllegalArgumentException e) {
            System.err.println("peregrine trace: --syscalls: " + e.getMessage());
            return 2;
        }
        if (traceForeignAbi) {
            set = set.withForeignAbi(TrapSet.ForeignAbi.TRACE);
        }
        CpuPinning pin;
        try {
            pin = pinning != null ? CpuPinning.parse(pinning) : CpuPinning.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("peregrine trace: " + (pinning != null ? "--cpu-pinning: " : "") + e.getMessage());
            return 2;
        }
        Writer writer = out == null
                ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16)
                : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
        try (writer) {
            TracedWorkload workload;
            try {
                workload = Capture.start(new LaunchSpec(command, System.getenv(), set, null, null, null, null).withPinning(pin), e -> {
                    try {
                        writer.write(EventJson.toJson(e));
                        writer.write('\n');
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                }, SyscallHook.ALLOW_ALL);
            } catch (CaptureException e) {
                System.err.println("peregrine trace: " + e.getMessage());
                return 127;
            }
            forwardSignals(workload);
            ExitStatus status = workload.waitFor();
            writer.flush();
            return status.shellStatus();
        }
    }

    /** SIGTERM/SIGINT/SIGHUP to this JVM go to the workload, which decides how to end. */
    private static void forwardSignals(TracedWorkload workload) {
        String[] names = {"TERM", "INT", "HUP"};
        int[] numbers = {15, 2, 1};
        for (int i = 0; i < names.length; i++) {
            int number = numbers[i];
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(names[i]), s -> workload.signal(number));
            } catch (IllegalArgumentException ignored) {
                // the JVM reserves this signal here; it is not forwarded
            }
        }
    }
}
