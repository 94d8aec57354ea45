package dev.peregrine.cli.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.cli.PeregrineCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What the image recipes refuse, and the messages that say so. */
class PeregrineImagesTest {
    @TempDir
    Path dir;

    private PeregrineImages.Inputs inputs(Path bundle) {
        return new PeregrineImages.Inputs(dir.resolve("dist"), dir.resolve("runtime"), Set.of(), bundle, dir.resolve("staging"));
    }

    @Test
    void agentImageNeedsARealBundle() throws Exception {
        IOException none = assertThrows(IOException.class, () -> PeregrineImages.recipe(PeregrineImages.AGENT, inputs(null)));
        assertEquals("the agent image needs the agent bundle directory (--agent-bundle DIR)", none.getMessage());
        Path bundle = Files.createDirectories(dir.resolve("opt/peregrine/bin"));
        Files.writeString(bundle.resolve("sidecar"), "");
        IOException notExecutable = assertThrows(IOException.class,
                () -> PeregrineImages.recipe(PeregrineImages.AGENT, inputs(bundle.getParent())));
        assertEquals(bundle.getParent() + " is not an agent bundle: " + bundle.resolve("sidecar") + " is missing or not executable",
                notExecutable.getMessage());
    }

    @Test
    void serviceImagesNeedADistribution() {
        IOException e = assertThrows(IOException.class, () -> PeregrineImages.recipe(PeregrineImages.BACKEND, inputs(null)));
        assertTrue(e.getMessage().startsWith(dir.resolve("dist") + " is not a Peregrine distribution: expected peregrine.jar and lib/"),
                e.getMessage());
    }

    @Test
    void layersKeepPermissionBitsAndOwners() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree/bin"));
        Path tool = Files.writeString(tree.resolve("tool"), "x");
        Files.setPosixFilePermissions(tool, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        ImageRecipe recipe = new ImageRecipe("t", List.of(new ImageRecipe.Layer("l",
                List.of(new ImageRecipe.Tree(dir.resolve("tree"), "/opt/t", "65532:65532")))),
                List.of("/opt/t/bin/tool"), List.of(), java.util.Map.of(), List.of(), List.of(), "/", "0");
        var plan = ImageBuilder.plan(recipe).toContainerBuildPlan();
        var layer = (com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer) plan.getLayers().get(0);
        var entry = layer.getEntries().stream().filter(f -> f.getExtractionPath().toString().equals("/opt/t/bin/tool")).findFirst().orElseThrow();
        assertEquals("750", entry.getPermissions().toOctalString());
        assertEquals("65532:65532", entry.getOwnership());
        assertEquals(List.of("/opt/t", "/opt/t/bin", "/opt/t/bin/tool"),
                layer.getEntries().stream().map(f -> f.getExtractionPath().toString()).toList());
    }

    @Test
    void unknownImageNameIsRefusedWithTheKnownOnes() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new PeregrineCommand()).setErr(new PrintWriter(err));
        int status = cli.execute("images", "build", "--image", "peregrine-ui", "--output", dir.toString());
        assertEquals(2, status);
        assertTrue(err.toString().contains("--image: unknown image 'peregrine-ui'; known: peregrine-agent, peregrine-orchestrator, "
                + "peregrine-backend, peregrine-macro"), err.toString());
    }
}
