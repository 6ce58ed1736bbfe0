/* Attack: the 32-bit system-call ABI (int 0x80) has its own call numbers a
 * 64-bit filter does not describe. Calls i386 getpid (20). */
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	printf("int80: getpid=%ld (real %d)\n", ret, (int)getpid());
	return ret == getpid() ? 0 : 1;
}
