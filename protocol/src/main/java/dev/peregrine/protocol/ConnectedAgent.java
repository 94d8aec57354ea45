package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One agent connected to an orchestrator, as reported in its heartbeat to the backend.
 *
 * @param agentId      stable per connection, e.g. the task ARN plus container name
 * @param metadata     the {@code metadata} of the agent's {@code hello}
 * @param connectedAt  RFC 3339 time the connection was accepted
 */
public record ConnectedAgent(
        @JsonProperty(required = true) String agentId,
        String agentVersion,
        int protocol,
        Map<String, String> metadata,
        String connectedAt) {

    public ConnectedAgent {
        InvalidFieldException.requireText(agentId, "agent_id");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
