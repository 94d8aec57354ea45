/* await-signal: prints "ready", then waits; a signal N ends it with status 100+N. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void on_signal(int sig) {
    _exit(100 + sig);
}

int main(void) {
    int signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (unsigned i = 0; i < sizeof signals / sizeof *signals; i++) {
        signal(signals[i], on_signal);
    }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        pause();
    }
}
