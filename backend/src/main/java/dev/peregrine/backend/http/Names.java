package dev.peregrine.backend.http;

import java.util.regex.Pattern;

/** Names of rules files and policies: safe in URLs, file names and logs. */
final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private Names() {
    }

    static String check(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("name", what + " name '" + name
                    + "' must be 1-128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }
}
