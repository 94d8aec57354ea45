/* Makes a call through the x32 ABI (the 0x40000000 bit), which a plain x86_64 filter would miss. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
int main(void) {
    long r = syscall(0x40000000L | 39L); /* getpid through the x32 ABI */
    printf("%ld %d\n", r, errno);
    return r == -1 && errno == ENOSYS ? 38 : 0;
}
