package dev.peregrine.instrument.patch;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves what can be known before deployment: {@code Ref} to a parameter (given value, else
 * its {@code Default}) or to a pseudo parameter that was given, {@code Fn::Sub} over those,
 * {@code Fn::Join} and {@code Fn::Select} of resolvable parts. Everything else is unknown.
 */
public final class CloudFormationValues implements ValueResolver {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final JsonNode parameters;
    private final Map<String, String> given;

    /**
     * @param template the whole template (its {@code Parameters} give defaults)
     * @param given    parameter values, and pseudo parameters such as {@code AWS::Region} when known
     */
    public CloudFormationValues(JsonNode template, Map<String, String> given) {
        JsonNode parameters = template.get("Parameters");
        this.parameters = parameters != null && parameters.isObject() ? parameters : null;
        this.given = Map.copyOf(given);
    }

    @Override
    public Resolved resolve(JsonNode value) {
        if (value == null || value.isNull()) {
            return new Unknown("no value");
        }
        if (value.isTextual() || value.isNumber()) {
            return new Known(value.asText());
        }
        if (value.isObject() && value.size() == 1) {
            String function = value.fieldNames().next();
            JsonNode argument = value.get(function);
            return switch (function) {
                case "Ref" -> argument.isTextual() ? ref(argument.asText()) : new Unknown("Ref of a non-string " + argument);
                case "Fn::Sub" -> sub(argument);
                case "Fn::Join" -> join(argument);
                case "Fn::Select" -> select(argument);
                default -> new Unknown(function + " cannot be evaluated before deployment");
            };
        }
        return new Unknown("not a string: " + value);
    }

    private Resolved ref(String name) {
        String value = given.get(name);
        if (value != null) {
            return new Known(value);
        }
        if (name.startsWith("AWS::")) {
            return new Unknown("pseudo parameter " + name + " is not known here (pass --param " + name + "=VALUE)");
        }
        JsonNode parameter = parameters == null ? null : parameters.get(name);
        if (parameter == null) {
            return new Unknown("'" + name + "' is not a template parameter (a resource's value is known only after deployment)");
        }
        String type = parameter.path("Type").asText("String");
        if (type.startsWith("AWS::SSM::Parameter::Value")) {
            return new Unknown("parameter " + name + " is read from SSM Parameter Store at deployment (pass --param " + name + "=VALUE)");
        }
        if (type.startsWith("List<") || type.equals("CommaDelimitedList")) {
            return new Unknown("parameter " + name + " is a list, not an image name");
        }
        JsonNode fallback = parameter.get("Default");
        if (fallback == null || !(fallback.isTextual() || fallback.isNumber())) {
            return new Unknown("parameter " + name + " has no value and no Default (pass --param " + name + "=VALUE)");
        }
        return new Known(fallback.asText());
    }

    private Resolved sub(JsonNode argument) {
        JsonNode text = argument;
        JsonNode variables = null;
        if (argument.isArray() && argument.size() == 2) {
            text = argument.get(0);
            variables = argument.get(1);
        }
        if (!text.isTextual()) {
            return new Unknown("Fn::Sub of a non-string " + text);
        }
        Matcher matcher = VARIABLE.matcher(text.asText());
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else {
                Resolved part;
                if (variables != null && variables.has(name)) {
                    part = resolve(variables.get(name));
                } else if (name.contains(".")) {
                    part = new Unknown("${" + name + "} is a resource attribute, known only after deployment");
                } else {
                    part = ref(name);
                }
                if (part instanceof Unknown unknown) {
                    return unknown;
                }
                replacement = ((Known) part).value();
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return new Known(out.toString());
    }

    private Resolved join(JsonNode argument) {
        if (!argument.isArray() || argument.size() != 2 || !argument.get(0).isTextual() || !argument.get(1).isArray()) {
            return new Unknown("Fn::Join needs [delimiter, [parts]]");
        }
        StringBuilder out = new StringBuilder();
        String delimiter = argument.get(0).asText();
        int i = 0;
        for (JsonNode part : argument.get(1)) {
            Resolved resolved = resolve(part);
            if (resolved instanceof Unknown unknown) {
                return unknown;
            }
            if (i++ > 0) {
                out.append(delimiter);
            }
            out.append(((Known) resolved).value());
        }
        return new Known(out.toString());
    }

    private Resolved select(JsonNode argument) {
        if (!argument.isArray() || argument.size() != 2 || !argument.get(1).isArray()) {
            return new Unknown("Fn::Select of a list that is known only after deployment");
        }
        Resolved index = resolve(argument.get(0));
        if (index instanceof Unknown unknown) {
            return unknown;
        }
        try {
            int i = Integer.parseInt(((Known) index).value());
            if (i < 0 || i >= argument.get(1).size()) {
                return new Unknown("Fn::Select index " + i + " is out of range");
            }
            return resolve(argument.get(1).get(i));
        } catch (NumberFormatException e) {
            return new Unknown("Fn::Select index is not a number");
        }
    }
}
