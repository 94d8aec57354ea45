/*
 * peregrine-enter: the last step of starting a container, for the local task runner. Java
 * decides everything (what to mount, which capabilities, user, argv, environment); this static
 * program only carries it out, because Java cannot fork.
 *
 *   peregrine-enter run  [--status FILE] [--pid-ns new|PATH] --root DIR [--mount TYPE SOURCE TARGET FLAGS DATA]...
 *                        [--symlink TARGET LINK]... [--readonly-root] CREDENTIALS -- PROGRAM [ARG...]
 *   peregrine-enter exec [--status FILE] --target PID CREDENTIALS -- PROGRAM [ARG...]
 *   peregrine-enter init [--status FILE] [--die-with-parent]
 *   peregrine-enter overlay-works LOWER UPPER WORK MERGED   (exit 0 when this kernel and filesystem can)
 *   run also takes --die-with-parent: the shim gets SIGKILL when the thread that started it ends
 *   (a runner killed with SIGKILL leaves no container behind).
 *   CREDENTIALS: --uid N --gid N [--groups G,G...] --caps HEXMASK [--cwd DIR] [--env NAME=VALUE]...
 *
 * run:  a new PID namespace (or the one at PATH) and a new mount namespace; the child mounts
 *       the root (the --mount whose TARGET is "/", at DIR), pivots into it, then makes the other
 *       mounts with targets inside the new root (symlinks there resolve inside the container);
 *       bind sources are opened before the pivot. Then user, capabilities, directory, execvp.
 * exec: joins the mount and PID namespaces of PID (a health check inside a container).
 * init: a PID namespace of its own whose PID 1 only reaps (a task with pidMode "task").
 *
 * The process that was started stays outside as the container's shim: it forwards SIGTERM, SIGINT,
 * SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 to the child, exits with the child's status (128+N for a
 * signal), and its death kills the child (PR_SET_PDEATHSIG). --status gets "started PID" (the
 * child's PID on this host) once PROGRAM was executed, or "error MESSAGE" when it could not be;
 * then the shim exits 125 (126: not executable, 127: not found).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/mount.h>

#define MAX_ITEMS 256

struct mount_op {
    const char *type, *source, *target, *flags, *data;
    int source_fd;
    int source_is_dir;
};

struct options {
    const char *status, *pid_ns, *root, *cwd;
    long target;
    int die_with_parent, readonly_root;
    uid_t uid;
    gid_t gid;
    gid_t groups[MAX_ITEMS];
    int ngroups;
    unsigned long long caps;
    struct mount_op mounts[MAX_ITEMS];
    int nmounts;
    const char *links[MAX_ITEMS][2];
    int nlinks;
    char *env[MAX_ITEMS * 4 + 1];
    int nenv;
    char **argv;
};

static int error_fd = -1;
static pid_t child_pid = -1;

/* In the child: report why PROGRAM could not start, then exit with Docker's code for it. */
static void fail(int code, const char *format, ...) {
    char message[1024];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(message, sizeof message, format, args);
    va_end(args);
    if (n < 0) {
        n = 0;
    }
    if (n >= (int) sizeof message) {
        n = sizeof message - 1;
    }
    if (error_fd >= 0) {
        if (write(error_fd, message, n) < 0) {
            /* nothing more to do */
        }
    } else {
        fprintf(stderr, "peregrine-enter: %s\n", message);
    }
    _exit(code);
}

static void usage(const char *why) {
    fprintf(stderr, "peregrine-enter: %s\n", why);
    exit(125);
}

static const char *next(int argc, char **argv, int *i) {
    if (*i + 1 >= argc) {
        usage("an option lacks its value");
    }
    return argv[++*i];
}

static unsigned long number(const char *text, int base) {
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, base);
    if (errno != 0 || *text == '\0' || *end != '\0') {
        fprintf(stderr, "peregrine-enter: not a number: %s\n", text);
        exit(125);
    }
    return value;
}

static void parse(int argc, char **argv, struct options *o) {
    memset(o, 0, sizeof *o);
    o->target = -1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            o->argv = argv + i + 1;
            if (o->argv[0] == NULL) {
                usage("no program after --");
            }
            return;
        } else if (strcmp(a, "--status") == 0) {
            o->status = next(argc, argv, &i);
        } else if (strcmp(a, "--readonly-root") == 0) {
            o->readonly_root = 1;
        } else if (strcmp(a, "--die-with-parent") == 0) {
            o->die_with_parent = 1;
        } else if (strcmp(a, "--pid-ns") == 0) {
            o->pid_ns = next(argc, argv, &i);
        } else if (strcmp(a, "--root") == 0) {
            o->root = next(argc, argv, &i);
        } else if (strcmp(a, "--target") == 0) {
            o->target = number(next(argc, argv, &i), 10);
        } else if (strcmp(a, "--uid") == 0) {
            o->uid = number(next(argc, argv, &i), 10);
        } else if (strcmp(a, "--gid") == 0) {
            o->gid = number(next(argc, argv, &i), 10);
        } else if (strcmp(a, "--groups") == 0) {
            char *list = strdup(next(argc, argv, &i));
            for (char *g = strtok(list, ","); g != NULL && o->ngroups < MAX_ITEMS; g = strtok(NULL, ",")) {
                o->groups[o->ngroups++] = number(g, 10);
            }
        } else if (strcmp(a, "--caps") == 0) {
            o->caps = number(next(argc, argv, &i), 16);
        } else if (strcmp(a, "--cwd") == 0) {
            o->cwd = next(argc, argv, &i);
        } else if (strcmp(a, "--env") == 0) {
            if (o->nenv >= MAX_ITEMS * 4) {
                usage("too many --env");
            }
            o->env[o->nenv++] = (char *) next(argc, argv, &i);
        } else if (strcmp(a, "--mount") == 0) {
            if (o->nmounts >= MAX_ITEMS) {
                usage("too many --mount");
            }
            struct mount_op *m = &o->mounts[o->nmounts++];
            m->type = next(argc, argv, &i);
            m->source = next(argc, argv, &i);
            m->target = next(argc, argv, &i);
            m->flags = next(argc, argv, &i);
            m->data = next(argc, argv, &i);
            m->source_fd = -1;
        } else if (strcmp(a, "--symlink") == 0) {
            if (o->nlinks >= MAX_ITEMS) {
                usage("too many --symlink");
            }
            o->links[o->nlinks][0] = next(argc, argv, &i);
            o->links[o->nlinks][1] = next(argc, argv, &i);
            o->nlinks++;
        } else {
            fprintf(stderr, "peregrine-enter: unknown option %s\n", a);
            exit(125);
        }
    }
    if (strcmp(argv[1], "init") != 0) {
        usage("no -- PROGRAM");
    }
}

static unsigned long mount_flags(const char *list, int *read_only) {
    unsigned long flags = 0;
    char *copy = strdup(list);
    *read_only = 0;
    for (char *f = strtok(copy, ","); f != NULL; f = strtok(NULL, ",")) {
        if (strcmp(f, "bind") == 0) flags |= MS_BIND;
        else if (strcmp(f, "rbind") == 0) flags |= MS_BIND | MS_REC;
        else if (strcmp(f, "ro") == 0) *read_only = 1;
        else if (strcmp(f, "nosuid") == 0) flags |= MS_NOSUID;
        else if (strcmp(f, "nodev") == 0) flags |= MS_NODEV;
        else if (strcmp(f, "noexec") == 0) flags |= MS_NOEXEC;
        else if (strcmp(f, "strictatime") == 0) flags |= MS_STRICTATIME;
        else if (strcmp(f, "-") != 0) fail(125, "unknown mount flag %s", f);
    }
    free(copy);
    return flags;
}

/* mkdir -p inside the current root. */
static void make_dirs(const char *path, mode_t mode) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
                fail(125, "mkdir %s: %s", buf, strerror(errno));
            }
            *p = '/';
        }
    }
    if (mkdir(buf, mode) != 0 && errno != EEXIST) {
        fail(125, "mkdir %s: %s", buf, strerror(errno));
    }
}

/* A mount point of the right kind: a directory, or an empty file for a file bind mount. */
static void mount_point(const char *target, int is_file) {
    struct stat st;
    if (lstat(target, &st) == 0 && S_ISLNK(st.st_mode) && is_file) {
        unlink(target); /* e.g. /etc/resolv.conf pointing at a resolver the container does not run */
    }
    if (!is_file) {
        make_dirs(target, 0755);
        return;
    }
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", target);
    char *slash = strrchr(parent, '/');
    if (slash != NULL && slash != parent) {
        *slash = '\0';
        make_dirs(parent, 0755);
    }
    int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 && errno != EISDIR) {
        fail(125, "create mount point %s: %s", target, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
}

static void do_mount(struct mount_op *m, const char *at) {
    int read_only;
    unsigned long flags = mount_flags(m->flags, &read_only);
    int is_bind = strcmp(m->type, "bind") == 0;
    if (is_bind && m->source_fd >= 0) {
        /* A bind mount cloned before the pivot, moved into place now. */
        mount_point(at, !m->source_is_dir);
        if (syscall(SYS_move_mount, m->source_fd, "", AT_FDCWD, at, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
            fail(125, "mount %s on %s: %s", m->source, m->target, strerror(errno));
        }
        flags |= MS_BIND;
    } else {
        mount_point(at, 0);
        if (mount(m->source, at, is_bind ? NULL : m->type, flags | (is_bind ? MS_BIND : 0),
                  *m->data && strcmp(m->data, "-") != 0 ? m->data : NULL) != 0) {
            fail(125, "mount %s on %s: %s", m->source, m->target, strerror(errno));
        }
    }
    if (read_only && mount(NULL, at, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | (flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC)), NULL) != 0) {
        fail(125, "read-only %s: %s", m->target, strerror(errno));
    }
}

static void enter_root(struct options *o) {
    struct mount_op *root = NULL;
    for (int i = 0; i < o->nmounts; i++) {
        if (strcmp(o->mounts[i].target, "/") == 0) {
            root = &o->mounts[i];
        } else if (strcmp(o->mounts[i].type, "bind") == 0) {
            struct stat st;
            if (stat(o->mounts[i].source, &st) != 0) {
                fail(125, "volume source %s: %s", o->mounts[i].source, strerror(errno));
            }
            o->mounts[i].source_is_dir = S_ISDIR(st.st_mode);
            o->mounts[i].source_fd = syscall(SYS_open_tree, AT_FDCWD, o->mounts[i].source,
                                             OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
            if (o->mounts[i].source_fd < 0) {
                fail(125, "volume source %s: %s", o->mounts[i].source, strerror(errno));
            }
        }
    }
    if (root == NULL || o->root == NULL) {
        fail(125, "no root filesystem (--root and a --mount on /)");
    }
    do_mount(root, o->root);
    if (chdir(o->root) != 0) {
        fail(125, "chdir %s: %s", o->root, strerror(errno));
    }
    if (syscall(SYS_pivot_root, ".", ".") != 0) {
        fail(125, "pivot_root %s: %s", o->root, strerror(errno));
    }
    if (umount2(".", MNT_DETACH) != 0) {
        fail(125, "detach the host root: %s", strerror(errno));
    }
    if (chdir("/") != 0) {
        fail(125, "chdir /: %s", strerror(errno));
    }
    for (int i = 0; i < o->nmounts; i++) {
        if (&o->mounts[i] != root) {
            do_mount(&o->mounts[i], o->mounts[i].target);
        }
    }
    for (int i = 0; i < o->nlinks; i++) {
        unlink(o->links[i][1]);
        if (symlink(o->links[i][0], o->links[i][1]) != 0) {
            fail(125, "symlink %s: %s", o->links[i][1], strerror(errno));
        }
    }
    for (int i = 0; i < o->nmounts; i++) {
        if (o->mounts[i].source_fd >= 0) {
            close(o->mounts[i].source_fd);
        }
    }
    /* Last: the mount points above had to be created first. Volumes stay writable. */
    if (o->readonly_root && mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0) {
        fail(125, "read-only root filesystem: %s", strerror(errno));
    }
}

/* User, groups and capabilities: the bounding set and (for root) permitted/effective/inheritable = caps. */
static void become(struct options *o) {
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
        fail(125, "keepcaps: %s", strerror(errno));
    }
    for (int cap = 0; cap < 64; cap++) {
        if (!(o->caps & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
            fail(125, "drop capability %d from the bounding set: %s", cap, strerror(errno));
        }
    }
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (setgroups(o->ngroups, o->groups) != 0) {
        fail(125, "setgroups: %s", strerror(errno));
    }
    if (setresgid(o->gid, o->gid, o->gid) != 0) {
        fail(125, "setgid %u: %s", o->gid, strerror(errno));
    }
    if (setresuid(o->uid, o->uid, o->uid) != 0) {
        fail(125, "setuid %u: %s", o->uid, strerror(errno));
    }
    unsigned long long set = o->uid == 0 ? o->caps : 0;
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    for (int i = 0; i < 2; i++) {
        data[i].effective = data[i].permitted = data[i].inheritable = (unsigned) (set >> (32 * i));
    }
    if (syscall(SYS_capset, &header, data) != 0) {
        fail(125, "capset: %s", strerror(errno));
    }
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
}

static void start_program(struct options *o, pid_t parent) {
    struct stat st;
    if (o->cwd != NULL && stat(o->cwd, &st) != 0) {
        make_dirs(o->cwd, 0755); /* as Docker does, by root, before the user is switched */
    }
    become(o);
    if (o->cwd != NULL && chdir(o->cwd) != 0) {
        fail(125, "working directory %s: %s", o->cwd, strerror(errno));
    }
    /* Set last: changing credentials clears it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != parent) {
        _exit(137); /* the shim is already gone */
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    o->env[o->nenv] = NULL;
    environ = o->env; /* execvp searches the container's PATH, inside the container's root */
    execvp(o->argv[0], o->argv);
    int e = errno;
    fail(e == ENOENT ? 127 : e == EACCES ? 126 : 125, "exec %s: %s", o->argv[0], strerror(e));
}

static void write_status(const char *file, const char *text) {
    if (file == NULL) {
        return;
    }
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return;
    }
    if (write(fd, text, strlen(text)) < 0 || close(fd) != 0 || rename(tmp, file) != 0) {
        fprintf(stderr, "peregrine-enter: status file %s: %s\n", file, strerror(errno));
    }
}

static void forward(int sig) {
    if (child_pid > 0) {
        kill(child_pid, sig);
    }
}

/* The shim: report how the start went, forward signals, wait, exit as the child did. */
static int shim(struct options *o, int error_read) {
    char message[1100];
    ssize_t n = read(error_read, message, sizeof message - 64);
    close(error_read);
    int status;
    if (n > 0) {
        message[n] = '\0';
        char text[1200];
        snprintf(text, sizeof text, "error %s\n", message);
        waitpid(child_pid, &status, 0);
        write_status(o->status, text);
        if (o->status == NULL) {
            fprintf(stderr, "peregrine-enter: %s\n", message);
        }
        return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
    }
    char text[64];
    snprintf(text, sizeof text, "started %d\n", child_pid);
    write_status(o->status, text);
    for (;;) {
        pid_t r = waitpid(child_pid, &status, 0);
        if (r == child_pid) {
            break;
        }
        if (r < 0 && errno != EINTR) {
            return 125;
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void prepare_shim(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    int signals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaction(signals[i], &sa, NULL);
    }
}

static int fork_child(int *error_read) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        perror("peregrine-enter: pipe");
        exit(125);
    }
    prepare_shim();
    child_pid = fork();
    if (child_pid < 0) {
        perror("peregrine-enter: fork");
        exit(125);
    }
    if (child_pid == 0) {
        close(fds[0]);
        error_fd = fds[1];
        return 1;
    }
    close(fds[1]);
    *error_read = fds[0];
    return 0;
}

static void join(const char *path, int type, const char *what) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, type) != 0) {
        fprintf(stderr, "peregrine-enter: join the %s namespace %s: %s\n", what, path, strerror(errno));
        exit(125);
    }
    close(fd);
}

static int run(struct options *o) {
    if (o->pid_ns == NULL || strcmp(o->pid_ns, "new") == 0) {
        if (unshare(CLONE_NEWPID) != 0) {
            perror("peregrine-enter: unshare pid");
            return 125;
        }
    } else {
        join(o->pid_ns, CLONE_NEWPID, "PID");
    }
    int error_read;
    if (fork_child(&error_read)) {
        pid_t parent = getppid(); /* 0 in a new PID namespace: the shim is outside it */
        /* The child's own mount namespace: pivot_root moves every process of a namespace. */
        if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
            fail(125, "mount namespace: %s", strerror(errno));
        }
        enter_root(o);
        start_program(o, parent);
    }
    return shim(o, error_read);
}

static int exec_in(struct options *o) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/ns/pid", o->target);
    int pid_fd = open(path, O_RDONLY | O_CLOEXEC);
    snprintf(path, sizeof path, "/proc/%ld/ns/mnt", o->target);
    int mnt_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (pid_fd < 0 || mnt_fd < 0 || setns(pid_fd, CLONE_NEWPID) != 0 || setns(mnt_fd, CLONE_NEWNS) != 0) {
        fprintf(stderr, "peregrine-enter: enter the namespaces of process %ld: %s\n", o->target, strerror(errno));
        return 125;
    }
    int error_read;
    if (fork_child(&error_read)) {
        start_program(o, getppid());
    }
    return shim(o, error_read);
}

/* PID 1 of a task's shared PID namespace: reaps orphans until told to stop. */
static int init(struct options *o) {
    if (unshare(CLONE_NEWPID) != 0) {
        perror("peregrine-enter: unshare pid");
        return 125;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int error_read;
    if (fork_child(&error_read)) {
        pid_t parent = getppid();
        close(error_fd);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (getppid() != parent) {
            _exit(137);
        }
        for (;;) {
            int sig = sigwaitinfo(&set, NULL);
            if (sig == SIGTERM || sig == SIGINT) {
                _exit(0);
            }
            while (waitpid(-1, NULL, WNOHANG) > 0) {
            }
        }
    }
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    return shim(o, error_read);
}

/* Whether an overlay with this upper directory can be mounted (not on overlayfs, for one). */
static int overlay_works(int argc, char **argv) {
    if (argc != 6) {
        usage("usage: peregrine-enter overlay-works LOWER UPPER WORK MERGED");
    }
    char data[3 * PATH_MAX + 64];
    snprintf(data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s", argv[2], argv[3], argv[4]);
    if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
        || mount("overlay", argv[5], "overlay", 0, data) != 0) {
        fprintf(stderr, "peregrine-enter: overlay: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage("usage: peregrine-enter run|exec|init|overlay-works [OPTIONS] [-- PROGRAM [ARG...]]");
    }
    if (strcmp(argv[1], "overlay-works") == 0) {
        return overlay_works(argc, argv);
    }
    struct options *o = calloc(1, sizeof *o);
    parse(argc, argv, o);
    /* Out of the runner's process group: a Ctrl-C at the terminal is the runner's to handle. */
    setsid();
    if (o->die_with_parent) {
        pid_t parent = getppid();
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (getppid() != parent) {
            return 125;
        }
    }
    if (strcmp(argv[1], "run") == 0) {
        return run(o);
    }
    if (strcmp(argv[1], "exec") == 0) {
        if (o->target <= 0) {
            usage("exec needs --target PID");
        }
        return exec_in(o);
    }
    if (strcmp(argv[1], "init") == 0) {
        return init(o);
    }
    usage("the first argument is run, exec or init");
    return 125;
}
