package dev.peregrine.agent;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With directory opens untraced, the upstream file rules still fire on ordinary opens. */
class DirectoryPrefilterRunTest {
    @Test
    void findThenCatOfShadowStillRaisesReadSensitiveFileUntrusted() throws Exception {
        Run run = Run.standalone(List.of(Run.upstreamRules()), List.of(), Map.of(),
                "sh", "-c", "find /usr/share/doc > /dev/null; cat /etc/shadow > /dev/null");
        assertEquals(0, run.status, run.stderr);
        List<com.fasterxml.jackson.databind.JsonNode> alerts = run.alerts("Read sensitive file untrusted");
        assertEquals(1, alerts.size(), run.alerts.toString());
        assertEquals("/etc/shadow", alerts.getFirst().path("output_fields").path("fd.name").asText());
        assertEquals(1, run.alerts.size(), "find raises nothing: " + run.alerts);
    }
}
