/*
 * workload STEP...: the program inside the test images. Each argument is one step, run in order:
 *   say:TEXT    prints TEXT
 *   err:TEXT    prints TEXT on stderr
 *   read:FILE   opens and reads FILE (the suspicious action), prints how many bytes it read
 *   env:NAME    prints NAME=value, or NAME unset
 *   awaitterm   blocks SIGTERM, prints "waiting for SIGTERM", waits for it, prints "got SIGTERM"
 *   metadata    prints "metadata " and the body of $ECS_CONTAINER_METADATA_URI_V4/task on one line
 *   exit:N      exits with status N
 * Output is line-buffered, so that it can be compared line by line with the task's log.
 * Built static (glibc) and against musl; it needs nothing from its root file system.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int read_file(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    char buffer[4096];
    long total = 0;
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0) {
        total += n;
    }
    close(fd);
    printf("read %ld bytes of %s\n", total, path);
    return 0;
}

/* The body of an HTTP/1.1 response, chunked or not, decoded in place; NULL when malformed. */
static char *body_of(char *response) {
    char *body = strstr(response, "\r\n\r\n");
    if (body == NULL) {
        return NULL;
    }
    *body = '\0';
    body += 4;
    int chunked = 0;
    for (char *h = response; *h; h++) {
        if (strncasecmp(h, "transfer-encoding: chunked", 26) == 0) {
            chunked = 1;
        }
    }
    if (!chunked) {
        return body;
    }
    char *in = body, *out = body;
    for (;;) {
        char *end;
        long size = strtol(in, &end, 16);
        char *line_end = strstr(in, "\r\n");
        if (end == in || line_end == NULL || size < 0) {
            return NULL;
        }
        if (size == 0) {
            *out = '\0';
            return body;
        }
        memmove(out, line_end + 2, size);
        out += size;
        in = line_end + 2 + size + 2;
    }
}

/* GET http://IP:PORT/PATH/task (the endpoint a task runner serves is numeric: no resolver here). */
static int metadata(void) {
    const char *uri = getenv("ECS_CONTAINER_METADATA_URI_V4");
    if (uri == NULL || !starts(uri, "http://")) {
        printf("metadata unavailable\n");
        return 1;
    }
    char host[64] = {0};
    const char *h = uri + 7;
    const char *colon = strchr(h, ':');
    const char *slash = strchr(h, '/');
    if (colon == NULL || (slash != NULL && slash < colon) || colon - h >= (long) sizeof host) {
        printf("metadata uri without a numeric host:port: %s\n", uri);
        return 1;
    }
    memcpy(host, h, colon - h);
    int port = atoi(colon + 1);
    const char *path = slash == NULL ? "" : slash;
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        printf("metadata host is not an IPv4 address: %s\n", host);
        return 1;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *) &address, sizeof address) != 0) {
        printf("metadata connect failed: %s\n", strerror(errno));
        return 1;
    }
    char request[1024];
    int length = snprintf(request, sizeof request, "GET %s/task HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n",
                          path, host, port);
    if (write(s, request, length) != length) {
        printf("metadata request failed\n");
        return 1;
    }
    static char response[1 << 20];
    size_t used = 0;
    ssize_t n;
    while (used < sizeof response - 1 && (n = read(s, response + used, sizeof response - 1 - used)) > 0) {
        used += n;
    }
    close(s);
    response[used] = '\0';
    char *body = body_of(response);
    if (body == NULL) {
        printf("metadata response malformed\n");
        return 1;
    }
    for (char *c = body; *c; c++) {
        if (*c == '\n' || *c == '\r') {
            *c = ' ';
        }
    }
    printf("metadata %s\n", body);
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        const char *step = argv[i];
        if (starts(step, "say:")) {
            printf("%s\n", step + 4);
        } else if (starts(step, "err:")) {
            fprintf(stderr, "%s\n", step + 4);
        } else if (starts(step, "read:")) {
            read_file(step + 5);
        } else if (starts(step, "env:")) {
            const char *value = getenv(step + 4);
            if (value == NULL) {
                printf("%s unset\n", step + 4);
            } else {
                printf("%s=%s\n", step + 4, value);
            }
        } else if (strcmp(step, "awaitterm") == 0) {
            sigset_t term;
            int signal;
            sigemptyset(&term);
            sigaddset(&term, SIGTERM);
            sigprocmask(SIG_BLOCK, &term, NULL);
            printf("waiting for SIGTERM\n");
            sigwait(&term, &signal);
            printf("got SIGTERM\n");
        } else if (strcmp(step, "metadata") == 0) {
            metadata();
        } else if (starts(step, "exit:")) {
            fflush(stdout);
            return atoi(step + 5);
        } else {
            printf("unknown step %s\n", step);
            return 2;
        }
    }
    return 0;
}
