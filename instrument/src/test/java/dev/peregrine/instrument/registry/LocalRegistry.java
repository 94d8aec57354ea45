package dev.peregrine.instrument.registry;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Distribution registry (Debian's {@code docker-registry}) on 127.0.0.1, with a config
 * written here and optional htpasswd auth. Images are pushed over the registry API itself:
 * blob uploads, then manifests.
 */
public final class LocalRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final Path dir;

    private LocalRegistry(Process process, int port, Path dir, String authorization) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.authorization = authorization;
    }

    public static void ensureInstalled() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("peregrine.root"), "scripts", "ensure-packages.sh");
        Process install = new ProcessBuilder("bash", script.toString(), "docker-registry", "apache2-utils")
                .inheritIO().start();
        if (install.waitFor() != 0) {
            throw new IllegalStateException("ensure-packages.sh docker-registry apache2-utils failed");
        }
    }

    /** Starts a registry; with a user, it requires that user (htpasswd, bcrypt) for every request. */
    public static LocalRegistry start(Path dir, String user, String password) throws Exception {
        return start(dir, dir.resolve("storage"), user, password, null);
    }

    /**
     * Starts a registry on {@code storage} (two registries may serve one storage), with htpasswd
     * auth for {@code user} or the given {@code auth:} section of the config.
     */
    public static LocalRegistry start(Path dir, Path storage, String user, String password, String authSection) throws Exception {
        int port = freePort();
        Files.createDirectories(dir);
        Files.createDirectories(storage);
        StringBuilder config = new StringBuilder()
                .append("version: 0.1\n")
                .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
                .append("storage:\n  filesystem:\n    rootdirectory: ").append(storage).append('\n')
                .append("  delete:\n    enabled: true\n")
                .append("http:\n  addr: 127.0.0.1:").append(port).append('\n');
        String authorization = null;
        if (user != null) {
            Process htpasswd = new ProcessBuilder("htpasswd", "-Bbn", user, password).redirectErrorStream(false).start();
            String line = new String(htpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (htpasswd.waitFor() != 0 || !line.startsWith(user + ":")) {
                throw new IllegalStateException("htpasswd failed: " + line);
            }
            Files.writeString(dir.resolve("htpasswd"), line + "\n");
            config.append("auth:\n  htpasswd:\n    realm: peregrine-test\n    path: ").append(dir.resolve("htpasswd")).append('\n');
            authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        if (authSection != null) {
            config.append(authSection);
        }
        Path configFile = dir.resolve("config.yml");
        Files.writeString(configFile, config.toString());
        Process process = new ProcessBuilder("/usr/bin/docker-registry", "serve", configFile.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile())
                .start();
        LocalRegistry registry = new LocalRegistry(process, port, dir, authorization);
        registry.awaitReady();
        return registry;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public String host() {
        return "127.0.0.1:" + port;
    }

    static String digest(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder;
    }

    /** Uploads a blob (POST to start the upload, PUT with the digest to finish it). */
    String pushBlob(String repository, byte[] content) throws Exception {
        String digest = digest(content);
        HttpResponse<String> started = http.send(request("http://" + host() + "/v2/" + repository + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new IllegalStateException("blob upload start: HTTP " + started.statusCode() + " " + started.body());
        }
        URI location = URI.create("http://" + host() + "/").resolve(started.headers().firstValue("Location").orElseThrow());
        String finish = location + (location.getQuery() == null ? "?" : "&") + "digest=" + digest;
        HttpResponse<String> done = http.send(request(finish).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
        if (done.statusCode() != 201) {
            throw new IllegalStateException("blob upload: HTTP " + done.statusCode() + " " + done.body());
        }
        return digest;
    }

    String pushManifest(String repository, String reference, String mediaType, byte[] manifest) throws Exception {
        HttpResponse<String> response = http.send(request("http://" + host() + "/v2/" + repository + "/manifests/" + reference)
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("manifest push: HTTP " + response.statusCode() + " " + response.body());
        }
        return digest(manifest);
    }

    public record Pushed(String digest, byte[] manifest) {
    }

    /** Pushes a one-layer image whose config sets the given entrypoint and command; returns the manifest digest. */
    public Pushed pushImage(String repository, String reference, String architecture, List<String> entrypoint, List<String> cmd)
            throws Exception {
        byte[] layer = ("layer of " + repository + " " + architecture + " " + cmd).getBytes(StandardCharsets.UTF_8);
        String layerDigest = pushBlob(repository, layer);
        String config = "{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"config\":{"
                + (entrypoint == null ? "" : "\"Entrypoint\":" + json(entrypoint) + ",")
                + "\"Cmd\":" + (cmd == null ? "null" : json(cmd)) + ",\"WorkingDir\":\"/srv\",\"User\":\"app\"},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layerDigest + "\"]}}";
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        String configDigest = pushBlob(repository, configBytes);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + configBytes.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layerDigest
                + "\",\"size\":" + layer.length + "}]}";
        byte[] bytes = manifest.getBytes(StandardCharsets.UTF_8);
        String digest = pushManifest(repository, reference == null ? digest(bytes) : reference, RegistryClient.OCI_MANIFEST, bytes);
        return new Pushed(digest, bytes);
    }

    /**
     * Pushes an image made of the given layer blobs (gzip-compressed tars, base first) and an
     * image config whose {@code config} object is {@code configJson}; returns the manifest.
     */
    public Pushed pushLayeredImage(String repository, String tag, List<byte[]> layers, String configJson) throws Exception {
        StringBuilder layerDescriptors = new StringBuilder();
        StringBuilder diffIds = new StringBuilder();
        for (byte[] layer : layers) {
            String layerDigest = pushBlob(repository, layer);
            if (!layerDescriptors.isEmpty()) {
                layerDescriptors.append(',');
                diffIds.append(',');
            }
            layerDescriptors.append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"").append(layerDigest)
                    .append("\",\"size\":").append(layer.length).append('}');
            diffIds.append('"').append(digest(gunzip(layer))).append('"');
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":" + configJson
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}").getBytes(StandardCharsets.UTF_8);
        String configDigest = pushBlob(repository, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},\"layers\":[" + layerDescriptors + "]}").getBytes(StandardCharsets.UTF_8);
        return new Pushed(pushManifest(repository, tag, RegistryClient.OCI_MANIFEST, manifest), manifest);
    }

    private static byte[] gunzip(byte[] gzip) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }

    public record Entry(String architecture, String variant, Pushed pushed) {
    }

    /** Pushes an OCI index of already pushed manifests. */
    public String pushIndex(String repository, String tag, List<Entry> entries) throws Exception {
        StringBuilder manifests = new StringBuilder();
        for (Entry entry : entries) {
            Pushed pushed = entry.pushed();
            if (!manifests.isEmpty()) {
                manifests.append(',');
            }
            manifests.append("{\"mediaType\":\"").append(RegistryClient.OCI_MANIFEST).append("\",\"digest\":\"").append(pushed.digest())
                    .append("\",\"size\":").append(pushed.manifest().length).append(",\"platform\":{\"architecture\":\"")
                    .append(entry.architecture()).append("\",\"os\":\"linux\"").append(entry.variant() == null ? "" : ",\"variant\":\"" + entry.variant() + "\"")
                    .append("}}");
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_INDEX + "\",\"manifests\":[" + manifests + "]}")
                .getBytes(StandardCharsets.UTF_8);
        return pushManifest(repository, tag, RegistryClient.OCI_INDEX, index);
    }

    private static String json(List<String> list) {
        StringBuilder out = new StringBuilder("[");
        for (String item : list) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append('"').append(item.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return out.append(']').toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
