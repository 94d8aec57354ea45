package dev.peregrine.instrument.patch;

import dev.peregrine.instrument.template.Document;
import dev.peregrine.instrument.template.TemplateFormat;
import dev.peregrine.instrument.template.Templates;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

class TaskDefinitionGoldenTest {
    static Stream<GoldenCase> taskdefs() throws IOException {
        return GoldenCase.all("taskdef");
    }

    static Stream<GoldenCase> terraform() throws IOException {
        return GoldenCase.all("terraform");
    }

    private static boolean expectsError(GoldenCase golden) {
        return Files.exists(golden.dir().resolve("expected-error.txt"))
                || (GoldenCase.UPDATE && golden.options().containsKey("error"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("taskdefs")
    void taskDefinition(GoldenCase golden) throws Exception {
        Document document = Templates.read(golden.read(golden.input("input")), "input.json", TemplateFormat.JSON);
        try {
            PatchReport report = new TaskDefinitionPatcher(golden.recipe(), GoldenCase.images()).patch(document);
            if (expectsError(golden)) {
                fail("expected an error, but it was patched: " + report.lines());
            }
            String output = Templates.write(document);
            golden.check("expected.json", output);
            Document again = Templates.read(output, "expected.json", TemplateFormat.JSON);
            new TaskDefinitionPatcher(golden.recipe(), GoldenCase.images()).patch(again);
            assertEquals(output, Templates.write(again), "patching twice must change nothing");
        } catch (PatchException e) {
            if (!expectsError(golden)) {
                fail("unexpected problems:\n" + e.getMessage());
            }
            golden.check("expected-error.txt", e.getMessage() + "\n");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("terraform")
    void terraformExternal(GoldenCase golden) throws Exception {
        String query = golden.read(golden.input("query"));
        try {
            String result = TerraformExternal.run(query, null, GoldenCase.images());
            if (expectsError(golden)) {
                fail("expected an error, but it was patched: " + result);
            }
            var parsed = Templates.json().readTree(result);
            // Pretty-print the embedded definitions so the golden file can be read and reviewed.
            String definitions = Templates.toJson(Templates.json().readTree(parsed.get("container_definitions").asText()));
            assertEquals(1, parsed.size(), "the result has exactly container_definitions");
            golden.check("expected.json", definitions);
        } catch (PatchException | IllegalArgumentException e) {
            if (!expectsError(golden)) {
                fail("unexpected problems:\n" + e.getMessage());
            }
            golden.check("expected-error.txt", e.getMessage() + "\n");
        }
    }
}
