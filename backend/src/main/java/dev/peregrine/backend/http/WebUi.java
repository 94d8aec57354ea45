package dev.peregrine.backend.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The web UI: static files built from {@code src/main/ui} into the jar under {@link #DIRECTORY},
 * served at {@code /} without authentication (the page asks for the admin token and sends it
 * on every API call). A build made without the UI answers {@code /} with a short JSON pointer.
 */
final class WebUi {
    static final String DIRECTORY = "/dev/peregrine/backend/ui";

    /**
     * Scripts, styles and images come from this origin only, so the UI never reaches out to the
     * network, and nothing injected into alert text can load code from elsewhere.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    private WebUi() {
    }

    static boolean built() {
        return WebUi.class.getResource(DIRECTORY + "/index.html") != null;
    }

    /** Registers the UI when it was built into the jar; returns whether it was. */
    static boolean register(JavalinConfig c) {
        if (!built()) {
            return false;
        }
        c.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = DIRECTORY;
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Content-Security-Policy", CONTENT_SECURITY_POLICY,
                    "X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer",
                    "Cache-Control", "no-cache");
        });
        return true;
    }
}
