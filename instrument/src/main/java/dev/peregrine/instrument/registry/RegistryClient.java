package dev.peregrine.instrument.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.peregrine.instrument.template.Templates;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an image's config from an OCI / Docker Registry HTTP API v2 registry: manifest (an
 * index or manifest list is resolved for the platform), then the config blob, both checked
 * against their digests; {@link #image} and {@link #download} also give the layers to pull. Speaks anonymous and credentialed bearer-token auth (the
 * {@code WWW-Authenticate: Bearer realm=...} challenge) and basic auth. Results are cached:
 * digest references for the life of the client, tags for {@code tagTtl}.
 */
public final class RegistryClient implements ImageConfigSource {
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String ACCEPT = String.join(", ", OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST);
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final HttpClient http;
    private final RegistryCredentials credentials;
    private final Duration timeout;
    private final Set<String> plainHttp;
    private final Duration tagTtl;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    private record Cached(ImageConfig config, Instant expires) {
    }

    private record Token(String value, Instant expires) {
    }

    /**
     * @param plainHttp registries reached over plain HTTP (localhost and 127.0.0.1 always are)
     */
    public RegistryClient(RegistryCredentials credentials, Duration timeout, Set<String> plainHttp, Duration tagTtl) {
        this.credentials = credentials;
        this.timeout = timeout;
        this.plainHttp = Set.copyOf(plainHttp);
        this.tagTtl = tagTtl;
        this.clock = Clock.systemUTC();
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public static RegistryClient withDefaults(RegistryCredentials credentials) {
        return new RegistryClient(credentials, Duration.ofSeconds(15), Set.of(), Duration.ofMinutes(5));
    }

    @Override
    public ImageConfig config(String reference, Platform platform) throws RegistryException {
        String key = reference + "|" + platform;
        Cached cached = cache.get(key);
        Instant now = clock.instant();
        if (cached != null && (cached.expires == null || now.isBefore(cached.expires))) {
            return cached.config;
        }
        ImageReference image = ImageReference.parse(reference);
        ImageConfig config = fetch(reference, image, platform).config();
        cache.put(key, new Cached(config, image.digest() != null ? null : now.plus(tagTtl)));
        return config;
    }

    /** A layer of an image manifest, in the manifest's order (base first). */
    public record Layer(String digest, String mediaType, long size) {
    }

    /** An image's config and its layers, as one manifest names them. */
    public record Image(ImageConfig config, List<Layer> layers) {
        public Image {
            layers = List.copyOf(layers);
        }
    }

    /** The config and the layers of an image (never cached: pulling is rare and wants the current tag). */
    public Image image(String reference, Platform platform) throws RegistryException {
        return fetch(reference, ImageReference.parse(reference), platform);
    }

    /**
     * Streams the blob {@code digest} of the repository of {@code reference} to {@code target}
     * and checks it against its digest (a mismatch deletes the file). Any size.
     */
    public void download(String reference, String digest, Path target) throws RegistryException {
        ImageReference image = ImageReference.parse(reference);
        String hex = digest.substring(digest.indexOf(':') + 1);
        if (!digest.startsWith("sha256:")) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": unsupported digest algorithm in " + digest);
        }
        URI uri = URI.create(base(image.registry()) + "/v2/" + image.repository() + "/blobs/" + digest);
        Optional<RegistryCredentials.Credential> credential = credentials.forRegistry(image.registry());
        String authorization = authorization(image, credential);
        HttpResponse<InputStream> response = sendStream(image, uri, authorization);
        if (response.statusCode() == 401) {
            drain(response);
            authorization = authenticate(image, response, credential);
            response = sendStream(image, uri, authorization);
        }
        for (int hops = 0; isRedirect(response.statusCode()); hops++) {
            drain(response);
            String location = response.headers().firstValue("Location").orElse(null);
            if (location == null || hops >= MAX_REDIRECTS) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": bad redirect from " + uri);
            }
            URI next = uri.resolve(location);
            boolean sameHost = next.getAuthority() != null && next.getAuthority().equals(uri.getAuthority());
            response = sendStream(image, next, sameHost ? authorization : null);
            uri = next;
        }
        if (response.statusCode() != 200) {
            drain(response);
            throw new RegistryException(response.statusCode() == 404 ? RegistryException.Kind.NOT_FOUND : RegistryException.Kind.PROTOCOL,
                    image + ": " + image.registry() + " answered HTTP " + response.statusCode() + " for blob " + digest);
        }
        try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(target)) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (!actual.equals(hex)) {
                out.close();
                Files.deleteIfExists(target);
                throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": blob " + digest + " does not match its digest (got sha256:" + actual + ")");
            }
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.NETWORK, image + ": downloading blob " + digest + " failed: " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String authorization(ImageReference image, Optional<RegistryCredentials.Credential> credential) {
        Token token = tokens.get(tokenKey(image));
        if (token != null && token.expires.isAfter(clock.instant())) {
            return "Bearer " + token.value;
        }
        return credential.filter(c -> c instanceof RegistryCredentials.Bearer)
                .map(c -> "Bearer " + ((RegistryCredentials.Bearer) c).token()).orElse(null);
    }

    private HttpResponse<InputStream> sendStream(ImageReference image, URI uri, String authorization) throws RegistryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "*/*").GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.NETWORK, image + ": request to " + uri.getAuthority() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.NETWORK, image + ": interrupted", e);
        }
    }

    private static void drain(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // an error body nobody reads
        }
    }

    private Image fetch(String reference, ImageReference image, Platform platform) throws RegistryException {
        Fetched manifest = get(image, "manifests/" + image.manifestReference(), ACCEPT);
        if (image.digest() != null) {
            verify(image, manifest.body, image.digest(), "manifest");
        }
        JsonNode json = parse(image, manifest.body, "manifest");
        String mediaType = mediaType(json, manifest.contentType);
        String manifestDigest = image.digest() != null ? image.digest() : manifest.digestHeader;
        if (mediaType.equals(OCI_INDEX) || mediaType.equals(DOCKER_LIST)) {
            String digest = select(image, json, platform);
            manifest = get(image, "manifests/" + digest, ACCEPT);
            verify(image, manifest.body, digest, "manifest");
            json = parse(image, manifest.body, "manifest");
            mediaType = mediaType(json, manifest.contentType);
            manifestDigest = digest;
        }
        if (!mediaType.equals(OCI_MANIFEST) && !mediaType.equals(DOCKER_MANIFEST)) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": unsupported manifest type '" + mediaType
                    + "' (Docker schema 1 images are not supported; push the image again with a current client)");
        }
        JsonNode configDescriptor = json.path("config");
        String configDigest = configDescriptor.path("digest").asText(null);
        if (configDigest == null) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": the manifest has no config digest");
        }
        Fetched blob = get(image, "blobs/" + configDigest, "application/json, */*");
        verify(image, blob.body, configDigest, "config");
        JsonNode imageConfig = parse(image, blob.body, "config");
        String os = imageConfig.path("os").asText("");
        String architecture = imageConfig.path("architecture").asText("");
        if (!architecture.isEmpty() && !(os.equals(platform.os()) && architecture.equals(platform.architecture()))) {
            throw new RegistryException(RegistryException.Kind.NO_PLATFORM, image + " is " + os + "/" + architecture
                    + " only, but the task runs on " + platform + " (" + platform.ecsName() + ")");
        }
        JsonNode config = imageConfig.path("config");
        List<Layer> layers = new ArrayList<>();
        for (JsonNode layer : json.path("layers")) {
            layers.add(new Layer(layer.path("digest").asText(), layer.path("mediaType").asText(""), layer.path("size").asLong(-1)));
        }
        return new Image(new ImageConfig(reference, platform, manifestDigest, strings(config.get("Entrypoint")), strings(config.get("Cmd")),
                text(config.get("WorkingDir")), text(config.get("User")), strings(config.get("Env")),
                config.path("Volumes").isObject() ? List.copyOf(iterable(config.path("Volumes").fieldNames())) : null), layers);
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private static String select(ImageReference image, JsonNode index, Platform platform) throws RegistryException {
        List<String> available = new ArrayList<>();
        String fallback = null;
        for (JsonNode entry : index.path("manifests")) {
            JsonNode p = entry.path("platform");
            String os = p.path("os").asText("");
            String architecture = p.path("architecture").asText("");
            String variant = p.path("variant").asText("");
            if (os.equals("unknown")) {
                continue; // attestation manifests
            }
            available.add(os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant));
            if (os.equals(platform.os()) && architecture.equals(platform.architecture())) {
                String digest = entry.path("digest").asText(null);
                if (platform == Platform.LINUX_ARM64 && !variant.isEmpty() && !variant.equals("v8")) {
                    continue;
                }
                if (variant.isEmpty() || platform != Platform.LINUX_ARM64) {
                    if (fallback == null) {
                        fallback = digest;
                    }
                } else {
                    return digest;
                }
            }
        }
        if (fallback != null) {
            return fallback;
        }
        throw new RegistryException(RegistryException.Kind.NO_PLATFORM, image + " has no " + platform + " image (it has: "
                + (available.isEmpty() ? "none" : String.join(", ", available)) + ")");
    }

    private record Fetched(byte[] body, String contentType, String digestHeader) {
    }

    private Fetched get(ImageReference image, String path, String accept) throws RegistryException {
        URI uri = URI.create(base(image.registry()) + "/v2/" + image.repository() + "/" + path);
        Optional<RegistryCredentials.Credential> credential = credentials.forRegistry(image.registry());
        String authorization = authorization(image, credential);
        HttpResponse<byte[]> response = send(image, uri, accept, authorization);
        if (response.statusCode() == 401) {
            authorization = authenticate(image, response, credential);
            response = send(image, uri, accept, authorization);
            if (response.statusCode() == 401) {
                throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, image + ": the registry rejected "
                        + (credential.isPresent() ? "the credentials for " + image.registry() : "anonymous access")
                        + errorText(response));
            }
        }
        for (int hops = 0; isRedirect(response.statusCode()); hops++) {
            String location = response.headers().firstValue("Location").orElse(null);
            if (location == null || hops >= MAX_REDIRECTS) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": bad redirect from " + uri);
            }
            URI next = uri.resolve(location);
            // Blob storage behind a redirect takes a signed URL, not the registry's credentials.
            boolean sameHost = next.getAuthority() != null && next.getAuthority().equals(uri.getAuthority());
            response = send(image, next, accept, sameHost ? authorization : null);
            uri = next;
        }
        int status = response.statusCode();
        if (status == 404) {
            throw new RegistryException(RegistryException.Kind.NOT_FOUND, image + ": not found in " + image.registry()
                    + " (" + (path.startsWith("manifests/") ? "no such repository, tag or digest" : "missing blob " + path.substring(6)) + ")"
                    + errorText(response));
        }
        if (status == 403) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, image + ": access denied by " + image.registry() + errorText(response));
        }
        if (status != 200) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": " + image.registry() + " answered HTTP " + status
                    + " for " + uri.getPath() + errorText(response));
        }
        return new Fetched(response.body(), response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValue("Docker-Content-Digest").orElse(null));
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private String authenticate(ImageReference image, HttpResponse<?> challenge,
                                Optional<RegistryCredentials.Credential> credential) throws RegistryException {
        String header = challenge.headers().firstValue("WWW-Authenticate").orElse("");
        String scheme = header.contains(" ") ? header.substring(0, header.indexOf(' ')) : header;
        if (scheme.equalsIgnoreCase("Basic")) {
            if (credential.orElse(null) instanceof RegistryCredentials.Basic basic) {
                return basic.header();
            }
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, image + ": " + image.registry()
                    + " needs credentials (basic auth); give them in a Docker config.json or " + RegistryCredentials.VARIABLE);
        }
        if (!scheme.equalsIgnoreCase("Bearer")) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, image + ": " + image.registry()
                    + " asks for unsupported authentication '" + header + "'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher matcher = CHALLENGE_PARAM.matcher(header);
        while (matcher.find()) {
            params.put(matcher.group(1).toLowerCase(Locale.ROOT), matcher.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": bearer challenge without realm: " + header);
        }
        String scope = params.getOrDefault("scope", "repository:" + image.repository() + ":pull");
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (params.containsKey("service")) {
            url.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
        }
        url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        String basic = credential.orElse(null) instanceof RegistryCredentials.Basic b ? b.header() : null;
        HttpResponse<byte[]> response = send(image, URI.create(url.toString()), "application/json", basic);
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, image + ": the token service " + realm + " refused "
                    + (basic != null ? "the credentials for " + image.registry() : "anonymous access; give credentials in a Docker config.json or "
                    + RegistryCredentials.VARIABLE) + errorText(response));
        }
        if (response.statusCode() != 200) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": the token service " + realm + " answered HTTP "
                    + response.statusCode() + errorText(response));
        }
        JsonNode json = parse(image, response.body(), "token response");
        String token = json.path("token").asText(json.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": the token service " + realm + " returned no token");
        }
        long seconds = Math.max(60, json.path("expires_in").asLong(60));
        tokens.put(tokenKey(image), new Token(token, clock.instant().plusSeconds(seconds - 10)));
        return "Bearer " + token;
    }

    private static String tokenKey(ImageReference image) {
        return image.registry() + "/" + image.repository();
    }

    private HttpResponse<byte[]> send(ImageReference image, URI uri, String accept, String authorization) throws RegistryException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", accept).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.body() != null && response.body().length > MAX_BODY) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": " + uri + " returned more than " + MAX_BODY + " bytes");
            }
            return response;
        } catch (HttpConnectTimeoutException e) {
            throw new RegistryException(RegistryException.Kind.NETWORK, image + ": connecting to " + uri.getAuthority() + " timed out after " + timeout.toSeconds() + " s", e);
        } catch (HttpTimeoutException e) {
            throw new RegistryException(RegistryException.Kind.NETWORK, image + ": " + uri.getAuthority() + " did not answer within " + timeout.toSeconds() + " s", e);
        } catch (ConnectException e) {
            throw new RegistryException(RegistryException.Kind.NETWORK, image + ": cannot connect to " + uri.getAuthority() + " (" + connectFailure(e) + ")", e);
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.NETWORK, image + ": request to " + uri.getAuthority() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(RegistryException.Kind.NETWORK, image + ": interrupted", e);
        }
    }

    private String base(String registry) {
        String host = registry.contains(":") && !registry.startsWith("[") ? registry.substring(0, registry.lastIndexOf(':')) : registry;
        boolean plain = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                || plainHttp.contains(registry) || plainHttp.contains(host);
        return (plain ? "http://" : "https://") + registry;
    }

    private static void verify(ImageReference image, byte[] body, String digest, String what) throws RegistryException {
        int colon = digest.indexOf(':');
        String algorithm = digest.substring(0, colon);
        String javaName = switch (algorithm) {
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": unsupported digest algorithm " + algorithm);
        };
        try {
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance(javaName).digest(body));
            if (!actual.equals(digest.substring(colon + 1))) {
                throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": the " + what + " does not match its digest "
                        + digest + " (got " + algorithm + ":" + actual + ")");
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(ImageReference image, byte[] body, String what) throws RegistryException {
        try {
            JsonNode json = Templates.json().readTree(body);
            if (json == null || !json.isObject()) {
                throw new IOException("not a JSON object");
            }
            return json;
        } catch (IOException e) {
            throw new RegistryException(RegistryException.Kind.PROTOCOL, image + ": the " + what + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String mediaType(JsonNode json, String contentType) {
        String type = json.path("mediaType").asText("");
        if (type.isEmpty()) {
            type = contentType;
            int semicolon = type.indexOf(';');
            if (semicolon >= 0) {
                type = type.substring(0, semicolon).trim();
            }
        }
        if (type.isEmpty() && json.has("manifests")) {
            return OCI_INDEX;
        }
        if (type.isEmpty() && json.has("config")) {
            return OCI_MANIFEST;
        }
        return type;
    }

    private static String errorText(HttpResponse<byte[]> response) {
        try {
            JsonNode json = Templates.json().readTree(response.body());
            JsonNode first = json == null ? null : json.path("errors").path(0);
            if (first != null && !first.isMissingNode()) {
                return ": " + first.path("code").asText("") + " " + first.path("message").asText("");
            }
        } catch (IOException | RuntimeException e) {
            // Not a registry error document; the status says enough.
        }
        return "";
    }

    private static List<String> strings(JsonNode list) {
        if (list == null || !list.isArray()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        list.forEach(item -> out.add(item.asText()));
        return out;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.asText().isEmpty() ? null : node.asText();
    }

    /** The JDK's HttpClient often throws a ConnectException without a message; the reason is in a cause. */
    private static String connectFailure(ConnectException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException) {
                return "the host name does not resolve";
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return "connection failed";
    }
}
