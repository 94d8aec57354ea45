#include <pthread.h>
#include <unistd.h>
#include <stdio.h>
static void *run(void *arg) {
    char *argv[] = {"echo", "from-thread", NULL};
    execv("/bin/echo", argv);
    perror("execv");
    return NULL;
}
int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, run, NULL);
    pthread_join(t, NULL);
    return 9;
}
