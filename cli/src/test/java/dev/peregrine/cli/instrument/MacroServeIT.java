package dev.peregrine.cli.instrument;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.instrument.template.Templates;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code peregrine macro serve} from the packaged distribution, answering real HTTP requests. */
class MacroServeIT {
    private static final Path JAR = Path.of(System.getProperty("peregrine.jar", "target/peregrine.jar"));

    @Test
    void servesTheMacroContract() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-jar", JAR.toString(), "macro", "serve",
                "--port", Integer.toString(port), "--no-registry")
                .redirectErrorStream(true);
        builder.environment().put("PEREGRINE_MACRO_AGENT_IMAGE", "registry.example.com/peregrine/agent:1.0");
        Process process = builder.start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = output.readLine();
            assertTrue(line != null && line.contains("macro listening on http://127.0.0.1:" + port + "/"), String.valueOf(line));

            String request = """
                    {"region": "eu-west-1", "accountId": "1", "requestId": "r-1", "transformId": "1::PeregrineInstrument",
                     "templateParameterValues": {}, "params": {},
                     "fragment": {"Resources": {"T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
                       "RequiresCompatibilities": ["FARGATE"],
                       "ContainerDefinitions": [{"Name": "a", "Image": "x:1", "EntryPoint": ["/a"]},
                                                {"Name": "b", "Image": "private.example.com/b:1"}]}}}}}""";
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = Templates.json().readTree(response.body());
            assertEquals("failure", json.get("status").asText(), response.body());
            assertTrue(json.get("errorMessage").asText().contains("resource T, container b"), response.body());

            String fixed = request.replace("\"Image\": \"private.example.com/b:1\"}", "\"Image\": \"private.example.com/b:1\", \"EntryPoint\": [\"/b\"]}");
            json = Templates.json().readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .POST(HttpRequest.BodyPublishers.ofString(fixed)).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("success", json.get("status").asText());
            List<String> names = new java.util.ArrayList<>();
            json.at("/fragment/Resources/T/Properties/ContainerDefinitions").forEach(c -> names.add(c.get("Name").asText()));
            assertEquals(List.of("a", "b", "PeregrineInstrumentation"), names);
        } finally {
            process.destroy();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "macro serve stops on SIGTERM");
        }
    }
}
