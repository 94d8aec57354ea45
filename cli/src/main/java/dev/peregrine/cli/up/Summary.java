package dev.peregrine.cli.up;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** What {@code peregrine up} tells the user once everything listens. */
record Summary(Path dataDir, URI backend, String agentUrl, URI metrics, Optional<String> adminToken,
               boolean tokenFromEnvironment, boolean keyCreated, String agentEndpoint, boolean demo) {

    /** How the user started us, so that the next commands can be pasted as they are. */
    static String self() {
        String invoked = System.getenv("PEREGRINE_INVOKED_AS");
        return invoked == null || invoked.isBlank() ? "peregrine" : invoked;
    }

    static void print(PrintStream out, Summary s) {
        String self = self();
        out.println("Peregrine is up. Data: " + s.dataDir());
        out.println();
        out.println("  Web UI           " + s.backend() + "/");
        out.println("  API              " + s.backend() + "/api/v1");
        out.println("  Agent endpoint   " + s.agentUrl());
        out.println("  Orchestrator     " + s.metrics() + "/healthz  /readyz  /metrics");
        if (s.adminToken().isPresent()) {
            out.println("  Admin token      " + s.adminToken().get());
            out.println("                   (first start: shown once, only its hash is stored; keep it)");
        } else if (s.tokenFromEnvironment()) {
            out.println("  Admin token      from PEREGRINE_ADMIN_TOKEN");
        } else {
            out.println("  Admin token      printed at the first start of this data directory");
        }
        out.println("  Access key       " + (s.keyCreated() ? "created" : "reused") + ", in "
                + s.dataDir().resolve(UpCommand.ACCESS_KEY_FILE) + " (the orchestrator's)");
        out.println();
        out.println("Next:");
        out.println("  export PEREGRINE_ADMIN_TOKEN=" + s.adminToken().orElse("<the admin token>"));
        out.println("  " + self + " run --orchestrator " + s.agentEndpoint() + " -- sh -c 'cat /etc/shadow'   # a workload under a connected agent");
        out.println("  curl -s -H \"Authorization: Bearer $PEREGRINE_ADMIN_TOKEN\" " + s.backend() + "/api/v1/events   # its alerts");
        out.println("  " + self + " run --rules rules.yaml -- CMD...   # standalone, no backend");
        out.println();
        out.println(s.demo() ? "Starting the demo workload; alerts follow as the backend stores them. Ctrl-C stops everything."
                : "Ctrl-C stops everything.");
        out.flush();
    }
}
