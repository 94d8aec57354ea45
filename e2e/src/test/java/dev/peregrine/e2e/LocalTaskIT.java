package dev.peregrine.e2e;

import static dev.peregrine.e2e.Distribution.await;
import static dev.peregrine.e2e.Distribution.unless;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.cli.images.ImageBuilder;
import dev.peregrine.e2e.Distribution.Orchestrator;
import dev.peregrine.e2e.Distribution.Proc;
import dev.peregrine.instrument.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CloudFormation task definition whose workload image (pushed to a local registry by the test,
 * with its own Entrypoint and Cmd) is patched by {@code peregrine instrument cloudformation}
 * and run by {@code peregrine task run} with the {@code peregrine-agent} image that
 * {@code peregrine images build --push} made from the bundle: the agent in the task reaches the
 * orchestrator and the backend, and the alert carries the metadata that the runner serves to the
 * task. The registry, backend, orchestrator and images are shared by the tests of this class.
 */
class LocalTaskIT {
    private static final Path ROOT = Path.of(System.getProperty("peregrine.root", "..")).toAbsolutePath().normalize();
    private static final Path BUNDLE = Path.of(System.getProperty("peregrine.bundle",
            ROOT.resolve("bundle/target/bundle/opt/peregrine").toString()));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLUSTER = "e2e-local";
    private static final String RULE = "Read sensitive file untrusted";
    private static final String STARTED = "workload started";
    /** The image's Cmd: asks the runner's metadata endpoint, reads /etc/shadow (the suspicious action), exits 7. */
    private static final List<String> CMD = List.of("metadata", "read:/etc/shadow", "say:workload done", "exit:7");

    @TempDir
    static Path dir;
    private static LocalRegistry registry;
    private static LocalBackend backend;
    private static Orchestrator orchestrator;
    private static String agentImage;
    private static WorkloadImage staticImage;
    private static WorkloadImage muslImage;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(Files.isExecutable(BUNDLE.resolve("bin/instrument")), "the agent bundle is not built: " + BUNDLE
                + " (./mvnw -pl bundle -am package -DskipTests)");
        LocalRegistry.ensureInstalled();
        WorkloadImage.exec(List.of("bash", ROOT.resolve("scripts/ensure-packages.sh").toString(), "gcc", "libc6-dev",
                "musl", "musl-tools", "musl-dev"));
        registry = LocalRegistry.start(dir.resolve("registry"), null, null);
        backend = LocalBackend.start(dir.resolve("backend"), 0);
        orchestrator = Orchestrator.start(dir, "orchestrator", backend.url(), backend.createAccessKey("e2e-task"),
                dir.resolve("spool"), 0);

        // The agent image exactly as an operator makes it: the CLI, from the bundle module's output.
        Proc images = Distribution.start(dir, "images-build", Map.of(), "images", "build", "--image", "peregrine-agent",
                "--output", dir.resolve("images").toString(), "--agent-bundle", BUNDLE.toString(), "--tag", "e2e",
                "--push", registry.host() + "/peregrine", "--insecure");
        assertEquals(0, images.awaitExit(Duration.ofMinutes(5)), images.out() + images.err());
        agentImage = registry.host() + "/peregrine/peregrine-agent:e2e";
        assertTrue(images.out().contains(agentImage + " sha256:"), images.out());

        Path source = ROOT.resolve("e2e/src/test/c/workload.c");
        ImageBuilder builder = new ImageBuilder(dir.resolve("jib-cache"), "e2e");
        List<String> entrypoint = List.of("/bin/workload", "say:" + STARTED);
        staticImage = WorkloadImage.push(builder, WorkloadImage.rootfs(dir.resolve("rootfs-static"), source, WorkloadImage.Libc.STATIC),
                registry.host() + "/e2e/workload:static", entrypoint, CMD);
        muslImage = WorkloadImage.push(builder, WorkloadImage.rootfs(dir.resolve("rootfs-musl"), source, WorkloadImage.Libc.MUSL),
                registry.host() + "/e2e/workload:musl", entrypoint, CMD);
    }

    @AfterAll
    static void stop() throws Exception {
        Distribution.stopAll();
        if (backend != null) {
            backend.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /**
     * A CloudFormation template with one Fargate task definition that names neither EntryPoint
     * nor Command unless {@code command} is given; {@code env} is added to its environment.
     */
    private static Path template(String name, String family, String container, String image, Map<String, String> env,
                                 List<String> command) throws Exception {
        StringBuilder environment = new StringBuilder("            - {Name: GREETING, Value: hello from the template}\n");
        env.forEach((k, v) -> environment.append("            - {Name: ").append(k).append(", Value: \"").append(v).append("\"}\n"));
        String yaml = """
                AWSTemplateFormatVersion: "2010-09-09"
                Description: a task as its team writes it
                Resources:
                  Task:
                    Type: AWS::ECS::TaskDefinition
                    Properties:
                      Family: %s
                      RequiresCompatibilities: [FARGATE]
                      NetworkMode: awsvpc
                      Cpu: "256"
                      Memory: "512"
                      ContainerDefinitions:
                        - Name: %s
                          Image: %s
                          Essential: true
                          Environment:
                """.formatted(family, container, image) + environment
                + (command == null ? "" : "          Command: " + JSON.writeValueAsString(command) + "\n");
        return Files.writeString(dir.resolve(name + ".yaml"), yaml, StandardCharsets.UTF_8);
    }

    /** {@code peregrine instrument cloudformation}: the workload's Entrypoint/Cmd come from the registry. */
    private static Path instrument(Path template, String priority, String orchestratorPort) throws Exception {
        Path patched = template.resolveSibling(template.getFileName().toString().replace(".yaml", ".patched.yaml"));
        Proc p = Distribution.start(dir, "instrument-" + template.getFileName(), Map.of(), "instrument", "cloudformation",
                template.toString(), "-o", patched.toString(), "--agent-image", agentImage, "--orchestrator-host", "127.0.0.1",
                "--orchestrator-port", orchestratorPort, "--priority", priority, "--agent-log-level", "info");
        assertEquals(0, p.awaitExit(Duration.ofSeconds(60)), p.out() + p.err());
        return patched;
    }

    /** {@code peregrine task run}; the tasks share one work directory, so each image is pulled once. */
    private static Proc taskRun(String name, Path taskDefinition) throws Exception {
        return Distribution.start(dir, name, Map.of(), "task", "run", taskDefinition.toString(),
                "--registry-insecure", registry.host(), "--work-dir", dir.resolve("task-work").toString(), "--cluster", CLUSTER);
    }

    /** What the container wrote, from the task's log lines {@code NAME | line} on both streams. */
    private static List<String> log(Proc task, String container) {
        List<String> lines = new ArrayList<>(lines(task.out(), container));
        lines.addAll(lines(task.err(), container));
        return lines;
    }

    /** The lines {@code NAME | line} of one of the task's streams, without the prefix, in order. */
    private static List<String> lines(String stream, String container) {
        String prefix = container + " | ";
        return stream.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
    }

    /** The task metadata the runner served to the container, as the workload printed it. */
    private static JsonNode servedMetadata(Proc task, String container) throws Exception {
        for (String line : log(task, container)) {
            if (line.startsWith("metadata {")) {
                return JSON.readTree(line.substring("metadata ".length()));
            }
        }
        throw new AssertionError("the workload printed no task metadata\nstdout:\n" + task.out() + "\nstderr:\n" + task.err());
    }

    private static String describe(Proc task) {
        return "stdout:\n" + task.out() + "\nstderr:\n" + task.err();
    }

    /** Runs the patched task and checks the alert of its /etc/shadow read in the backend against the served metadata. */
    private static void assertProtected(String name, WorkloadImage image, String family, String container) throws Exception {
        Path patched = instrument(template(name, family, container, image.reference(), Map.of(), null), "availability",
                String.valueOf(orchestrator.agentPort()));
        String yaml = Files.readString(patched);
        assertTrue(yaml.contains("/opt/peregrine/bin/instrument") && yaml.contains("PeregrineInstrumentation"), yaml);
        for (String word : image.argv(null)) {
            // The template names neither: the command comes from the image config in the registry.
            assertTrue(yaml.contains(word), "the patched Command holds the image's Entrypoint and Cmd (" + word + "):\n" + yaml);
        }

        Proc task = taskRun(name, patched);
        assertEquals(7, task.awaitExit(Duration.ofSeconds(120)), "the workload's exit status is the task's\n" + describe(task));
        // The workload's stdout is its own: the agent adds nothing to it (its log goes to stderr).
        List<String> out = lines(task.out(), container);
        assertEquals(4, out.size(), "the workload ran under the agent\n" + describe(task));
        assertEquals(STARTED, out.get(0));
        assertTrue(out.get(1).startsWith("metadata {"), out.get(1));
        assertEquals(List.of("read " + WorkloadImage.SHADOW.length() + " bytes of /etc/shadow", "workload done"), out.subList(2, 4));

        JsonNode served = servedMetadata(task, container);
        String taskArn = served.path("TaskARN").asText();
        assertEquals(family, served.path("Family").asText(), served.toString());
        assertTrue(taskArn.startsWith("arn:aws:ecs:") && taskArn.contains(":task/" + CLUSTER + "/"),
                "an ECS task ARN of the cluster: " + served);

        Map<String, String> filters = Map.of("task", taskArn, "rule", RULE);
        await("the alert in the backend", Duration.ofSeconds(30), () -> unless(backend.events(filters), l -> l.size() == 1, "events"));
        JsonNode alert = backend.events(filters).getFirst();
        JsonNode workload = alert.path("workload");
        assertEquals(taskArn, workload.path("task_arn").asText(), alert.toString());
        assertEquals(family, workload.path("task_family").asText(), alert.toString());
        assertEquals(CLUSTER, workload.path("cluster").asText(), alert.toString());
        assertEquals(container, workload.path("container_name").asText(), alert.toString());
        assertEquals(image.reference(), workload.path("image").asText(), alert.toString());
        assertEquals("/etc/shadow", alert.path("output_fields").path("fd.name").asText(), alert.toString());
        assertEquals("workload", alert.path("output_fields").path("proc.name").asText(), alert.toString());
    }

    @Test
    void aPatchedTaskRaisesTheAlertWithItsTaskMetadata() throws Exception {
        assertProtected("shop", staticImage, "e2e-shop", "app");
    }

    @Test
    void aTaskWithAnAlpineLikeMuslRootFilesystemIsProtectedToo() throws Exception {
        List<String> files;
        try (var walk = Files.walk(muslImage.rootfs())) {
            files = walk.filter(p -> !Files.isDirectory(p)).map(p -> "/" + muslImage.rootfs().relativize(p)).sorted().toList();
        }
        assertEquals(List.of("/bin/workload", "/etc/passwd", "/etc/shadow", "/lib/ld-musl-x86_64.so.1"), files,
                "musl's loader and a musl program: no glibc, no shell");
        assertTrue(new String(Files.readAllBytes(muslImage.rootfs().resolve("bin/workload")), StandardCharsets.ISO_8859_1)
                .contains("/lib/ld-musl-x86_64.so.1"), "the program is loaded by musl's loader");
        assertProtected("alpine", muslImage, "e2e-alpine", "api");
    }

    @Test
    void securityPriorityWithoutAnOrchestratorNeverStartsTheWorkload() throws Exception {
        int nobodyListens = Distribution.freePort();
        Path patched = instrument(template("guarded", "e2e-guarded", "app", staticImage.reference(),
                Map.of("PEREGRINE_POLICY_TIMEOUT_S", "4"), null), "security", String.valueOf(nobodyListens));
        Proc task = taskRun("guarded", patched);
        int status = task.awaitExit(Duration.ofSeconds(120));
        assertTrue(status != 0, "the task must fail\n" + describe(task));
        List<String> log = log(task, "app");
        assertTrue(log.stream().anyMatch(l -> l.contains("no policy bundle from") && l.contains("127.0.0.1:" + nobodyListens)
                        && l.contains("PEREGRINE_PRIORITY=security") && l.contains("the workload was not started")),
                "the reason is in the container's log\n" + describe(task));
        assertFalse(log.contains(STARTED), "the workload must never run\n" + describe(task));
        assertEquals(3, status, "the agent's status for 'no policies' stops the task\n" + describe(task));
    }

    /**
     * SIGTERM to the runner stops the task as ECS does: the agent, PID 1 of the workload
     * container, passes the signal on to the workload, which reads /etc/shadow while it shuts
     * down; that alert still reaches the backend, the workload's exit code is the task's, and no
     * process of the task is left.
     */
    @Test
    void stoppingAProtectedTaskReachesTheWorkloadAndKeepsItsLastAlert() throws Exception {
        List<String> command = List.of("metadata", "awaitterm", "read:/etc/shadow", "say:bye", "exit:5");
        Path patched = instrument(template("stopped", "e2e-stopped", "app", staticImage.reference(), Map.of(), command),
                "availability", String.valueOf(orchestrator.agentPort()));
        Proc task = taskRun("stopped", patched);
        await("the workload waiting for SIGTERM", Duration.ofSeconds(60),
                () -> unless(lines(task.out(), "app"), l -> l.contains("waiting for SIGTERM"), "stdout lines"));
        List<ProcessHandle> processes = task.process().descendants().toList();
        assertTrue(processes.stream().filter(h -> h.info().commandLine().orElse("").contains("awaitterm")).count() >= 2,
                "the agent and the workload are among the task's processes: " + processes);

        task.process().destroy(); // SIGTERM, as Ctrl-C or 'docker stop' would
        assertEquals(5, task.awaitExit(Duration.ofSeconds(60)), "the essential container's exit code\n" + describe(task));
        List<String> out = lines(task.out(), "app");
        assertEquals(List.of("waiting for SIGTERM", "got SIGTERM", "read " + WorkloadImage.SHADOW.length() + " bytes of /etc/shadow",
                "bye"), out.subList(out.size() - 4, out.size()), describe(task));
        await("every process of the task gone", Duration.ofSeconds(10),
                () -> unless(processes.stream().filter(ProcessHandle::isAlive).toList(), List::isEmpty, "alive"));

        String taskArn = servedMetadata(task, "app").path("TaskARN").asText();
        await("the alert raised during the stop, in the backend", Duration.ofSeconds(30),
                () -> unless(backend.events(Map.of("task", taskArn, "rule", RULE)), l -> l.size() == 1, "events"));
    }

    @Test
    void anUnpatchedTaskRunsTheOriginalWorkloadUnchanged() throws Exception {
        List<String> command = List.of("env:GREETING", "read:/etc/passwd", "err:a warning", "say:bye", "exit:3");
        Path template = template("plain", "e2e-plain", "app", staticImage.reference(), Map.of(), command);

        // The same image, run directly: its root file system, Entrypoint + the template's Command, its environment.
        List<String> direct = new ArrayList<>(List.of("/usr/sbin/chroot", staticImage.rootfs().toString()));
        direct.addAll(staticImage.argv(command));
        ProcessBuilder pb = new ProcessBuilder(direct).redirectError(dir.resolve("direct.err").toFile());
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/bin", "GREETING", "hello from the template"));
        Process p = pb.start();
        List<String> directOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        int directStatus = p.exitValue();
        List<String> directErr = Files.readAllLines(dir.resolve("direct.err"));
        assertEquals(3, directStatus, directOut + "\n" + directErr);
        assertEquals(List.of(STARTED, "GREETING=hello from the template",
                "read " + Files.size(staticImage.rootfs().resolve("etc/passwd")) + " bytes of /etc/passwd", "bye"), directOut);
        assertEquals(List.of("a warning"), directErr);

        Proc task = taskRun("plain", template);
        assertEquals(directStatus, task.awaitExit(Duration.ofSeconds(120)), describe(task));
        assertEquals(directOut, lines(task.out(), "app"), "stdout\n" + describe(task));
        assertEquals(directErr, lines(task.err(), "app"), "stderr\n" + describe(task));
    }
}
