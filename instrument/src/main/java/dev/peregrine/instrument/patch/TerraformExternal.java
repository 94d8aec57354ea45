package dev.peregrine.instrument.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.instrument.registry.ImageConfigSource;
import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.template.Document;
import dev.peregrine.instrument.template.TemplateFormat;
import dev.peregrine.instrument.template.Templates;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Terraform's {@code external} data source protocol: a JSON object of strings in (the query),
 * a JSON object of strings out. The query carries {@code container_definitions} (the JSON
 * string given to {@code aws_ecs_task_definition}) and optional recipe settings; the result
 * carries the patched {@code container_definitions}.
 */
public final class TerraformExternal {
    public static final String CONTAINER_DEFINITIONS = "container_definitions";
    public static final String IGNORE_CONTAINERS = "ignore_containers";
    public static final String INCLUDE_CONTAINERS = "include_containers";
    public static final String CPU_ARCHITECTURE = "cpu_architecture";
    public static final String LOG_STREAM_PREFIX = "log_stream_prefix";
    private static final Set<String> OWN_KEYS = Set.of(CONTAINER_DEFINITIONS, IGNORE_CONTAINERS, INCLUDE_CONTAINERS,
            CPU_ARCHITECTURE, LOG_STREAM_PREFIX);

    private TerraformExternal() {
    }

    /**
     * @param query the data source's query, as read from stdin
     * @param base  settings from the command line; the query's settings win
     * @return the result object, to print on stdout
     * @throws IllegalArgumentException for a malformed query
     * @throws PatchException           when the definitions cannot be patched safely
     */
    public static String run(String query, Recipe base, ImageConfigSource images) throws PatchException {
        JsonNode input;
        try {
            input = Templates.json().readTree(query);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the query on stdin is not JSON: " + e.getOriginalMessage());
        }
        if (input == null || !input.isObject()) {
            throw new IllegalArgumentException("the query on stdin must be a JSON object of strings");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (var entry : input.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new IllegalArgumentException("query." + entry.getKey() + " must be a string (Terraform passes strings only)");
            }
            values.put(entry.getKey(), entry.getValue().asText());
        }
        String definitions = values.get(CONTAINER_DEFINITIONS);
        if (definitions == null) {
            throw new IllegalArgumentException("query." + CONTAINER_DEFINITIONS + " is required (the JSON of the container definitions)");
        }
        Recipe recipe = RecipeSettings.apply(base, RecipeSettings.pick(values, OWN_KEYS));
        Document document = Templates.read(definitions, "query." + CONTAINER_DEFINITIONS, TemplateFormat.JSON);
        if (!document.root().isArray()) {
            throw new IllegalArgumentException("query." + CONTAINER_DEFINITIONS + " must be a JSON list of container definitions");
        }
        ArrayNode tags = JsonNodeFactory.instance.arrayNode();
        addTag(tags, Selection.IGNORE_CONTAINERS, values.get(IGNORE_CONTAINERS));
        addTag(tags, Selection.INCLUDE_CONTAINERS, values.get(INCLUDE_CONTAINERS));
        String architecture = values.get(CPU_ARCHITECTURE);
        Platform platform = architecture == null || architecture.isBlank() ? Platform.LINUX_AMD64 : Platform.parse(architecture);
        new TaskDefinitionPatcher(recipe, images).patch(document, tags, platform,
                values.getOrDefault(LOG_STREAM_PREFIX, "peregrine"));
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put(CONTAINER_DEFINITIONS, Templates.toCompactJson(document.root()));
        return Templates.toCompactJson(result);
    }

    private static void addTag(ArrayNode tags, String key, String value) {
        if (value != null && !value.isBlank()) {
            tags.addObject().put("key", key).put("value", value);
        }
    }

    /** The keys the query may carry besides the recipe settings. */
    public static List<String> ownKeys() {
        return List.of(CONTAINER_DEFINITIONS, IGNORE_CONTAINERS, INCLUDE_CONTAINERS, CPU_ARCHITECTURE, LOG_STREAM_PREFIX);
    }
}
