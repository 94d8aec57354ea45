package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Body of {@code POST /api/v1/orchestrators/heartbeat}: who the orchestrator is, how many
 * alert batches wait in its disk spool, and which agents are connected right now (the full
 * list each time, so the backend never has to reconcile deltas).
 */
public record OrchestratorHeartbeat(
        @JsonProperty(required = true) String orchestratorId,
        String orchestratorVersion,
        long spoolDepth,
        List<ConnectedAgent> agents) {

    public OrchestratorHeartbeat {
        InvalidFieldException.requireText(orchestratorId, "orchestrator_id");
        if (spoolDepth < 0) {
            throw new InvalidFieldException("spool_depth", "must be >= 0, got " + spoolDepth);
        }
        agents = agents == null ? List.of() : List.copyOf(agents);
    }
}
