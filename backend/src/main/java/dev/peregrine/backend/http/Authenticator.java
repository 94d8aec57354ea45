package dev.peregrine.backend.http;

import dev.peregrine.backend.Secrets;
import dev.peregrine.backend.store.AccessKeyStore;
import dev.peregrine.backend.store.AccessKeyStore.AccessKey;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/** Turns the {@code Authorization: Bearer ...} header into a {@link Principal} and checks it may call the endpoint. */
final class Authenticator {
    static final String PRINCIPAL = "peregrine.principal";

    private final String adminTokenHash;
    private final AccessKeyStore keys;
    private final Clock clock;

    Authenticator(String adminTokenHash, AccessKeyStore keys, Clock clock) {
        this.adminTokenHash = adminTokenHash;
        this.keys = keys;
        this.clock = clock;
    }

    void check(Context ctx) {
        Set<? extends io.javalin.security.RouteRole> roles = ctx.routeRoles();
        if (roles.isEmpty()) {
            return;
        }
        Principal principal = authenticate(ctx.header("Authorization"));
        if (principal instanceof Principal.Orchestrator && !roles.contains(Role.ORCHESTRATOR)) {
            throw new ApiException(403, "forbidden", "an access key may only fetch the bundle, send events and "
                    + "heartbeats; this endpoint needs the admin token");
        }
        ctx.attribute(PRINCIPAL, principal);
    }

    private Principal authenticate(String header) {
        if (header == null || header.isBlank()) {
            throw unauthorized("missing Authorization header; send 'Authorization: Bearer <admin token or access key>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("Authorization header must be 'Bearer <token>'");
        }
        String token = header.substring(7).trim();
        if (Secrets.matches(token, adminTokenHash)) {
            return new Principal.Admin();
        }
        Optional<AccessKey> key = keys.find(token, clock.instant());
        if (key.isEmpty()) {
            throw unauthorized("unknown token");
        }
        if (key.get().revoked()) {
            throw unauthorized("access key " + key.get().id() + " was revoked");
        }
        return new Principal.Orchestrator(key.get());
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }
}
