package dev.peregrine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.peregrine.backend.store.AgentStore;
import dev.peregrine.backend.store.Database;
import dev.peregrine.protocol.ConnectedAgent;
import dev.peregrine.protocol.OrchestratorHeartbeat;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Heartbeats of one orchestrator that overlap in the database (a slow one, then the next). */
class AgentStoreTest {

    @Test
    void anOverlappingHeartbeatWaitsForTheEarlierOneAndThenReplacesIt() throws Exception {
        Path dir = TestDatabases.tempDir();
        try (Database db = Database.open(TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL, dir), null)) {
            AgentStore store = new AgentStore(db);
            OrchestratorHeartbeat later = new OrchestratorHeartbeat("orch-1", "1.0", 7,
                    List.of(new ConnectedAgent("agent-1", "1.0", 1, Map.of("cluster", "prod"), "2026-11-29T00:00:00Z")));
            try (Connection earlier = db.connection()) {
                // the earlier heartbeat's transaction: its rows are written, not yet committed
                earlier.setAutoCommit(false);
                Timestamp now = Timestamp.from(Instant.now());
                try (PreparedStatement o = earlier.prepareStatement("INSERT INTO orchestrators (id, version, spool_depth, "
                        + "access_key_id, first_seen, last_seen) VALUES ('orch-1', '1.0', 3, NULL, ?, ?)");
                     PreparedStatement a = earlier.prepareStatement("INSERT INTO agents (orchestrator_id, agent_id, "
                             + "agent_version, protocol, metadata, connected_at, last_seen) VALUES ('orch-1', 'agent-1', '1.0', 1, '{}', NULL, ?)")) {
                    o.setTimestamp(1, now);
                    o.setTimestamp(2, now);
                    o.executeUpdate();
                    a.setTimestamp(1, now);
                    a.executeUpdate();
                }
                CompletableFuture<Void> recorded = CompletableFuture.runAsync(() -> store.record(later, null, Instant.now()));
                Thread.sleep(300);
                assertFalse(recorded.isDone(), "the later heartbeat waits on the earlier one's keys");
                earlier.commit();
                recorded.get(10, TimeUnit.SECONDS);
            }
            List<AgentStore.OrchestratorView> views = store.list();
            assertEquals(1, views.size());
            assertEquals(7, views.getFirst().spoolDepth(), "the later heartbeat wins");
            assertEquals("prod", views.getFirst().agents().getFirst().metadata().get("cluster"));
        } finally {
            TestDatabases.deleteTree(dir);
        }
    }
}
