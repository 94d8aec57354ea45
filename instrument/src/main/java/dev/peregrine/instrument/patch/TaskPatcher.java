package dev.peregrine.instrument.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.peregrine.instrument.registry.ImageConfig;
import dev.peregrine.instrument.registry.ImageConfigSource;
import dev.peregrine.instrument.registry.ImageReference;
import dev.peregrine.instrument.registry.Platform;
import dev.peregrine.instrument.registry.RegistryException;
import dev.peregrine.instrument.template.Document;
import dev.peregrine.instrument.template.Intrinsic;
import dev.peregrine.instrument.template.Templates;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the recipe of ARCHITECTURE §7 to the container definitions of one task, in place.
 * Problems are collected, not thrown, so one run reports every container that needs attention;
 * the caller writes nothing when there is any.
 */
public final class TaskPatcher {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Recipe recipe;
    private final ImageConfigSource images;

    public TaskPatcher(Recipe recipe, ImageConfigSource images) {
        this.recipe = recipe;
        this.images = images;
    }

    /**
     * One task to patch.
     *
     * @param label        how messages name it, for example {@code resource WebTask}
     * @param containers   its container definitions
     * @param values       resolves the {@code Image} of a container
     * @param platform     the task's platform; null when it cannot be known
     * @param casing       casing of new fields when a container does not show its own
     * @param region       {@code awslogs-region} when the recipe gives none (null: none known)
     * @param streamPrefix {@code awslogs-stream-prefix} of the sidecar
     * @param document     the document the task is in, for the layout of new YAML nodes (may be null)
     */
    public record Task(String label, ArrayNode containers, Selection selection, ValueResolver values,
                       Platform platform, Casing casing, JsonNode region, String streamPrefix, Document document) {
    }

    /** What was done to one task. */
    public record Outcome(List<String> instrumented, List<String> alreadyInstrumented, boolean sidecarAdded) {
    }

    public Outcome patch(Task task, List<String> problems) {
        List<String> instrumented = new ArrayList<>();
        List<String> already = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        boolean hasSidecar = false;
        boolean unknownNames = false;
        for (JsonNode container : task.containers()) {
            String name = container.isObject() ? name(task, container) : null;
            if (name != null) {
                names.add(name);
                hasSidecar |= name.equals(Recipe.SIDECAR);
            } else {
                unknownNames = true;
            }
        }
        if (!unknownNames) {
            for (String unknown : task.selection().unknownNames(names)) {
                problems.add(task.label() + ": a peregrine-*-containers tag names container '" + unknown
                        + "', which is not in the task (containers: " + String.join(", ", names) + ")");
            }
        }
        Casing taskCasing = task.containers().isEmpty() ? task.casing() : Casing.of(task.containers().get(0), task.casing());
        int index = 0;
        for (JsonNode node : task.containers()) {
            index++;
            if (!(node instanceof ObjectNode container) || Intrinsic.isCall(node)) {
                problems.add(task.label() + ": container definition #" + index + (Intrinsic.isCall(node)
                        ? " is built by " + node.fieldNames().next() + "; write it out to have it patched"
                        : " is not an object"));
                continue;
            }
            String name = name(task, container);
            String label = name != null ? name : "#" + index;
            String where = task.label() + ", container " + label;
            if (name == null && task.selection().needsNames()) {
                JsonNode nameNode = Casing.get(container, "Name");
                problems.add(where + ": the peregrine-*-containers tags select containers by name, but this Name ("
                        + (nameNode == null ? "missing" : Templates.toCompactJson(nameNode)) + ") cannot be resolved before deployment");
                continue;
            }
            if (Recipe.SIDECAR.equals(name) || (name != null ? !task.selection().container(name) : !task.selection().task())) {
                continue;
            }
            if (isInstrumented(container)) {
                already.add(label);
                continue;
            }
            int before = problems.size();
            patchContainer(task, container, where, Casing.of(container, taskCasing), problems);
            if (problems.size() == before) {
                instrumented.add(label);
            }
        }
        boolean addSidecar = !instrumented.isEmpty() && !hasSidecar;
        if (addSidecar) {
            ObjectNode sidecar = sidecar(task, taskCasing, problems);
            task.containers().add(sidecar);
        }
        return new Outcome(instrumented, already, addSidecar);
    }

    /** The container's name: literal, or a parameter reference that resolves; else null. */
    private static String name(Task task, JsonNode container) {
        JsonNode name = Casing.get(container, "Name");
        if (name == null) {
            return null;
        }
        return task.values().resolve(name) instanceof ValueResolver.Known(String value) ? value : null;
    }

    static boolean isInstrumented(ObjectNode container) {
        JsonNode entryPoint = Casing.get(container, "EntryPoint");
        return entryPoint != null && entryPoint.isArray() && !entryPoint.isEmpty()
                && entryPoint.get(0).isTextual() && entryPoint.get(0).asText().equals(Recipe.INSTRUMENT);
    }

    private void patchContainer(Task task, ObjectNode container, String where, Casing casing, List<String> problems) {
        ArrayNode entryPoint = list(container, "EntryPoint", where, problems);
        ArrayNode command = list(container, "Command", where, problems);
        if (entryPoint == INVALID || command == INVALID) {
            return;
        }
        ArrayNode run = NODES.arrayNode();
        if (entryPoint != null) {
            // Docker: an entrypoint given here replaces the image's and drops the image's CMD.
            run.addAll(entryPoint);
            if (command != null) {
                run.addAll(command);
            }
        } else {
            ImageConfig config = imageConfig(task, container, where, problems);
            if (config == null) {
                return;
            }
            if (config.entrypoint() != null) {
                config.entrypoint().forEach(run::add);
            }
            if (command != null) {
                run.addAll(command);
            } else if (config.cmd() != null) {
                config.cmd().forEach(run::add);
            }
        }
        if (run.isEmpty()) {
            problems.add(where + ": nothing to run: neither the template nor the image sets an entrypoint or a command;"
                    + " add EntryPoint and/or Command to the container definition");
            return;
        }
        JsonNode environment = Casing.get(container, "Environment");
        if (environment != null && !environment.isArray()) {
            problems.add(where + ": Environment must be a list of {Name, Value}, got " + Templates.toCompactJson(environment));
            return;
        }
        JsonNode linux = Casing.get(container, "LinuxParameters");
        if (linux != null && (!linux.isObject() || Intrinsic.isCall(linux))) {
            problems.add(where + ": LinuxParameters must be a literal object to be patched, got " + Templates.toCompactJson(linux));
            return;
        }
        JsonNode capabilities = linux == null ? null : Casing.get(linux, "Capabilities");
        if (capabilities != null && (!capabilities.isObject() || Intrinsic.isCall(capabilities))) {
            problems.add(where + ": LinuxParameters.Capabilities must be a literal object to be patched, got "
                    + Templates.toCompactJson(capabilities));
            return;
        }
        JsonNode add = capabilities == null ? null : Casing.get(capabilities, "Add");
        if (add != null && !add.isArray()) {
            problems.add(where + ": LinuxParameters.Capabilities.Add must be a literal list to be patched, got "
                    + Templates.toCompactJson(add));
            return;
        }
        JsonNode volumesFrom = Casing.get(container, "VolumesFrom");
        if (volumesFrom != null && !volumesFrom.isArray()) {
            problems.add(where + ": VolumesFrom must be a list, got " + Templates.toCompactJson(volumesFrom));
            return;
        }
        if (environment != null) {
            for (JsonNode entry : environment) {
                JsonNode entryName = entry.isObject() ? Casing.get(entry, "Name") : null;
                if (entryName == null || !entryName.isTextual()) {
                    problems.add(where + ": every Environment entry needs a literal string Name, got " + Templates.toCompactJson(entry));
                    return;
                }
            }
        }

        ArrayNode newEntryPoint = NODES.arrayNode().add(Recipe.INSTRUMENT);
        Document document = task.document();
        if (document != null) {
            boolean flow = (entryPoint == null || document.isFlow(entryPoint)) && (command == null || document.isFlow(command));
            if (entryPoint != null && document.isFlow(entryPoint) || entryPoint == null && command != null && document.isFlow(command)) {
                document.flow(newEntryPoint);
            }
            if (flow && (entryPoint != null || command != null)) {
                document.flow(run);
            }
        }
        casing.set(container, "EntryPoint", newEntryPoint);
        casing.set(container, "Command", run);
        environment(container, casing);
        capability(container, casing);
        volumesFrom(container, casing);
    }

    private static final ArrayNode INVALID = NODES.arrayNode();

    /** The list under a field: null when absent, null or empty; INVALID (and a problem) when not a list. */
    private static ArrayNode list(ObjectNode container, String field, String where, List<String> problems) {
        JsonNode value = Casing.get(container, field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            problems.add(where + ": " + field + " must be a literal list to be patched, got " + Templates.toCompactJson(value)
                    + "; write the list out");
            return INVALID;
        }
        return value.isEmpty() ? null : (ArrayNode) value;
    }

    private ImageConfig imageConfig(Task task, ObjectNode container, String where, List<String> problems) {
        JsonNode image = Casing.get(container, "Image");
        String advice = "; add EntryPoint and Command to the container definition";
        if (image == null) {
            problems.add(where + ": has no Image" + advice);
            return null;
        }
        ValueResolver.Resolved resolved = task.values().resolve(image);
        if (resolved instanceof ValueResolver.Unknown(String reason)) {
            problems.add(where + ": the entrypoint of image " + Templates.toCompactJson(image) + " cannot be looked up: "
                    + reason + advice);
            return null;
        }
        String reference = ((ValueResolver.Known) resolved).value();
        if (task.platform() == null) {
            problems.add(where + ": the task's RuntimePlatform.CpuArchitecture cannot be resolved (X86_64 or ARM64)" + advice);
            return null;
        }
        try {
            ImageReference.parse(reference);
            return images.config(reference, task.platform());
        } catch (RegistryException e) {
            problems.add(where + ": the entrypoint of image " + reference + " (" + task.platform() + ") cannot be looked up: "
                    + e.getMessage() + advice + (e.kind() == RegistryException.Kind.UNAUTHORIZED
                    ? ", or give registry credentials (Docker config.json or PEREGRINE_REGISTRY_AUTH)" : ""));
            return null;
        }
    }

    /** Recipe variables win over the container's; the list ends up sorted by name. */
    private void environment(ObjectNode container, Casing casing) {
        JsonNode existing = Casing.get(container, "Environment");
        ArrayNode environment = existing != null ? (ArrayNode) existing : NODES.arrayNode();
        Map<String, String> recipeEnv = recipe.environment();
        List<JsonNode> entries = new ArrayList<>();
        for (JsonNode entry : environment) {
            if (!recipeEnv.containsKey(Casing.get(entry, "Name").asText())) {
                entries.add(entry);
            }
        }
        Casing entryCasing = environment.isEmpty() ? casing : Casing.of(environment.get(0), casing);
        recipeEnv.forEach((name, value) -> {
            ObjectNode entry = NODES.objectNode();
            entry.put(entryCasing.spell("Name"), name);
            entry.put(entryCasing.spell("Value"), value);
            entries.add(entry);
        });
        entries.sort(Comparator.comparing(entry -> Casing.get(entry, "Name").asText()));
        environment.removeAll();
        environment.addAll(entries);
        if (existing == null) {
            casing.set(container, "Environment", environment);
        }
    }

    private static void capability(ObjectNode container, Casing casing) {
        ObjectNode linux = child(container, "LinuxParameters", casing);
        ObjectNode capabilities = child(linux, "Capabilities", Casing.of(linux, casing));
        Casing capsCasing = Casing.of(capabilities, Casing.of(linux, casing));
        JsonNode add = Casing.get(capabilities, "Add");
        ArrayNode list;
        if (add instanceof ArrayNode existing) {
            list = existing;
        } else {
            list = NODES.arrayNode();
            capsCasing.set(capabilities, "Add", list);
        }
        for (JsonNode capability : list) {
            if (capability.isTextual() && capability.asText().equals(Recipe.CAPABILITY)) {
                return;
            }
        }
        list.add(Recipe.CAPABILITY);
    }

    private static ObjectNode child(ObjectNode parent, String field, Casing casing) {
        JsonNode child = Casing.get(parent, field);
        if (child instanceof ObjectNode object) {
            return object;
        }
        ObjectNode created = NODES.objectNode();
        casing.set(parent, field, created);
        return created;
    }

    private static void volumesFrom(ObjectNode container, Casing casing) {
        JsonNode existing = Casing.get(container, "VolumesFrom");
        ArrayNode list;
        if (existing instanceof ArrayNode array) {
            list = array;
        } else {
            list = NODES.arrayNode();
            casing.set(container, "VolumesFrom", list);
        }
        for (JsonNode volume : list) {
            JsonNode source = Casing.get(volume, "SourceContainer");
            if (source != null && source.isTextual() && source.asText().equals(Recipe.SIDECAR)) {
                return;
            }
        }
        Casing entryCasing = list.isEmpty() ? casing : Casing.of(list.get(0), casing);
        ObjectNode mount = NODES.objectNode();
        mount.put(entryCasing.spell("SourceContainer"), Recipe.SIDECAR);
        mount.put(entryCasing.spell("ReadOnly"), true);
        list.add(mount);
    }

    private ObjectNode sidecar(Task task, Casing casing, List<String> problems) {
        ObjectNode sidecar = NODES.objectNode();
        sidecar.put(casing.spell("Name"), Recipe.SIDECAR);
        sidecar.put(casing.spell("Image"), recipe.agentImage());
        sidecar.put(casing.spell("Essential"), recipe.essential());
        if (recipe.sidecarCpu() != null) {
            sidecar.put(casing.spell("Cpu"), recipe.sidecarCpu());
        }
        if (recipe.sidecarMemory() != null) {
            sidecar.put(casing.spell("Memory"), recipe.sidecarMemory());
        }
        if (recipe.sidecarMemoryReservation() != null) {
            sidecar.put(casing.spell("MemoryReservation"), recipe.sidecarMemoryReservation());
        }
        if (recipe.imageCredentialsParameter() != null) {
            ObjectNode credentials = sidecar.putObject(casing.spell("RepositoryCredentials"));
            credentials.put(casing.spell("CredentialsParameter"), recipe.imageCredentialsParameter());
        }
        if (recipe.logGroup() != null) {
            JsonNode region = recipe.logRegion() != null ? TextNode.valueOf(recipe.logRegion()) : task.region();
            if (region == null) {
                problems.add(task.label() + ": the sidecar log group needs a region (--log-region)");
            } else {
                ObjectNode logs = sidecar.putObject(casing.spell("LogConfiguration"));
                logs.put(casing.spell("LogDriver"), "awslogs");
                ObjectNode options = logs.putObject(casing.spell("Options"));
                options.put("awslogs-group", recipe.logGroup());
                options.set("awslogs-region", region);
                options.put("awslogs-stream-prefix", task.streamPrefix());
            }
        }
        return sidecar;
    }
}
