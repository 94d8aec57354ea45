package dev.peregrine.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.instrument.patch.Casing;
import dev.peregrine.instrument.patch.CloudFormationValues;
import dev.peregrine.instrument.patch.ValueResolver;
import dev.peregrine.instrument.template.Document;
import dev.peregrine.instrument.template.TemplateException;
import dev.peregrine.instrument.template.Templates;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a task definition from a {@code register-task-definition} JSON (camelCase), a
 * CloudFormation template (its one {@code AWS::ECS::TaskDefinition}, or the one named), a bare
 * resource or its {@code Properties}. Values that are intrinsic functions are resolved where
 * that can be done before deployment (parameter defaults); otherwise the error names the field.
 */
public final class TaskDefinitionReader {
    private static final String TYPE = "AWS::ECS::TaskDefinition";

    private final String source;
    private final List<String> warnings = new ArrayList<>();
    private ValueResolver values = ValueResolver.literal();

    private TaskDefinitionReader(String source) {
        this.source = source;
    }

    public static TaskDefinition read(Path file, String resource) throws TaskException {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TaskException(file + ": no such file (expected a task definition or CloudFormation template)", e);
        } catch (IOException e) {
            throw new TaskException(file + ": cannot read the task definition: " + e, e);
        }
        return parse(text, file.toString(), resource);
    }

    public static TaskDefinition parse(String text, String source, String resource) throws TaskException {
        Document document;
        try {
            document = Templates.read(text, source);
        } catch (TemplateException e) {
            throw new TaskException(e.getMessage(), e);
        }
        return new TaskDefinitionReader(source).definition(document.root(), resource);
    }

    private TaskDefinition definition(JsonNode root, String resource) throws TaskException {
        if (root == null || !root.isObject()) {
            throw new TaskException(source + ": expected an object (a task definition, a CloudFormation template or resource)");
        }
        String where = source;
        JsonNode properties;
        String familyFallback = null;
        if (root.has("Resources")) {
            values = new CloudFormationValues(root, Map.of());
            Map<String, JsonNode> found = new LinkedHashMap<>();
            root.get("Resources").properties().forEach(e -> {
                if (TYPE.equals(e.getValue().path("Type").asText())) {
                    found.put(e.getKey(), e.getValue());
                }
            });
            if (resource != null) {
                if (!found.containsKey(resource)) {
                    throw new TaskException(source + ": no " + TYPE + " resource named '" + resource + "' (found: "
                            + (found.isEmpty() ? "none" : String.join(", ", found.keySet())) + ")");
                }
            } else if (found.size() != 1) {
                throw new TaskException(source + ": expected exactly one " + TYPE + " resource, found "
                        + (found.isEmpty() ? "none" : found.size() + " (" + String.join(", ", found.keySet()) + "); choose one with --resource"));
            }
            String name = resource != null ? resource : found.keySet().iterator().next();
            properties = found.get(name).path("Properties");
            where = source + ": Resources." + name + ".Properties";
            familyFallback = name;
        } else if (TYPE.equals(root.path("Type").asText())) {
            values = new CloudFormationValues(root, Map.of());
            properties = root.path("Properties");
            where = source + ": Properties";
        } else if (root.has("taskDefinition") && root.get("taskDefinition").isObject()) {
            properties = root.get("taskDefinition"); // describe-task-definition output
        } else {
            properties = root;
        }
        JsonNode containers = Casing.get(properties, "ContainerDefinitions");
        if (containers == null || !containers.isArray() || containers.isEmpty()) {
            throw new TaskException(where + ": expected ContainerDefinitions (containerDefinitions), a non-empty list");
        }
        String family = optionalText(properties, "Family", where);
        String revision = properties.has("revision") ? properties.get("revision").asText() : "1";
        String pidMode = optionalText(properties, "PidMode", where);
        List<TaskDefinition.Volume> volumes = new ArrayList<>();
        for (JsonNode volume : list(properties, "Volumes", where)) {
            volumes.add(new TaskDefinition.Volume(requiredText(volume, "Name", where + ".Volumes")));
        }
        List<TaskDefinition.Container> list = new ArrayList<>();
        for (int i = 0; i < containers.size(); i++) {
            list.add(container(containers.get(i), where + ".ContainerDefinitions[" + i + "]"));
        }
        TaskDefinition task = new TaskDefinition(family != null ? family : familyFallback != null ? familyFallback : "local-task",
                revision, pidMode == null ? null : pidMode.toLowerCase(Locale.ROOT), volumes, list, warnings);
        check(task, where);
        return task;
    }

    private TaskDefinition.Container container(JsonNode c, String where) throws TaskException {
        if (!c.isObject()) {
            throw new TaskException(where + ": expected a container definition object");
        }
        String name = requiredText(c, "Name", where);
        where = where + " (container '" + name + "')";
        String image = requiredText(c, "Image", where);
        for (JsonNode secret : list(c, "Secrets", where)) {
            warnings.add("container '" + name + "': secret " + Casing.get(secret, "Name").asText("?")
                    + " comes from Secrets Manager or SSM on ECS and is not set here (set it with Environment to test)");
        }
        if (!list(c, "EnvironmentFiles", where).isEmpty()) {
            warnings.add("container '" + name + "': EnvironmentFiles are read from S3 on ECS and are not read here");
        }
        JsonNode essential = Casing.get(c, "Essential");
        Map<String, String> environment = new LinkedHashMap<>();
        for (JsonNode variable : list(c, "Environment", where)) {
            environment.put(requiredText(variable, "Name", where + ".Environment"),
                    text(Casing.get(variable, "Value"), where + ".Environment." + Casing.get(variable, "Name").asText(), ""));
        }
        List<TaskDefinition.MountPoint> mountPoints = new ArrayList<>();
        for (JsonNode mount : list(c, "MountPoints", where)) {
            mountPoints.add(new TaskDefinition.MountPoint(requiredText(mount, "SourceVolume", where + ".MountPoints"),
                    requiredText(mount, "ContainerPath", where + ".MountPoints"), bool(mount, "ReadOnly", false)));
        }
        List<TaskDefinition.VolumeFrom> volumesFrom = new ArrayList<>();
        for (JsonNode from : list(c, "VolumesFrom", where)) {
            volumesFrom.add(new TaskDefinition.VolumeFrom(requiredText(from, "SourceContainer", where + ".VolumesFrom"),
                    bool(from, "ReadOnly", false)));
        }
        JsonNode linux = Casing.get(c, "LinuxParameters");
        JsonNode capabilities = linux == null ? null : Casing.get(linux, "Capabilities");
        List<String> add = capabilities == null ? List.of() : strings(Casing.get(capabilities, "Add"), where + ".LinuxParameters.Capabilities.Add");
        List<String> drop = capabilities == null ? List.of() : strings(Casing.get(capabilities, "Drop"), where + ".LinuxParameters.Capabilities.Drop");
        List<TaskDefinition.Dependency> dependsOn = new ArrayList<>();
        for (JsonNode dependency : list(c, "DependsOn", where)) {
            String condition = requiredText(dependency, "Condition", where + ".DependsOn");
            try {
                dependsOn.add(new TaskDefinition.Dependency(requiredText(dependency, "ContainerName", where + ".DependsOn"),
                        TaskDefinition.Condition.valueOf(condition.toUpperCase(Locale.ROOT))));
            } catch (IllegalArgumentException e) {
                throw new TaskException(where + ".DependsOn: condition '" + condition + "' is not START, COMPLETE, SUCCESS or HEALTHY");
            }
        }
        TaskDefinition.HealthCheck healthCheck = null;
        JsonNode check = Casing.get(c, "HealthCheck");
        if (check != null && !check.isNull()) {
            List<String> command = strings(Casing.get(check, "Command"), where + ".HealthCheck.Command");
            if (command.size() < 2 || !(command.getFirst().equals("CMD") || command.getFirst().equals("CMD-SHELL"))) {
                throw new TaskException(where + ".HealthCheck.Command: expected [\"CMD\", program, args...] or [\"CMD-SHELL\", \"command\"], got " + command);
            }
            healthCheck = new TaskDefinition.HealthCheck(command, seconds(check, "Interval", 30, where + ".HealthCheck"),
                    seconds(check, "Timeout", 5, where + ".HealthCheck"), (int) number(check, "Retries", 3, where + ".HealthCheck"),
                    seconds(check, "StartPeriod", 0, where + ".HealthCheck"));
        }
        return new TaskDefinition.Container(name, image, essential == null || essential.asBoolean(true),
                optionalStrings(c, "EntryPoint", where), optionalStrings(c, "Command", where),
                optionalText(c, "WorkingDirectory", where), optionalText(c, "User", where), environment, mountPoints, volumesFrom,
                add, drop, dependsOn, healthCheck, seconds(c, "StopTimeout", 30, where),
                bool(c, "ReadonlyRootFilesystem", false));
    }

    private static void check(TaskDefinition task, String where) throws TaskException {
        List<String> names = new ArrayList<>();
        for (TaskDefinition.Container c : task.containers()) {
            if (names.contains(c.name())) {
                throw new TaskException(where + ": two containers are named '" + c.name() + "'");
            }
            names.add(c.name());
        }
        if (task.containers().stream().noneMatch(TaskDefinition.Container::essential)) {
            throw new TaskException(where + ": at least one container must be essential");
        }
        for (TaskDefinition.Container c : task.containers()) {
            for (TaskDefinition.VolumeFrom from : c.volumesFrom()) {
                if (!names.contains(from.sourceContainer()) || from.sourceContainer().equals(c.name())) {
                    throw new TaskException(where + ": container '" + c.name() + "' VolumesFrom names '" + from.sourceContainer()
                            + "', which is not another container of the task");
                }
            }
            for (TaskDefinition.Dependency d : c.dependsOn()) {
                if (!names.contains(d.containerName()) || d.containerName().equals(c.name())) {
                    throw new TaskException(where + ": container '" + c.name() + "' DependsOn '" + d.containerName()
                            + "', which is not another container of the task");
                }
                if (d.condition() == TaskDefinition.Condition.HEALTHY && task.container(d.containerName()).orElseThrow().healthCheck() == null) {
                    throw new TaskException(where + ": container '" + c.name() + "' waits for '" + d.containerName()
                            + "' to be HEALTHY, but that container has no HealthCheck");
                }
            }
            for (TaskDefinition.MountPoint m : c.mountPoints()) {
                if (task.volumes().stream().noneMatch(v -> v.name().equals(m.sourceVolume()))) {
                    throw new TaskException(where + ": container '" + c.name() + "' mounts volume '" + m.sourceVolume()
                            + "', which the task's Volumes do not define");
                }
                if (!m.containerPath().startsWith("/")) {
                    throw new TaskException(where + ": container '" + c.name() + "' MountPoints.ContainerPath '" + m.containerPath()
                            + "' must be an absolute path");
                }
            }
        }
        for (TaskDefinition.Container c : task.containers()) {
            List<String> cycle = cycle(task, c.name(), new ArrayList<>());
            if (cycle != null) {
                throw new TaskException(where + ": DependsOn forms a cycle: " + String.join(" -> ", cycle));
            }
        }
        if (task.pidMode() != null && !task.pidMode().equals("task")) {
            throw new TaskException(where + ": PidMode '" + task.pidMode() + "' is not supported here (only \"task\", as on Fargate)");
        }
    }

    /** The path back to {@code path}'s first container through dependsOn, or null. */
    private static List<String> cycle(TaskDefinition task, String name, List<String> path) {
        if (path.contains(name)) {
            return path.getFirst().equals(name) ? append(path, name) : null;
        }
        List<String> next = append(path, name);
        for (TaskDefinition.Dependency d : task.container(name).orElseThrow().dependsOn()) {
            List<String> found = cycle(task, d.containerName(), next);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static List<String> append(List<String> list, String item) {
        List<String> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }

    private List<JsonNode> list(JsonNode object, String field, String where) throws TaskException {
        JsonNode value = Casing.get(object, field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new TaskException(where + "." + field + ": expected a list, got " + Templates.toCompactJson(value));
        }
        List<JsonNode> out = new ArrayList<>();
        value.forEach(out::add);
        return out;
    }

    private String requiredText(JsonNode object, String field, String where) throws TaskException {
        JsonNode value = Casing.get(object, field);
        if (value == null || value.isNull()) {
            throw new TaskException(where + ": " + field + " is missing");
        }
        return text(value, where + "." + field, null);
    }

    private String optionalText(JsonNode object, String field, String where) throws TaskException {
        JsonNode value = Casing.get(object, field);
        return value == null || value.isNull() ? null : text(value, where + "." + field, null);
    }

    private String text(JsonNode value, String where, String fallback) throws TaskException {
        if (value == null || value.isNull()) {
            return fallback;
        }
        return switch (values.resolve(value)) {
            case ValueResolver.Known known -> known.value();
            case ValueResolver.Unknown unknown -> throw new TaskException(where + ": cannot be resolved to a value here ("
                    + unknown.reason() + "): " + Templates.toCompactJson(value));
        };
    }

    private List<String> optionalStrings(JsonNode object, String field, String where) throws TaskException {
        JsonNode value = Casing.get(object, field);
        return value == null || value.isNull() ? null : strings(value, where + "." + field);
    }

    private List<String> strings(JsonNode value, String where) throws TaskException {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new TaskException(where + ": expected a list of strings, got " + Templates.toCompactJson(value));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            out.add(text(value.get(i), where + "[" + i + "]", null));
        }
        return out;
    }

    private boolean bool(JsonNode object, String field, boolean fallback) throws TaskException {
        JsonNode value = Casing.get(object, field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        String text = text(value, field, null);
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new TaskException(source + ": " + field + ": expected true or false, got " + text);
    }

    private long number(JsonNode object, String field, long fallback, String where) throws TaskException {
        JsonNode value = Casing.get(object, field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        String text = text(value, where + "." + field, null);
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new TaskException(where + "." + field + ": expected a whole number, got '" + text + "'");
        }
    }

    private Duration seconds(JsonNode object, String field, long fallback, String where) throws TaskException {
        return Duration.ofSeconds(number(object, field, fallback, where));
    }
}
