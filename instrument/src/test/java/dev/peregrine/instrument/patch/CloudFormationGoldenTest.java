package dev.peregrine.instrument.patch;

import dev.peregrine.instrument.template.Document;
import dev.peregrine.instrument.template.Templates;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

class CloudFormationGoldenTest {
    static Stream<GoldenCase> cases() throws IOException {
        return GoldenCase.all("cloudformation");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void patchesAsExpected(GoldenCase golden) throws Exception {
        Path input = golden.input("template");
        String extension = input.toString().endsWith(".yaml") ? ".yaml" : ".json";
        Document document = Templates.read(golden.read(input), input.getFileName().toString());
        CloudFormationPatcher patcher = new CloudFormationPatcher(golden.recipe(), GoldenCase.images());
        boolean expectError = Files.exists(golden.dir().resolve("expected-error.txt"))
                || (GoldenCase.UPDATE && golden.options().containsKey("error"));
        try {
            PatchReport report = patcher.patch(document, golden.parameters());
            if (expectError) {
                fail("expected an error, but the template was patched: " + report.lines());
            }
            String output = Templates.write(document);
            golden.check("expected" + extension, output);

            // Idempotent: patching the output again changes nothing.
            Document again = Templates.read(output, "expected" + extension);
            new CloudFormationPatcher(golden.recipe(), GoldenCase.images()).patch(again, golden.parameters());
            assertEquals(output, Templates.write(again), "patching twice must change nothing");
        } catch (PatchException e) {
            if (!expectError) {
                fail("unexpected problems:\n" + e.getMessage());
            }
            assertFalse(e.problems().isEmpty());
            golden.check("expected-error.txt", e.getMessage() + "\n");
        }
    }
}
