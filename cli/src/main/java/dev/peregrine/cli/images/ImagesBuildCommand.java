package dev.peregrine.cli.images;

import dev.peregrine.instrument.registry.RegistryCredentials;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine images build}: the images as OCI tarballs under {@code --output}, and with
 * {@code --push} also in a registry.
 */
@Command(
        name = "build",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Builds the images peregrine-agent (the agent bundle at /opt/peregrine, for the ECS sidecar), "
                        + "peregrine-orchestrator, peregrine-backend and peregrine-macro (the instrumentation macro for AWS Lambda) FROM scratch with Jib: no Docker daemon "
                        + "and no base image are needed.",
                "",
                "Each image is written as an OCI image tarball OUTPUT/NAME.tar (load it with "
                        + "'skopeo copy oci-archive:...' or 'podman load'); with --push it is also pushed to REGISTRY/NAME:TAG.",
                "The orchestrator, backend and macro images hold a jlink'd Java runtime and the C libraries it loads, "
                        + "taken from this machine: the images are for this machine's architecture.",
        },
        footerHeading = "%nEnvironment:%n",
        footer = {
                "  PEREGRINE_AGENT_BUNDLE    default of --agent-bundle",
                "  PEREGRINE_REGISTRY_AUTH   push credentials, HOST=USER:PASSWORD (entries separated by ';'), "
                        + "or a Docker config.json (also read from ~/.docker/config.json)",
        })
public final class ImagesBuildCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--image", paramLabel = "NAME", description = "build only these images (repeatable; default: all)")
    List<String> images = new ArrayList<>();

    @Option(names = "--output", paramLabel = "DIR", description = "where the tarballs go (default: ${DEFAULT-VALUE})",
            defaultValue = "target/images")
    Path output;

    @Option(names = "--tag", paramLabel = "TAG", description = "image tag (default: the distribution's version)")
    String tag;

    @Option(names = "--push", paramLabel = "REGISTRY", description = "also push to REGISTRY/NAME:TAG, e.g. "
            + "123456789012.dkr.ecr.eu-west-1.amazonaws.com/peregrine or 127.0.0.1:5000/peregrine")
    String push;

    @Option(names = "--insecure", description = "allow a registry over plain HTTP or with an unverified certificate")
    boolean insecure;

    @Option(names = "--dist", paramLabel = "DIR", description = "the distribution: peregrine.jar and lib/ "
            + "(default: the one running this command)")
    Path distribution;

    @Option(names = "--agent-bundle", paramLabel = "DIR", description = "the agent bundle, the directory that becomes "
            + "/opt/peregrine (default: $PEREGRINE_AGENT_BUNDLE, else bundle/target/bundle/opt/peregrine of the source tree)")
    Path agentBundle;

    @Option(names = "--runtime", paramLabel = "DIR", description = "a Java runtime image made by jlink to use "
            + "instead of making one (it must hold the modules listed in deploy/README.md)")
    Path runtime;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Set<String> selected = new LinkedHashSet<>(images.isEmpty() ? PeregrineImages.NAMES : images);
        for (String name : selected) {
            if (!PeregrineImages.NAMES.contains(name)) {
                throw new ParameterException(spec.commandLine(), "--image: unknown image '" + name + "'; known: "
                        + String.join(", ", PeregrineImages.NAMES));
            }
        }
        String version = Optional.ofNullable(ImagesBuildCommand.class.getPackage().getImplementationVersion()).orElse("dev");
        String imageTag = tag != null ? tag : version;
        Path dist = distribution != null ? distribution : runningDistribution();
        Path bundle = agentBundle != null ? agentBundle : defaultBundle(dist);
        if (selected.contains(PeregrineImages.AGENT) && bundle == null) {
            throw new ParameterException(spec.commandLine(), "peregrine-agent needs the agent bundle: give --agent-bundle DIR "
                    + "(build it with ./mvnw -pl bundle -am package -DskipTests), or leave the agent image out with "
                    + "--image peregrine-orchestrator --image peregrine-backend --image peregrine-macro");
        }
        Files.createDirectories(output);
        Path staging = output.resolve("staging");
        Path javaRuntime = runtime;
        Set<Path> libraries = Set.of();
        boolean needsJava = selected.stream().anyMatch(name -> !name.equals(PeregrineImages.AGENT));
        if (needsJava) {
            if (javaRuntime == null) {
                javaRuntime = staging.resolve("java-runtime");
                if (!Files.isExecutable(javaRuntime.resolve("bin/java"))) {
                    deleteTree(javaRuntime);
                    Files.createDirectories(staging);
                    err.println("peregrine: linking a Java runtime (" + JavaRuntime.MODULES.size() + " modules) into " + javaRuntime);
                    err.flush();
                    JavaRuntime.link(javaRuntime);
                }
            }
            libraries = JavaRuntime.nativeLibraries(javaRuntime);
        }
        PeregrineImages.Inputs inputs = new PeregrineImages.Inputs(dist, javaRuntime, libraries, bundle, staging);
        ImageBuilder builder = new ImageBuilder(output.resolve("jib-cache"), version);
        RegistryCredentials credentials = push == null ? RegistryCredentials.none()
                : RegistryCredentials.fromEnvironment(System.getenv(), null);
        for (String name : selected) {
            ImageRecipe recipe = PeregrineImages.recipe(name, inputs);
            Path tarball = output.resolve(name + ".tar");
            String digest = builder.toTarball(recipe, name + ":" + imageTag, tarball);
            out.println(name + ":" + imageTag + " " + digest + " " + tarball);
            if (push != null) {
                String reference = push.replaceAll("/+$", "") + "/" + name + ":" + imageTag;
                String host = reference.substring(0, reference.indexOf('/'));
                String user = null;
                String password = null;
                Optional<RegistryCredentials.Credential> credential = credentials.forRegistry(host);
                if (credential.isPresent() && credential.get() instanceof RegistryCredentials.Basic basic) {
                    user = basic.username();
                    password = basic.password();
                }
                String pushed = builder.push(recipe, reference, user, password, insecure);
                out.println(reference + " " + pushed + " pushed");
            }
            out.flush();
        }
        return 0;
    }

    /** The directory of the peregrine.jar this command runs from. */
    private Path runningDistribution() throws URISyntaxException {
        Path jar = Path.of(ImagesBuildCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(jar)) {
            throw new ParameterException(spec.commandLine(), "not running from a distribution jar (" + jar + "); give --dist DIR");
        }
        return jar.getParent();
    }

    private static Path defaultBundle(Path dist) {
        String variable = System.getenv("PEREGRINE_AGENT_BUNDLE");
        if (variable != null && !variable.isBlank()) {
            return Path.of(variable);
        }
        Path inTree = dist.toAbsolutePath().normalize().resolve("../../bundle/target/bundle/opt/peregrine").normalize();
        return Files.isDirectory(inTree) ? inTree : null;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
