package dev.peregrine.instrument.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.peregrine.instrument.registry.ImageConfigSource;
import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.template.Document;
import dev.peregrine.instrument.template.Intrinsic;
import dev.peregrine.instrument.template.ShortFormNode;
import dev.peregrine.instrument.template.TemplateFormat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Instruments every Fargate {@code AWS::ECS::TaskDefinition} of a CloudFormation template, in place. */
public final class CloudFormationPatcher {
    public static final String TASK_DEFINITION = "AWS::ECS::TaskDefinition";

    private final Recipe recipe;
    private final TaskPatcher patcher;

    public CloudFormationPatcher(Recipe recipe, ImageConfigSource images) {
        this.recipe = recipe;
        this.patcher = new TaskPatcher(recipe, images);
    }

    /**
     * @param parameters template parameter values and known pseudo parameters ({@code AWS::Region}, ...)
     * @throws PatchException listing every problem; the document may then be half patched and must be dropped
     */
    public PatchReport patch(Document document, Map<String, String> parameters) throws PatchException {
        List<String> problems = new ArrayList<>();
        List<PatchReport.Entry> report = new ArrayList<>();
        JsonNode root = document.root();
        JsonNode resources = root.isObject() ? root.get("Resources") : null;
        if (resources == null || !resources.isObject()) {
            throw new PatchException(List.of("the template has no Resources object"));
        }
        ValueResolver values = new CloudFormationValues(root, parameters);
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            JsonNode definition = resource.getValue();
            JsonNode type = definition.get("Type");
            if (type == null || !type.isTextual() || !type.asText().equals(TASK_DEFINITION)) {
                continue;
            }
            String label = "resource " + resource.getKey();
            if (!(definition.get("Properties") instanceof ObjectNode properties)) {
                report.add(new PatchReport.Entry(label, List.of(), List.of(), false, "no Properties"));
                continue;
            }
            if (!fargate(properties.get("RequiresCompatibilities"))) {
                report.add(new PatchReport.Entry(label, List.of(), List.of(), false, "not FARGATE"));
                continue;
            }
            Selection selection = Selection.of(properties.get("Tags"), recipe.optIn(), label, problems);
            if (!selection.task()) {
                report.add(new PatchReport.Entry(label, List.of(), List.of(), false,
                        recipe.optIn() ? "opt-in mode and no peregrine-include tag" : "tagged " + Selection.IGNORE));
                continue;
            }
            JsonNode containers = properties.get("ContainerDefinitions");
            if (!(containers instanceof ArrayNode list)) {
                problems.add(label + ": ContainerDefinitions must be a literal list to be patched");
                continue;
            }
            TaskPatcher.Task task = new TaskPatcher.Task(label, list, selection, values,
                    platform(properties.get("RuntimePlatform"), values), Casing.PASCAL, region(document),
                    resource.getKey(), document);
            TaskPatcher.Outcome outcome = patcher.patch(task, problems);
            report.add(new PatchReport.Entry(label, outcome.instrumented(), outcome.alreadyInstrumented(),
                    outcome.sidecarAdded(), null));
        }
        if (!problems.isEmpty()) {
            throw new PatchException(problems);
        }
        return new PatchReport(report);
    }

    private static boolean fargate(JsonNode compatibilities) {
        if (compatibilities == null || !compatibilities.isArray()) {
            return false;
        }
        for (JsonNode value : compatibilities) {
            if (value.isTextual() && value.asText().equals("FARGATE")) {
                return true;
            }
        }
        return false;
    }

    /** X86_64 unless the task says otherwise; null when it says so through something unknowable. */
    static Platform platform(JsonNode runtimePlatform, ValueResolver values) {
        JsonNode architecture = runtimePlatform == null ? null : Casing.get(runtimePlatform, "CpuArchitecture");
        if (architecture == null || architecture.isNull()) {
            return Platform.LINUX_AMD64;
        }
        if (values.resolve(architecture) instanceof ValueResolver.Known(String value)) {
            try {
                return Platform.parse(value);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static JsonNode region(Document document) {
        TextNode name = new TextNode("AWS::Region");
        if (document.format() == TemplateFormat.YAML) {
            document.plain(name);
            return new ShortFormNode(Intrinsic.REF, name, false);
        }
        return JsonNodeFactory.instance.objectNode().set("Ref", name);
    }
}
