package dev.peregrine.backend.http;

import dev.peregrine.backend.BackendConfig;
import dev.peregrine.backend.Pem;
import dev.peregrine.backend.Retention;
import dev.peregrine.backend.RulesValidator;
import dev.peregrine.backend.bundle.BundleService;
import dev.peregrine.backend.store.AccessKeyStore;
import dev.peregrine.backend.store.AgentStore;
import dev.peregrine.backend.store.Database;
import dev.peregrine.backend.store.EventStore;
import dev.peregrine.backend.store.PolicyStore;
import dev.peregrine.backend.store.RulesFileStore;
import dev.peregrine.backend.store.StoreException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: Javalin on Jetty 12 with virtual threads. Public {@code /healthz} and
 * {@code /metrics}; everything under {@code /api/v1} needs a bearer token and speaks JSON.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final Logger REQUESTS = LoggerFactory.getLogger("dev.peregrine.backend.requests");
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    /** Everything the routes need. */
    public record Parts(Database db, AccessKeyStore keys, RulesFileStore rulesFiles, PolicyStore policies,
                        EventStore events, AgentStore agents, BundleService bundle, Retention retention,
                        RulesValidator validator, PrometheusMeterRegistry metrics, String adminTokenHash, Clock clock) {
    }

    private final Javalin app;
    private final Parts parts;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();

    public ApiServer(BackendConfig config, Parts parts) {
        this.parts = parts;
        Authenticator auth = new Authenticator(parts.adminTokenHash(), parts.keys(), parts.clock());
        KeyStore tls = tlsKeyStore(config);
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.concurrency.useVirtualThreads = true;
            c.jsonMapper(new JavalinJackson(Json.MAPPER, true));
            c.http.maxRequestSize = config.maxBodyBytes();
            // Long polls hold requests for up to a minute; Jetty must not time them out first.
            c.http.asyncTimeout = Duration.ofSeconds(BundleRoutes.MAX_WAIT_SECONDS + 30).toMillis();
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            if (tls != null) {
                c.jetty.addConnector((server, httpConfig) -> {
                    SslContextFactory.Server ssl = new SslContextFactory.Server();
                    ssl.setKeyStore(tls);
                    ssl.setKeyStorePassword("peregrine");
                    httpConfig.addCustomizer(new SecureRequestCustomizer(false));
                    ServerConnector https = new ServerConnector(server, ssl, new HttpConnectionFactory(httpConfig));
                    https.setHost(config.host());
                    https.setPort(config.port());
                    return https;
                });
            }
            c.jetty.modifyServer(server -> server.setStopTimeout(DRAIN_TIMEOUT.toMillis()));
            c.requestLogger.http(this::logRequest);

            var r = c.routes;
            r.before(ctx -> {
                inFlight.incrementAndGet();
                ctx.attribute("peregrine.counted", Boolean.TRUE);
                if (draining.get() && !ctx.path().equals("/metrics")) {
                    throw new ApiException(503, "shutting_down", "the backend is shutting down; retry on another replica");
                }
            });
            r.after(ctx -> {
                if (ctx.attribute("peregrine.counted") != null) {
                    ctx.attribute("peregrine.counted", null);
                    inFlight.decrementAndGet();
                }
            });
            r.beforeMatched(auth::check);
            r.get("/healthz", this::health);
            r.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(parts.metrics().scrape()));
            r.get("/", ctx -> ctx.json(Map.of("service", "peregrine-backend", "api", "/api/v1",
                    "health", "/healthz", "metrics", "/metrics")));
            new AccessKeyRoutes(parts.keys(), parts.clock()).register(r);
            new RulesFileRoutes(parts.rulesFiles(), parts.validator(), parts.bundle(), parts.clock()).register(r);
            new PolicyRoutes(parts.policies(), parts.bundle(), parts.clock()).register(r);
            new BundleRoutes(parts.bundle()).register(r);
            new EventRoutes(parts.events(), parts.clock(), config.maxBodyBytes(), parts.metrics()).register(r);
            new AgentRoutes(parts.agents(), parts.bundle(), parts.clock()).register(r);
            new SettingsRoutes(parts.retention()).register(r);

            r.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage(), e.details()));
            r.exception(StoreException.class, (e, ctx) -> {
                if (e.isDataError()) {
                    // A value the schema cannot hold slipped past validation: the request's fault, not the database's.
                    LOG.warn("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                    error(ctx, 400, "invalid_request", "a value does not fit the store: " + e.getCause().getMessage(), Map.of());
                    return;
                }
                LOG.error("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                error(ctx, 503, "database_unavailable", "the database did not answer; retry", Map.of());
            });
            r.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), codeOf(e.getStatus()),
                    e.getStatus() == 404 ? "no endpoint " + ctx.method() + " " + ctx.path() : e.getMessage(), Map.of()));
            r.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal_error", "internal error; the server log has the details", Map.of());
            });
            r.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    error(ctx, 404, "not_found", "no endpoint " + ctx.method() + " " + ctx.path(), Map.of());
                }
            });
            r.error(405, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    error(ctx, 405, "method_not_allowed", "method " + ctx.method() + " not allowed on " + ctx.path(), Map.of());
                }
            });
        });
    }

    public ApiServer start() {
        app.start();
        for (var connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector sc) {
                LOG.info("backend listening on {}:{} ({})", sc.getHost(), sc.getLocalPort(), String.join(", ", sc.getProtocols()));
            }
        }
        return this;
    }

    public int port() {
        return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getLocalPort();
    }

    private void health(Context ctx) {
        boolean db = parts.db().healthy();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", db && !draining.get() ? "ok" : draining.get() ? "shutting_down" : "degraded");
        out.put("database", db ? "ok" : "unavailable");
        out.put("bundle_etag", parts.bundle().current().etag());
        ctx.status(db ? 200 : 503).json(out);
    }

    private void logRequest(Context ctx, Float ms) {
        var matched = ctx.endpoints().matchedHttpEndpoint();
        String route = matched == null ? "unmatched" : matched.path;
        Timer.builder("http.server.requests")
                .tag("method", ctx.method().name())
                .tag("route", route)
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(parts.metrics())
                .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS);
        REQUESTS.info("{} {} {} {} ms {}", ctx.method(), ctx.path(), ctx.statusCode(), String.format("%.1f", ms), ctx.ip());
    }

    private static String codeOf(int status) {
        return switch (status) {
            case 400 -> "invalid_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            default -> "http_" + status;
        };
    }

    private static void error(Context ctx, int status, String code, String message, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        body.putAll(details);
        ctx.status(status).json(body);
    }

    private static KeyStore tlsKeyStore(BackendConfig config) {
        if (config.tlsCert() == null) {
            return null;
        }
        try {
            return Pem.keyStore(config.tlsCert(), config.tlsKey(), "peregrine".toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops taking new requests (503, health says shutting down), answers waiting long polls,
     * lets requests in flight finish for up to {@link #DRAIN_TIMEOUT}, then stops Jetty.
     */
    @Override
    public void close() {
        draining.set(true);
        parts.bundle().close();
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        app.stop();
    }
}
