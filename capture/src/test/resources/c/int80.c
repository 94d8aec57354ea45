/* Opens a file through the i386 ABI (int 0x80), which a 64-bit-only filter would not see. */
#include <stdio.h>
static char path[] = "/etc/hostname";
int main(void) {
    long ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(5L), "b"((long)path), "c"(0L), "d"(0L) : "memory");
    printf("%ld\n", ret);
    return ret == -38 ? 38 : (ret >= 0 ? 0 : 1);
}
