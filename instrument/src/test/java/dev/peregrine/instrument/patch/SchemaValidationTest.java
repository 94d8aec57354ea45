package dev.peregrine.instrument.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.peregrine.instrument.template.Templates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every patched golden template is still a valid AWS::ECS::TaskDefinition (schema in src/test/resources/schema). */
class SchemaValidationTest {
    static final Schema SCHEMA = load();

    private static Schema load() {
        try (InputStream in = SchemaValidationTest.class.getResourceAsStream("/schema/aws-ecs-taskdefinition.json")) {
            JsonNode schema = Templates.json().readTree(in);
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(schema);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Path> patchedTemplates() throws IOException {
        try (Stream<Path> files = Files.walk(GoldenCase.root("cloudformation"))) {
            return files.filter(f -> f.getFileName().toString().matches("expected\\.(json|yaml)")).sorted().toList().stream();
        }
    }

    /**
     * CloudFormation checks properties after it has evaluated intrinsic functions, so each function
     * call stands for the string it will produce.
     */
    static JsonNode evaluated(JsonNode node) {
        if (node.isObject()) {
            if (node.size() == 1) {
                String key = node.fieldNames().next();
                if (key.equals("Ref") || key.startsWith("Fn::")) {
                    return JsonNodeFactory.instance.textNode("<" + key + ">");
                }
            }
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), evaluated(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(evaluated(item)));
            return copy;
        }
        return node;
    }

    static List<String> problems(JsonNode properties) {
        return SCHEMA.validate(evaluated(properties)).stream().map(Error::toString).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patchedTemplates")
    void patchedTaskDefinitionsAreValid(Path file) throws IOException {
        JsonNode template = Templates.read(Files.readString(file), file.toString()).root();
        int checked = 0;
        for (Map.Entry<String, JsonNode> resource : template.get("Resources").properties()) {
            if (resource.getValue().path("Type").asText().equals(CloudFormationPatcher.TASK_DEFINITION)) {
                // The patch touches ContainerDefinitions only; the rest is the author's (and CloudFormation
                // coerces scalars there, such as Cpu: 256 for a string property, which a schema cannot express).
                ObjectNode touched = JsonNodeFactory.instance.objectNode();
                touched.set("ContainerDefinitions", resource.getValue().at("/Properties/ContainerDefinitions"));
                assertEquals(List.of(), problems(touched), file + " " + resource.getKey());
                checked++;
            }
        }
        assertTrue(checked > 0, file + " has no task definition");
    }

    static Stream<Path> patchedContainerDefinitions() throws IOException {
        List<Path> files = new java.util.ArrayList<>();
        for (String family : new String[] {"taskdef", "terraform"}) {
            try (Stream<Path> walk = Files.walk(GoldenCase.root(family))) {
                walk.filter(f -> f.getFileName().toString().equals("expected.json")).sorted().forEach(files::add);
            }
        }
        return files.stream();
    }

    /** The ECS API spells the same fields in camelCase; CloudFormation's names are the same words capitalized. */
    static JsonNode pascal(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(e -> {
                String key = e.getKey();
                boolean freeForm = key.equalsIgnoreCase("options") || key.equalsIgnoreCase("dockerLabels");
                copy.set(Character.toUpperCase(key.charAt(0)) + key.substring(1), freeForm ? e.getValue() : pascal(e.getValue()));
            });
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(pascal(item)));
            return copy;
        }
        return node;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patchedContainerDefinitions")
    void patchedEcsContainerDefinitionsAreValid(Path file) throws IOException {
        JsonNode root = Templates.json().readTree(Files.readString(file));
        JsonNode containers = root.isArray() ? root
                : root.has("taskDefinition") ? root.at("/taskDefinition/containerDefinitions") : root.get("containerDefinitions");
        ObjectNode touched = JsonNodeFactory.instance.objectNode();
        touched.set("ContainerDefinitions", pascal(containers));
        assertEquals(List.of(), problems(touched), file.toString());
    }

    @Test
    void theSchemaRejectsWhatCloudFormationRejects() throws IOException {
        JsonNode wrongCase = Templates.json().readTree("""
                {"ContainerDefinitions": [{"Name": "a", "Image": "b", "Entrypoint": ["x"]}]}""");
        assertFalse(problems(wrongCase).isEmpty());
        JsonNode stringEntryPoint = Templates.json().readTree("""
                {"ContainerDefinitions": [{"Name": "a", "Image": "b", "EntryPoint": "x"}]}""");
        assertFalse(problems(stringEntryPoint).isEmpty());
        JsonNode capsAsString = Templates.json().readTree("""
                {"ContainerDefinitions": [{"Name": "a", "Image": "b", "LinuxParameters": {"Capabilities": {"Add": "SYS_PTRACE"}}}]}""");
        assertFalse(problems(capsAsString).isEmpty());
        JsonNode volumesFromLowerCase = Templates.json().readTree("""
                {"ContainerDefinitions": [{"Name": "a", "Image": "b", "VolumesFrom": [{"sourceContainer": "c"}]}]}""");
        assertFalse(problems(volumesFromLowerCase).isEmpty());
        JsonNode logWithoutDriver = Templates.json().readTree("""
                {"ContainerDefinitions": [{"Name": "a", "Image": "b", "LogConfiguration": {"Options": {}}}]}""");
        assertFalse(problems(logWithoutDriver).isEmpty());
    }
}
