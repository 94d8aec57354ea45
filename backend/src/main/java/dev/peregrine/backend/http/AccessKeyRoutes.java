package dev.peregrine.backend.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.backend.store.AccessKeyStore;
import dev.peregrine.backend.store.AccessKeyStore.AccessKey;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /api/v1/access-keys}: create (the secret is in this answer only), list, get, revoke. */
final class AccessKeyRoutes {
    private final AccessKeyStore keys;
    private final Clock clock;

    AccessKeyRoutes(AccessKeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    void register(RoutesConfig r) {
        r.post("/api/v1/access-keys", this::create, Role.ADMIN);
        r.get("/api/v1/access-keys", ctx -> ctx.json(Map.of("access_keys", keys.list().stream().map(AccessKeyRoutes::view).toList())), Role.ADMIN);
        r.get("/api/v1/access-keys/{id}", ctx -> ctx.json(view(keys.get(ctx.pathParam("id"))
                .orElseThrow(() -> ApiException.notFound("access key " + ctx.pathParam("id"))))), Role.ADMIN);
        r.delete("/api/v1/access-keys/{id}", this::revoke, Role.ADMIN);
    }

    private void create(Context ctx) {
        JsonNode body = Json.readObject(ctx, 64 * 1024);
        JsonNode name = body.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank() || name.asText().length() > 200) {
            throw ApiException.badRequest("name", "expected a non-empty string of at most 200 characters");
        }
        AccessKeyStore.CreatedKey created = keys.create(name.asText().trim(), clock.instant());
        Map<String, Object> out = view(created.key());
        out.put("key", created.secret());
        ctx.status(201).json(out);
    }

    private void revoke(Context ctx) {
        String id = ctx.pathParam("id");
        if (!keys.revoke(id, clock.instant())) {
            throw ApiException.notFound("access key " + id);
        }
        ctx.json(view(keys.get(id).orElseThrow()));
    }

    static Map<String, Object> view(AccessKey k) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", k.id());
        out.put("name", k.name());
        out.put("key_prefix", k.keyPrefix());
        out.put("created_at", k.createdAt());
        out.put("last_used_at", k.lastUsedAt());
        out.put("revoked", k.revoked());
        out.put("revoked_at", k.revokedAt());
        return out;
    }

}
