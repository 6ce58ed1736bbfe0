/* Attack: new namespaces (user, mount) give a process a world policyd does
 * not see. Tries unshare and clone with CLONE_NEWUSER. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static char stack[65536];
static int child(void *a)
{
	(void)a;
	return 0;
}
int main(void)
{
	int ok = 0;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0) {
		printf("unshare: new namespaces\n");
		ok++;
	} else {
		printf("unshare: refused errno=%d\n", errno);
	}
	pid_t p =
	    clone(child, stack + sizeof(stack), CLONE_NEWUSER | SIGCHLD, NULL);
	if (p > 0) {
		waitpid(p, NULL, 0);
		printf("clone(CLONE_NEWUSER): new namespace\n");
		ok++;
	} else {
		printf("clone(CLONE_NEWUSER): refused errno=%d\n", errno);
	}
	return ok ? 0 : 1;
}
