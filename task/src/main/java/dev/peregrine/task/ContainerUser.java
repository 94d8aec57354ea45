package dev.peregrine.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who a container runs as, resolved as Docker does from {@code user} ({@code uid}, {@code uid:gid},
 * {@code name}, {@code name:group}) in the container's own /etc/passwd and /etc/group: a name
 * must exist there, a number need not; the primary group and the user's groups in /etc/group
 * are the supplementary groups; an unset user is root.
 */
public record ContainerUser(int uid, int gid, List<Integer> groups, String home) {
    public ContainerUser {
        groups = List.copyOf(groups);
    }

    public static ContainerUser resolve(String spec, Path rootfs, String container) throws TaskException {
        String where = "container '" + container + "': user '" + spec + "'";
        String userPart = spec == null || spec.isBlank() ? "0" : spec.trim();
        String groupPart = null;
        int colon = userPart.indexOf(':');
        if (colon >= 0) {
            groupPart = userPart.substring(colon + 1);
            userPart = userPart.substring(0, colon);
        }
        List<String[]> passwd = entries(rootfs.resolve("etc/passwd"));
        List<String[]> group = entries(rootfs.resolve("etc/group"));
        String[] account = null;
        int uid;
        if (isNumber(userPart)) {
            uid = Integer.parseInt(userPart);
            for (String[] e : passwd) {
                if (e.length > 2 && e[2].equals(userPart)) {
                    account = e;
                    break;
                }
            }
        } else {
            for (String[] e : passwd) {
                if (e[0].equals(userPart)) {
                    account = e;
                    break;
                }
            }
            if (account == null || account.length < 4 || !isNumber(account[2])) {
                throw new TaskException(where + ": no user '" + userPart + "' in the container's /etc/passwd");
            }
            uid = Integer.parseInt(account[2]);
        }
        int gid = account != null && account.length > 3 && isNumber(account[3]) ? Integer.parseInt(account[3]) : 0;
        if (groupPart != null) {
            if (isNumber(groupPart)) {
                gid = Integer.parseInt(groupPart);
            } else {
                Integer found = null;
                for (String[] e : group) {
                    if (e[0].equals(groupPart) && e.length > 2 && isNumber(e[2])) {
                        found = Integer.parseInt(e[2]);
                        break;
                    }
                }
                if (found == null) {
                    throw new TaskException(where + ": no group '" + groupPart + "' in the container's /etc/group");
                }
                gid = found;
            }
        }
        Set<Integer> groups = new LinkedHashSet<>();
        groups.add(gid); // as initgroups() and Docker do: the primary group is also a supplementary one
        if (account != null && groupPart == null) {
            for (String[] e : group) {
                if (e.length > 3 && isNumber(e[2]) && List.of(e[3].split(",")).contains(account[0])) {
                    groups.add(Integer.parseInt(e[2]));
                }
            }
        }
        String home = account != null && account.length > 5 && !account[5].isEmpty() ? account[5] : "/";
        return new ContainerUser(uid, gid, new ArrayList<>(groups), home);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() < 10 && s.chars().allMatch(Character::isDigit);
    }

    private static List<String[]> entries(Path file) throws TaskException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split(":", -1)).toList();
        } catch (IOException e) {
            throw new TaskException("cannot read the container's " + file + ": " + e.getMessage(), e);
        }
    }
}
