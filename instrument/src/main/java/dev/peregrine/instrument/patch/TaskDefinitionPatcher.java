package dev.peregrine.instrument.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.instrument.registry.ImageConfigSource;
import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.template.Document;

import java.util.ArrayList;
import java.util.List;

/**
 * Instruments ECS task-definition JSON: the output of {@code describe-task-definition}
 * ({@code {"taskDefinition": {...}, "tags": [...]}}), the input of
 * {@code register-task-definition} ({@code {"family", "containerDefinitions", "tags", ...}}) or
 * a bare list of container definitions (Terraform's {@code container_definitions}). Every
 * container is a candidate, whatever the launch type; the {@code peregrine-*} tags still apply.
 */
public final class TaskDefinitionPatcher {
    private final Recipe recipe;
    private final TaskPatcher patcher;

    public TaskDefinitionPatcher(Recipe recipe, ImageConfigSource images) {
        this.recipe = recipe;
        this.patcher = new TaskPatcher(recipe, images);
    }

    /** Fields of describe-task-definition output that register-task-definition refuses. */
    public static final java.util.Set<String> READ_ONLY = java.util.Set.of("taskDefinitionArn", "revision", "status",
            "requiresAttributes", "compatibilities", "registeredAt", "registeredBy", "deregisteredAt");

    /**
     * Turns describe-task-definition output into register-task-definition input (read-only
     * fields dropped, tags moved in); other shapes are returned as they are.
     */
    public static JsonNode registerInput(JsonNode root) {
        if (!(root instanceof ObjectNode object) || !(object.get("taskDefinition") instanceof ObjectNode described)) {
            return root;
        }
        ObjectNode input = JsonNodeFactory.instance.objectNode();
        described.properties().forEach(e -> {
            if (!READ_ONLY.contains(e.getKey())) {
                input.set(e.getKey(), e.getValue());
            }
        });
        JsonNode tags = object.get("tags");
        if (tags != null && tags.isArray() && !tags.isEmpty()) {
            input.set("tags", tags);
        }
        return input;
    }

    public PatchReport patch(Document document) throws PatchException {
        return patch(document, null, null, null);
    }

    /**
     * @param extraTags    tags to apply on top of the document's own (Terraform's ignore_containers), may be null
     * @param platform     overrides the task's runtimePlatform when not null
     * @param streamPrefix the sidecar's awslogs-stream-prefix; null: the family, else "peregrine"
     */
    public PatchReport patch(Document document, ArrayNode extraTags, Platform platform, String streamPrefix)
            throws PatchException {
        List<String> problems = new ArrayList<>();
        JsonNode root = document.root();
        JsonNode task = root;
        JsonNode tags = null;
        ArrayNode containers;
        if (root.isArray()) {
            containers = (ArrayNode) root;
        } else if (root.isObject()) {
            if (root.get("taskDefinition") instanceof ObjectNode described) {
                task = described;
            }
            tags = Casing.get(root, "Tags");
            if (tags == null) {
                tags = Casing.get(task, "Tags");
            }
            JsonNode list = Casing.get(task, "ContainerDefinitions");
            if (!(list instanceof ArrayNode array)) {
                throw new PatchException(List.of("the task definition has no containerDefinitions list"));
            }
            containers = array;
        } else {
            throw new PatchException(List.of("a task definition must be a JSON object or a list of container definitions"));
        }
        ArrayNode allTags = JsonNodeFactory.instance.arrayNode();
        if (tags != null && tags.isArray()) {
            allTags.addAll((ArrayNode) tags);
        }
        if (extraTags != null) {
            allTags.addAll(extraTags);
        }
        JsonNode familyNode = task.isObject() ? Casing.get(task, "Family") : null;
        String family = familyNode != null && familyNode.isTextual() ? familyNode.asText() : null;
        String label = family != null ? "task definition " + family : "task definition";
        Selection selection = Selection.of(allTags, recipe.optIn(), label, problems);
        if (!problems.isEmpty()) {
            throw new PatchException(problems);
        }
        if (!selection.task()) {
            return new PatchReport(List.of(new PatchReport.Entry(label, List.of(), List.of(), false,
                    recipe.optIn() ? "opt-in mode and no peregrine-include tag" : "tagged " + Selection.IGNORE)));
        }
        ValueResolver values = ValueResolver.literal();
        Platform resolved = platform;
        if (resolved == null) {
            resolved = CloudFormationPatcher.platform(task.isObject() ? Casing.get(task, "RuntimePlatform") : null, values);
        }
        String prefix = streamPrefix != null ? streamPrefix : family != null ? family : "peregrine";
        TaskPatcher.Outcome outcome = patcher.patch(new TaskPatcher.Task(label, containers, selection, values, resolved,
                Casing.CAMEL, null, prefix, document), problems);
        if (!problems.isEmpty()) {
            throw new PatchException(problems);
        }
        return new PatchReport(List.of(new PatchReport.Entry(label, outcome.instrumented(), outcome.alreadyInstrumented(),
                outcome.sidecarAdded(), null)));
    }
}
