package dev.peregrine.orchestrator;

import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.ProtocolJson;
import dev.peregrine.protocol.RulesFileContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Bundles and alerts for tests. */
public final class Fixtures {
    static final String RULES = """
            - rule: Shell spawned
              desc: a shell started in a container
              condition: evt.type = execve and proc.name = bash
              output: shell started (command=%proc.cmdline)
              priority: WARNING
              tags: [shell]
            """;

    private Fixtures() {
    }

    public static Bundle bundle(String etag) {
        Policy policy;
        try {
            policy = ProtocolJson.read("{\"name\":\"shells\",\"tags\":[\"shell\"],\"actions\":[\"notify\"]}", Policy.class);
        } catch (dev.peregrine.protocol.ProtocolException e) {
            throw new AssertionError(e);
        }
        return new Bundle(etag, List.of(new RulesFileContent("shells.yaml", RULES)), List.of(policy));
    }

    public static Bundle brokenBundle(String etag) {
        return new Bundle(etag, List.of(new RulesFileContent("broken.yaml",
                "- rule: Broken\n  desc: x\n  condition: evt.type = = execve\n  output: x\n  priority: WARNING\n")), List.of());
    }

    public static Alert alert(String id) {
        return new Alert(id, "2026-11-28T21:00:00.000000000Z", "Shell spawned", "Warning", "shell started",
                Map.of("proc.name", "bash"), "syscall", List.of("shell"), "host", "shells", List.of("notify"), null);
    }

    public static List<Alert> alerts(String prefix, int count) {
        List<Alert> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(alert(prefix + "-" + i));
        }
        return out;
    }
}
