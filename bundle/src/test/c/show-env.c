/* show-env NAME...: prints NAME=VALUE (or NAME unset) for each name, one a line. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *value = getenv(argv[i]);
        if (value == NULL) {
            printf("%s unset\n", argv[i]);
        } else {
            printf("%s=%s\n", argv[i], value);
        }
    }
    return 0;
}
