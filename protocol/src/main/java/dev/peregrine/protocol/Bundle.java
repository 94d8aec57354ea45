package dev.peregrine.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What the backend serves and the orchestrator pushes to agents: the rules files in load order
 * and the policies, identified by an {@code etag} that changes whenever the content does.
 */
public record Bundle(
        @JsonProperty(required = true) String etag,
        List<RulesFileContent> rulesFiles,
        List<Policy> policies) {

    public Bundle {
        InvalidFieldException.requireText(etag, "etag");
        rulesFiles = rulesFiles == null ? List.of() : List.copyOf(rulesFiles);
        policies = policies == null ? List.of() : List.copyOf(policies);
    }
}
