package dev.peregrine.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a template against the CloudFormation resource specification (the JSON document AWS
 * publishes, as packaged by {@code @aws-cdk/cfnspec}): resource types, property names, required
 * properties and the shape of each value (scalar, list, map, nested property type), recursively;
 * and every {@code Ref}, {@code Fn::GetAtt} (attribute names included), {@code Fn::Sub}
 * variable, {@code Fn::If} / {@code Condition} and {@code DependsOn} target. Values given by an
 * intrinsic function are not type-checked (they are known only at deployment).
 */
final class CloudFormationSpec {
    private static final Set<String> SECTIONS = Set.of("AWSTemplateFormatVersion", "Description", "Metadata", "Parameters",
            "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs");
    private static final Set<String> PSEUDO = Set.of("AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
            "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");
    private static final Set<String> RESOURCE_KEYS = Set.of("Type", "Properties", "DependsOn", "Condition", "DeletionPolicy",
            "UpdateReplacePolicy", "UpdatePolicy", "CreationPolicy", "Metadata");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^!}][^}]*)}");

    private final JsonNode resourceTypes;
    private final JsonNode propertyTypes;

    private CloudFormationSpec(JsonNode spec) {
        this.resourceTypes = spec.path("ResourceTypes");
        this.propertyTypes = spec.path("PropertyTypes");
    }

    static CloudFormationSpec load(Path specification) throws IOException {
        return new CloudFormationSpec(new ObjectMapper().readTree(specification.toFile()));
    }

    JsonNode resourceType(String type) {
        return resourceTypes.path(type);
    }

    JsonNode propertyType(String qualifiedName) {
        return propertyTypes.path(qualifiedName);
    }

    /** Every problem of the template, each naming its place ({@code Resources.Service.Properties.Cluster}). */
    List<String> check(JsonNode template) {
        List<String> problems = new ArrayList<>();
        template.fieldNames().forEachRemaining(section -> {
            if (!SECTIONS.contains(section)) {
                problems.add(section + ": not a template section");
            }
        });
        JsonNode resources = template.path("Resources");
        if (!resources.isObject() || resources.isEmpty()) {
            problems.add("Resources: a template needs at least one resource");
        }
        Set<String> parameters = names(template.path("Parameters"));
        Set<String> conditions = names(template.path("Conditions"));
        Set<String> resourceNames = names(resources);
        for (Map.Entry<String, JsonNode> resource : resources.properties()) {
            String where = "Resources." + resource.getKey();
            JsonNode body = resource.getValue();
            body.fieldNames().forEachRemaining(key -> {
                if (!RESOURCE_KEYS.contains(key)) {
                    problems.add(where + "." + key + ": not a resource attribute");
                }
            });
            String type = body.path("Type").asText("");
            JsonNode spec = resourceTypes.path(type);
            if (spec.isMissingNode()) {
                problems.add(where + ".Type: unknown resource type '" + type + "'");
                continue;
            }
            checkProperties(where + ".Properties", type, spec.path("Properties"), body.path("Properties"), problems);
            if (body.has("Condition") && !conditions.contains(body.path("Condition").asText())) {
                problems.add(where + ".Condition: no condition '" + body.path("Condition").asText() + "'");
            }
            for (JsonNode target : body.path("DependsOn").isArray() ? body.path("DependsOn") : List.of(body.path("DependsOn"))) {
                if (!target.isMissingNode() && !resourceNames.contains(target.asText())) {
                    problems.add(where + ".DependsOn: no resource '" + target.asText() + "'");
                }
            }
        }
        checkReferences("", template, template, parameters, conditions, problems);
        return problems;
    }

    private static Set<String> names(JsonNode section) {
        Set<String> names = new java.util.LinkedHashSet<>();
        section.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private void checkProperties(String where, String owner, JsonNode specs, JsonNode values, List<String> problems) {
        if (values.isMissingNode()) {
            values = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        } else if (isIntrinsic(values)) {
            return;
        } else if (!values.isObject()) {
            problems.add(where + ": expected an object");
            return;
        }
        for (Map.Entry<String, JsonNode> spec : specs.properties()) {
            if (spec.getValue().path("Required").asBoolean(false) && !values.has(spec.getKey())) {
                problems.add(where + ": required property " + spec.getKey() + " is missing");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> value = it.next();
            JsonNode spec = specs.path(value.getKey());
            if (spec.isMissingNode()) {
                problems.add(where + "." + value.getKey() + ": not a property of " + owner);
                continue;
            }
            checkValue(where + "." + value.getKey(), owner, spec, value.getValue(), problems);
        }
    }

    private void checkValue(String where, String owner, JsonNode spec, JsonNode value, List<String> problems) {
        if (isIntrinsic(value)) {
            return;
        }
        String type = spec.path("Type").asText(null);
        if (spec.has("PrimitiveType")) {
            checkPrimitive(where, spec.path("PrimitiveType").asText(), value, problems);
        } else if ("List".equals(type)) {
            if (!value.isArray()) {
                problems.add(where + ": expected a list");
                return;
            }
            for (int i = 0; i < value.size(); i++) {
                checkItem(where + "[" + i + "]", owner, spec, value.get(i), problems);
            }
        } else if ("Map".equals(type)) {
            if (!value.isObject()) {
                problems.add(where + ": expected a map");
                return;
            }
            value.properties().forEach(e -> checkItem(where + "." + e.getKey(), owner, spec, e.getValue(), problems));
        } else if (type != null) {
            checkComplex(where, owner, type, value, problems);
        }
    }

    private void checkItem(String where, String owner, JsonNode spec, JsonNode item, List<String> problems) {
        if (isIntrinsic(item)) {
            return;
        }
        if (spec.has("PrimitiveItemType")) {
            checkPrimitive(where, spec.path("PrimitiveItemType").asText(), item, problems);
        } else if (spec.has("ItemType")) {
            checkComplex(where, owner, spec.path("ItemType").asText(), item, problems);
        }
    }

    private void checkComplex(String where, String owner, String type, JsonNode value, List<String> problems) {
        String resource = owner.contains(".") ? owner.substring(0, owner.indexOf('.')) : owner;
        String qualified = resource + "." + type;
        JsonNode spec = propertyTypes.has(qualified) ? propertyTypes.path(qualified) : propertyTypes.path(type);
        if (spec.isMissingNode()) {
            problems.add(where + ": the specification has no property type " + qualified);
            return;
        }
        if (!spec.has("Properties")) {
            checkValue(where, owner, spec, value, problems);
            return;
        }
        checkProperties(where, propertyTypes.has(qualified) ? qualified : type, spec.path("Properties"), value, problems);
    }

    private static void checkPrimitive(String where, String primitive, JsonNode value, List<String> problems) {
        if (primitive.equals("Json")) {
            if (!value.isObject() && !value.isTextual()) {
                problems.add(where + ": expected a JSON object");
            }
            return;
        }
        if (!value.isValueNode() || value.isNull()) {
            problems.add(where + ": expected a " + primitive + " value");
            return;
        }
        String text = value.asText();
        boolean ok = switch (primitive) {
            case "Integer", "Long" -> text.matches("-?\\d+");
            case "Double" -> text.matches("-?\\d+(\\.\\d+)?");
            case "Boolean" -> text.equals("true") || text.equals("false");
            default -> true;
        };
        if (!ok) {
            problems.add(where + ": '" + text + "' is not a " + primitive);
        }
    }

    static boolean isIntrinsic(JsonNode node) {
        if (!node.isObject() || node.size() != 1) {
            return false;
        }
        String key = node.fieldNames().next();
        return key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition");
    }

    private void checkReferences(String where, JsonNode node, JsonNode template, Set<String> parameters, Set<String> conditions,
                                 List<String> problems) {
        JsonNode resources = template.path("Resources");
        if (node.isObject()) {
            if (node.size() == 1 && node.has("Ref")) {
                String name = node.path("Ref").asText();
                if (!parameters.contains(name) && !resources.has(name) && !PSEUDO.contains(name) && !where.startsWith("Rules")) {
                    problems.add(where + ": Ref to unknown '" + name + "'");
                }
            }
            if (node.size() == 1 && node.has("Fn::GetAtt")) {
                JsonNode args = node.path("Fn::GetAtt");
                String[] parts = args.isArray() ? new String[] {args.path(0).asText(), args.path(1).asText()}
                        : args.asText().split("\\.", 2);
                checkAttribute(where, parts[0], parts.length > 1 ? parts[1] : "", resources, problems);
            }
            if (node.size() == 1 && node.has("Fn::Sub")) {
                JsonNode args = node.path("Fn::Sub");
                String text = args.isArray() ? args.path(0).asText() : args.asText();
                Set<String> local = args.isArray() ? names(args.path(1)) : Set.of();
                Matcher m = SUB_VARIABLE.matcher(text);
                while (m.find()) {
                    String variable = m.group(1);
                    if (local.contains(variable) || PSEUDO.contains(variable) || parameters.contains(variable) || resources.has(variable)) {
                        continue;
                    }
                    if (variable.contains(".")) {
                        String[] parts = variable.split("\\.", 2);
                        checkAttribute(where, parts[0], parts[1], resources, problems);
                    } else {
                        problems.add(where + ": Fn::Sub variable ${" + variable + "} is neither a parameter nor a resource");
                    }
                }
            }
            if (node.size() == 1 && node.has("Fn::If") && !conditions.contains(node.path("Fn::If").path(0).asText())) {
                problems.add(where + ": Fn::If on unknown condition '" + node.path("Fn::If").path(0).asText() + "'");
            }
            node.properties().forEach(e -> checkReferences(where.isEmpty() ? e.getKey() : where + "." + e.getKey(), e.getValue(),
                    template, parameters, conditions, problems));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkReferences(where + "[" + i + "]", node.get(i), template, parameters, conditions, problems);
            }
        }
    }

    private void checkAttribute(String where, String resource, String attribute, JsonNode resources, List<String> problems) {
        if (!resources.has(resource)) {
            problems.add(where + ": Fn::GetAtt of unknown resource '" + resource + "'");
            return;
        }
        JsonNode attributes = resourceTypes.path(resources.path(resource).path("Type").asText()).path("Attributes");
        if (!attributes.has(attribute)) {
            problems.add(where + ": " + resource + " has no attribute '" + attribute + "' (it has " + names(attributes) + ")");
        }
    }
}
