package dev.peregrine.backend.http;

import dev.peregrine.backend.bundle.BundleService;
import dev.peregrine.protocol.Bundle;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code GET /api/v1/bundle}: 200 with the bundle and its ETag, or 304 when {@code If-None-Match}
 * names the current one. With {@code ?wait=S} a 304 is held back up to S seconds and turned into
 * a 200 the moment the bundle changes.
 */
final class BundleRoutes {
    static final int MAX_WAIT_SECONDS = 60;

    private final BundleService bundle;

    BundleRoutes(BundleService bundle) {
        this.bundle = bundle;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/bundle", this::get, Role.ORCHESTRATOR);
    }

    private void get(Context ctx) {
        Duration wait = Duration.ofSeconds(waitSeconds(ctx.queryParam("wait")));
        String ifNoneMatch = ctx.header("If-None-Match");
        ctx.future(() -> bundle.await(ifNoneMatch == null ? null : ifNoneMatch.trim(), wait)
                .thenAccept(result -> answer(ctx, result)));
    }

    private void answer(Context ctx, Optional<Bundle> result) {
        ctx.header("Cache-Control", "no-cache");
        if (result.isPresent()) {
            ctx.header("ETag", result.get().etag()).json(result.get());
        } else {
            ctx.header("ETag", bundle.current().etag()).status(304);
        }
    }

    private static int waitSeconds(String text) {
        if (text == null) {
            return 0;
        }
        try {
            int s = Integer.parseInt(text.trim());
            if (s >= 0 && s <= MAX_WAIT_SECONDS) {
                return s;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.badRequest("wait", "expected whole seconds from 0 to " + MAX_WAIT_SECONDS + ", got '" + text + "'");
    }
}
