package dev.peregrine.protocol;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one JSON configuration of every Peregrine wire document: snake_case names, unknown
 * fields ignored (so a newer minor version can add fields), nulls left out, and errors that
 * name the offending field by its path, e.g. {@code alerts[3].workload.cluster}.
 */
public final class ProtocolJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();
    private static final TypeReference<List<Alert>> ALERT_LIST = new TypeReference<>() {
    };
    private static final Pattern MISSING_PROPERTY = Pattern.compile("Missing required creator property '([^']+)'");

    private ProtocolJson() {
    }

    /** The shared mapper, configured as above. Do not reconfigure it; {@code copy()} it instead. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static <T> T read(String json, Class<T> type) throws ProtocolException {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw translate(e);
        }
    }

    public static <T> T read(byte[] json, Class<T> type) throws ProtocolException {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    public static <T> T read(InputStream json, Class<T> type) throws ProtocolException {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    /** A JSON array of alerts, as {@code POST /api/v1/events} takes it. */
    public static List<Alert> readAlerts(InputStream json) throws ProtocolException {
        try {
            List<Alert> alerts = MAPPER.readValue(json, ALERT_LIST);
            if (alerts == null) {
                throw new ProtocolException("", "expected a JSON array of alerts, got null", null);
            }
            return alerts;
        } catch (IOException e) {
            throw translate(e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Turns Jackson's exception into one that says which field was wrong and what was expected. */
    static ProtocolException translate(IOException e) {
        // Databind wraps parser errors met inside a value; the JSON is broken all the same.
        if (e instanceof JsonMappingException && e.getCause() instanceof StreamReadException inner) {
            e = inner;
        }
        if (e instanceof StreamReadException sre && !(e instanceof JsonMappingException)) {
            JsonLocation at = sre.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + " column " + at.getColumnNr();
            return new ProtocolException("", "not valid JSON" + where + ": " + sre.getOriginalMessage(), e);
        }
        if (!(e instanceof JsonMappingException jme)) {
            return new ProtocolException("", "cannot read input: " + e.getMessage(), e);
        }
        String path = path(jme);
        if (jme instanceof InvalidTypeIdException tid) {
            String id = tid.getTypeId();
            return new ProtocolException(join(path, "type"), id == null
                    ? "missing, expected one of " + MessageCodec.TYPE_NAMES
                    : "unknown message type '" + id + "', expected one of " + MessageCodec.TYPE_NAMES, e);
        }
        Throwable cause = jme.getCause();
        if (jme instanceof ValueInstantiationException && cause instanceof InvalidFieldException ife) {
            return new ProtocolException(join(path, ife.field()), ife.problem(), e);
        }
        if (cause instanceof IllegalArgumentException iae) {
            return new ProtocolException(path, iae.getMessage(), e);
        }
        String original = jme.getOriginalMessage();
        Matcher missing = MISSING_PROPERTY.matcher(original);
        if (missing.find()) {
            String name = missing.group(1);
            // Jackson may or may not have put the missing property on the path already.
            String field = path.equals(name) || path.endsWith("." + name) ? path : join(path, name);
            return new ProtocolException(field, "is required", e);
        }
        if (jme instanceof MismatchedInputException mie && mie.getTargetType() != null) {
            return new ProtocolException(path, "expected " + describe(mie.getTargetType())
                    + firstSentence(original), e);
        }
        return new ProtocolException(path, firstSentence(original), e);
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord() || type.isInterface()) {
            return "an object";
        }
        return "a " + type.getSimpleName();
    }

    private static String firstSentence(String message) {
        if (message == null) {
            return "";
        }
        int cut = message.indexOf('\n');
        String line = cut < 0 ? message : message.substring(0, cut);
        return line.startsWith(" ") || line.isEmpty() ? line : " (" + line + ")";
    }

}
