package dev.peregrine.instrument.template;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Reads and writes templates and task definitions in JSON or CloudFormation YAML. */
public final class Templates {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
            .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"));

    private Templates() {
    }

    /** The shared JSON mapper (strict about duplicate keys, exact decimals). */
    public static ObjectMapper json() {
        return JSON;
    }

    /** Reads JSON when the text starts with '{', else CloudFormation YAML. */
    public static Document read(String text, String source) {
        return read(text, source, TemplateFormat.sniff(text));
    }

    public static Document read(String text, String source, TemplateFormat format) {
        if (format == TemplateFormat.YAML) {
            return YamlCodec.read(text, source);
        }
        try {
            return new Document(JSON.readTree(text), TemplateFormat.JSON);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            String where = location == null ? source : source + ":" + location.getLineNr() + ":" + location.getColumnNr();
            throw new TemplateException(where + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes in the document's own format. */
    public static String write(Document document) {
        return write(document, document.format());
    }

    public static String write(Document document, TemplateFormat format) {
        if (format == TemplateFormat.YAML) {
            return YamlCodec.write(document);
        }
        return toJson(document.root());
    }

    public static String toJson(JsonNode node) {
        try {
            return JSON.writer(PRETTY).writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    public static String toCompactJson(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
