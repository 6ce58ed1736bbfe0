/* Attack: the 32-bit system-call ABI (int 0x80) has its own call numbers a
 * 64-bit filter does not describe. Calls i386 getpid (20).
 * A kernel built without IA32 emulation (or booted with ia32_emulation=0)
 * answers int 0x80 with SIGSEGV: the attack cannot work there, and the
 * program says so and exits 77 (a counted skip, not a failure). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void no_ia32(int sig)
{
	static const char m[] = "int80: unsupported: this kernel has no 32-bit "
				"system-call ABI (no IA32 emulation)\n";
	(void)sig;
	if (write(1, m, sizeof(m) - 1) < 0)
		_exit(77);
	_exit(77);
}

int main(void)
{
	long ret;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = no_ia32;
	sigaction(SIGSEGV, &sa, NULL);
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	printf("int80: getpid=%ld (real %d)\n", ret, (int)getpid());
	return ret == getpid() ? 0 : 1;
}
