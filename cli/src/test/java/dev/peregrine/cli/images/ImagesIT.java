package dev.peregrine.cli.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peregrine.instrument.registry.ImageConfig;
import dev.peregrine.instrument.registry.LocalRegistry;
import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.registry.RegistryClient;
import dev.peregrine.instrument.registry.RegistryCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peregrine images build --push} from the packaged distribution: the four images are
 * written as OCI tarballs, pushed to a real registry and read back with the instrument module's
 * registry client; the backend image is unpacked and run in a chroot of its own root file
 * system (no file from this machine), as the unprivileged user, and answers /healthz; the macro
 * image answers an invocation of a test Lambda Runtime API.
 */
class ImagesIT {
    private static final Path JAR = Path.of(System.getProperty("peregrine.jar", "target/peregrine.jar"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static Path output;
    static String stdout;

    @BeforeAll
    static void buildAndPush() throws Exception {
        LocalRegistry.ensureInstalled();
        registry = LocalRegistry.start(dir.resolve("registry"), null, null);
        Path bundle = dir.resolve("bundle/opt/peregrine");
        Files.createDirectories(bundle.resolve("bin"));
        Files.createDirectories(bundle.resolve("lib"));
        for (String tool : List.of("sidecar", "instrument")) {
            Path file = Files.writeString(bundle.resolve("bin").resolve(tool), "#!/bin/false\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(bundle.resolve("lib/agent.jar"), "not really a jar");
        output = dir.resolve("images");
        Process build = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toString(), "images", "build", "--output", output.toString(), "--agent-bundle", bundle.toString(),
                "--tag", "it", "--push", registry.host() + "/peregrine", "--insecure")
                .redirectError(dir.resolve("build.err").toFile()).start();
        stdout = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(build.waitFor(8, TimeUnit.MINUTES), "images build did not finish");
        assertEquals(0, build.exitValue(), () -> stdout + read(dir.resolve("build.err")));
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }

    private static ImageConfig pushed(String name) throws Exception {
        RegistryClient client = new RegistryClient(RegistryCredentials.none(), Duration.ofSeconds(15), Set.of(), Duration.ZERO);
        return client.config(registry.host() + "/peregrine/" + name + ":it", platform());
    }

    private static Platform platform() {
        return ImageBuilder.architecture().equals("arm64") ? Platform.LINUX_ARM64 : Platform.LINUX_AMD64;
    }

    @Test
    void everyImageIsAnOciTarballAndInTheRegistry() throws Exception {
        for (String name : PeregrineImages.NAMES) {
            assertTrue(stdout.contains(registry.host() + "/peregrine/" + name + ":it sha256:"), stdout);
            Path unpacked = unpackLayout(name);
            assertTrue(Files.isRegularFile(unpacked.resolve("oci-layout")), name);
            JsonNode index = JSON.readTree(unpacked.resolve("index.json").toFile());
            assertEquals(name + ":it", index.at("/manifests/0/annotations/org.opencontainers.image.ref.name").asText());
            // The tarball and the registry hold the same image (Jib builds are reproducible).
            String tarDigest = index.at("/manifests/0/digest").asText();
            assertEquals(tarDigest, pushed(name).digest(), name);
        }
    }

    @Test
    void agentImageServesTheBundleAsAVolumeAndRunsTheSidecar() throws Exception {
        ImageConfig agent = pushed(PeregrineImages.AGENT);
        assertEquals(List.of("/opt/peregrine/bin/sidecar"), agent.entrypoint());
        assertNull(agent.cmd());
        assertEquals(List.of("/opt/peregrine"), agent.volumes());
        Path root = rootfs(PeregrineImages.AGENT);
        assertTrue(Files.isExecutable(root.resolve("opt/peregrine/bin/sidecar")));
        assertTrue(Files.isExecutable(root.resolve("opt/peregrine/bin/instrument")));
        assertEquals("not really a jar", Files.readString(root.resolve("opt/peregrine/lib/agent.jar")));
    }

    @Test
    void serviceImagesStartTheirCommandAsTheUnprivilegedUser() throws Exception {
        ImageConfig orchestrator = pushed(PeregrineImages.ORCHESTRATOR);
        ImageConfig backend = pushed(PeregrineImages.BACKEND);
        List<String> java = List.of("/opt/java/bin/java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError",
                "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/peregrine-app/peregrine.jar");
        assertEquals(concat(java, "orchestrator"), orchestrator.entrypoint());
        assertEquals(concat(java, "backend"), backend.entrypoint());
        assertNull(orchestrator.cmd());
        assertNull(backend.cmd());
        assertEquals(List.of("JAVA_HOME=/opt/java", "PATH=/opt/java/bin:/usr/bin:/bin",
                "PEREGRINE_SPOOL_DIR=/var/lib/peregrine/orchestrator"), orchestrator.env());
        assertEquals(List.of("JAVA_HOME=/opt/java", "PATH=/opt/java/bin:/usr/bin:/bin"), backend.env());
        assertEquals("65532", orchestrator.user());
        assertEquals("/var/lib/peregrine/backend", backend.workingDir());
    }

    @Test
    void backendAndOrchestratorImagesRunFromScratchInAChroot() throws Exception {
        ImageConfig backendConfig = pushed(PeregrineImages.BACKEND);
        ImageConfig orchestratorConfig = pushed(PeregrineImages.ORCHESTRATOR);
        Path backendRoot = rootfs(PeregrineImages.BACKEND);
        Path orchestratorRoot = rootfs(PeregrineImages.ORCHESTRATOR);
        assertTrue(Files.isRegularFile(backendRoot.resolve("lib64/ld-linux-x86-64.so.2")) || ImageBuilder.architecture().equals("arm64"));
        int port = LocalRegistry.freePort();
        String admin = "image-test-admin-token-0123456789";
        List<String> backendArgs = new ArrayList<>(backendConfig.entrypoint());
        backendArgs.addAll(List.of("--host", "127.0.0.1", "--port", Integer.toString(port), "--data-dir", backendConfig.workingDir() + "/data"));
        Process backend = startInImage(backendRoot, backendConfig, backendArgs, java.util.Map.of("PEREGRINE_ADMIN_TOKEN", admin), "backend.log");
        Process orchestrator = null;
        try {
            HttpClient http = HttpClient.newHttpClient();
            String health = await(http, "http://127.0.0.1:" + port + "/healthz", backend, "backend.log");
            assertTrue(health.contains("\"database\":\"ok\""), health);
            // The H2 file went to the image's data directory, owned by the service user.
            assertTrue(Files.isRegularFile(backendRoot.resolve("var/lib/peregrine/backend/data/peregrine.mv.db")));
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/access-keys"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"image-test\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            String key = JSON.readTree(created.body()).path("key").asText();
            int agentPort = LocalRegistry.freePort();
            int metricsPort = LocalRegistry.freePort();
            List<String> orchestratorArgs = new ArrayList<>(orchestratorConfig.entrypoint());
            orchestratorArgs.addAll(List.of("--backend", "http://127.0.0.1:" + port, "--bind", "127.0.0.1",
                    "--port", Integer.toString(agentPort), "--metrics-port", Integer.toString(metricsPort)));
            orchestrator = startInImage(orchestratorRoot, orchestratorConfig, orchestratorArgs, java.util.Map.of("PEREGRINE_ACCESS_KEY", key),
                    "orchestrator.log");
            // Ready means it holds the policy bundle it fetched from the backend with the access key.
            await(http, "http://127.0.0.1:" + metricsPort + "/readyz", orchestrator, "orchestrator.log");
            assertTrue(Files.isRegularFile(orchestratorRoot.resolve("var/lib/peregrine/orchestrator/bundle.json")),
                    "the image's PEREGRINE_SPOOL_DIR holds the saved bundle");
        } finally {
            stop(orchestrator);
            stop(backend);
        }
    }

    /**
     * Runs {@code command} in {@code root} as the image's user with the image's environment (plus
     * {@code env}), in new mount and PID namespaces with /proc mounted, as a container runtime
     * would; the working directory stays /, so commands give absolute paths.
     */
    private static Process startInImage(Path root, ImageConfig config, List<String> command, java.util.Map<String, String> env,
                                        String log) throws Exception {
        Files.createDirectories(root.resolve("proc"));
        // Absolute paths: the environment below is the image's, whose PATH does not name the host's sbin.
        List<String> full = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--pid", "--fork", "--kill-child",
                "--mount-proc=" + root.resolve("proc"), "/usr/sbin/chroot", "--userspec=65532:65532", root.toString()));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
        builder.environment().clear();
        for (String variable : config.env()) {
            builder.environment().put(variable.substring(0, variable.indexOf('=')), variable.substring(variable.indexOf('=') + 1));
        }
        builder.environment().putAll(env);
        return builder.start();
    }

    /** SIGTERM to the program (unshare ignores it), as ECS stops a container; then waits. */
    private static void stop(Process process) throws Exception {
        if (process == null) {
            return;
        }
        for (ProcessHandle child : process.toHandle().children().toList()) {
            new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor();
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static String await(HttpClient http, String url, Process process, String log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response.body();
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(url + " did not answer 200: " + read(dir.resolve(log)));
    }

    @Test
    void macroImageAnswersLambdaInvocationsThroughTheRuntimeApi() throws Exception {
        ImageConfig config = pushed(PeregrineImages.MACRO);
        assertEquals(concat(List.of("/opt/java/bin/java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError",
                "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/peregrine-app/peregrine.jar", "macro"), "lambda"), config.entrypoint());
        Path root = rootfs(PeregrineImages.MACRO);
        Files.createDirectories(root.resolve("proc"));
        String event = """
                {"region": "eu-west-1", "accountId": "123456789012", "requestId": "req-7", "transformId": "123456789012::PeregrineInstrument",
                 "templateParameterValues": {}, "params": {"AgentImage": "registry.example/peregrine/peregrine-agent:1"},
                 "fragment": {"Resources": {"Api": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
                   "RequiresCompatibilities": ["FARGATE"],
                   "ContainerDefinitions": [{"Name": "api", "Image": "api:1", "EntryPoint": ["/app/api"]}]}}}}}
                """;
        java.util.concurrent.BlockingQueue<String> responses = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer api = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.util.concurrent.atomic.AtomicBoolean served = new java.util.concurrent.atomic.AtomicBoolean();
        api.createContext("/2018-06-01/runtime/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.endsWith("/invocation/next") && served.compareAndSet(false, true)) {
                exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", "inv-1");
                byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            } else if (path.endsWith("/invocation/next")) {
                exchange.sendResponseHeaders(500, -1); // one invocation only; the function then stops
            } else {
                responses.add(path + " " + new String(body, StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(202, -1);
            }
            exchange.close();
        });
        api.start();
        List<String> command = new ArrayList<>(config.entrypoint());
        command.add(MacroLambdaCommand.HANDLER);
        Process function = null;
        try {
            function = startInImage(root, config, command,
                    java.util.Map.of("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + api.getAddress().getPort()), "macro.log");
            String response = responses.poll(90, TimeUnit.SECONDS);
            assertTrue(response != null, () -> read(dir.resolve("macro.log")));
            assertTrue(response.startsWith("/2018-06-01/runtime/invocation/inv-1/response "), response);
            JsonNode answer = JSON.readTree(response.substring(response.indexOf(' ') + 1));
            assertEquals("success", answer.path("status").asText(), response);
            assertEquals("req-7", answer.path("requestId").asText());
            JsonNode containers = answer.at("/fragment/Resources/Api/Properties/ContainerDefinitions");
            assertEquals("[\"/opt/peregrine/bin/instrument\"]", containers.at("/0/EntryPoint").toString());
            assertEquals("registry.example/peregrine/peregrine-agent:1", containers.at("/1/Image").asText());
        } finally {
            stop(function);
            api.stop(0);
        }
    }

    /**
     * The agent image made from the bundle module's output (built before cli in the reactor):
     * in its own root file system, the sidecar waits as PID 1 and exits 0 on SIGTERM, and the
     * launcher starts the bundled Java runtime.
     */
    @Test
    void agentImageFromTheBuiltBundleRunsInAChroot() throws Exception {
        Path bundle = Path.of(System.getProperty("peregrine.root"), "bundle", "target", "bundle", "opt", "peregrine");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(bundle.resolve("bin/sidecar")),
                "the bundle module has not been built (" + bundle + ")");
        Path out = dir.resolve("real-agent");
        Process build = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                JAR.toString(), "images", "build", "--image", PeregrineImages.AGENT, "--output", out.toString(),
                "--agent-bundle", bundle.toString(), "--tag", "real")
                .redirectErrorStream(true).redirectOutput(dir.resolve("real-agent.log").toFile()).start();
        assertTrue(build.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, build.exitValue(), () -> read(dir.resolve("real-agent.log")));
        Path root = unpack(out.resolve(PeregrineImages.AGENT + ".tar"), dir.resolve("real-agent-rootfs"));
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("tmp"));
        List<String> chroot = List.of("unshare", "--mount", "--pid", "--fork", "--kill-child", "--mount-proc=" + root.resolve("proc"),
                "chroot", root.toString());
        List<String> sidecarCommand = new ArrayList<>(chroot);
        sidecarCommand.add("/opt/peregrine/bin/sidecar");
        Process sidecar = new ProcessBuilder(sidecarCommand).redirectErrorStream(true).redirectOutput(dir.resolve("sidecar.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!read(dir.resolve("sidecar.log")).contains("waiting") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        // unshare ignores SIGTERM itself: the signal goes to its child, the sidecar (PID 1 of the namespace), as ECS sends it.
        List<ProcessHandle> children = sidecar.toHandle().children().toList();
        assertEquals(1, children.size(), () -> "unshare's children: " + children);
        Process term = new ProcessBuilder("kill", "-TERM", Long.toString(children.get(0).pid())).start();
        assertEquals(0, term.waitFor());
        assertTrue(sidecar.waitFor(30, TimeUnit.SECONDS), () -> read(dir.resolve("sidecar.log")));
        assertEquals(0, sidecar.exitValue(), () -> read(dir.resolve("sidecar.log")));
        List<String> instrumentCommand = new ArrayList<>(chroot);
        instrumentCommand.addAll(List.of("/opt/peregrine/bin/instrument", "/opt/peregrine/bin/sidecar"));
        Process instrument = new ProcessBuilder(instrumentCommand).redirectErrorStream(true).start();
        String said = new String(instrument.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(instrument.waitFor(60, TimeUnit.SECONDS));
        assertTrue(said.contains("no policies"), said);
    }

    private static Path unpack(Path tarball, Path root) throws Exception {
        Path layout = Files.createDirectories(root.resolveSibling(root.getFileName() + "-layout"));
        run("tar", "xf", tarball.toString(), "-C", layout.toString());
        Files.createDirectories(root);
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(layout, index.at("/manifests/0/digest").asText()).toFile());
        for (JsonNode layer : manifest.path("layers")) {
            run("tar", "xzf", blob(layout, layer.path("digest").asText()).toString(), "-C", root.toString(), "--warning=no-unknown-keyword");
        }
        return root;
    }

    private static List<String> concat(List<String> list, String last) {
        List<String> out = new ArrayList<>(list);
        out.add(last);
        return out;
    }

    private static Path unpackLayout(String name) throws Exception {
        Path layout = dir.resolve("layout-" + name);
        if (!Files.isDirectory(layout)) {
            Files.createDirectories(layout);
            run("tar", "xf", output.resolve(name + ".tar").toString(), "-C", layout.toString());
        }
        return layout;
    }

    /** The image's file system: its layers unpacked in order from the OCI tarball. */
    private static Path rootfs(String name) throws Exception {
        Path layout = unpackLayout(name);
        Path root = dir.resolve("rootfs-" + name);
        if (Files.isDirectory(root)) {
            return root;
        }
        Files.createDirectories(root);
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifest = JSON.readTree(blob(layout, index.at("/manifests/0/digest").asText()).toFile());
        for (JsonNode layer : manifest.path("layers")) {
            run("tar", "xzf", blob(layout, layer.path("digest").asText()).toString(), "-C", root.toString(), "--warning=no-unknown-keyword");
        }
        return root;
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + ": " + out);
    }
}
