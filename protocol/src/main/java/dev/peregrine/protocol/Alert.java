package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One alert: Falco's JSON alert ({@code hostname, output, output_fields, priority, rule, source,
 * tags, time}) plus Peregrine's keys. {@code id} is unique per alert and makes delivery
 * idempotent: a receiver that has seen an id drops the copy.
 *
 * @param time     RFC 3339 timestamp with nanoseconds, as Falco prints it
 * @param priority Falco's priority name as printed in alerts, e.g. {@code "Critical"}
 * @param policy   name of the policy that matched, null in standalone mode without policies
 * @param actions  what was done, e.g. {@code ["notify", "kill_process"]}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Alert(
        @JsonProperty(required = true) String id,
        @JsonProperty(required = true) String time,
        @JsonProperty(required = true) String rule,
        @JsonProperty(required = true) String priority,
        String output,
        Map<String, Object> outputFields,
        String source,
        List<String> tags,
        String hostname,
        String policy,
        List<String> actions,
        Workload workload) {

    public Alert {
        InvalidFieldException.requireText(id, "id");
        InvalidFieldException.requireText(time, "time");
        InvalidFieldException.requireText(rule, "rule");
        InvalidFieldException.requireText(priority, "priority");
        outputFields = outputFields == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(outputFields));
        tags = tags == null ? List.of() : List.copyOf(tags);
        actions = actions == null ? List.of() : List.copyOf(actions);
        workload = workload == null ? Workload.UNKNOWN : workload;
        source = source == null ? "syscall" : source;
    }
}
