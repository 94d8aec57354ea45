package dev.peregrine.cli.task;

import dev.peregrine.instrument.registry.LocalRegistry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code peregrine task run} as users (and the e2e tests) call it: the distribution's jar, an
 * image pushed to a real registry, the exit status and the {@code NAME | line} output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskRunCommandIT {
    private static final Path JAR = Path.of(System.getProperty("peregrine.jar", "target/peregrine.jar"));
    Path temp;
    LocalRegistry registry;
    Path workload;

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        this.temp = temp;
        LocalRegistry.ensureInstalled();
        registry = LocalRegistry.start(temp.resolve("registry"), null, null);
        workload = temp.resolve("workload");
        Path source = Path.of(System.getProperty("peregrine.root"), "cli", "src", "test", "c", "workload.c");
        Process gcc = new ProcessBuilder("gcc", "-static", "-O1", "-o", workload.toString(), source.toString()).inheritIO().start();
        assertEquals(0, gcc.waitFor());
        byte[] layer = layer(Files.readAllBytes(workload));
        registry.pushLayeredImage("shop/worker", "1", List.of(layer), """
                {"Entrypoint": ["/app/workload"], "Cmd": ["first arg", "second"], "WorkingDir": "/app"}""");
    }

    @AfterAll
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private static byte[] layer(byte[] program) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            TarArchiveEntry dir = new TarArchiveEntry("app/");
            dir.setMode(040755);
            tar.putArchiveEntry(dir);
            tar.closeArchiveEntry();
            TarArchiveEntry file = new TarArchiveEntry("app/workload");
            file.setMode(0100755);
            file.setSize(program.length);
            tar.putArchiveEntry(file);
            tar.write(program);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    record Run(int code, String out, String err) {
        List<String> lines(String text, String container) {
            return text.lines().filter(l -> l.startsWith(container + " | ")).map(l -> l.substring(container.length() + 3)).toList();
        }
    }

    private Process start(String... args) throws IOException {
        return start(List.of(), temp.resolve("work"), args);
    }

    private Process start(List<String> prefix, Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", JAR.toString(), "task", "run"));
        command.addAll(List.of(args));
        command.addAll(List.of("--work-dir", workDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        return builder.start();
    }

    private static Run finish(Process process) throws Exception {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("peregrine task run did not finish: " + err.getNow(""));
        }
        return new Run(process.exitValue(), out.get(), err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anUnpatchedTaskRunsTheWorkloadUnchanged() throws Exception {
        Path template = temp.resolve("template.yaml");
        Files.writeString(template, """
                Parameters:
                  Tag: {Type: String, Default: "1"}
                Resources:
                  Worker:
                    Type: AWS::ECS::TaskDefinition
                    Properties:
                      Family: worker
                      RequiresCompatibilities: [FARGATE]
                      ContainerDefinitions:
                        - Name: app
                          Image: !Sub "%s/shop/worker:${Tag}"
                          Essential: true
                """.formatted(registry.host()));
        Process direct = new ProcessBuilder(workload.toString(), "first arg", "second").directory(temp.toFile()).start();
        Run expected = finish(direct);
        Run task = finish(start(template.toString(), "--registry-insecure", registry.host()));

        assertEquals(42, expected.code());
        assertEquals(expected.code(), task.code(), task.err());
        List<String> expectedOut = new ArrayList<>(expected.out().lines().toList());
        // Only where the program lies differs: /app/workload and the image's WorkingDir /app in the container.
        expectedOut.replaceAll(l -> l.equals("cwd: " + temp) ? "cwd: /app" : l.equals("arg 0: " + workload) ? "arg 0: /app/workload" : l);
        assertEquals(expectedOut, task.lines(task.out(), "app"));
        assertEquals(expected.err().lines().toList(), task.lines(task.err(), "app"));
        assertTrue(task.err().contains("peregrine task run: pulling " + registry.host() + "/shop/worker:1"), task.err());
        assertTrue(task.err().contains("peregrine task run: task stopped: essential container app exited with code 42"), task.err());
    }

    /**
     * The agent as an instrumented task runs it: PID 1 of the container, tracing the workload with
     * the capabilities the task gives, reporting the task from the metadata endpoint. The
     * container's root is this machine's own (for its JDK and the distribution).
     */
    @Test
    void theAgentProtectsAWorkloadInATask() throws Exception {
        Path rules = temp.resolve("rules.yaml");
        Files.writeString(rules, """
                - rule: Read of the task test secret
                  desc: a workload opens the test secret
                  condition: evt.type in (open, openat, openat2) and fd.name = %s
                  output: secret opened (proc.name=%%proc.name fd.name=%%fd.name)
                  priority: WARNING
                """.formatted(temp.resolve("secret")));
        Files.writeString(temp.resolve("secret"), "s3cret\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path definition = temp.resolve("agent.json");
        Files.writeString(definition, """
                {"family": "guarded", "containerDefinitions": [{"name": "app", "image": "127.0.0.1:9/none",
                  "linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"]}},
                  "entryPoint": ["%s", "--enable-native-access=ALL-UNNAMED", "-jar", "%s", "run", "--rules", "%s", "--",
                                 "/bin/sh", "-c", "cat %s > /dev/null; echo workload done; exit 5"]}]}
                """.formatted(java, JAR.toAbsolutePath(), rules, temp.resolve("secret")));
        Run run = finish(start(definition.toString(), "--rootfs", "app=/", "--cluster", "guard"));
        assertEquals(5, run.code(), run.err());
        List<String> out = run.lines(run.out(), "app");
        assertTrue(out.contains("workload done"), run.out());
        String alert = out.stream().filter(l -> l.contains("\"rule\":\"Read of the task test secret\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no alert: " + run.out() + run.err()));
        assertTrue(alert.contains("\"task_family\":\"guarded\""), alert);
        assertTrue(alert.contains("\"cluster\":\"guard\""), alert);
        assertTrue(alert.contains("\"container_name\":\"app\""), alert);
        assertTrue(alert.matches(".*\"task_arn\":\"arn:aws:ecs:us-east-1:000000000000:task/guard/[0-9a-f]{32}\".*"), alert);
    }

    /** On overlayfs (a runner inside a container, say) overlays cannot nest: each container gets a copy of its image. */
    @Test
    void aWorkDirOnOverlayfsFallsBackToCopies() throws Exception {
        Path outer = temp.resolve("outer");
        for (String d : List.of("lower", "upper", "work", "merged")) {
            Files.createDirectories(outer.resolve(d));
        }
        Path definition = temp.resolve("copy.json");
        Files.writeString(definition, """
                {"family": "copy", "containerDefinitions": [{"name": "app", "image": "%s/shop/worker:1"}]}
                """.formatted(registry.host()));
        String mount = "mount -t overlay overlay -o lowerdir=%s,upperdir=%s,workdir=%s %s && exec \"$@\"".formatted(
                outer.resolve("lower"), outer.resolve("upper"), outer.resolve("work"), outer.resolve("merged"));
        Run run = finish(start(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", mount, "sh"),
                outer.resolve("merged").resolve("task-work"), definition.toString()));
        assertEquals(42, run.code(), run.err());
        assertTrue(run.err().contains("overlay mounts do not work under"), run.err());
        assertEquals(List.of("arg 0: /app/workload", "arg 1: first arg", "arg 2: second", "cwd: /app", "uid: 0",
                "last line without a newline"), run.lines(run.out(), "app"));
    }

    @Test
    void ctrlCStopsTheTaskLikeEcs() throws Exception {
        Path rootfs = busyboxRootfs();
        Path definition = temp.resolve("stop.json");
        Files.writeString(definition, """
                {"family": "stop", "containerDefinitions": [
                  {"name": "app", "image": "127.0.0.1:9/none", "entryPoint": ["/bin/busybox", "sh", "-c",
                   "trap 'echo stopping; exit 0' TERM; echo ready; while true; do /bin/busybox sleep 0.1; done"]}]}
                """);
        Process runner = start(definition.toString(), "--rootfs", "app=" + rootfs);
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(runner.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("app | ready", reader.readLine());
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(runner.pid())).start();
        assertEquals(0, kill.waitFor());
        assertEquals("app | stopping", reader.readLine());
        assertTrue(runner.waitFor(60, TimeUnit.SECONDS));
        String err = read(runner.getErrorStream());
        assertEquals(0, runner.exitValue(), err);
        assertTrue(err.contains("peregrine task run: stopping the task"), err);
    }

    @Test
    void aRunnerKilledWithSigkillLeavesNoContainerBehind() throws Exception {
        Path rootfs = busyboxRootfs();
        Path definition = temp.resolve("orphan.json");
        Files.writeString(definition, """
                {"family": "orphan", "pidMode": "task", "containerDefinitions": [
                  {"name": "app", "image": "127.0.0.1:9/none", "entryPoint": ["/bin/busybox", "sh", "-c",
                   "echo ready; /bin/busybox sleep 4711 & while true; do /bin/busybox sleep 0.1; done"]}]}
                """);
        Process runner = start(definition.toString(), "--rootfs", "app=" + rootfs);
        var reader = new java.io.BufferedReader(new java.io.InputStreamReader(runner.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("app | ready", reader.readLine());
        runner.destroyForcibly().waitFor();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> left;
        do {
            Thread.sleep(100);
            left = ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                    .filter(c -> c.contains("sleep 4711") || c.contains(temp.resolve("work").toString())).toList();
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), left);
    }

    @Test
    void aTaskThatCannotStartExits125WithTheReason() throws Exception {
        Path rootfs = busyboxRootfs();
        Path definition = temp.resolve("broken.json");
        Files.writeString(definition, """
                {"family": "broken", "containerDefinitions": [{"name": "app", "image": "127.0.0.1:9/none", "entryPoint": ["/no/such/program"]}]}
                """);
        Run run = finish(start(definition.toString(), "--rootfs", "app=" + rootfs));
        assertEquals(125, run.code(), run.err());
        assertTrue(run.err().contains("peregrine task run: container 'app' failed to start: exec /no/such/program: No such file or directory"),
                run.err());
    }

    private Path busyboxRootfs() throws Exception {
        Path rootfs = temp.resolve("busybox-rootfs");
        if (!Files.exists(rootfs)) {
            Process install = new ProcessBuilder("bash", Path.of(System.getProperty("peregrine.root"), "scripts", "ensure-packages.sh").toString(),
                    "busybox-static").inheritIO().start();
            assertEquals(0, install.waitFor());
            Files.createDirectories(rootfs.resolve("bin"));
            Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
            rootfs.resolve("bin/busybox").toFile().setExecutable(true, false);
        }
        return rootfs;
    }
}
