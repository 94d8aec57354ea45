package dev.peregrine.instrument.macro;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.instrument.patch.RecipeSettings;
import dev.peregrine.instrument.registry.ImageConfigSource;
import dev.peregrine.instrument.template.Templates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacroServerTest {
    static final String REQUEST = """
            {"region": "eu-west-1", "accountId": "123456789012", "requestId": "req-1", "transformId": "123456789012::Peregrine",
             "templateParameterValues": {"Tag": "2.0"},
             "params": {"OrchestratorHost": "orch.internal", "Priority": "security"},
             "fragment": {"Parameters": {"Tag": {"Type": "String", "Default": "1.0"}},
               "Resources": {"Api": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
                 "RequiresCompatibilities": ["FARGATE"],
                 "ContainerDefinitions": [%s]}}}}}
            """;
    static final String KNOWN = "{\"Name\": \"api\", \"Image\": {\"Fn::Sub\": \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/api:${Tag}\"},"
            + " \"EntryPoint\": [\"/app/api\"]}";
    static final String UNKNOWN = "{\"Name\": \"billing\", \"Image\": {\"Fn::Sub\": \"${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/billing:${Tag}\"}}";

    MacroServer server;
    final HttpClient http = HttpClient.newHttpClient();
    final MacroHandler handler = new MacroHandler(Map.of(RecipeSettings.AGENT_IMAGE, "agent:1"),
            ImageConfigSource.none("private registry, no credentials"));

    @BeforeEach
    void start() throws Exception {
        server = new MacroServer(handler, "127.0.0.1", 0);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void instrumentsTheFragment() throws Exception {
        HttpResponse<String> response = post(REQUEST.formatted(KNOWN));
        assertEquals(200, response.statusCode());
        JsonNode json = Templates.json().readTree(response.body());
        assertEquals("req-1", json.get("requestId").asText());
        assertEquals("success", json.get("status").asText(), response.body());
        JsonNode containers = json.at("/fragment/Resources/Api/Properties/ContainerDefinitions");
        assertEquals("[\"/opt/peregrine/bin/instrument\"]", Templates.toCompactJson(containers.at("/0/EntryPoint")));
        assertEquals("[\"/app/api\"]", Templates.toCompactJson(containers.at("/0/Command")));
        assertEquals("[{\"Name\":\"PEREGRINE_ORCHESTRATOR\",\"Value\":\"orch.internal:6667\"},{\"Name\":\"PEREGRINE_PRIORITY\",\"Value\":\"security\"}]",
                Templates.toCompactJson(containers.at("/0/Environment")));
        assertEquals("agent:1", containers.at("/1/Image").asText());
        assertTrue(containers.at("/1/Essential").asBoolean(), "security priority makes the sidecar essential");
    }

    @Test
    void failsWithEveryProblemInTheMessage() throws Exception {
        JsonNode json = Templates.json().readTree(post(REQUEST.formatted(UNKNOWN)).body());
        assertEquals("failure", json.get("status").asText());
        assertEquals("req-1", json.get("requestId").asText());
        String message = json.get("errorMessage").asText();
        assertTrue(message.contains("resource Api, container billing"), message);
        assertTrue(message.contains("123456789012.dkr.ecr.eu-west-1.amazonaws.com/billing:2.0"), message);
        assertFalse(json.has("fragment") && !json.get("fragment").isNull(), "no fragment on failure");
    }

    @Test
    void badRequestsFailAndTheServerGoesOn() throws Exception {
        JsonNode notJson = Templates.json().readTree(post("{not json").body());
        assertEquals("failure", notJson.get("status").asText());
        assertTrue(notJson.get("errorMessage").asText().startsWith("the request is not JSON"));
        JsonNode noFragment = Templates.json().readTree(post("{\"requestId\": \"r2\"}").body());
        assertEquals("r2", noFragment.get("requestId").asText());
        assertEquals("the request has no fragment object", noFragment.get("errorMessage").asText());
        JsonNode badSetting = Templates.json().readTree(post(REQUEST.formatted(KNOWN).replace("\"Priority\": \"security\"", "\"Priority\": \"max\"")).body());
        assertTrue(badSetting.get("errorMessage").asText().contains("priority 'max' is not valid"), badSetting.toString());
        assertEquals("success", Templates.json().readTree(post(REQUEST.formatted(KNOWN)).body()).get("status").asText());

        var health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("ok\n", health.body());
        var get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
    }

    @Test
    void lambdaHandlerSpeaksTheSameContract() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new LambdaHandler(handler).handleRequest(new ByteArrayInputStream(REQUEST.formatted(KNOWN).getBytes(StandardCharsets.UTF_8)), out);
        JsonNode json = Templates.json().readTree(out.toByteArray());
        assertEquals("success", json.get("status").asText());
        assertEquals("PeregrineInstrumentation", json.at("/fragment/Resources/Api/Properties/ContainerDefinitions/1/Name").asText());
    }

    @Test
    void settingsFromTheEnvironment() {
        var settings = MacroHandler.settingsFromEnvironment(Map.of("PEREGRINE_MACRO_AGENT_IMAGE", "a:1",
                "PEREGRINE_MACRO_LOG_GROUP", "/ecs/p", "PEREGRINE_LOG_LEVEL", "debug"));
        assertEquals(Map.of(RecipeSettings.AGENT_IMAGE, "a:1", RecipeSettings.LOG_GROUP, "/ecs/p"), settings);
    }
}
