package dev.peregrine.instrument.macro;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.instrument.patch.CloudFormationPatcher;
import dev.peregrine.instrument.patch.PatchException;
import dev.peregrine.instrument.patch.PatchReport;
import dev.peregrine.instrument.patch.Recipe;
import dev.peregrine.instrument.patch.RecipeSettings;
import dev.peregrine.instrument.registry.ImageConfigSource;
import dev.peregrine.instrument.template.Document;
import dev.peregrine.instrument.template.TemplateFormat;
import dev.peregrine.instrument.template.Templates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The CloudFormation macro contract: a request
 * {@code {region, accountId, requestId, transformId, templateParameterValues, params, fragment}}
 * becomes {@code {requestId, status, fragment, errorMessage}}. {@code params} (the transform's
 * parameters) override the settings the handler was started with. Any problem fails the
 * transform with every problem in {@code errorMessage}, so a stack never deploys a task that
 * cannot start. Never throws.
 */
public final class MacroHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MacroHandler.class);

    private final Map<RecipeSettings, String> settings;
    private final ImageConfigSource images;

    /**
     * @param defaults base settings (agent_image may be missing here and come with each request's params)
     */
    public MacroHandler(Map<RecipeSettings, String> defaults, ImageConfigSource images) {
        this.settings = Map.copyOf(defaults);
        this.images = images;
    }

    public String handle(String request) {
        return Templates.toCompactJson(handle(parse(request)));
    }

    private static JsonNode parse(String request) {
        try {
            JsonNode json = Templates.json().readTree(request);
            return json == null ? JsonNodeFactory.instance.nullNode() : json;
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode("the request is not JSON: " + e.getOriginalMessage());
        }
    }

    public ObjectNode handle(JsonNode request) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        if (request.isTextual()) {
            return failure(response, request.asText());
        }
        if (!request.isObject()) {
            return failure(response, "the request must be a JSON object");
        }
        JsonNode requestId = request.get("requestId");
        response.set("requestId", requestId == null ? JsonNodeFactory.instance.textNode("") : requestId);
        JsonNode fragment = request.get("fragment");
        if (fragment == null || !fragment.isObject()) {
            return failure(response, "the request has no fragment object");
        }
        try {
            Map<RecipeSettings, String> merged = new LinkedHashMap<>(settings);
            JsonNode params = request.get("params");
            if (params != null && params.isObject()) {
                Map<String, String> given = new LinkedHashMap<>();
                for (var entry : params.properties()) {
                    if (!entry.getValue().isValueNode()) {
                        throw new IllegalArgumentException("macro parameter " + entry.getKey() + " must be a string");
                    }
                    given.put(entry.getKey(), entry.getValue().asText());
                }
                merged.putAll(RecipeSettings.pick(given, Set.of()));
            }
            Recipe recipe = RecipeSettings.apply(null, merged);
            Map<String, String> parameters = new HashMap<>();
            JsonNode values = request.get("templateParameterValues");
            if (values != null && values.isObject()) {
                for (var entry : values.properties()) {
                    if (entry.getValue().isValueNode() && !entry.getValue().isNull()) {
                        parameters.put(entry.getKey(), entry.getValue().asText());
                    }
                }
            }
            text(request, "region").ifPresent(v -> parameters.put("AWS::Region", v));
            text(request, "accountId").ifPresent(v -> parameters.put("AWS::AccountId", v));
            Document document = new Document(fragment.deepCopy(), TemplateFormat.JSON);
            PatchReport report = new CloudFormationPatcher(recipe, images).patch(document, parameters);
            report.lines().forEach(line -> LOG.info("{}: {}", response.get("requestId").asText(), line));
            response.put("status", "success");
            response.set("fragment", document.root());
            return response;
        } catch (PatchException e) {
            return failure(response, "Peregrine cannot instrument this template: " + String.join("; ", e.problems()));
        } catch (IllegalArgumentException e) {
            return failure(response, "Peregrine macro settings: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("macro request {} failed", response.path("requestId").asText(), e);
            return failure(response, "Peregrine macro internal error: " + e);
        }
    }

    private static java.util.Optional<String> text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty()
                ? java.util.Optional.of(value.asText()) : java.util.Optional.empty();
    }

    private static ObjectNode failure(ObjectNode response, String message) {
        if (!response.has("requestId")) {
            response.put("requestId", "");
        }
        response.put("status", "failure");
        response.put("errorMessage", message);
        LOG.warn("{}: {}", response.get("requestId").asText(), message);
        return response;
    }

    /** Settings from variables named {@code PEREGRINE_MACRO_<SETTING>}, for example {@code PEREGRINE_MACRO_AGENT_IMAGE}. */
    public static Map<RecipeSettings, String> settingsFromEnvironment(Map<String, String> env) {
        Map<RecipeSettings, String> settings = new LinkedHashMap<>();
        for (RecipeSettings setting : RecipeSettings.values()) {
            String value = env.get("PEREGRINE_MACRO_" + setting.key().toUpperCase(java.util.Locale.ROOT));
            if (value != null && !value.isBlank()) {
                settings.put(setting, value);
            }
        }
        return settings;
    }
}
