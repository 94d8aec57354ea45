package dev.peregrine.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks alerts in one streaming pass over their UTF-8 JSON, without building {@link Alert}
 * records: the orchestrator spools and the backend stores the alerts' bytes as the agent sent
 * them, so all either needs is "is this a valid alert", the few fields a store indexes, and
 * where each alert's object lies in the input.
 *
 * <p>The checks are those of {@link Alert} and {@link Workload} when read with {@link
 * ProtocolJson}: {@code id}, {@code time}, {@code rule} and {@code priority} are required
 * non-empty strings; {@code output}, {@code source}, {@code hostname}, {@code policy} and the
 * workload's fields are scalars or null; {@code output_fields} and {@code workload} are objects,
 * {@code tags} and {@code actions} arrays of strings; other keys are skipped (a newer agent's).
 * Errors name the field by its path, e.g. {@code alerts[3].workload.cluster}.
 */
public final class AlertScanner {
    private AlertScanner() {
    }

    /**
     * The fields of one alert that the event store indexes, and its JSON object's byte range
     * {@code [start, end)} in the input. Workload fields are null when absent.
     */
    public record ScannedAlert(String id, String time, String rule, String priority, String cluster, String taskArn,
                               String taskFamily, String containerName, int start, int end) {
    }

    /** An {@code events} frame: its {@code seq}, its alerts, and the byte range of the {@code alerts} array. */
    public record EventsFrame(long seq, List<ScannedAlert> alerts, int alertsStart, int alertsEnd) {
    }

    /**
     * A JSON array of alerts, as {@code POST /api/v1/events} takes it. Errors name the element:
     * {@code [3].workload.cluster}.
     */
    public static List<ScannedAlert> readArray(byte[] json) throws ProtocolException {
        try (JsonParser p = ProtocolJson.mapper().createParser(json)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_ARRAY) {
                throw new ProtocolException("", "expected a JSON array of alerts, got " + describe(first), null);
            }
            List<ScannedAlert> alerts = alerts(p, "");
            if (p.nextToken() != null) {
                throw new ProtocolException("", "not valid JSON: content after the array of alerts", null);
            }
            return alerts;
        } catch (IOException e) {
            throw ProtocolJson.translate(e);
        }
    }

    /**
     * An {@code events} frame ({@code {"type":"events","seq":N,"alerts":[...]}}), checked in one
     * pass. Empty when the frame is some other message, or names its {@code type} only after
     * other fields (legal JSON that no agent writes): decode those with {@link MessageCodec}.
     *
     * @throws ProtocolException the frame is an {@code events} frame but not a valid one, or not JSON
     */
    public static Optional<EventsFrame> readEventsFrame(byte[] frame) throws ProtocolException {
        try (JsonParser p = ProtocolJson.mapper().createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            String type = null;
            Long seq = null;
            List<ScannedAlert> alerts = null;
            int alertsStart = -1, alertsEnd = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "type" -> {
                        type = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        if (!"events".equals(type)) {
                            return Optional.empty();
                        }
                    }
                    case "seq" -> {
                        if (type == null) {
                            return Optional.empty();
                        }
                        seq = integer(p, value, "seq");
                    }
                    case "alerts" -> {
                        if (type == null) {
                            return Optional.empty();
                        }
                        if (value != JsonToken.START_ARRAY) {
                            throw new ProtocolException("alerts", value == JsonToken.VALUE_NULL ? "is required"
                                    : "expected an array, got " + describe(value), null);
                        }
                        alertsStart = (int) p.currentTokenLocation().getByteOffset();
                        alerts = alerts(p, "alerts");
                        alertsEnd = (int) p.currentLocation().getByteOffset();
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new ProtocolException("", "not valid JSON: content after the frame's object", null);
            }
            if (type == null) {
                return Optional.empty();
            }
            if (seq == null) {
                throw new ProtocolException("seq", "is required", null);
            }
            if (seq < 0) {
                throw new ProtocolException("seq", "must be >= 0, got " + seq, null);
            }
            if (alerts == null) {
                throw new ProtocolException("alerts", "is required", null);
            }
            return Optional.of(new EventsFrame(seq, alerts, alertsStart, alertsEnd));
        } catch (IOException e) {
            throw ProtocolJson.translate(e);
        }
    }

    /** The elements of the array whose START_ARRAY is the current token; returns on its END_ARRAY. */
    private static List<ScannedAlert> alerts(JsonParser p, String path) throws IOException, ProtocolException {
        List<ScannedAlert> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String at = path + "[" + out.size() + "]";
            if (t != JsonToken.START_OBJECT) {
                throw new ProtocolException(at, "expected an alert object, got " + describe(t), null);
            }
            out.add(alert(p, at));
        }
        return out;
    }

    private static ScannedAlert alert(JsonParser p, String at) throws IOException, ProtocolException {
        int start = (int) p.currentTokenLocation().getByteOffset();
        String id = null, time = null, rule = null, priority = null;
        String[] workload = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "id" -> id = scalar(p, value, at, name);
                case "time" -> time = scalar(p, value, at, name);
                case "rule" -> rule = scalar(p, value, at, name);
                case "priority" -> priority = scalar(p, value, at, name);
                case "output", "source", "hostname", "policy" -> scalar(p, value, at, name);
                case "output_fields" -> {
                    if (value != JsonToken.VALUE_NULL) {
                        expect(value == JsonToken.START_OBJECT, value, at, name, "an object");
                        p.skipChildren();
                    }
                }
                case "tags", "actions" -> strings(p, value, at, name);
                case "workload" -> workload = workload(p, value, at);
                default -> p.skipChildren();
            }
        }
        int end = (int) p.currentLocation().getByteOffset();
        requireText(id, at, "id");
        requireText(time, at, "time");
        requireText(rule, at, "rule");
        requireText(priority, at, "priority");
        return workload == null
                ? new ScannedAlert(id, time, rule, priority, null, null, null, null, start, end)
                : new ScannedAlert(id, time, rule, priority, workload[0], workload[1], workload[2], workload[3], start, end);
    }

    /** cluster, task_arn, task_family, container_name; null for a null workload. */
    private static String[] workload(JsonParser p, JsonToken value, String at) throws IOException, ProtocolException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(value == JsonToken.START_OBJECT, value, at, "workload", "an object");
        String[] indexed = new String[4];
        String path = at + ".workload";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "cluster" -> indexed[0] = scalar(p, v, path, name);
                case "task_arn" -> indexed[1] = scalar(p, v, path, name);
                case "task_family" -> indexed[2] = scalar(p, v, path, name);
                case "container_name" -> indexed[3] = scalar(p, v, path, name);
                case "image", "availability_zone" -> scalar(p, v, path, name);
                default -> p.skipChildren();
            }
        }
        return indexed;
    }

    private static void strings(JsonParser p, JsonToken value, String at, String name) throws IOException, ProtocolException {
        if (value == JsonToken.VALUE_NULL) {
            return;
        }
        expect(value == JsonToken.START_ARRAY, value, at, name, "an array");
        int i = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (!t.isScalarValue() || t == JsonToken.VALUE_NULL) {
                throw new ProtocolException(at + "." + name + "[" + i + "]", "expected a string, got " + describe(t), null);
            }
            i++;
        }
    }

    /** A string (numbers and booleans are taken as their text, as the records' reader does); null for JSON null. */
    private static String scalar(JsonParser p, JsonToken value, String at, String name) throws IOException, ProtocolException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(value.isScalarValue(), value, at, name, "a string");
        return p.getText();
    }

    private static long integer(JsonParser p, JsonToken value, String name) throws IOException, ProtocolException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new ProtocolException(name, "expected an integer, got " + describe(value), null);
        }
        try {
            return p.getLongValue();
        } catch (InputCoercionException e) {
            throw new ProtocolException(name, "expected an integer, got a number out of range", e);
        }
    }

    private static void expect(boolean ok, JsonToken value, String at, String name, String expected) throws ProtocolException {
        if (!ok) {
            throw new ProtocolException(at + "." + name, "expected " + expected + ", got " + describe(value), null);
        }
    }

    private static void requireText(String value, String at, String name) throws ProtocolException {
        if (value == null) {
            throw new ProtocolException(at + "." + name, "is required", null);
        }
        if (value.isBlank()) {
            throw new ProtocolException(at + "." + name, "expected a non-empty string", null);
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "true or false";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }
}
