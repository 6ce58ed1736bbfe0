/* Calls the interposer wraps, given NULL where a path (or address) goes:
 * the kernel fails them with EFAULT, and so must they fail with the
 * interposer loaded (it crashed on the exec family without the backstop).
 * libc declares these arguments nonnull, so the NULL comes from a volatile
 * the compiler cannot see through. Prints one line per call. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

#define SAY(name, call)                                                        \
	do {                                                                   \
		errno = 0;                                                     \
		int r_ = (int)(call);                                          \
		int e_ = errno;                                                \
		printf("%s=%d %s\n", name, r_, strerror(e_));                  \
	} while (0)

int main(void)
{
	char *argv[] = {"true", NULL};
	const char *volatile none = NULL;
	SAY("execve", execve(none, argv, environ));
	SAY("execv", execv(none, argv));
	SAY("execveat", execveat(AT_FDCWD, none, argv, environ, 0));
	SAY("open", open(none, O_RDONLY));
	SAY("open-write", open(none, O_WRONLY | O_CREAT, 0600));
	SAY("openat", openat(AT_FDCWD, none, O_RDONLY));
	SAY("creat", creat(none, 0600));
	SAY("truncate", truncate(none, 0));
	SAY("unlink", unlink(none));
	SAY("mkdir", mkdir(none, 0700));
	SAY("rename", rename(none, none));
	SAY("link", link(none, none));
	SAY("symlink", symlink(none, none));
	errno = 0;
	FILE *f = fopen(none, "r");
	printf("fopen=%d %s\n", f ? 0 : -1, strerror(errno));
	int s = socket(AF_INET, SOCK_STREAM, 0);
	SAY("connect", connect(s, (const struct sockaddr *)none, 16));
	fflush(stdout);
	return 0;
}
