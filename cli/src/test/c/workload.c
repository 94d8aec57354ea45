/* A workload for the task runner tests: argv, working directory and uid on stdout, a line on stderr, exit 42. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    char cwd[4096];
    for (int i = 0; i < argc; i++) {
        printf("arg %d: %s\n", i, argv[i]);
    }
    printf("cwd: %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
    printf("uid: %d\n", (int) getuid());
    fflush(stdout);
    fprintf(stderr, "workload: this goes to stderr\n");
    printf("last line without a newline");
    return 42;
}
