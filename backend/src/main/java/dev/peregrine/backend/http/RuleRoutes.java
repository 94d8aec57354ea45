package dev.peregrine.backend.http;

import dev.peregrine.backend.bundle.BundleService;
import dev.peregrine.protocol.Bundle;
import dev.peregrine.protocol.Policy;
import dev.peregrine.protocol.Priority;
import dev.peregrine.rules.LoadResult;
import dev.peregrine.rules.Rule;
import dev.peregrine.rules.RuleLoader;
import dev.peregrine.rules.RulesFile;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/rules}: every rule of the current bundle as the agents will load it (after
 * overrides and {@code enabled} switches), with the policies that cover it. Loading compiles every
 * condition, so the answer is kept until the bundle's ETag changes.
 */
final class RuleRoutes {
    private final BundleService bundle;
    private volatile Cached cached;

    private record Cached(String etag, Map<String, Object> body) {
    }

    RuleRoutes(BundleService bundle) {
        this.bundle = bundle;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/rules", this::list, Role.ADMIN);
    }

    private void list(Context ctx) {
        Bundle current = bundle.current();
        Cached c = cached;
        if (c == null || !c.etag().equals(current.etag())) {
            c = new Cached(current.etag(), catalog(current));
            cached = c;
        }
        ctx.json(c.body());
    }

    static Map<String, Object> catalog(Bundle b) {
        LoadResult loaded = RuleLoader.load(b.rulesFiles().stream().map(f -> new RulesFile(f.name(), f.content())).toList());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("etag", b.etag());
        // Uploads are validated, so a stored bundle loads; an empty list only if it somehow does not.
        List<Map<String, Object>> rules = loaded.ruleSet().map(set -> set.rules().stream().map(rule -> view(rule, b.policies())).toList())
                .orElse(List.of());
        out.put("rules", rules);
        out.put("errors", loaded.errors().size());
        return out;
    }

    private static Map<String, Object> view(Rule rule, List<Policy> policies) {
        Priority priority = Priority.parse(rule.priority().displayName());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", rule.name());
        out.put("file", rule.file());
        out.put("line", rule.line());
        out.put("description", rule.description());
        out.put("priority", rule.priority().displayName());
        out.put("source", rule.source());
        out.put("tags", rule.tags());
        out.put("enabled", rule.enabled());
        out.put("policies", policies.stream().filter(p -> p.covers(rule.name(), rule.tags(), priority)).map(Policy::name).toList());
        return out;
    }
}
