package dev.peregrine.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    static Alert alert(String id) {
        return new Alert(id, "2026-11-28T21:00:00.123456789Z", "Terminal shell in container", "Notice",
                "A shell was spawned (user=root)", Map.of("proc.name", "bash", "proc.pid", 42), "syscall",
                List.of("container", "shell"), "ip-10-0-0-1", "default", List.of("notify"),
                new Workload("prod", "arn:aws:ecs:eu-west-1:1:task/prod/abc", "web", "app", "nginx:1.27", "eu-west-1a"));
    }

    static Bundle bundle() {
        return new Bundle("\"e1\"",
                List.of(new RulesFileContent("falco_rules.yaml", "- rule: x\n")),
                List.of(new Policy("default", true, null, List.of("container"), Priority.NOTICE,
                        List.of(Action.NOTIFY, Action.KILL_PROCESS), new Scope("prod", null, null, "nginx"))));
    }

    @Test
    void everyMessageRoundTrips() throws Exception {
        List<Message> messages = List.of(
                new Message.Hello("0.1.0", 1, Map.of("task_arn", "arn:1")),
                new Message.Welcome("0.1.0", bundle()),
                new Message.Reject("no bundle yet", 5),
                new Message.BundleUpdate(bundle()),
                new Message.Events(7, List.of(alert("01J0"), alert("01J1"))),
                new Message.Ack(7),
                new Message.Heartbeat());
        for (Message m : messages) {
            assertEquals(m, MessageCodec.decode(MessageCodec.encode(m)), () -> "round trip of " + m);
        }
    }

    @Test
    void wireNamesAreSnakeCaseWithTypeTag() throws Exception {
        JsonNode hello = ProtocolJson.mapper().readTree(MessageCodec.encode(new Message.Hello("0.1.0", 1, Map.of())));
        assertEquals("hello", hello.get("type").asText());
        assertEquals("0.1.0", hello.get("agent_version").asText());
        assertEquals(1, hello.get("protocol").asInt());

        JsonNode reject = ProtocolJson.mapper().readTree(MessageCodec.encode(new Message.Reject("busy", 3)));
        assertEquals(3, reject.get("retry_after_s").asInt());

        JsonNode update = ProtocolJson.mapper().readTree(MessageCodec.encode(new Message.BundleUpdate(bundle())));
        assertEquals("bundle", update.get("type").asText());
        JsonNode policy = update.get("bundle").get("policies").get(0);
        assertEquals("notice", policy.get("min_priority").asText());
        assertEquals("kill_process", policy.get("actions").get(1).asText());
        assertEquals("nginx", policy.get("scope").get("image_prefix").asText());
        assertTrue(update.get("bundle").has("rules_files"));

        JsonNode alert = ProtocolJson.mapper().readTree(ProtocolJson.write(alert("a")));
        for (String key : List.of("hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time",
                "id", "policy", "actions", "workload")) {
            assertTrue(alert.has(key), key);
        }
        assertEquals("arn:aws:ecs:eu-west-1:1:task/prod/abc", alert.get("workload").get("task_arn").asText());
        assertEquals("eu-west-1a", alert.get("workload").get("availability_zone").asText());
        assertEquals("bash", alert.get("output_fields").get("proc.name").asText());
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        Message m = MessageCodec.decode("""
                {"type":"hello","agent_version":"0.2.0","protocol":1,"metadata":{},"added_in_1_1":{"x":[1,2]}}""");
        assertEquals(new Message.Hello("0.2.0", 1, Map.of()), m);
        assertEquals(new Message.Heartbeat(), MessageCodec.decode("{\"type\":\"heartbeat\",\"sent_at\":12}"));
    }

    @Test
    void falcoAlertJsonIsAccepted() throws Exception {
        // A Falco json_output line plus the Peregrine keys; absent lists default to empty.
        Alert a = ProtocolJson.read("""
                {"hostname":"h","output":"o","output_fields":{"evt.time":1,"fd.name":null},
                 "priority":"Warning","rule":"r","source":"syscall","tags":["a"],"time":"2026-01-01T00:00:00.000000000Z",
                 "id":"x1"}""", Alert.class);
        assertEquals("x1", a.id());
        assertEquals(List.of(), a.actions());
        assertEquals(Workload.UNKNOWN, a.workload());
        assertTrue(a.outputFields().containsKey("fd.name"));
    }

    @Test
    void policyDefaultsAndPriorityOrder() throws Exception {
        Policy p = ProtocolJson.read("{\"name\":\"p\",\"rules\":[\"r\"]}", Policy.class);
        assertTrue(p.enabled());
        assertEquals(Priority.DEBUG, p.minPriority());
        assertEquals(List.of(Action.NOTIFY), p.actions());
        assertEquals(Scope.EVERYWHERE, p.scope());
        assertTrue(Priority.CRITICAL.atLeast(Priority.WARNING));
        assertTrue(!Priority.NOTICE.atLeast(Priority.WARNING));
        assertEquals(Priority.INFORMATIONAL, Priority.parse("info"));
        assertEquals(Priority.CRITICAL, Priority.parse("Critical"));
        assertEquals("Critical", Priority.CRITICAL.falcoName());
        assertTrue(p.covers("r", List.of(), Priority.DEBUG));
        assertTrue(!p.covers("other", List.of(), Priority.EMERGENCY));
    }

    @Test
    void scopeMatchesOnlySetFields() {
        Workload w = new Workload("prod", "t", "web", "app", "nginx:1", "az");
        assertTrue(Scope.EVERYWHERE.matches(w));
        assertTrue(new Scope("prod", "web", null, "ngi").matches(w));
        assertTrue(!new Scope("dev", null, null, null).matches(w));
        assertTrue(!new Scope(null, null, null, "redis").matches(w));
    }

    static ProtocolException decodeError(String frame) {
        return assertThrows(ProtocolException.class, () -> MessageCodec.decode(frame));
    }

    @Test
    void malformedJsonSaysWhere() {
        ProtocolException e = decodeError("{\"type\":\"hello\",");
        assertEquals("", e.field());
        assertTrue(e.getMessage().startsWith("not valid JSON at line 1"), e.getMessage());
    }

    @Test
    void truncatedJsonInsideAnArrayIsStillReportedAsBrokenJson() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ProtocolJson.readAlerts(
                new java.io.ByteArrayInputStream("[{\"id\":\"x\",".getBytes())));
        assertEquals("", e.field());
        assertTrue(e.getMessage().startsWith("not valid JSON at line 1"), e.getMessage());
    }

    @Test
    void missingOrUnknownTypeIsNamed() {
        ProtocolException missing = decodeError("{\"seq\":1}");
        assertEquals("type", missing.field());
        assertTrue(missing.getMessage().contains("expected one of hello, welcome, reject, bundle, events, ack, heartbeat"),
                missing.getMessage());
        ProtocolException unknown = decodeError("{\"type\":\"goodbye\"}");
        assertEquals("type", unknown.field());
        assertTrue(unknown.getMessage().contains("'goodbye'"), unknown.getMessage());
    }

    @Test
    void missingRequiredFieldIsNamed() {
        assertEquals("seq", decodeError("{\"type\":\"ack\"}").field());
        assertEquals("agent_version", decodeError("{\"type\":\"hello\",\"protocol\":1}").field());
        assertEquals("bundle.etag", decodeError("{\"type\":\"bundle\",\"bundle\":{\"policies\":[]}}").field());
    }

    @Test
    void wrongTypeDeepInsideIsNamedByPath() {
        ProtocolException e = decodeError("""
                {"type":"events","seq":1,"alerts":[
                  {"id":"a","time":"t","rule":"r","priority":"Notice"},
                  {"id":"b","time":"t","rule":"r","priority":"Notice","workload":{"cluster":["x"]}}]}""");
        assertEquals("alerts[1].workload.cluster", e.field());
        assertTrue(e.getMessage().contains("expected a string"), e.getMessage());

        ProtocolException blank = decodeError("""
                {"type":"events","seq":1,"alerts":[{"id":"a","time":"t","rule":"","priority":"Notice"}]}""");
        assertEquals("alerts[0].rule", blank.field());
        assertTrue(blank.getMessage().contains("non-empty string"), blank.getMessage());

        ProtocolException seq = decodeError("{\"type\":\"ack\",\"seq\":\"seven\"}");
        assertEquals("seq", seq.field());
        assertTrue(seq.getMessage().contains("an integer"), seq.getMessage());
    }

    @Test
    void badEnumValuesListTheChoices() {
        ProtocolException e = decodeError("""
                {"type":"bundle","bundle":{"etag":"e","policies":[{"name":"p","rules":["r"],"actions":["explode"]}]}}""");
        assertTrue(e.field().startsWith("bundle.policies[0].actions"), e.field());
        assertTrue(e.getMessage().contains("notify, kill_process, kill_task, deny"), e.getMessage());

        ProtocolException p = decodeError("""
                {"type":"bundle","bundle":{"etag":"e","policies":[{"name":"p","rules":["r"],"min_priority":"severe"}]}}""");
        assertEquals("bundle.policies[0].min_priority", p.field());
        assertTrue(p.getMessage().contains("emergency"), p.getMessage());
    }

    @Test
    void policyNeedsRulesXorTags() {
        ProtocolException neither = assertThrows(ProtocolException.class,
                () -> ProtocolJson.read("{\"name\":\"p\"}", Policy.class));
        assertEquals("rules", neither.field());
        ProtocolException both = assertThrows(ProtocolException.class,
                () -> ProtocolJson.read("{\"name\":\"p\",\"rules\":[],\"tags\":[]}", Policy.class));
        assertEquals("tags", both.field());
    }

    @Test
    void alertArrayForIngest() throws Exception {
        String json = ProtocolJson.write(List.of(alert("1"), alert("2")));
        List<Alert> back = ProtocolJson.readAlerts(new java.io.ByteArrayInputStream(json.getBytes()));
        assertEquals(List.of(alert("1"), alert("2")), back);
        ProtocolException notArray = assertThrows(ProtocolException.class,
                () -> ProtocolJson.readAlerts(new java.io.ByteArrayInputStream("{\"id\":1}".getBytes())));
        assertInstanceOf(ProtocolException.class, notArray);
        assertTrue(notArray.getMessage().contains("array"), notArray.getMessage());
    }

    @Test
    void heartbeatRoundTripsAndNamesItsFields() throws Exception {
        OrchestratorHeartbeat hb = new OrchestratorHeartbeat("orch-1", "0.1.0", 3,
                List.of(new ConnectedAgent("arn:task/1#app", "0.1.0", 1, Map.of("cluster", "prod"), "2026-01-01T00:00:00Z")));
        String json = ProtocolJson.write(hb);
        assertTrue(json.contains("\"spool_depth\":3") && json.contains("\"agent_id\""), json);
        assertEquals(hb, ProtocolJson.read(json, OrchestratorHeartbeat.class));
        ProtocolException e = assertThrows(ProtocolException.class, () -> ProtocolJson.read(
                "{\"orchestrator_id\":\"o\",\"agents\":[{\"agent_version\":\"1\"}]}", OrchestratorHeartbeat.class));
        assertEquals("agents[0].agent_id", e.field());
    }

    @Test
    void frequentFramesAreWrittenExactlyAsTheMapperWritesThem() throws Exception {
        for (long seq : new long[] {0, 7, Long.MAX_VALUE}) {
            assertEquals(ProtocolJson.write(new Message.Ack(seq)), MessageCodec.encode(new Message.Ack(seq)));
            assertEquals(new Message.Ack(seq), MessageCodec.decode(MessageCodec.encode(new Message.Ack(seq))));
        }
        assertEquals(ProtocolJson.write(new Message.Heartbeat()), MessageCodec.encode(new Message.Heartbeat()));
        assertEquals(new Message.Heartbeat(), MessageCodec.decode("{\"type\":\"heartbeat\"}"));
        assertEquals(new Message.Heartbeat(), MessageCodec.decode(" { \"type\" : \"heartbeat\" } "));
    }
}
