package dev.peregrine.task;

import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.registry.RegistryClient;
import dev.peregrine.instrument.registry.RegistryCredentials;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Runs task definitions with a real runner and keeps what they printed. */
final class TaskHarness {
    final Path workDir;

    TaskHarness(Path workDir) {
        this.workDir = workDir;
    }

    record Result(int code, String out, String err) {
        /** The lines a container printed to stdout, without the "NAME | " prefix. */
        List<String> out(String container) {
            return out.lines().filter(l -> l.startsWith(container + " | ")).map(l -> l.substring(container.length() + 3)).toList();
        }
    }

    Result run(String taskJson, Map<String, Path> rootfs) throws Exception {
        return run(runner(taskJson, rootfs));
    }

    Captured runner(String taskJson, Map<String, Path> rootfs) throws Exception {
        TaskDefinition task = TaskDefinitionReader.parse(taskJson, "task.json", null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        RegistryClient registry = new RegistryClient(RegistryCredentials.none(), Duration.ofSeconds(5), Set.of(), Duration.ofMinutes(5));
        TaskRunner runner = new TaskRunner(task, new TaskOptions(workDir, rootfs, registry, Platform.LINUX_AMD64, "test-cluster",
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Captured(runner, out, err);
    }

    record Captured(TaskRunner runner, ByteArrayOutputStream out, ByteArrayOutputStream err) {
    }

    Result run(Captured captured) throws Exception {
        int code = captured.runner().run();
        Result result = new Result(code, captured.out().toString(StandardCharsets.UTF_8), captured.err().toString(StandardCharsets.UTF_8));
        assertNothingLeft();
        return result;
    }

    /** No helper process, no mount and no task directory outlives a task. */
    void assertNothingLeft() throws IOException {
        String helper = workDir.resolve("bin").toString();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String cmdline = Files.readString(proc.resolve("cmdline"));
                    if (cmdline.contains(helper)) {
                        throw new AssertionError("left running: " + proc + " " + cmdline.replace('\0', ' '));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        }
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        if (mounts.contains(workDir.toString())) {
            throw new AssertionError("mounts left behind: " + mounts.lines().filter(l -> l.contains(workDir.toString())).toList());
        }
        Path tasks = workDir.resolve("tasks");
        if (Files.isDirectory(tasks)) {
            try (Stream<Path> left = Files.list(tasks)) {
                List<Path> dirs = left.toList();
                if (!dirs.isEmpty()) {
                    throw new AssertionError("task directories left behind: " + dirs);
                }
            }
        }
    }
}
