package dev.peregrine.backend.http;

import io.javalin.security.RouteRole;

/** Who may call an endpoint. The admin token may call everything. */
enum Role implements RouteRole {
    /** Admin token only. */
    ADMIN,
    /** An orchestrator's access key (or the admin token). */
    ORCHESTRATOR
}
