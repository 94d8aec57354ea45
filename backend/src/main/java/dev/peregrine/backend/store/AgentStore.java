package dev.peregrine.backend.store;

import dev.peregrine.protocol.ConnectedAgent;
import dev.peregrine.protocol.OrchestratorHeartbeat;
import dev.peregrine.protocol.ProtocolException;
import dev.peregrine.protocol.ProtocolJson;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What orchestrators last reported: themselves and the agents connected to them. */
public final class AgentStore {
    public record AgentView(String agentId, String agentVersion, int protocol, Map<String, String> metadata,
                            String connectedAt, Instant lastSeen) {
    }

    public record OrchestratorView(String id, String version, long spoolDepth, String accessKeyId, Instant firstSeen,
                                   Instant lastSeen, List<AgentView> agents) {
    }

    private final Database db;

    public AgentStore(Database db) {
        this.db = db;
    }

    /**
     * Replaces what is known of this orchestrator with its heartbeat. Two heartbeats of one
     * orchestrator can overlap (a slow one retried by the next); in PostgreSQL the later one then
     * fails on the keys the earlier one inserted, and once that has committed, a retry succeeds.
     */
    public void record(OrchestratorHeartbeat hb, String accessKeyId, Instant now) {
        for (int attempt = 1; ; attempt++) {
            try {
                replace(hb, accessKeyId, now);
                return;
            } catch (StoreException e) {
                if (attempt >= 3 || !Jdbc.isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    private void replace(OrchestratorHeartbeat hb, String accessKeyId, Instant now) {
        Jdbc.transaction(db, c -> {
            Instant firstSeen = Jdbc.query(c, "SELECT first_seen FROM orchestrators WHERE id = ?",
                    rs -> Jdbc.instant(rs, "first_seen"), hb.orchestratorId()).stream().findFirst().orElse(now);
            Jdbc.update(c, "DELETE FROM agents WHERE orchestrator_id = ?", hb.orchestratorId());
            Jdbc.update(c, "DELETE FROM orchestrators WHERE id = ?", hb.orchestratorId());
            Jdbc.update(c, "INSERT INTO orchestrators (id, version, spool_depth, access_key_id, first_seen, last_seen) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", hb.orchestratorId(), hb.orchestratorVersion(), hb.spoolDepth(),
                    accessKeyId, firstSeen, now);
            Map<String, ConnectedAgent> unique = new LinkedHashMap<>();
            hb.agents().forEach(a -> unique.put(a.agentId(), a));
            for (ConnectedAgent a : unique.values()) {
                Jdbc.update(c, "INSERT INTO agents (orchestrator_id, agent_id, agent_version, protocol, metadata, "
                        + "connected_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)", hb.orchestratorId(), a.agentId(),
                        a.agentVersion(), a.protocol(), ProtocolJson.write(a.metadata()), a.connectedAt(), now);
            }
            return null;
        });
    }

    public List<OrchestratorView> list() {
        return Jdbc.read(db, c -> {
            record AgentRow(String orchestratorId, AgentView view) {
            }
            List<AgentRow> agents = Jdbc.query(c, "SELECT orchestrator_id, agent_id, agent_version, protocol, metadata, "
                    + "connected_at, last_seen FROM agents ORDER BY orchestrator_id, agent_id",
                    rs -> new AgentRow(rs.getString(1), new AgentView(rs.getString(2), rs.getString(3), rs.getInt(4),
                            metadata(rs.getString(5)), rs.getString(6), Jdbc.instant(rs, "last_seen"))));
            return Jdbc.query(c, "SELECT id, version, spool_depth, access_key_id, first_seen, last_seen "
                    + "FROM orchestrators ORDER BY id", rs -> {
                String id = rs.getString(1);
                return new OrchestratorView(id, rs.getString(2), rs.getLong(3), rs.getString(4),
                        Jdbc.instant(rs, "first_seen"), Jdbc.instant(rs, "last_seen"),
                        agents.stream().filter(a -> a.orchestratorId().equals(id)).map(AgentRow::view).toList());
            });
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> metadata(String json) {
        try {
            return ProtocolJson.read(json, Map.class);
        } catch (ProtocolException e) {
            return Map.of();
        }
    }
}
