package dev.peregrine.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compatibility rule against real messages: {@code src/test/resources/wire/MAJOR.MINOR/} holds
 * every message type exactly as peers of that protocol version send it, frozen when the version
 * shipped. For every frozen version of the current major (the previous minors and this one):
 * this code reads what such a peer sends, and everything such a peer requires is in what this
 * code sends. A newer minor only adds fields; this code reads its messages too, ignoring them.
 */
class WireCompatibilityTest {
    static final List<String> TYPES = List.of("hello", "welcome", "reject", "bundle", "events", "ack", "heartbeat");

    /** The frozen versions of the current major, oldest first. */
    static List<ProtocolVersion> frozenVersions() {
        List<ProtocolVersion> out = new ArrayList<>();
        for (int minor = 0; minor <= ProtocolVersion.CURRENT.minor(); minor++) {
            ProtocolVersion v = new ProtocolVersion(ProtocolVersion.CURRENT.major(), minor);
            if (WireCompatibilityTest.class.getResource("/wire/" + v + "/hello.json") != null) {
                out.add(v);
            }
        }
        return out;
    }

    static String frozen(ProtocolVersion v, String type) {
        try (InputStream in = WireCompatibilityTest.class.getResourceAsStream("/wire/" + v + "/" + type + ".json")) {
            assertNotNull(in, () -> "no frozen " + type + " message of protocol " + v);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theCurrentAndThePreviousMinorAreFrozen() {
        List<ProtocolVersion> frozen = frozenVersions();
        assertTrue(frozen.contains(ProtocolVersion.CURRENT),
                "freeze this version's messages in src/test/resources/wire/" + ProtocolVersion.CURRENT + "/");
        if (ProtocolVersion.CURRENT.minor() > 0) {
            ProtocolVersion previous = new ProtocolVersion(ProtocolVersion.CURRENT.major(), ProtocolVersion.CURRENT.minor() - 1);
            assertTrue(frozen.contains(previous), "the previous minor " + previous + " must stay frozen");
        }
        for (ProtocolVersion v : frozen) {
            for (String type : TYPES) {
                frozen(v, type);
            }
        }
    }

    @Test
    void whatAPeerOfEveryFrozenVersionSendsIsRead() throws Exception {
        for (ProtocolVersion v : frozenVersions()) {
            for (String type : TYPES) {
                Message m = MessageCodec.decode(frozen(v, type));
                assertEquals(type, ProtocolJson.mapper().readTree(MessageCodec.encode(m)).get("type").asText(),
                        () -> v + " " + type);
            }
            Message.Hello hello = (Message.Hello) MessageCodec.decode(frozen(v, "hello"));
            assertTrue(ProtocolVersion.CURRENT.isCompatibleWith(new ProtocolVersion(hello.protocol(), 0)),
                    "a " + v + " agent is accepted");
            Message.Events events = (Message.Events) MessageCodec.decode(frozen(v, "events"));
            assertEquals("/etc/shadow", events.alerts().getFirst().outputFields().get("fd.name"));
        }
    }

    @Test
    void everythingAPeerOfEveryFrozenVersionRequiresIsSent() throws Exception {
        for (ProtocolVersion v : frozenVersions()) {
            for (String type : TYPES) {
                JsonNode theirs = ProtocolJson.mapper().readTree(frozen(v, type));
                JsonNode ours = ProtocolJson.mapper().readTree(MessageCodec.encode(MessageCodec.decode(frozen(v, type))));
                assertCovers(theirs, ours, v + " " + type);
            }
        }
    }

    @Test
    void aNewerMinorsAddedFieldsAreIgnoredAtEveryLevel() throws Exception {
        for (String type : TYPES) {
            String original = frozen(ProtocolVersion.CURRENT, type);
            JsonNode newer = ProtocolJson.mapper().readTree(original);
            addUnknownFields(newer);
            Message read = MessageCodec.decode(ProtocolJson.mapper().writeValueAsString(newer));
            assertEquals(MessageCodec.decode(original), read, type);
        }
    }

    /** Every field of {@code expected} is in {@code actual}, with the same JSON type and the same scalar value. */
    private static void assertCovers(JsonNode expected, JsonNode actual, String where) {
        assertNotNull(actual, where + ": missing");
        assertEquals(expected.getNodeType(), actual.getNodeType(), where + ": JSON type");
        if (expected.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                assertCovers(f.getValue(), actual.get(f.getKey()), where + "." + f.getKey());
            }
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), where + ": length");
            for (int i = 0; i < expected.size(); i++) {
                assertCovers(expected.get(i), actual.get(i), where + "[" + i + "]");
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    /** Open maps (alert output fields, hello metadata) carry data, not fields: a new key there is not a new field. */
    static final List<String> OPEN_MAPS = List.of("output_fields", "metadata");

    private static void addUnknownFields(JsonNode node) {
        if (node instanceof ObjectNode o) {
            List<Map.Entry<String, JsonNode>> children = new ArrayList<>();
            o.fields().forEachRemaining(children::add);
            for (Map.Entry<String, JsonNode> c : children) {
                if (!OPEN_MAPS.contains(c.getKey())) {
                    addUnknownFields(c.getValue());
                }
            }
            o.put("added_by_a_newer_minor", "ignored");
            o.putObject("added_object").putArray("items").add(1);
        } else if (node != null && node.isArray()) {
            node.elements().forEachRemaining(WireCompatibilityTest::addUnknownFields);
        }
    }
}
