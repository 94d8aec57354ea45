package dev.peregrine.cli.instrument;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.cli.PeregrineCommand;
import dev.peregrine.instrument.registry.LocalRegistry;
import dev.peregrine.instrument.template.Templates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The instrument commands end to end, reading image configs from real local registries. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstrumentCommandsTest {
    Path temp;
    LocalRegistry open;
    LocalRegistry locked;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    void start(@TempDir Path temp) throws Exception {
        this.temp = temp;
        LocalRegistry.ensureInstalled();
        open = LocalRegistry.start(temp.resolve("open"), null, null);
        locked = LocalRegistry.start(temp.resolve("locked"), "ci", "pull-only");
        open.pushImage("shop/web", "1.0", "amd64", List.of("/docker-entrypoint.sh"), List.of("nginx", "-g", "daemon off;"));
        locked.pushImage("shop/billing", "9", "amd64", List.of("/billing"), List.of("--serve"));
        open.pushIndex("shop/multi", "1", List.of(
                new LocalRegistry.Entry("amd64", null, open.pushImage("shop/multi", null, "amd64", List.of("/srv"), List.of("--x86"))),
                new LocalRegistry.Entry("arm64", "v8", open.pushImage("shop/multi", null, "arm64", List.of("/srv"), List.of("--arm")))));
    }

    @AfterAll
    void stop() throws Exception {
        open.close();
        locked.close();
    }

    static Run run(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new PeregrineCommand());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        InputStream previous = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            int exit = commandLine.execute(args);
            return new Run(exit, out.toString(), err.toString());
        } finally {
            System.setIn(previous);
        }
    }

    private Path template(String image) throws Exception {
        Path file = Files.createTempFile(temp, "template", ".yaml");
        Files.writeString(file, """
                Resources:
                  Shop:
                    Type: AWS::ECS::TaskDefinition
                    Properties:
                      RequiresCompatibilities: [FARGATE]
                      ContainerDefinitions:
                        - Name: web
                          Image: !Sub '${Registry}/shop/web:1.0'
                        - Name: billing
                          Image: %s
                Parameters:
                  Registry:
                    Type: String
                """.formatted(image));
        return file;
    }

    @Test
    void cloudFormationReadsEntrypointsFromTheRegistry() throws Exception {
        Path output = temp.resolve("out.yaml");
        Run run = run("", "instrument", "cloudformation", template(locked.host() + "/shop/billing:9").toString(),
                "-o", output.toString(), "--param", "Registry=" + open.host(), "--agent-image", "agent:1",
                "--docker-config", temp.resolve("no-config.json").toString().replace("no-config", "missing"));
        // A --docker-config that does not exist is a usage error, not an empty credential set.
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().contains("missing.json: no such file"), run.err());

        Path config = temp.resolve("config.json");
        Files.writeString(config, "{\"auths\":{\"" + locked.host() + "\":{\"username\":\"ci\",\"password\":\"pull-only\"}}}");
        run = run("", "instrument", "cloudformation", template(locked.host() + "/shop/billing:9").toString(),
                "-o", output.toString(), "--param", "Registry=" + open.host(), "--agent-image", "agent:1",
                "--docker-config", config.toString());
        assertEquals(0, run.exit(), run.err());
        String patched = Files.readString(output);
        assertTrue(patched.contains("""
                          Command:
                            - /docker-entrypoint.sh
                            - nginx
                            - -g
                            - daemon off;
                """), patched);
        assertTrue(patched.contains("""
                          Command:
                            - /billing
                            - --serve
                """), patched);
        assertTrue(patched.contains("Image: !Sub '${Registry}/shop/web:1.0'"), patched);
        assertTrue(run.err().contains("resource Shop: instrumented web, billing; added sidecar PeregrineInstrumentation"), run.err());
    }

    @Test
    void privateImageWithoutCredentialsFailsAndWritesNothing() throws Exception {
        Path output = temp.resolve("never.yaml");
        Run run = run("", "instrument", "cloudformation", template(locked.host() + "/shop/billing:9").toString(),
                "-o", output.toString(), "--param", "Registry=" + open.host(), "--agent-image", "agent:1",
                "--docker-config", writeEmptyConfig().toString());
        assertEquals(1, run.exit());
        assertFalse(Files.exists(output), "nothing may be written");
        assertTrue(run.err().contains("resource Shop, container billing: the entrypoint of image " + locked.host()
                + "/shop/billing:9 (linux/amd64) cannot be looked up"), run.err());
        assertTrue(run.err().contains("needs credentials"), run.err());
        assertTrue(run.err().contains("add EntryPoint and Command to the container definition"), run.err());
        assertFalse(run.err().contains("container web"), "web's image is public and resolvable: " + run.err());
    }

    private Path writeEmptyConfig() throws Exception {
        Path config = temp.resolve("empty-config.json");
        Files.writeString(config, "{}");
        return config;
    }

    @Test
    void taskDefinitionJson() throws Exception {
        Path file = temp.resolve("taskdef.json");
        Files.writeString(file, "{\"family\":\"shop\",\"containerDefinitions\":[{\"name\":\"web\",\"image\":\"" + open.host()
                + "/shop/web:1.0\"}]}");
        Run run = run("", "instrument", "taskdef", file.toString(), "--agent-image", "agent:1", "--priority", "security");
        assertEquals(0, run.exit(), run.err());
        JsonNode out = Templates.json().readTree(run.out());
        assertEquals("[\"/opt/peregrine/bin/instrument\"]", Templates.toCompactJson(out.at("/containerDefinitions/0/entryPoint")));
        assertEquals("[\"/docker-entrypoint.sh\",\"nginx\",\"-g\",\"daemon off;\"]", Templates.toCompactJson(out.at("/containerDefinitions/0/command")));
        assertEquals("PeregrineInstrumentation", out.at("/containerDefinitions/1/name").asText());
        assertTrue(out.at("/containerDefinitions/1/essential").asBoolean());
    }

    @Test
    void runtimePlatformPicksTheImageOfItsArchitecture() throws Exception {
        for (String architecture : List.of("X86_64", "ARM64")) {
            Path file = temp.resolve("multi-" + architecture + ".json");
            Files.writeString(file, "{\"family\":\"multi\",\"runtimePlatform\":{\"cpuArchitecture\":\"" + architecture + "\"},"
                    + "\"containerDefinitions\":[{\"name\":\"srv\",\"image\":\"" + open.host() + "/shop/multi:1\"}]}");
            Run run = run("", "instrument", "taskdef", file.toString(), "--agent-image", "agent:1");
            assertEquals(0, run.exit(), run.err());
            String expected = architecture.equals("ARM64") ? "--arm" : "--x86";
            assertEquals("[\"/srv\",\"" + expected + "\"]",
                    Templates.toCompactJson(Templates.json().readTree(run.out()).at("/containerDefinitions/0/command")));
        }
    }

    @Test
    void describeOutputBecomesRegisterInput() throws Exception {
        Path file = temp.resolve("described.json");
        Files.writeString(file, "{\"taskDefinition\":{\"taskDefinitionArn\":\"arn:aws:ecs:eu-west-1:1:task-definition/shop:3\","
                + "\"family\":\"shop\",\"revision\":3,\"status\":\"ACTIVE\",\"compatibilities\":[\"EC2\",\"FARGATE\"],"
                + "\"registeredAt\":\"2026-01-01T00:00:00Z\",\"containerDefinitions\":[{\"name\":\"web\",\"image\":\"" + open.host()
                + "/shop/web:1.0\"}]},\"tags\":[{\"key\":\"team\",\"value\":\"shop\"}]}");
        Run run = run("", "instrument", "taskdef", file.toString(), "--agent-image", "agent:1", "--register-input");
        assertEquals(0, run.exit(), run.err());
        JsonNode out = Templates.json().readTree(run.out());
        assertEquals(List.of("family", "containerDefinitions", "tags"), iterate(out.fieldNames()));
        assertEquals("team", out.at("/tags/0/key").asText());
        assertEquals("PeregrineInstrumentation", out.at("/containerDefinitions/1/name").asText());
    }

    private static List<String> iterate(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void terraformExternalProtocol() throws Exception {
        String definitions = "[{\"name\":\"web\",\"image\":\"" + open.host() + "/shop/web:1.0\"},"
                + "{\"name\":\"envoy\",\"image\":\"envoy:1\",\"entryPoint\":[\"envoy\"]}]";
        var query = Templates.json().createObjectNode()
                .put("container_definitions", definitions)
                .put("ignore_containers", "envoy");
        Run run = run(Templates.toCompactJson(query), "instrument", "terraform", "--agent-image", "agent:1");
        assertEquals(0, run.exit(), run.err());
        JsonNode result = Templates.json().readTree(run.out());
        assertEquals(1, result.size());
        JsonNode patched = Templates.json().readTree(result.get("container_definitions").asText());
        assertEquals("/opt/peregrine/bin/instrument", patched.at("/0/entryPoint/0").asText());
        assertEquals("[\"envoy\"]", Templates.toCompactJson(patched.at("/1/entryPoint")));
        assertEquals("PeregrineInstrumentation", patched.at("/2/name").asText());

        Run bad = run("{\"container_definitions\": []}", "instrument", "terraform", "--agent-image", "agent:1");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("query.container_definitions must be a string"), bad.err());
        assertEquals("", bad.out());
    }

    @Test
    void imageConfigPrintsWhatTheRegistrySays() throws Exception {
        Run run = run("", "image-config", open.host() + "/shop/web:1.0");
        assertEquals(0, run.exit(), run.err());
        JsonNode out = Templates.json().readTree(run.out());
        assertEquals("[\"/docker-entrypoint.sh\"]", Templates.toCompactJson(out.get("Entrypoint")));
        assertEquals("linux/amd64", out.get("platform").asText());
        assertTrue(out.get("digest").asText().startsWith("sha256:"));

        Run missing = run("", "image-config", open.host() + "/shop/web:404");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("not found"), missing.err());
    }
}
