package dev.peregrine.agent;

import dev.peregrine.protocol.Action;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentConfigTest {
    private static final AgentConfig.Flags NONE = new AgentConfig.Flags(null, null, null, null, null, null, null, null);

    private static AgentConfig.Flags rules() {
        return new AgentConfig.Flags(List.of(Run.upstreamRules()), null, null, null, null, null, null, null);
    }

    private static String error(AgentConfig.Flags flags, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> AgentConfig.resolve(flags, env)).getMessage();
    }

    @Test
    void standaloneFromTheEnvironment() throws Exception {
        AgentConfig c = AgentConfig.resolve(NONE, Map.of("PEREGRINE_RULES", Run.upstreamRules().toString(),
                "PEREGRINE_OUTPUT", "http://127.0.0.1:2801/"));
        assertEquals(List.of(Run.upstreamRules()), c.rules());
        assertEquals(new AgentConfig.Output.Http(URI.create("http://127.0.0.1:2801/")), c.output());
        assertEquals(StartingPolicy.AVAILABILITY, c.startingPolicy());
        assertNull(c.policyTimeout());
        assertTrue(!c.connected());
    }

    @Test
    void connectedDefaultsAndSecurityTimeout() throws Exception {
        AgentConfig c = AgentConfig.resolve(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "orch.internal:6667",
                "PEREGRINE_PRIORITY", "security", "PEREGRINE_AGENT_TOKEN", "t0k"));
        assertEquals(URI.create("ws://orch.internal:6667/v1/agent"), c.orchestrator());
        assertEquals(Duration.ofSeconds(60), c.policyTimeout());
        assertInstanceOf(AgentConfig.Output.None.class, c.output(), "connected without PEREGRINE_OUTPUT: orchestrator only");
        assertEquals("t0k", c.agentToken());
        assertEquals(URI.create("wss://o:6667/v1/agent"),
                AgentConfig.resolve(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "wss://o")).orchestrator());
    }

    @Test
    void flagsWinOverVariables() throws Exception {
        AgentConfig c = AgentConfig.resolve(new AgentConfig.Flags(List.of(Run.upstreamRules()), "/tmp/alerts.jsonl", null,
                null, "security", "5", null, null), Map.of("PEREGRINE_OUTPUT", "stdout", "PEREGRINE_POLICY_TIMEOUT_S", "9"));
        assertEquals(new AgentConfig.Output.File(Path.of("/tmp/alerts.jsonl")), c.output());
        assertEquals(Duration.ofSeconds(5), c.policyTimeout());
        assertEquals(StartingPolicy.SECURITY, c.startingPolicy());
    }

    @Test
    void invalidValuesNameTheVariableAndWhatIsAccepted() {
        String m = error(rules(), Map.of("PEREGRINE_PRIORITY", "fast"));
        assertTrue(m.contains("PEREGRINE_PRIORITY") && m.contains("availability") && m.contains("security"), m);
        m = error(rules(), Map.of("PEREGRINE_POLICY_TIMEOUT_S", "ten"));
        assertTrue(m.contains("PEREGRINE_POLICY_TIMEOUT_S") && m.contains("whole seconds"), m);
        m = error(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "http://o:1"));
        assertTrue(m.contains("PEREGRINE_ORCHESTRATOR") && m.contains("ws://"), m);
        m = error(rules(), Map.of("PEREGRINE_OUTPUT", "kafka://x"));
        assertTrue(m.contains("PEREGRINE_OUTPUT") && m.contains("http(s)://"), m);
        m = error(NONE, Map.of("PEREGRINE_RULES", "/nonexistent/rules.yaml"));
        assertTrue(m.contains("PEREGRINE_RULES") && m.contains("/nonexistent/rules.yaml"), m);
        m = error(NONE, Map.of());
        assertTrue(m.contains("--rules") && m.contains("PEREGRINE_ORCHESTRATOR"), m);
        m = error(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "o:1", "PEREGRINE_ORCHESTRATOR_CA", "/nonexistent/ca.pem"));
        assertTrue(m.contains("PEREGRINE_ORCHESTRATOR_CA") && m.contains("PEM"), m);
    }

    @Test
    void policyActionsParse() throws Exception {
        AgentConfig c = AgentConfig.resolve(new AgentConfig.Flags(List.of(Run.upstreamRules()), null,
                List.of("rule:Read sensitive file untrusted=deny,kill_process", "tag:mitre_execution=notify"), null, null, null, null, null), Map.of());
        assertEquals(List.of("Read sensitive file untrusted"), c.policies().get(0).rules());
        assertEquals(List.of(Action.DENY, Action.KILL_PROCESS), c.policies().get(0).actions());
        assertEquals(List.of("mitre_execution"), c.policies().get(1).tags());
        String m = error(new AgentConfig.Flags(List.of(Run.upstreamRules()), null, List.of("rule:X=explode"), null, null, null, null, null), Map.of());
        assertTrue(m.contains("--policy-actions") && m.contains("kill_task"), m);
        m = error(new AgentConfig.Flags(List.of(Run.upstreamRules()), null, List.of("deny"), null, null, null, null, null), Map.of());
        assertTrue(m.contains("rule:NAME=ACTIONS"), m);
    }

    @Test
    void theAgentTokenIsNotPassedToTheWorkload() {
        Map<String, String> env = Agent.workloadEnv(Map.of("PEREGRINE_AGENT_TOKEN", "secret", "PATH", "/bin"));
        assertEquals(Map.of("PATH", "/bin"), env);
        assertInstanceOf(AgentConfig.Output.Stdout.class, assertDoesNotThrow());
    }

    private static AgentConfig.Output assertDoesNotThrow() {
        try {
            return AgentConfig.resolve(rules(), Map.of()).output();
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void outboxLimitsFromVariablesAndFlags() throws Exception {
        Map<String, String> env = Map.of("PEREGRINE_ORCHESTRATOR", "o:6667", "PEREGRINE_OUTBOX_MAX_EVENTS", "500",
                "PEREGRINE_OUTBOX_MAX_BYTES", "64m", "PEREGRINE_OUTBOX_DIR", "/tmp/peregrine-outbox-test");
        AgentConfig c = AgentConfig.resolve(NONE, env);
        assertEquals(500, c.outboxMaxEvents());
        assertEquals(64L << 20, c.outboxMaxBytes());
        assertEquals(Path.of("/tmp/peregrine-outbox-test"), c.outboxDir());
        AgentConfig f = AgentConfig.resolve(new AgentConfig.Flags(null, null, null, null, null, null, null, null,
                "7", "4096", Path.of("/tmp/o2")), env);
        assertEquals(7, f.outboxMaxEvents());
        assertEquals(4096, f.outboxMaxBytes());
        assertEquals(Path.of("/tmp/o2"), f.outboxDir());
        AgentConfig d = AgentConfig.resolve(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "o:6667"));
        assertEquals(AgentConfig.DEFAULT_OUTBOX_MAX_EVENTS, d.outboxMaxEvents());
        assertEquals(AgentConfig.DEFAULT_OUTBOX_MAX_BYTES, d.outboxMaxBytes());
        assertNull(d.outboxDir());
        assertEquals(0, AgentConfig.byteSize("0", "x"));
        assertEquals(2L << 30, AgentConfig.byteSize("2GiB", "x"));
        assertEquals(512L << 10, AgentConfig.byteSize(" 512k ", "x"));
    }

    @Test
    void invalidOutboxLimitsNameTheVariableOrFlagAndWhatIsAccepted() {
        String m = error(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "o:6667", "PEREGRINE_OUTBOX_MAX_EVENTS", "0"));
        assertTrue(m.contains("PEREGRINE_OUTBOX_MAX_EVENTS='0'") && m.contains("from 1 to 1000000"), m);
        m = error(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "o:6667", "PEREGRINE_OUTBOX_MAX_EVENTS", "many"));
        assertTrue(m.contains("PEREGRINE_OUTBOX_MAX_EVENTS='many'"), m);
        m = error(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "o:6667", "PEREGRINE_OUTBOX_MAX_BYTES", "12 parsecs"));
        assertTrue(m.contains("PEREGRINE_OUTBOX_MAX_BYTES='12 parsecs'") && m.contains("suffix k, m, g or t"), m);
        m = error(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "o:6667", "PEREGRINE_OUTBOX_MAX_BYTES", "-1"));
        assertTrue(m.contains("PEREGRINE_OUTBOX_MAX_BYTES='-1'"), m);
        m = error(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "o:6667", "PEREGRINE_CAPTURE_PIN", "sometimes"));
        assertTrue(m.contains("PEREGRINE_CAPTURE_PIN='sometimes'") && m.contains("off, on or auto"), m);
        m = error(new AgentConfig.Flags(null, null, null, "o:6667", null, null, null, null, null, "2x", null), Map.of());
        assertTrue(m.startsWith("--outbox-max-bytes='2x' is not valid"), m);
        m = error(new AgentConfig.Flags(null, null, null, "o:6667", null, null, null, null, "", null, null), Map.of());
        assertTrue(m.startsWith("--outbox-max-events='' is not valid"), m);
        m = error(NONE, Map.of("PEREGRINE_ORCHESTRATOR", "o:6667", "PEREGRINE_OUTBOX_DIR", "/etc/hostname"));
        assertTrue(m.contains("PEREGRINE_OUTBOX_DIR='/etc/hostname'") && m.contains("writable directory"), m);
    }
}
