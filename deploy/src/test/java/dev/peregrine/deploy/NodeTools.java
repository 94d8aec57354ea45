package dev.peregrine.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The npm validators of {@code deploy/validate} (pinned in its package-lock.json), installed
 * with {@code npm ci} on first use.
 */
final class NodeTools {
    static final Path ROOT = Path.of(System.getProperty("peregrine.root", "..")).toAbsolutePath().normalize();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path VALIDATE = DEPLOY.resolve("validate");

    record Result(int status, String stdout, String stderr) {
    }

    private NodeTools() {
    }

    static synchronized void install() throws IOException, InterruptedException {
        Path marker = VALIDATE.resolve("node_modules/.package-lock.json");
        if (Files.exists(marker) && Files.getLastModifiedTime(marker).compareTo(Files.getLastModifiedTime(VALIDATE.resolve("package-lock.json"))) >= 0) {
            return;
        }
        Result ci = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
        if (ci.status() != 0) {
            throw new IllegalStateException("npm ci in " + VALIDATE + " failed: " + ci.stdout() + ci.stderr());
        }
    }

    static Path cfnSpecification() {
        return VALIDATE.resolve("node_modules/@aws-cdk/cfnspec/spec/specification.json");
    }

    static Result run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("deploy-validate", ".out");
        Path err = Files.createTempFile("deploy-validate", ".err");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).directory(VALIDATE.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
