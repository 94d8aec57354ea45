package dev.peregrine.cli.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The table of Peregrine's images. The orchestrator and backend images hold the distribution
 * (peregrine.jar and lib/) on a jlink'd runtime with the C libraries it needs; the agent image
 * holds the agent bundle at {@code /opt/peregrine}, which brings its own runtime. The macro image
 * runs {@code peregrine macro lambda} for AWS Lambda.
 */
public final class PeregrineImages {
    public static final String AGENT = "peregrine-agent";
    public static final String ORCHESTRATOR = "peregrine-orchestrator";
    public static final String BACKEND = "peregrine-backend";
    /** The instrumentation macro as a Lambda container image. */
    public static final String MACRO = "peregrine-macro";
    public static final List<String> NAMES = List.of(AGENT, ORCHESTRATOR, BACKEND, MACRO);

    /** The unprivileged user the services run as (the distroless "nonroot" id). */
    public static final String USER = "65532";
    static final String OWNER = USER + ":" + USER;
    static final String JAVA_HOME = "/opt/java";
    static final String APP = "/opt/peregrine-app";
    static final String DATA = "/var/lib/peregrine";
    static final String BUNDLE = "/opt/peregrine";

    /**
     * @param distribution directory with {@code peregrine.jar} and {@code lib/}
     * @param runtime      jlink'd runtime image
     * @param libraries    C libraries the runtime loads (absolute paths on this machine)
     * @param agentBundle  the {@code /opt/peregrine} bundle, or null when the agent image is not built
     * @param staging      scratch directory for the few files written here (/etc/passwd, ...)
     */
    public record Inputs(Path distribution, Path runtime, Set<Path> libraries, Path agentBundle, Path staging) {
    }

    private PeregrineImages() {
    }

    public static ImageRecipe recipe(String name, Inputs in) throws IOException {
        return switch (name) {
            case AGENT -> agent(in);
            case ORCHESTRATOR -> javaService(in, ORCHESTRATOR, List.of("orchestrator"),
                    Map.of("PEREGRINE_SPOOL_DIR", DATA + "/orchestrator"), List.of(6667, 9090), DATA);
            case BACKEND -> javaService(in, BACKEND, List.of("backend"),
                    Map.of(), List.of(8080), DATA + "/backend");
            // Lambda passes the function's ImageConfig.Command (the handler) as arguments; /tmp is its only writable place.
            case MACRO -> javaService(in, MACRO, List.of("macro", "lambda"), Map.of(), List.of(), "/tmp");
            default -> throw new IllegalArgumentException("unknown image '" + name + "'; known: " + String.join(", ", NAMES));
        };
    }

    private static ImageRecipe agent(Inputs in) throws IOException {
        if (in.agentBundle() == null) {
            throw new IOException("the agent image needs the agent bundle directory (--agent-bundle DIR)");
        }
        Path sidecar = in.agentBundle().resolve("bin/sidecar");
        Path instrument = in.agentBundle().resolve("bin/instrument");
        for (Path required : List.of(sidecar, instrument)) {
            if (!Files.isRegularFile(required) || !Files.isExecutable(required)) {
                throw new IOException(in.agentBundle() + " is not an agent bundle: " + required + " is missing or not executable");
            }
        }
        // The bundle is read by workload containers of any user through VolumesFrom: owned by root, world-readable.
        ImageRecipe.Layer bundle = new ImageRecipe.Layer("agent-bundle", List.of(ImageRecipe.Tree.root(in.agentBundle(), BUNDLE)));
        return new ImageRecipe(AGENT, List.of(bundle), List.of(BUNDLE + "/bin/sidecar"), List.of(),
                Map.of(), List.of(), List.of(BUNDLE), "/", "0");
    }

    private static ImageRecipe javaService(Inputs in, String name, List<String> command, Map<String, String> extraEnv,
                                           List<Integer> ports, String workingDir) throws IOException {
        Path jar = in.distribution().resolve("peregrine.jar");
        Path lib = in.distribution().resolve("lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
            throw new IOException(in.distribution() + " is not a Peregrine distribution: expected peregrine.jar and lib/ "
                    + "(build it with ./mvnw -pl cli -am package -DskipTests)");
        }
        if (!Files.isExecutable(in.runtime().resolve("bin/java"))) {
            throw new IOException(in.runtime() + " is not a Java runtime image: bin/java is missing");
        }
        List<ImageRecipe.Tree> libc = new ArrayList<>();
        for (Path library : in.libraries()) {
            libc.add(ImageRecipe.Tree.root(library.toRealPath(), library.toString()));
        }
        Path base = baseFiles(in.staging());
        List<ImageRecipe.Tree> baseTrees = List.of(
                ImageRecipe.Tree.root(base.resolve("etc"), "/etc"),
                new ImageRecipe.Tree(base.resolve("tmp"), "/tmp", "0:0"),
                new ImageRecipe.Tree(base.resolve("data"), DATA, OWNER));
        List<ImageRecipe.Layer> layers = List.of(
                new ImageRecipe.Layer("base", baseTrees),
                new ImageRecipe.Layer("c-libraries", libc),
                new ImageRecipe.Layer("java-runtime", List.of(ImageRecipe.Tree.root(in.runtime(), JAVA_HOME))),
                new ImageRecipe.Layer("dependencies", List.of(ImageRecipe.Tree.root(lib, APP + "/lib"))),
                new ImageRecipe.Layer("application", List.of(ImageRecipe.Tree.root(jar, APP + "/peregrine.jar"))));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("JAVA_HOME", JAVA_HOME);
        env.put("PATH", JAVA_HOME + "/bin:/usr/bin:/bin");
        env.putAll(extraEnv);
        List<String> entrypoint = new ArrayList<>(List.of(JAVA_HOME + "/bin/java", "-XX:MaxRAMPercentage=75",
                "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED", "-jar", APP + "/peregrine.jar"));
        entrypoint.addAll(command);
        return new ImageRecipe(name, layers, entrypoint, List.of(), env, ports, List.of(), workingDir, USER);
    }

    /** /etc/passwd and /etc/group naming root and the service user, /tmp, and the data directory. */
    private static Path baseFiles(Path staging) throws IOException {
        Path base = staging.resolve("base");
        Files.createDirectories(base.resolve("etc"));
        Files.writeString(base.resolve("etc/passwd"), "root:x:0:0:root:/root:/sbin/nologin\n"
                + "peregrine:x:" + USER + ":" + USER + ":peregrine:" + DATA + ":/sbin/nologin\n");
        Files.writeString(base.resolve("etc/group"), "root:x:0:\nperegrine:x:" + USER + ":\n");
        Path tmp = Files.createDirectories(base.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path data = Files.createDirectories(base.resolve("data"));
        Files.createDirectories(data.resolve("orchestrator"));
        Files.createDirectories(data.resolve("backend"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        return base;
    }
}
