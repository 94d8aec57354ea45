/*
 * /opt/peregrine/bin/instrument: the patched task's EntryPoint. A static binary, so it runs in
 * images without a shell or a libc. It starts the bundled JVM through the bundled glibc loader
 * (the runtime is linked against glibc, which the image may not have):
 *
 *   ROOT/glibc/ld-linux-x86-64.so.2 --library-path ROOT/glibc ROOT/runtime/bin/java
 *       JVM-OPTIONS -cp "ROOT/lib/(all jars)" dev.peregrine.bundle.InstrumentMain ORIGINAL...
 *
 * ROOT is the directory above this binary (from /proc/self/exe; /opt/peregrine without /proc).
 * Variables the loader or the JVM would take from the workload's environment are renamed
 * PEREGRINE_WORKLOAD_ENV_<NAME>; the agent restores them for the workload
 * (WorkloadEnvironment.SET_ASIDE is the same list).
 * PEREGRINE_JAVA_OPTS adds JVM options (split on blanks).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LOADER
#define LOADER "ld-linux-x86-64.so.2"
#endif
#define DEFAULT_ROOT "/opt/peregrine"
#define PREFIX "PEREGRINE_WORKLOAD_ENV_"

extern char **environ;

static const char *const SET_ASIDE[] = {
    "LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", NULL,
};

static const char *const JVM_OPTIONS[] = {
    "-XX:+UseSerialGC",           /* one small heap, no GC threads competing with the workload */
    "-XX:-UsePerfData",           /* no hsperfdata file in the image's /tmp */
    "--enable-native-access=ALL-UNNAMED",
    NULL,
};

static char *join(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 1);
    if (s == NULL) {
        perror("peregrine instrument");
        exit(127);
    }
    memcpy(s, a, la);
    memcpy(s + la, b, lb + 1);
    return s;
}

static const char *bundle_root(void) {
    static char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) {
        return DEFAULT_ROOT;
    }
    path[n] = '\0';
    for (int up = 0; up < 2; up++) { /* ROOT/bin/instrument -> ROOT */
        char *slash = strrchr(path, '/');
        if (slash == NULL || slash == path) {
            return DEFAULT_ROOT;
        }
        *slash = '\0';
    }
    return path;
}

static int set_aside(const char *entry) {
    for (int i = 0; SET_ASIDE[i] != NULL; i++) {
        size_t n = strlen(SET_ASIDE[i]);
        if (strncmp(entry, SET_ASIDE[i], n) == 0 && entry[n] == '=') {
            return 1;
        }
    }
    return 0;
}

static char **jvm_environment(void) {
    size_t count = 0;
    while (environ[count] != NULL) {
        count++;
    }
    char **env = calloc(count + 1, sizeof *env);
    if (env == NULL) {
        perror("peregrine instrument");
        exit(127);
    }
    for (size_t i = 0; i < count; i++) {
        env[i] = set_aside(environ[i]) ? join(PREFIX, environ[i]) : environ[i];
    }
    return env;
}

int main(int argc, char **argv) {
    const char *root = bundle_root();
    char *loader = join(join(root, "/glibc/"), LOADER);
    char *opts = getenv("PEREGRINE_JAVA_OPTS");
    opts = opts == NULL ? NULL : strdup(opts);

    size_t max = 16 + (size_t) argc + sizeof JVM_OPTIONS / sizeof *JVM_OPTIONS + (opts == NULL ? 0 : strlen(opts));
    char **args = calloc(max, sizeof *args);
    if (args == NULL) {
        perror("peregrine instrument");
        return 127;
    }
    size_t n = 0;
    args[n++] = loader;
    args[n++] = "--library-path";
    args[n++] = join(root, "/glibc");
    args[n++] = join(root, "/runtime/bin/java");
    for (int i = 0; JVM_OPTIONS[i] != NULL; i++) {
        args[n++] = (char *) JVM_OPTIONS[i];
    }
    if (opts != NULL) {
        for (char *o = strtok(opts, " \t\n"); o != NULL; o = strtok(NULL, " \t\n")) {
            args[n++] = o;
        }
    }
    args[n++] = "-cp";
    args[n++] = join(root, "/lib/*");
    args[n++] = "dev.peregrine.bundle.InstrumentMain";
    for (int i = 1; i < argc; i++) {
        args[n++] = argv[i];
    }
    args[n] = NULL;

    execve(loader, args, jvm_environment());
    fprintf(stderr, "peregrine instrument: cannot start %s: %s (is the Peregrine volume mounted at %s?)\n",
            loader, strerror(errno), root);
    return 127;
}
