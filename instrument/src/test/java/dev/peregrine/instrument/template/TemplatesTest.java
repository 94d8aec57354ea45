package dev.peregrine.instrument.template;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemplatesTest {
    static String resource(String name) throws IOException {
        try (InputStream in = TemplatesTest.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void yamlShortTagsComeBackExactly() throws IOException {
        String text = resource("template/short-tags.yaml");
        Document document = Templates.read(text, "short-tags.yaml");
        assertEquals(TemplateFormat.YAML, document.format());
        assertEquals(text, Templates.write(document));
    }

    @Test
    void shortTagsReadAsTheirLongForm() throws IOException {
        Document document = Templates.read(resource("template/short-tags.yaml"), "short-tags.yaml");
        JsonNode properties = document.root().at("/Resources/Task/Properties");
        assertEquals("{\"Fn::GetAtt\":[\"Role\",\"Arn\"]}", Templates.toCompactJson(properties.get("ExecutionRoleArn")));
        assertEquals(properties.get("ExecutionRoleArn"), properties.get("TaskRoleArn"));
        assertEquals("{\"Fn::Sub\":\"${AWS::StackName}-task\"}", Templates.toCompactJson(properties.get("Family")));
        assertEquals("{\"Condition\":\"IsProd\"}", Templates.toCompactJson(document.root().at("/Conditions/NotProd/Fn::Not/0")));
        assertEquals(256, properties.get("Cpu").intValue());
        assertTrue(properties.get("Memory").isTextual());
        assertInstanceOf(ShortFormNode.class, properties.at("/ContainerDefinitions/0/Image"));
    }

    @Test
    void yamlToJsonWritesLongForms() throws IOException {
        Document document = Templates.read(resource("template/short-tags.yaml"), "short-tags.yaml");
        String json = Templates.write(document, TemplateFormat.JSON);
        Document again = Templates.read(json, "again.json");
        assertEquals(TemplateFormat.JSON, again.format());
        assertEquals(document.root(), again.root());
        assertTrue(json.contains("\"Fn::GetAtt\": ["), json);
    }

    @Test
    void unchangedYamlComesBackByteForByte() throws IOException {
        String text = resource("template/comments.yaml");
        assertEquals(text, Templates.write(Templates.read(text, "comments.yaml")));
    }

    @Test
    void lineBreaksDocumentStartAndFinalNewlineAreKept() {
        String yaml = "---\r\nResources:\r\n  A:\r\n    Type: X  # t\r\nOutputs:\r\n  B:\r\n    Value: !Ref A";
        Document document = Templates.read(yaml, "crlf.yaml");
        assertEquals(yaml, Templates.write(document));
        ((com.fasterxml.jackson.databind.node.ObjectNode) document.root().at("/Resources/A")).put("Condition", "C");
        assertEquals("---\r\nResources:\r\n  A:\r\n    Type: X # t\r\n    Condition: C\r\nOutputs:\r\n  B:\r\n    Value: !Ref A",
                Templates.write(document));
    }

    @Test
    void commentsSurviveAChangeInTheirSection() throws IOException {
        String text = resource("template/comments.yaml");
        Document document = Templates.read(text, "comments.yaml");
        ((com.fasterxml.jackson.databind.node.ObjectNode) document.root().at("/Resources/Task/Properties/ContainerDefinitions/0"))
                .put("Essential", true);
        String written = Templates.write(document);
        for (String line : text.lines().filter(l -> l.contains("#")).toList()) {
            String comment = line.substring(line.indexOf('#') + 1).strip();
            assertTrue(written.contains("# " + comment) || written.contains("#" + comment), "lost " + comment + " in:\n" + written);
        }
        assertEquals(document.root(), Templates.read(written, "again.yaml").root());
        assertTrue(written.startsWith("# Service stack\nAWSTemplateFormatVersion: '2010-09-09'\n\nParameters:\n  # the tag to deploy\n"
                + "  Tag:\n    Type: String  # semver\n"), written);
        assertTrue(written.contains("          Essential: true\n"), written);
        assertTrue(written.endsWith("# trailing\n"), written);
    }

    @Test
    void jsonToYamlQuotesStringsThatOlderYamlReadsAsOtherTypes() {
        Document document = Templates.read("{\"A\": [\"yes\", \"No\", \"on\", \"0755\", \"1_000\", \"12:30\", \"80\", \"1e3\", \"plain\", \"\"]}", "t.json");
        String yaml = Templates.write(document, TemplateFormat.YAML);
        assertEquals("A:\n  - 'yes'\n  - 'No'\n  - 'on'\n  - '0755'\n  - '1_000'\n  - '12:30'\n  - '80'\n  - '1e3'\n  - plain\n  - ''\n", yaml);
        assertEquals(document.root(), Templates.read(yaml, "t.yaml").root());
    }

    @Test
    void authorsLayoutOfScalarsAndFlowListsIsKept() {
        String yaml = """
                Parameters:
                  Role:
                    Description: An IAM role to give the service's containers if the code within needs to
                                 access other AWS resources

                    Type: String
                Conditions:
                  HasCustomRole: !Not [ !Equals [!Ref 'Role', ''] ]
                  Odd: {  Fn::Equals: [ "a",   "b" ] }
                """;
        assertEquals(yaml, Templates.write(Templates.read(yaml, "layout.yaml")));
    }

    @Test
    void authorsTextIsDroppedWhereItWouldChangeTheMeaning() {
        Document document = Templates.read("A:\n  - a, b\nB: [x]\n", "move.yaml");
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) document.root();
        // 'a, b' is a plain scalar in a block list; in a flow list it would be two items.
        ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("B")).add(root.get("A").get(0));
        String written = Templates.write(document);
        assertEquals(document.root(), Templates.read(written, "again.yaml").root(), written);
    }

    @Test
    void keyOrderIsKept() {
        String json = "{\n  \"Zeta\": 1,\n  \"Alpha\": {\n    \"b\": true,\n    \"a\": null\n  },\n  \"Mid\": [\n    \"x\",\n    2.50\n  ]\n}\n";
        assertEquals(json, Templates.write(Templates.read(json, "t.json")));
    }

    @Test
    void unknownTagIsAnErrorWithTheLine() {
        var error = assertThrows(TemplateException.class,
                () -> Templates.read("A:\n  B: !Reff X\n", "bad.yaml"));
        assertTrue(error.getMessage().startsWith("bad.yaml:2:6: unknown tag !Reff"), error.getMessage());
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThrows(TemplateException.class, () -> Templates.read("A: 1\nA: 2\n", "dup.yaml"));
        var error = assertThrows(TemplateException.class, () -> Templates.read("{\"A\": 1, \"A\": 2}", "dup.json"));
        assertTrue(error.getMessage().startsWith("dup.json:1:"), error.getMessage());
    }
}
