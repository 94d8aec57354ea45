package dev.peregrine.backend.http;

import dev.peregrine.backend.RulesValidator;
import dev.peregrine.backend.RulesValidator.Problem;
import dev.peregrine.backend.bundle.BundleService;
import dev.peregrine.backend.store.RulesFileStore;
import dev.peregrine.backend.store.RulesFileStore.StoredRulesFile;
import dev.peregrine.protocol.RulesFileContent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/rules-files}: a file is stored only when the whole set, in load order, with
 * this file in it (or, on delete, without it), passes the validator.
 */
final class RulesFileRoutes {
    static final long MAX_RULES_FILE_BYTES = 900 * 1024;

    private final RulesFileStore store;
    private final RulesValidator validator;
    private final BundleService bundle;
    private final Clock clock;

    RulesFileRoutes(RulesFileStore store, RulesValidator validator, BundleService bundle, Clock clock) {
        this.store = store;
        this.validator = validator;
        this.bundle = bundle;
        this.clock = clock;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/rules-files", ctx -> ctx.json(Map.of("rules_files", store.all().stream().map(RulesFileRoutes::view).toList())), Role.ADMIN);
        r.get("/api/v1/rules-files/{name}", this::get, Role.ADMIN);
        r.put("/api/v1/rules-files/{name}", this::put, Role.ADMIN);
        r.delete("/api/v1/rules-files/{name}", this::delete, Role.ADMIN);
    }

    /** The YAML itself, as it was uploaded; {@code ?format=json} wraps it with its metadata. */
    private void get(Context ctx) {
        String name = Names.check("rules file", ctx.pathParam("name"));
        StoredRulesFile f = store.get(name).orElseThrow(() -> ApiException.notFound("rules file " + name));
        if ("json".equals(ctx.queryParam("format"))) {
            Map<String, Object> out = view(f);
            out.put("content", f.content());
            ctx.json(out);
        } else {
            ctx.contentType("application/yaml; charset=utf-8").header("ETag", "\"" + f.sha256() + "\"").result(f.content());
        }
    }

    private void put(Context ctx) {
        String name = Names.check("rules file", ctx.pathParam("name"));
        Bodies.requireYaml(ctx);
        byte[] bytes = Bodies.read(ctx, MAX_RULES_FILE_BYTES);
        String content = utf8(bytes);
        List<StoredRulesFile> existing = store.all();
        int loadOrder = loadOrder(ctx, name, existing);

        List<StoredRulesFile> candidate = new ArrayList<>(existing.stream().filter(f -> !f.name().equals(name)).toList());
        candidate.add(new StoredRulesFile(name, content, loadOrder, "", null));
        candidate.sort(Comparator.comparingInt(StoredRulesFile::loadOrder).thenComparing(StoredRulesFile::name));
        List<Problem> problems = validator.validate(contents(candidate));
        if (RulesValidator.hasErrors(problems)) {
            throw invalid("rules file " + name + " was not stored: the rules do not load", problems);
        }
        boolean created = store.put(name, content, loadOrder, clock.instant());
        bundle.refresh();
        Map<String, Object> out = view(store.get(name).orElseThrow());
        // Warnings about other files (e.g. unused macros of the defaults) are not this upload's business.
        out.put("warnings", problems.stream().filter(p -> name.equals(p.file())).map(RulesFileRoutes::problem).toList());
        ctx.status(created ? 201 : 200).json(out);
    }

    private void delete(Context ctx) {
        String name = Names.check("rules file", ctx.pathParam("name"));
        List<StoredRulesFile> existing = store.all();
        if (existing.stream().noneMatch(f -> f.name().equals(name))) {
            throw ApiException.notFound("rules file " + name);
        }
        List<StoredRulesFile> rest = existing.stream().filter(f -> !f.name().equals(name)).toList();
        List<Problem> problems = validator.validate(contents(rest));
        if (RulesValidator.hasErrors(problems)) {
            ApiException e = invalid("rules file " + name + " was not deleted: the remaining files do not load without it", problems);
            throw new ApiException(409, "rules_in_use", e.getMessage(), e.details());
        }
        store.delete(name);
        bundle.refresh();
        ctx.status(204);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiException.badRequest("", "rules file must be UTF-8 text");
        }
    }

    private int loadOrder(Context ctx, String name, List<StoredRulesFile> existing) {
        String given = ctx.queryParam("load_order");
        if (given != null) {
            try {
                return Integer.parseInt(given);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("load_order", "expected an integer, got '" + given + "'");
            }
        }
        return existing.stream().filter(f -> f.name().equals(name)).map(StoredRulesFile::loadOrder).findFirst()
                .orElseGet(store::nextLoadOrder);
    }

    static ApiException invalid(String message, List<Problem> problems) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("diagnostics", problems.stream().map(RulesFileRoutes::problem).toList());
        Problem first = problems.stream().filter(p -> p.severity() == Problem.Severity.ERROR).findFirst().orElseThrow();
        return new ApiException(422, "invalid_rules", message + "; first error " + first.position() + ": "
                + first.code() + ": " + first.message(), details);
    }

    private static List<RulesFileContent> contents(List<StoredRulesFile> files) {
        return files.stream().map(f -> new RulesFileContent(f.name(), f.content())).toList();
    }

    static Map<String, Object> problem(Problem p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("severity", p.severity().name().toLowerCase(java.util.Locale.ROOT));
        out.put("code", p.code());
        out.put("message", p.message());
        out.put("file", p.file());
        out.put("line", p.line());
        out.put("column", p.column());
        out.put("position", p.position());
        return out;
    }

    static Map<String, Object> view(StoredRulesFile f) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", f.name());
        out.put("load_order", f.loadOrder());
        out.put("size", f.content().getBytes(StandardCharsets.UTF_8).length);
        out.put("sha256", f.sha256());
        out.put("updated_at", f.updatedAt());
        return out;
    }
}
