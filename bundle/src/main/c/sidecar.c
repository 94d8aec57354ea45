/*
 * /opt/peregrine/bin/sidecar: the PeregrineInstrumentation container's process. Its only job is
 * to keep the container (and so the /opt/peregrine volume other containers mount with
 * VolumesFrom) alive until ECS stops the task, then leave at once with status 0.
 * Static, no shell or libc needed. It is PID 1 of its container, where signals without a
 * handler are ignored: the stop signals are blocked and taken with sigwait instead.
 */
#include <signal.h>
#include <stdio.h>

int main(void) {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGHUP);
    if (sigprocmask(SIG_BLOCK, &stop, NULL) != 0) {
        perror("peregrine sidecar: sigprocmask");
        return 1;
    }
    fprintf(stderr, "peregrine sidecar: /opt/peregrine is available; waiting for the task to stop\n");
    int sig = 0;
    if (sigwait(&stop, &sig) != 0) {
        perror("peregrine sidecar: sigwait");
        return 1;
    }
    fprintf(stderr, "peregrine sidecar: signal %d, exiting\n", sig);
    return 0;
}
