package dev.peregrine.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Terraform modules under deploy/terraform, without Terraform: every file is parsed by
 * HashiCorp's HCL2 parser (@cdktf/hcl2json), then checked here: each variable, local, resource
 * and data source referenced is declared, each variable declared is used, each resource type
 * is one this table knows, with the arguments the AWS provider requires; and the modules hold
 * to the deployment contract. Not checked: argument names beyond the required ones, value
 * types, and what jsonencode(...) produces (that needs Terraform and the provider schema).
 */
class TerraformModulesTest {
    private static final Path DIR = NodeTools.DEPLOY.resolve("terraform");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VAR = Pattern.compile("\\bvar\\.(\\w+)");
    private static final Pattern LOCAL = Pattern.compile("\\blocal\\.(\\w+)");
    private static final Pattern DATA = Pattern.compile("\\bdata\\.(\\w+)\\.(\\w+)");
    private static final Pattern RESOURCE = Pattern.compile("(?<![.\\w])(aws_\\w+)\\.(\\w+)");

    /** Required arguments of the resource types the modules use (Terraform AWS provider 5.x documentation). */
    private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("aws_ecs_cluster", List.of("name")),
            Map.entry("aws_ecs_task_definition", List.of("family", "container_definitions")),
            Map.entry("aws_ecs_service", List.of("name")),
            Map.entry("aws_cloudwatch_log_group", List.of()),
            Map.entry("aws_iam_role", List.of("assume_role_policy")),
            Map.entry("aws_iam_role_policy", List.of("policy", "role")),
            Map.entry("aws_iam_role_policy_attachment", List.of("role", "policy_arn")),
            Map.entry("aws_security_group", List.of()),
            Map.entry("aws_lb", List.of()),
            Map.entry("aws_lb_target_group", List.of("port", "protocol", "vpc_id")),
            Map.entry("aws_lb_listener", List.of("load_balancer_arn", "default_action")),
            Map.entry("aws_lambda_function", List.of("function_name", "role")),
            Map.entry("aws_cloudformation_stack", List.of("name")));
    private static final Set<String> DATA_SOURCES = Set.of("aws_region", "aws_subnet", "aws_iam_policy_document");

    @BeforeAll
    static void install() throws Exception {
        NodeTools.install();
    }

    /** The module's files parsed by the HCL2 parser, merged by block kind. */
    static Map<String, JsonNode> parse(Path module) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "hcl2json.js"));
        try (Stream<Path> files = Files.list(module)) {
            files.filter(f -> f.toString().endsWith(".tf")).sorted().forEach(f -> command.add(f.toString()));
        }
        NodeTools.Result result = NodeTools.run(command, 120);
        if (result.status() != 0) {
            throw new AssertionError("HCL parse error: " + result.stderr());
        }
        Map<String, JsonNode> files = new java.util.LinkedHashMap<>();
        JSON.readTree(result.stdout()).properties().forEach(e -> files.put(e.getKey(), e.getValue()));
        return files;
    }

    static List<String> problems(Path module) throws Exception {
        Map<String, JsonNode> files = parse(module);
        Set<String> variables = new TreeSet<>();
        Set<String> locals = new TreeSet<>();
        Set<String> resources = new TreeSet<>();
        Set<String> data = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode file : files.values()) {
            file.path("variable").fieldNames().forEachRemaining(variables::add);
            for (JsonNode block : file.path("locals")) {
                block.fieldNames().forEachRemaining(locals::add);
            }
            file.path("resource").properties().forEach(type -> type.getValue().properties().forEach(named -> {
                resources.add(type.getKey() + "." + named.getKey());
                List<String> required = REQUIRED.get(type.getKey());
                if (required == null) {
                    problems.add("resource " + type.getKey() + "." + named.getKey() + ": type not in the checked table");
                    return;
                }
                for (String argument : required) {
                    if (!named.getValue().path(0).has(argument)) {
                        problems.add("resource " + type.getKey() + "." + named.getKey() + ": required argument " + argument + " is missing");
                    }
                }
            }));
            file.path("data").properties().forEach(type -> type.getValue().fieldNames().forEachRemaining(name -> {
                data.add(type.getKey() + "." + name);
                if (!DATA_SOURCES.contains(type.getKey())) {
                    problems.add("data " + type.getKey() + "." + name + ": type not in the checked table");
                }
            }));
        }
        Set<String> usedVariables = new TreeSet<>();
        for (Map.Entry<String, JsonNode> file : files.entrySet()) {
            List<String> strings = new ArrayList<>();
            collect(file.getValue(), strings);
            for (String text : strings) {
                find(VAR, text, m -> {
                    usedVariables.add(m.group(1));
                    if (!variables.contains(m.group(1))) {
                        problems.add(file.getKey() + ": var." + m.group(1) + " is not declared");
                    }
                });
                find(LOCAL, text, m -> {
                    if (!locals.contains(m.group(1))) {
                        problems.add(file.getKey() + ": local." + m.group(1) + " is not declared");
                    }
                });
                find(DATA, text, m -> {
                    if (!data.contains(m.group(1) + "." + m.group(2))) {
                        problems.add(file.getKey() + ": data." + m.group(1) + "." + m.group(2) + " is not declared");
                    }
                });
                find(RESOURCE, text, m -> {
                    if (!resources.contains(m.group(1) + "." + m.group(2))) {
                        problems.add(file.getKey() + ": " + m.group(1) + "." + m.group(2) + " is not declared");
                    }
                });
            }
        }
        for (String variable : variables) {
            if (!usedVariables.contains(variable)) {
                problems.add("variable " + variable + " is declared but never used");
            }
        }
        return problems;
    }

    private static void find(Pattern pattern, String text, java.util.function.Consumer<Matcher> each) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            each.accept(m);
        }
    }

    private static void collect(JsonNode node, List<String> strings) {
        if (node.isTextual() && node.asText().contains("${")) {
            strings.add(node.asText());
        }
        node.forEach(child -> collect(child, strings));
    }

    private static JsonNode resource(Map<String, JsonNode> files, String type, String name) {
        for (JsonNode file : files.values()) {
            JsonNode r = file.path("resource").path(type).path(name).path(0);
            if (!r.isMissingNode()) {
                return r;
            }
        }
        throw new AssertionError("no resource " + type + "." + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"orchestrator", "macro"})
    void moduleParsesAndEveryReferenceIsDeclared(String module) throws Exception {
        assertEquals(List.of(), problems(DIR.resolve(module)));
    }

    @Test
    void checksFindWhatIsWrong(@TempDir Path dir) throws Exception {
        Path module = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(module.resolve("main.tf"), """
                variable "unused" {
                  type = string
                }

                resource "aws_lb_listener" "l" {
                  load_balancer_arn = aws_lb.missing.arn
                  port              = var.undeclared
                }

                resource "aws_fancy_thing" "x" {
                  name = local.nothing
                }
                """);
        assertEquals(List.of(
                "resource aws_fancy_thing.x: type not in the checked table",
                "resource aws_lb_listener.l: required argument default_action is missing",
                module.resolve("main.tf") + ": local.nothing is not declared",
                module.resolve("main.tf") + ": aws_lb.missing is not declared",
                module.resolve("main.tf") + ": var.undeclared is not declared",
                "variable unused is declared but never used"), problems(module));
        Files.writeString(module.resolve("main.tf"), "resource \"aws_lb\" \"l\" {\n  internal = true\n");
        AssertionError syntax = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> problems(module));
        assertTrue(syntax.getMessage().contains("main.tf:"), syntax.getMessage());
    }

    @Test
    void orchestratorModuleMeetsTheDeploymentContract() throws Exception {
        Map<String, JsonNode> files = parse(DIR.resolve("orchestrator"));
        JsonNode service = resource(files, "aws_ecs_service", "orchestrator");
        assertEquals("FARGATE", service.path("launch_type").asText());
        assertEquals("${var.desired_count}", service.path("desired_count").asText());
        assertEquals("${var.subnet_ids}", service.at("/network_configuration/0/subnets").asText());
        assertEquals("${length(local.zones) >= 2}", service.at("/lifecycle/0/precondition/0/condition").asText());
        JsonNode variables = files.get(DIR.resolve("orchestrator/variables.tf").toString()).path("variable");
        assertEquals("${var.desired_count >= 2}", variables.at("/desired_count/0/validation/0/condition").asText());
        assertEquals("${length(var.subnet_ids) >= 2}", variables.at("/subnet_ids/0/validation/0/condition").asText());
        JsonNode lb = resource(files, "aws_lb", "orchestrator");
        assertEquals("network", lb.path("load_balancer_type").asText());
        assertTrue(lb.path("internal").asBoolean());
        assertEquals("${var.subnet_ids}", lb.path("subnets").asText());
        assertEquals(6667, resource(files, "aws_lb_listener", "orchestrator").path("port").asInt());
        assertEquals(6667, resource(files, "aws_security_group", "orchestrator").at("/ingress/0/from_port").asInt());
        String containers = resource(files, "aws_ecs_task_definition", "orchestrator").path("container_definitions").asText();
        assertTrue(containers.contains("secrets     = [{ name = \"PEREGRINE_ACCESS_KEY\", valueFrom = var.access_key_secret_arn }]"), containers);
        assertTrue(containers.contains("awslogs-group         = aws_cloudwatch_log_group.orchestrator.name"), containers);
        JsonNode locals = files.get(DIR.resolve("orchestrator/main.tf").toString()).path("locals").path(0);
        assertEquals("${var.image_registry}/peregrine-orchestrator:${var.image_tag}", locals.path("image").asText());
    }

    @Test
    void macroModuleRegistersTheLambdaHandler() throws Exception {
        Map<String, JsonNode> files = parse(DIR.resolve("macro"));
        JsonNode function = resource(files, "aws_lambda_function", "macro");
        assertEquals("Image", function.path("package_type").asText());
        assertEquals("${local.function_image}", function.path("image_uri").asText());
        assertEquals("[\"dev.peregrine.instrument.macro.LambdaHandler::handleRequest\"]", function.at("/image_config/0/command").toString());
        assertEquals("${local.agent_image}", function.at("/environment/0/variables/PEREGRINE_MACRO_AGENT_IMAGE").asText());
        String stack = resource(files, "aws_cloudformation_stack", "macro").path("template_body").asText();
        assertTrue(stack.contains("Type = \"AWS::CloudFormation::Macro\"") && stack.contains("FunctionName = aws_lambda_function.macro.arn"), stack);
        JsonNode locals = files.get(DIR.resolve("macro/main.tf").toString()).path("locals").path(0);
        assertEquals("${var.image_registry}/peregrine-agent:${var.image_tag}", locals.path("agent_image").asText());
        assertEquals("${var.image_registry}/peregrine-macro:${var.image_tag}", locals.path("function_image").asText());
    }
}
