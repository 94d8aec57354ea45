package dev.peregrine.backend.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.backend.Retention;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/** {@code /api/v1/settings}: the retention period of events, in days. */
final class SettingsRoutes {
    private final Retention retention;

    SettingsRoutes(Retention retention) {
        this.retention = retention;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/settings", ctx -> ctx.json(Map.of("retention_days", retention.days())), Role.ADMIN);
        r.put("/api/v1/settings", this::put, Role.ADMIN);
    }

    private void put(Context ctx) {
        JsonNode body = Json.readObject(ctx, 64 * 1024);
        JsonNode days = body.get("retention_days");
        if (days != null) {
            if (!days.isInt() || days.asInt() < 1 || days.asInt() > Retention.MAX_DAYS) {
                throw ApiException.badRequest("retention_days", "expected whole days from 1 to " + Retention.MAX_DAYS + ", got " + days);
            }
            retention.setDays(days.asInt());
        }
        ctx.json(Map.of("retention_days", retention.days()));
    }
}
