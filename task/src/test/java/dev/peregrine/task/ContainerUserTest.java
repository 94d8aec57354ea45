package dev.peregrine.task;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerUserTest {
    @TempDir
    static Path root;

    @BeforeAll
    static void users() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), TestRootfs.PASSWD);
        Files.writeString(root.resolve("etc/group"), TestRootfs.GROUP);
    }

    @Test
    void dockerUserForms() throws Exception {
        assertEquals(new ContainerUser(0, 0, List.of(0), "/root"), ContainerUser.resolve(null, root, "c"));
        assertEquals(new ContainerUser(1000, 1000, List.of(1000, 2000), "/home/app"), ContainerUser.resolve("app", root, "c"));
        assertEquals(new ContainerUser(1000, 2000, List.of(2000), "/home/app"), ContainerUser.resolve("app:extra", root, "c"));
        assertEquals(new ContainerUser(1000, 1000, List.of(1000, 2000), "/home/app"), ContainerUser.resolve("1000", root, "c"));
        assertEquals(new ContainerUser(4242, 0, List.of(0), "/"), ContainerUser.resolve("4242", root, "c"), "a uid need not exist");
        assertEquals(new ContainerUser(4242, 77, List.of(77), "/"), ContainerUser.resolve("4242:77", root, "c"));
    }

    @Test
    void unknownNamesAreErrors() {
        TaskException user = assertThrows(TaskException.class, () -> ContainerUser.resolve("ghost", root, "web"));
        assertTrue(user.getMessage().contains("container 'web': user 'ghost': no user 'ghost' in the container's /etc/passwd"), user.getMessage());
        TaskException group = assertThrows(TaskException.class, () -> ContainerUser.resolve("app:ghosts", root, "web"));
        assertTrue(group.getMessage().contains("no group 'ghosts' in the container's /etc/group"), group.getMessage());
    }
}
