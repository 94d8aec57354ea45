package dev.peregrine.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.instrument.registry.LocalRegistry;
import dev.peregrine.instrument.template.Templates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real tasks: containers are namespaced process trees of this machine's static busybox, images
 * are pushed to a real registry (Debian's docker-registry) and pulled by the runner.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskRunnerIT {
    Path temp;
    LocalRegistry registry;
    String image;
    Path rootfs;
    TaskHarness harness;

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        this.temp = temp;
        LocalRegistry.ensureInstalled();
        registry = LocalRegistry.start(temp.resolve("registry"), null, null);
        byte[] base = new TestRootfs.Layer().busybox().dir("opt", 0755).dir("opt/a", 0755).file("opt/a/keep", "keep")
                .file("opt/a/gone", "gone").dir("opt/b", 0755).file("opt/b/old", "old").dir("srv", 0755).bytes();
        byte[] top = new TestRootfs.Layer().file("opt/a/.wh.gone", "").file("opt/b/.wh..wh..opq", "").file("opt/b/new", "new")
                .dir("data", 0755).file("data/seed", "from the image\n").bytes();
        registry.pushLayeredImage("test/app", "1", List.of(base, top), """
                {"Entrypoint": ["/bin/echo", "image-ep"], "Cmd": ["image-cmd"], "WorkingDir": "/srv", "User": "nobody",
                 "Env": ["FROM_IMAGE=image", "PATH=/bin"], "Volumes": {"/data": {}}}""");
        image = registry.host() + "/test/app:1";
        rootfs = TestRootfs.directory(temp.resolve("rootfs"));
        harness = new TaskHarness(temp.resolve("work"));
    }

    @AfterAll
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private static String task(String containers) {
        return "{\"family\": \"it\", \"volumes\": [{\"name\": \"shared\"}], \"containerDefinitions\": [" + containers + "]}";
    }

    @Test
    void dockerRulesForImagesVolumesFromEnvironmentAndUser() throws Exception {
        TaskHarness.Result result = harness.run(task("""
                {"name": "seed", "image": "%1$s", "essential": false, "user": "0", "entryPoint": ["sh", "-c"],
                 "command": ["echo seeded > /data/by-seed && echo shared > /shared/by-seed"],
                 "mountPoints": [{"sourceVolume": "shared", "containerPath": "/shared"}]},
                {"name": "defaults", "image": "%1$s", "essential": false},
                {"name": "cmd", "image": "%1$s", "essential": false, "command": ["task-cmd"]},
                {"name": "ep", "image": "%1$s", "essential": false, "entryPoint": ["/bin/echo", "task-ep"]},
                {"name": "who", "image": "%1$s", "essential": false, "entryPoint": ["sh", "-c"],
                 "command": ["id; pwd; echo $FROM_IMAGE $FROM_TASK; echo $HOME"], "user": "app", "workingDirectory": "/work",
                 "environment": [{"name": "FROM_TASK", "value": "task"}, {"name": "FROM_IMAGE", "value": "overridden"}]},
                {"name": "imagecwd", "image": "%1$s", "essential": false, "entryPoint": ["sh", "-c", "pwd; id -u; id -g"]},
                {"name": "main", "image": "%1$s", "user": "0", "volumesFrom": [{"sourceContainer": "seed", "readOnly": true}],
                 "dependsOn": [{"containerName": "seed", "condition": "SUCCESS"}, {"containerName": "defaults", "condition": "COMPLETE"},
                   {"containerName": "cmd", "condition": "COMPLETE"}, {"containerName": "ep", "condition": "COMPLETE"},
                   {"containerName": "who", "condition": "COMPLETE"}, {"containerName": "imagecwd", "condition": "COMPLETE"}],
                 "entryPoint": ["sh", "-c"],
                 "command": ["cat /data/seed /data/by-seed /shared/by-seed; touch /data/new 2>/dev/null || echo read-only; ls /opt/a /opt/b"]}
                """.formatted(image)), Map.of());
        assertEquals(0, result.code(), result.err());
        assertEquals(List.of("image-ep image-cmd"), result.out("defaults"));
        assertEquals(List.of("image-ep task-cmd"), result.out("cmd"));
        assertEquals(List.of("task-ep"), result.out("ep"), "a task entryPoint drops the image's Cmd");
        assertEquals(List.of("uid=1000(app) gid=1000(app) groups=1000(app),2000(extra)", "/work", "overridden task", "/home/app"),
                result.out("who"));
        assertEquals(List.of("/srv", "65534", "65534"), result.out("imagecwd"));
        assertEquals(List.of("from the image", "seeded", "shared", "read-only", "/opt/a:", "keep", "", "/opt/b:", "new"),
                result.out("main"), "image volume content, volumesFrom (read-only), task volume, whiteouts");
    }

    @Test
    void capabilitiesAreVisibleInProcStatus() throws Exception {
        TaskHarness.Result result = harness.run(task("""
                {"name": "nonroot", "image": "local/none", "essential": false, "user": "1000",
                 "linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"]}}, "entryPoint": ["grep", "^Cap", "/proc/self/status"]},
                {"name": "main", "image": "local/none", "linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"], "drop": ["NET_RAW"]}},
                 "dependsOn": [{"containerName": "nonroot", "condition": "COMPLETE"}], "entryPoint": ["grep", "^Cap", "/proc/self/status"]}
                """), Map.of("main", rootfs, "nonroot", rootfs));
        long main = (0xa80425fbL | Capabilities.SYS_PTRACE.bit()) & ~Capabilities.NET_RAW.bit();
        assertEquals(List.of("CapInh:\t%016x".formatted(main), "CapPrm:\t%016x".formatted(main), "CapEff:\t%016x".formatted(main),
                "CapBnd:\t%016x".formatted(main), "CapAmb:\t0000000000000000"), result.out("main"));
        long nonroot = 0xa80425fbL | Capabilities.SYS_PTRACE.bit();
        assertEquals(List.of("CapInh:\t0000000000000000", "CapPrm:\t0000000000000000", "CapEff:\t0000000000000000",
                "CapBnd:\t%016x".formatted(nonroot), "CapAmb:\t0000000000000000"), result.out("nonroot"));
    }

    @Test
    void aReadOnlyRootFilesystemKeepsVolumesWritable() throws Exception {
        TaskHarness.Result result = harness.run(task("""
                {"name": "main", "image": "%s", "user": "0", "readonlyRootFilesystem": true,
                 "mountPoints": [{"sourceVolume": "shared", "containerPath": "/shared"}], "entryPoint": ["sh", "-c"],
                 "command": ["touch /root-file 2>/dev/null || echo root read-only; touch /shared/x && echo volume writable; touch /data/y && echo image volume writable"]}
                """.formatted(image)), Map.of());
        assertEquals(0, result.code(), result.err());
        assertEquals(List.of("root read-only", "volume writable", "image volume writable"), result.out("main"));
    }

    @Test
    void anEssentialContainerExitStopsTheTaskWithItsCode() throws Exception {
        TaskHarness.Result result = harness.run(task("""
                {"name": "side", "image": "local/none", "essential": false,
                 "entryPoint": ["sh", "-c", "trap 'echo got TERM; exit 143' TERM; echo up; while true; do sleep 0.1; done"]},
                {"name": "main", "image": "local/none", "dependsOn": [{"containerName": "side", "condition": "START"}],
                 "entryPoint": ["sh", "-c", "sleep 0.3; echo bye; exit 3"]}
                """), Map.of("main", rootfs, "side", rootfs));
        assertEquals(3, result.code(), result.err());
        assertEquals(List.of("up", "got TERM"), result.out("side"), result.err());
        assertTrue(result.err().contains("side exited with code 143"), result.err());
        assertTrue(result.err().contains("task stopped: essential container main exited with code 3"), result.err());
    }

    @Test
    void containersStopInReverseDependencyOrder() throws Exception {
        TaskHarness.Result result = harness.run(task("""
                {"name": "base", "image": "local/none", "essential": false,
                 "entryPoint": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]},
                {"name": "middle", "image": "local/none", "essential": false, "dependsOn": [{"containerName": "base", "condition": "START"}],
                 "entryPoint": ["sh", "-c", "trap 'sleep 0.5; exit 0' TERM; while true; do sleep 0.1; done"]},
                {"name": "main", "image": "local/none", "dependsOn": [{"containerName": "middle", "condition": "START"}],
                 "entryPoint": ["sh", "-c", "sleep 0.3"]}
                """), Map.of("main", rootfs, "middle", rootfs, "base", rootfs));
        assertEquals(0, result.code(), result.err());
        String err = result.err();
        assertTrue(err.indexOf("middle exited with code 0") < err.indexOf("base exited with code 0"), err);
        assertTrue(err.indexOf("main exited with code 0") < err.indexOf("middle exited with code 0"), err);
    }

    @Test
    void aContainerIgnoringSigtermIsKilledAfterItsStopTimeout() throws Exception {
        long started = System.nanoTime();
        TaskHarness.Result result = harness.run(task("""
                {"name": "stubborn", "image": "local/none", "essential": false, "stopTimeout": 1,
                 "entryPoint": ["sh", "-c", "trap '' TERM; echo up; while true; do sleep 0.1; done"]},
                {"name": "main", "image": "local/none", "dependsOn": [{"containerName": "stubborn", "condition": "START"}],
                 "entryPoint": ["sh", "-c", "sleep 0.3"]}
                """), Map.of("main", rootfs, "stubborn", rootfs));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(0, result.code(), result.err());
        assertTrue(result.err().contains("stubborn did not stop within 1 s of SIGTERM: SIGKILL"), result.err());
        assertTrue(result.err().contains("stubborn exited with code 137"), result.err());
        assertTrue(seconds < 20, "stopped after " + seconds + " s");
    }

    @Test
    void dependsOnWaitsForHealthyAndSuccess() throws Exception {
        TaskHarness.Result result = harness.run(task("""
                {"name": "first", "image": "local/none", "essential": false, "entryPoint": ["sh", "-c", "sleep 0.2; echo first done"]},
                {"name": "db", "image": "local/none", "essential": false,
                 "healthCheck": {"command": ["CMD-SHELL", "test -f /tmp/ready && echo checked"], "interval": 1, "timeout": 2, "retries": 3},
                 "entryPoint": ["sh", "-c", "trap 'exit 0' TERM; sleep 1; touch /tmp/ready; echo db ready; while true; do sleep 0.1; done"]},
                {"name": "main", "image": "local/none",
                 "dependsOn": [{"containerName": "first", "condition": "SUCCESS"}, {"containerName": "db", "condition": "HEALTHY"}],
                 "entryPoint": ["sh", "-c", "echo main ran"]}
                """), Map.of("main", rootfs, "db", Files.createDirectories(copy("db-root")), "first", rootfs));
        assertEquals(0, result.code(), result.err());
        assertEquals(List.of("main ran"), result.out("main"));
        String err = result.err();
        assertTrue(err.indexOf("first exited with code 0") < err.indexOf("starting main"), err);
        assertTrue(err.indexOf("db is HEALTHY") < err.indexOf("starting main"), err);
        assertTrue(err.indexOf("db is HEALTHY") > 0, err);
    }

    @Test
    void aConditionThatCanNeverBeMetFailsTheTask() throws Exception {
        TaskException e = assertThrows(TaskException.class, () -> harness.run(task("""
                {"name": "migrate", "image": "local/none", "essential": false, "entryPoint": ["sh", "-c", "exit 4"]},
                {"name": "main", "image": "local/none", "dependsOn": [{"containerName": "migrate", "condition": "SUCCESS"}],
                 "entryPoint": ["sh", "-c", "echo never"]}
                """), Map.of("main", rootfs, "migrate", rootfs)));
        assertEquals("container 'main' depends on 'migrate' (SUCCESS) can never be met: 'migrate' exited with code 4", e.getMessage());
        harness.assertNothingLeft();
    }

    @Test
    void anUnhealthyContainerNeverLetsItsDependentsStart() throws Exception {
        TaskException e = assertThrows(TaskException.class, () -> harness.run(task("""
                {"name": "db", "image": "local/none", "essential": false,
                 "healthCheck": {"command": ["CMD", "false"], "interval": 1, "timeout": 1, "retries": 2},
                 "entryPoint": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]},
                {"name": "main", "image": "local/none", "dependsOn": [{"containerName": "db", "condition": "HEALTHY"}],
                 "entryPoint": ["sh", "-c", "echo never"]}
                """), Map.of("main", rootfs, "db", rootfs)));
        assertEquals("container 'main' depends on 'db' (HEALTHY) can never be met: container 'db' is UNHEALTHY: its health check failed 2 times",
                e.getMessage());
        harness.assertNothingLeft();
    }

    @Test
    void anImageThatCannotBePulledFailsTheTaskNamingTheContainer() throws Exception {
        TaskException e = assertThrows(TaskException.class, () -> harness.run(task("""
                {"name": "main", "image": "%s/test/missing:1"}
                """.formatted(registry.host())), Map.of()));
        assertTrue(e.getMessage().startsWith("container 'main': cannot pull " + registry.host() + "/test/missing:1: "), e.getMessage());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        harness.assertNothingLeft();
    }

    @Test
    void aContainerThatCannotStartFailsTheTask() throws Exception {
        TaskException e = assertThrows(TaskException.class, () -> harness.run(task("""
                {"name": "side", "image": "local/none", "essential": false, "entryPoint": ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]},
                {"name": "main", "image": "local/none", "dependsOn": [{"containerName": "side", "condition": "START"}], "entryPoint": ["/no/such/program"]}
                """), Map.of("main", rootfs, "side", rootfs)));
        assertEquals("container 'main' failed to start: exec /no/such/program: No such file or directory", e.getMessage());
        harness.assertNothingLeft();
    }

    @Test
    void theMetadataEndpointAnswersFromInsideTheContainer() throws Exception {
        TaskHarness.Result result = harness.run(task("""
                {"name": "main", "image": "%s", "user": "0", "entryPoint": ["sh", "-c"],
                 "command": ["wget -qO- $ECS_CONTAINER_METADATA_URI_V4; echo; wget -qO- $ECS_CONTAINER_METADATA_URI_V4/task; echo"]}
                """.formatted(image)), Map.of());
        assertEquals(0, result.code(), result.err());
        List<String> lines = result.out("main");
        JsonNode container = Templates.json().readTree(lines.get(0));
        JsonNode task = Templates.json().readTree(lines.get(1));
        assertEquals("main", container.path("Name").asText());
        assertEquals(image, container.path("Image").asText());
        assertTrue(container.path("ImageID").asText().startsWith("sha256:"), container.toString());
        assertEquals("RUNNING", container.path("KnownStatus").asText());
        assertEquals("it", task.path("Family").asText());
        assertEquals("arn:aws:ecs:us-east-1:000000000000:cluster/test-cluster", task.path("Cluster").asText());
        assertTrue(task.path("TaskARN").asText().matches("arn:aws:ecs:us-east-1:000000000000:task/test-cluster/[0-9a-f]{32}"), task.toString());
        assertEquals("FARGATE", task.path("LaunchType").asText());
        assertEquals(container.path("DockerId"), task.path("Containers").get(0).path("DockerId"));
    }

    @Test
    void pidModeTaskSharesOnePidNamespace() throws Exception {
        // Not PID 1 of its namespace, side's sleep ends on the SIGTERM of the task's stop.
        TaskHarness.Result result = harness.run("""
                {"family": "it", "pidMode": "task", "containerDefinitions": [
                {"name": "side", "image": "local/none", "essential": false, "entryPoint": ["sleep", "1000"]},
                {"name": "main", "image": "local/none", "dependsOn": [{"containerName": "side", "condition": "START"}],
                 "entryPoint": ["sh", "-c", "ps -o args | grep -c '^sleep 1000'; echo $$"]}]}
                """, Map.of("main", rootfs, "side", rootfs));
        assertEquals(0, result.code(), result.err());
        List<String> out = result.out("main");
        assertEquals("1", out.get(0), "main sees side's sleep: " + out);
        assertFalse(out.get(1).equals("1"), "main is not PID 1 of a namespace of its own");
        assertTrue(result.err().contains("side exited with code 143"), result.err());
    }

    private Path copy(String name) throws Exception {
        Path target = temp.resolve(name);
        if (!Files.exists(target)) {
            new ProcessBuilder("cp", "-a", rootfs.toString(), target.toString()).start().waitFor();
        }
        return target;
    }
}
