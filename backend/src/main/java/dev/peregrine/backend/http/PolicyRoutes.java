package dev.peregrine.backend.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.backend.bundle.BundleService;
import dev.peregrine.backend.store.PolicyStore;
import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.ProtocolException;
import dev.peregrine.protocol.ProtocolJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Map;

/** {@code /api/v1/policies}: the policies of the bundle, one JSON document each (ARCHITECTURE §4). */
final class PolicyRoutes {
    private final PolicyStore store;
    private final BundleService bundle;
    private final Clock clock;

    PolicyRoutes(PolicyStore store, BundleService bundle, Clock clock) {
        this.store = store;
        this.bundle = bundle;
        this.clock = clock;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/policies", ctx -> ctx.json(Map.of("policies", store.all())), Role.ADMIN);
        r.get("/api/v1/policies/{name}", ctx -> {
            String name = Names.check("policy", ctx.pathParam("name"));
            ctx.json(store.get(name).orElseThrow(() -> ApiException.notFound("policy " + name)));
        }, Role.ADMIN);
        r.put("/api/v1/policies/{name}", this::put, Role.ADMIN);
        r.delete("/api/v1/policies/{name}", ctx -> {
            String name = Names.check("policy", ctx.pathParam("name"));
            if (!store.delete(name)) {
                throw ApiException.notFound("policy " + name);
            }
            bundle.refresh();
            ctx.status(204);
        }, Role.ADMIN);
    }

    private void put(Context ctx) {
        String name = Names.check("policy", ctx.pathParam("name"));
        JsonNode body = Json.readObject(ctx, 256 * 1024);
        JsonNode given = body.get("name");
        if (given != null && !given.isNull() && !name.equals(given.asText())) {
            throw ApiException.badRequest("name", "'" + given.asText() + "' differs from the name in the path '" + name + "'");
        }
        ((ObjectNode) body).put("name", name);
        Policy policy;
        try {
            policy = ProtocolJson.read(Json.MAPPER.writeValueAsBytes(body), Policy.class);
        } catch (ProtocolException e) {
            throw ApiException.badRequest(e.field(), e.getMessage().replaceFirst("^field '[^']*': ", ""));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        boolean created = store.put(policy, clock.instant());
        bundle.refresh();
        ctx.status(created ? 201 : 200).json(policy);
    }
}
