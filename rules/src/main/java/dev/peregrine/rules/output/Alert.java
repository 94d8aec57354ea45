package dev.peregrine.rules.output;

import dev.peregrine.rules.Priority;

import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rule match in Falco's alert shape. {@link #toJson()} writes Falco's JSON alert keys in
 * Falco's (alphabetical) order: hostname, output, output_fields, priority, rule, source, tags, time.
 */
public record Alert(String rule, Priority priority, String source, List<String> tags, long timeNanos,
                    String message, Map<String, Object> outputFields, String hostname) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    public Alert {
        tags = List.copyOf(tags);
        outputFields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputFields));
    }

    /** Falco's text line: {@code HH:MM:SS.nnnnnnnnn: Priority message} (UTC). */
    public String output() {
        return TIME.format(OutputFormat.instant(timeNanos)) + ": " + priority.displayName() + " " + message;
    }

    /** {@code YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ}. */
    public String time() {
        return ISO.format(OutputFormat.instant(timeNanos));
    }

    /** The JSON fields in Falco's order; callers may add keys (id, policy, actions, workload) before writing. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hostname", hostname);
        m.put("output", output());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("evt.time", timeNanos);
        fields.putAll(outputFields);
        m.put("output_fields", fields);
        m.put("priority", priority.displayName());
        m.put("rule", rule);
        m.put("source", source);
        m.put("tags", tags);
        m.put("time", time());
        return m;
    }

    public String toJson() {
        return Json.write(toJsonMap());
    }
}
