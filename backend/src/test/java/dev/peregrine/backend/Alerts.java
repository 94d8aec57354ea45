package dev.peregrine.backend;

import dev.peregrine.protocol.Alert;
import dev.peregrine.protocol.ProtocolJson;
import dev.peregrine.protocol.Workload;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Alerts as an orchestrator would send them. */
final class Alerts {
    private Alerts() {
    }

    static Alert alert(String id, Instant time, String rule, String priority, String cluster, String container, String output) {
        return new Alert(id, time.toString(), rule, priority, output, Map.of("proc.name", "bash"), "syscall",
                List.of("maturity_stable", "container"), "ip-10-0-0-1", "default", List.of("notify"),
                new Workload(cluster, "arn:aws:ecs:eu-west-1:123:task/" + cluster + "/t1", "web", container,
                        "nginx:1.27", "eu-west-1a"));
    }

    static Alert alert(String id, Instant time) {
        return alert(id, time, "Terminal shell in container", "Notice", "prod", "app", "A shell was spawned " + id);
    }

    static String json(List<Alert> alerts) {
        return ProtocolJson.write(alerts);
    }
}
