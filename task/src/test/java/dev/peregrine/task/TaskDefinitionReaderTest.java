package dev.peregrine.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskDefinitionReaderTest {
    @Test
    void registerTaskDefinitionJson() throws Exception {
        TaskDefinition task = TaskDefinitionReader.parse("""
                {"family": "web", "pidMode": "task", "volumes": [{"name": "shared"}],
                 "containerDefinitions": [
                   {"name": "app", "image": "r.example/app:1", "entryPoint": ["/app"], "command": ["serve"],
                    "workingDirectory": "/srv", "user": "app:extra", "environment": [{"name": "A", "value": "1"}],
                    "mountPoints": [{"sourceVolume": "shared", "containerPath": "/data", "readOnly": true}],
                    "volumesFrom": [{"sourceContainer": "side", "readOnly": true}],
                    "linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"], "drop": ["NET_RAW"]}},
                    "dependsOn": [{"containerName": "side", "condition": "HEALTHY"}], "stopTimeout": 5},
                   {"name": "side", "image": "r.example/side:1", "essential": false,
                    "healthCheck": {"command": ["CMD-SHELL", "test -f /ready"], "interval": 2, "retries": 4}}]}
                """, "task.json", null);
        assertEquals("web", task.family());
        assertEquals("task", task.pidMode());
        TaskDefinition.Container app = task.containers().getFirst();
        assertEquals(List.of("/app"), app.entryPoint());
        assertEquals(List.of("serve"), app.command());
        assertEquals("app:extra", app.user());
        assertEquals(Map.of("A", "1"), app.environment());
        assertEquals(new TaskDefinition.MountPoint("shared", "/data", true), app.mountPoints().getFirst());
        assertEquals(new TaskDefinition.VolumeFrom("side", true), app.volumesFrom().getFirst());
        assertEquals(List.of("SYS_PTRACE"), app.capAdd());
        assertEquals(Duration.ofSeconds(5), app.stopTimeout());
        assertTrue(app.essential());
        TaskDefinition.Container side = task.containers().get(1);
        assertEquals(Duration.ofSeconds(30), side.stopTimeout());
        assertEquals(new TaskDefinition.HealthCheck(List.of("CMD-SHELL", "test -f /ready"), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 4, Duration.ZERO), side.healthCheck());
        assertNull(side.entryPoint());
    }

    @Test
    void cloudFormationTemplateResolvesParameterDefaults() throws Exception {
        TaskDefinition task = TaskDefinitionReader.parse("""
                Parameters:
                  Tag: {Type: String, Default: "1.4"}
                Resources:
                  Web:
                    Type: AWS::ECS::TaskDefinition
                    Properties:
                      Family: !Sub "web-${Tag}"
                      ContainerDefinitions:
                        - Name: app
                          Image: !Sub "r.example/app:${Tag}"
                          Command: [serve]
                """, "t.yaml", null);
        assertEquals("web-1.4", task.family());
        assertEquals("r.example/app:1.4", task.containers().getFirst().image());
        assertEquals(List.of("serve"), task.containers().getFirst().command());
    }

    @Test
    void unresolvableFunctionsNameTheField() {
        TaskException e = assertThrows(TaskException.class, () -> TaskDefinitionReader.parse("""
                Resources:
                  Web:
                    Type: AWS::ECS::TaskDefinition
                    Properties:
                      ContainerDefinitions:
                        - Name: app
                          Image: !GetAtt Repo.RepositoryUri
                """, "t.yaml", null));
        assertTrue(e.getMessage().contains("Resources.Web.Properties.ContainerDefinitions[0] (container 'app').Image"), e.getMessage());
        assertTrue(e.getMessage().contains("Fn::GetAtt"), e.getMessage());
    }

    @Test
    void severalTaskDefinitionsNeedResource() throws Exception {
        String template = """
                {"Resources": {
                  "A": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [{"Name": "a", "Image": "a"}]}},
                  "B": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"ContainerDefinitions": [{"Name": "b", "Image": "b"}]}}}}
                """;
        TaskException e = assertThrows(TaskException.class, () -> TaskDefinitionReader.parse(template, "t.json", null));
        assertTrue(e.getMessage().contains("found 2 (A, B); choose one with --resource"), e.getMessage());
        TaskDefinition b = TaskDefinitionReader.parse(template, "t.json", "B");
        assertEquals("b", b.containers().getFirst().name());
        assertEquals("B", b.family());
    }

    @Test
    void bareResourceAndProperties() throws Exception {
        assertEquals("x", TaskDefinitionReader.parse("{\"Type\": \"AWS::ECS::TaskDefinition\", \"Properties\": "
                + "{\"ContainerDefinitions\": [{\"Name\": \"x\", \"Image\": \"i\"}]}}", "r.json", null).containers().getFirst().name());
        assertEquals("y", TaskDefinitionReader.parse("{\"ContainerDefinitions\": [{\"Name\": \"y\", \"Image\": \"i\"}]}", "p.json", null)
                .containers().getFirst().name());
    }

    @Test
    void secretsAndEnvironmentFilesAreNamedAsNotAvailable() throws Exception {
        TaskDefinition task = TaskDefinitionReader.parse("""
                {"containerDefinitions": [{"name": "app", "image": "i",
                  "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:eu-west-1:1:parameter/db"}],
                  "environmentFiles": [{"value": "arn:aws:s3:::bucket/app.env", "type": "s3"}]}]}
                """, "t.json", null);
        assertEquals(List.of("container 'app': secret DB_PASSWORD comes from Secrets Manager or SSM on ECS and is not set here "
                + "(set it with Environment to test)", "container 'app': EnvironmentFiles are read from S3 on ECS and are not read here"),
                task.warnings());
    }

    @Test
    void brokenReferencesAreErrors() {
        TaskException e = assertThrows(TaskException.class, () -> TaskDefinitionReader.parse(
                "{\"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\", \"dependsOn\": [{\"containerName\": \"b\", \"condition\": \"START\"}]}]}",
                "t.json", null));
        assertTrue(e.getMessage().contains("container 'a' DependsOn 'b', which is not another container"), e.getMessage());
        TaskException healthy = assertThrows(TaskException.class, () -> TaskDefinitionReader.parse(
                "{\"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\", \"dependsOn\": [{\"containerName\": \"b\", \"condition\": \"HEALTHY\"}]},"
                        + "{\"name\": \"b\", \"image\": \"i\"}]}", "t.json", null));
        assertTrue(healthy.getMessage().contains("that container has no HealthCheck"), healthy.getMessage());
        TaskException cycle = assertThrows(TaskException.class, () -> TaskDefinitionReader.parse(
                "{\"containerDefinitions\": [{\"name\": \"a\", \"image\": \"i\", \"dependsOn\": [{\"containerName\": \"b\", \"condition\": \"START\"}]},"
                        + "{\"name\": \"b\", \"image\": \"i\", \"dependsOn\": [{\"containerName\": \"a\", \"condition\": \"COMPLETE\"}]}]}",
                "t.json", null));
        assertTrue(cycle.getMessage().endsWith("DependsOn forms a cycle: a -> b -> a"), cycle.getMessage());
    }

    @Test
    void capabilitiesFollowDockerRules() throws Exception {
        long defaults = Capabilities.mask(List.of(), List.of(), "c");
        assertEquals(0xa80425fbL, defaults);
        assertEquals(defaults | Capabilities.SYS_PTRACE.bit(), Capabilities.mask(List.of("SYS_PTRACE"), List.of(), "c"));
        assertEquals(defaults & ~Capabilities.NET_RAW.bit(), Capabilities.mask(List.of(), List.of("CAP_NET_RAW"), "c"));
        assertEquals(Capabilities.KILL.bit(), Capabilities.mask(List.of("KILL"), List.of("ALL"), "c"));
        assertEquals((1L << Capabilities.values().length) - 1, Capabilities.mask(List.of("ALL"), List.of(), "c"));
        TaskException e = assertThrows(TaskException.class, () -> Capabilities.mask(List.of("SYS_PTRACEX"), List.of(), "c"));
        assertTrue(e.getMessage().contains("'SYS_PTRACEX' is not a Linux capability"), e.getMessage());
    }
}
