/* exit-with N: exits with status N; exit-with signal N: kills itself with signal N. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "signal") == 0) {
        kill(getpid(), atoi(argv[2]));
        pause();
    }
    return argc > 1 ? atoi(argv[1]) : 0;
}
