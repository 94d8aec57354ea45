package dev.peregrine.backend.http;

import dev.peregrine.backend.bundle.BundleService;
import dev.peregrine.backend.store.AgentStore;
import dev.peregrine.protocol.OrchestratorHeartbeat;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Orchestrator heartbeats in, the agents view out. */
final class AgentRoutes {
    /** An orchestrator silent for longer than this is shown as stale (it heartbeats every few seconds). */
    static final Duration STALE_AFTER = Duration.ofSeconds(60);

    private final AgentStore store;
    private final BundleService bundle;
    private final Clock clock;

    AgentRoutes(AgentStore store, BundleService bundle, Clock clock) {
        this.store = store;
        this.bundle = bundle;
        this.clock = clock;
    }

    void register(RoutesConfig r) {
        r.post("/api/v1/orchestrators/heartbeat", this::heartbeat, Role.ORCHESTRATOR);
        r.get("/api/v1/agents", this::list, Role.ADMIN);
    }

    private void heartbeat(Context ctx) {
        OrchestratorHeartbeat hb = Json.read(ctx, 4 * 1024 * 1024, OrchestratorHeartbeat.class);
        checkLength("orchestrator_id", hb.orchestratorId(), 200);
        checkLength("orchestrator_version", hb.orchestratorVersion(), 100);
        for (int i = 0; i < hb.agents().size(); i++) {
            checkLength("agents[" + i + "].agent_id", hb.agents().get(i).agentId(), 500);
            checkLength("agents[" + i + "].agent_version", hb.agents().get(i).agentVersion(), 100);
            checkLength("agents[" + i + "].connected_at", hb.agents().get(i).connectedAt(), 40);
        }
        Principal principal = ctx.attribute(Authenticator.PRINCIPAL);
        String keyId = principal instanceof Principal.Orchestrator o ? o.key().id() : null;
        Instant now = clock.instant();
        store.record(hb, keyId, now);
        ctx.json(Map.of("received_at", now, "bundle_etag", bundle.current().etag()));
    }

    private static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw ApiException.badRequest(field, "must be at most " + max + " characters");
        }
    }

    private void list(Context ctx) {
        Instant now = clock.instant();
        ctx.json(Map.of("orchestrators", store.list().stream().map(o -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", o.id());
            out.put("version", o.version());
            out.put("spool_depth", o.spoolDepth());
            out.put("access_key_id", o.accessKeyId());
            out.put("first_seen", o.firstSeen());
            out.put("last_seen", o.lastSeen());
            out.put("stale", Duration.between(o.lastSeen(), now).compareTo(STALE_AFTER) > 0);
            out.put("agents", o.agents());
            return out;
        }).toList()));
    }
}
