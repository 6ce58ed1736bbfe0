/* Attack: the x32 system-call ABI (x86-64 registers, numbers with bit 30
 * set, __X32_SYSCALL_BIT) has its own call table, which a filter written
 * for x86-64 numbers would not describe. Calls x32 getpid (39 | bit 30).
 * A kernel built without x32 (most distributions' default) answers ENOSYS:
 * the attack cannot work there, and the program says so and exits 77 (a
 * counted skip, not a failure). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32_BIT 0x40000000L

int main(void)
{
	long r = syscall(X32_BIT | 39L);
	if (r < 0 && errno == ENOSYS) {
		printf("x32: unsupported: this kernel has no x32 system-call "
		       "ABI (ENOSYS)\n");
		return 77;
	}
	if (r < 0) {
		printf("x32: refused errno=%d (%s)\n", errno, strerror(errno));
		return 1;
	}
	printf("x32: getpid=%ld (real %d)\n", r, (int)getpid());
	return r == getpid() ? 0 : 1;
}
