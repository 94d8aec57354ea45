package dev.peregrine.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.instrument.template.Templates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CloudFormation stacks under deploy/cloudformation: checked against the CloudFormation
 * resource specification, linted with cfn-lint, and held to the deployment contract (issue 9).
 */
class CloudFormationTemplatesTest {
    private static final Path DIR = NodeTools.DEPLOY.resolve("cloudformation");
    private static final Pattern NOT_A_PROPERTY = Pattern.compile("^(\\w+) is not a valid property of (\\S+)$");
    private static final Pattern MISSING_REQUIRED = Pattern.compile("^Required property (\\w+) missing for type (\\S+)$");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

    static CloudFormationSpec spec;

    @BeforeAll
    static void install() throws Exception {
        NodeTools.install();
        spec = CloudFormationSpec.load(NodeTools.cfnSpecification());
    }

    static Stream<Path> templates() throws Exception {
        try (Stream<Path> files = Files.list(DIR)) {
            List<Path> list = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertEquals(2, list.size(), "orchestrator.yaml and macro.yaml");
            return list.stream();
        }
    }

    static JsonNode read(Path file) throws Exception {
        return Templates.read(Files.readString(file), file.toString()).root();
    }

    @ParameterizedTest
    @MethodSource("templates")
    void matchesTheResourceSpecification(Path template) throws Exception {
        assertEquals(List.of(), spec.check(read(template)));
    }

    @ParameterizedTest
    @MethodSource("templates")
    void passesCfnLint(Path template) throws Exception {
        assertEquals(List.of(), unexcused(cfnLint(template)), template.toString());
    }

    @Test
    void specificationCheckFindsWhatIsWrong() throws Exception {
        ObjectNode broken = (ObjectNode) read(DIR.resolve("orchestrator.yaml"));
        ObjectNode resources = (ObjectNode) broken.path("Resources");
        ((ObjectNode) resources.path("LogGroup").path("Properties")).put("RetentionDays", 30);
        ((ObjectNode) resources.path("Listener").path("Properties")).remove("DefaultActions");
        ((ObjectNode) resources.path("TargetGroup").path("Properties")).put("Port", "sixty");
        ((ObjectNode) resources.path("Service").path("Properties")).putObject("DesiredCount").put("Ref", "NoSuchParameter");
        ((ObjectNode) broken.path("Outputs").path("OrchestratorHost")).putObject("Value").put("Fn::GetAtt", "LoadBalancer.Hostname");
        List<String> problems = spec.check(broken);
        assertEquals(List.of(
                "Resources.LogGroup.Properties.RetentionDays: not a property of AWS::Logs::LogGroup",
                "Resources.TargetGroup.Properties.Port: 'sixty' is not a Integer",
                "Resources.Listener.Properties: required property DefaultActions is missing",
                "Resources.Service.Properties.DesiredCount: Ref to unknown 'NoSuchParameter'",
                "Outputs.OrchestratorHost.Value: LoadBalancer has no attribute 'Hostname' (it has [CanonicalHostedZoneID, DNSName, LoadBalancerFullName, LoadBalancerName, SecurityGroups])"),
                problems);
    }

    @Test
    void cfnLintFindingsAreOnlyExcusedWhereTheSpecificationDisagrees(@TempDir Path dir) throws Exception {
        String text = Files.readString(DIR.resolve("orchestrator.yaml"))
                .replace("      RetentionInDays: !Ref LogRetentionDays\n", "      RetentionInDays: !Ref LogRetentionDays\n      Bogus: 1\n")
                .replace("TaskDefinition: !Ref TaskDefinition", "TaskDefinition: !Ref NoSuchTask");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), text);
        List<String> unexcused = unexcused(cfnLint(broken));
        assertTrue(unexcused.stream().anyMatch(m -> m.contains("Bogus is not a valid property of AWS::Logs::LogGroup")), unexcused.toString());
        assertTrue(unexcused.stream().anyMatch(m -> m.contains("NoSuchTask")), unexcused.toString());
    }

    @Test
    void orchestratorStackMeetsTheDeploymentContract() throws Exception {
        JsonNode t = read(DIR.resolve("orchestrator.yaml"));
        JsonNode r = t.path("Resources");
        JsonNode service = r.path("Service").path("Properties");
        assertEquals("AWS::ECS::Service", r.path("Service").path("Type").asText());
        assertEquals("FARGATE", service.path("LaunchType").asText());
        assertEquals("DesiredCount", service.path("DesiredCount").path("Ref").asText());
        assertTrue(t.at("/Parameters/DesiredCount/MinValue").asInt() >= 2);
        assertTrue(t.at("/Parameters/DesiredCount/Default").asInt() >= 2);
        String twoSubnets = "[{\"Ref\":\"SubnetA\"},{\"Ref\":\"SubnetB\"}]";
        assertEquals(twoSubnets, service.at("/NetworkConfiguration/AwsvpcConfiguration/Subnets").toString());
        assertEquals(twoSubnets, r.at("/LoadBalancer/Properties/Subnets").toString());
        assertEquals("{\"Fn::Not\":[{\"Fn::Equals\":[{\"Fn::ValueOf\":[\"SubnetA\",\"AvailabilityZone\"]},{\"Fn::ValueOf\":[\"SubnetB\",\"AvailabilityZone\"]}]}]}",
                t.at("/Rules/SubnetsInTwoZones/Assertions/0/Assert").toString());
        assertEquals("network", r.at("/LoadBalancer/Properties/Type").asText());
        assertEquals("internal", r.at("/LoadBalancer/Properties/Scheme").asText());
        assertEquals(6667, r.at("/Listener/Properties/Port").asInt());
        assertEquals("TCP", r.at("/Listener/Properties/Protocol").asText());
        assertEquals(6667, service.at("/LoadBalancers/0/ContainerPort").asInt());
        assertEquals("SecurityGroup", service.at("/NetworkConfiguration/AwsvpcConfiguration/SecurityGroups/0/Ref").asText());
        assertEquals(6667, r.at("/SecurityGroup/Properties/SecurityGroupIngress/0/FromPort").asInt());
        JsonNode container = r.at("/TaskDefinition/Properties/ContainerDefinitions/0");
        assertEquals("${ImageRegistry}/peregrine-orchestrator:${ImageTag}", container.at("/Image/Fn::Sub").asText());
        assertEquals("PEREGRINE_ACCESS_KEY", container.at("/Secrets/0/Name").asText());
        assertEquals("AccessKeySecretArn", container.at("/Secrets/0/ValueFrom/Ref").asText());
        assertEquals("AccessKeySecretArn", r.at("/ExecutionRole/Properties/Policies/0/PolicyDocument/Statement/0/Resource/Ref").asText());
        assertEquals("LogGroup", container.at("/LogConfiguration/Options/awslogs-group/Ref").asText());
        assertEquals("AWS::Logs::LogGroup", r.at("/LogGroup/Type").asText());
        assertEquals("[\"FARGATE\"]", r.at("/TaskDefinition/Properties/RequiresCompatibilities").toString());
    }

    @Test
    void macroStackRegistersTheLambdaHandler() throws Exception {
        JsonNode t = read(DIR.resolve("macro.yaml"));
        JsonNode r = t.path("Resources");
        assertEquals("AWS::CloudFormation::Macro", r.at("/Macro/Type").asText());
        assertEquals("[\"Function\",\"Arn\"]", arnOf(r.at("/Macro/Properties/FunctionName")));
        assertEquals("MacroName", r.at("/Macro/Properties/Name/Ref").asText());
        assertEquals("PeregrineInstrument", t.at("/Parameters/MacroName/Default").asText());
        JsonNode function = r.at("/Function/Properties");
        assertEquals("Image", function.path("PackageType").asText());
        assertEquals("${ImageRegistry}/peregrine-macro:${ImageTag}", function.at("/Code/ImageUri/Fn::Sub").asText());
        assertEquals("[\"dev.peregrine.instrument.macro.LambdaHandler::handleRequest\"]", function.at("/ImageConfig/Command").toString());
        assertEquals("${ImageRegistry}/peregrine-agent:${ImageTag}",
                function.at("/Environment/Variables/PEREGRINE_MACRO_AGENT_IMAGE/Fn::Sub").asText());
    }

    private static String arnOf(JsonNode getAtt) {
        JsonNode args = getAtt.path("Fn::GetAtt");
        return args.isArray() ? args.toString() : "[\"" + args.asText().replace(".", "\",\"") + "\"]";
    }

    /** cfn-lint's findings as "Resource: ... / Message: ..." pairs. */
    private static List<String[]> cfnLint(Path template) throws Exception {
        NodeTools.Result result = NodeTools.run(List.of("node", "node_modules/cfn-lint/lib/index.js", "validate", template.toString()), 120);
        String out = ANSI.matcher(result.stdout() + result.stderr()).replaceAll("");
        List<String[]> findings = new ArrayList<>();
        String resource = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("Resource: ")) {
                resource = line.substring("Resource: ".length()).strip();
            } else if (line.startsWith("Message: ")) {
                findings.add(new String[] {resource, line.substring("Message: ".length()).strip()});
            }
        }
        boolean valid = out.contains("Template valid!");
        if (!valid && findings.isEmpty()) {
            throw new IllegalStateException("cfn-lint said neither valid nor what is wrong: " + out);
        }
        return findings;
    }

    /**
     * The findings left once those are excused where cfn-lint's bundled specification (2019)
     * predates today's: a property it does not know that the newer specification has, a property
     * it requires that the newer one does not (Lambda container images need no Handler or
     * Runtime), and Fn::Not in a Rules assertion (a rule function CloudFormation documents).
     */
    private static List<String> unexcused(List<String[]> findings) {
        List<String> left = new ArrayList<>();
        for (String[] finding : findings) {
            String resource = finding[0];
            String message = finding[1];
            Matcher unknown = NOT_A_PROPERTY.matcher(message);
            if (unknown.matches() && propertySpec(unknown.group(2), unknown.group(1)) != null) {
                continue;
            }
            Matcher required = MISSING_REQUIRED.matcher(message);
            if (required.matches()) {
                JsonNode property = propertySpec(required.group(2), required.group(1));
                if (property != null && !property.path("Required").asBoolean(true)) {
                    continue;
                }
            }
            if (message.equals("Intrinsic function Fn::Not is not supported here") && resource != null && resource.startsWith("Rules >")) {
                continue;
            }
            left.add(resource + ": " + message);
        }
        return left;
    }

    private static JsonNode propertySpec(String type, String property) {
        JsonNode owner = type.contains(".") ? spec.propertyType(type) : spec.resourceType(type);
        JsonNode p = owner.path("Properties").path(property);
        return p.isMissingNode() ? null : p;
    }
}
