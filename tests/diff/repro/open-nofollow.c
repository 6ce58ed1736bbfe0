/* O_NOFOLLOW on a write-open: a symlink as the last component fails the
 * open with ELOOP, whatever it points to; with O_CREAT nothing is created
 * at the link's target. Programs rely on it against symlink attacks in
 * shared directories (gnulib's configure checks it: "bad O_NOFOLLOW").
 * Each case runs in a fresh directory holding file, lnk -> file and
 * dangling -> missing; prints the result and what the directory holds. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int n;

static void fresh(void)
{
	char d[16];

	snprintf(d, sizeof(d), "c%d", n++);
	if (mkdir(d, 0755) < 0 || chdir(d) < 0)
		exit(1);
	close(open("file", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	if (symlink("file", "lnk") < 0 || symlink("missing", "dangling") < 0)
		exit(1);
}

static void report(const char *label, int fd)
{
	struct stat st;
	int e = errno;

	printf("%-50s %s; missing %s\n", label, fd >= 0 ? "opened" : strerrorname_np(e),
	       lstat("missing", &st) == 0 ? "created" : "absent");
	if (fd >= 0)
		close(fd);
	if (chdir("..") < 0)
		exit(1);
}

#define CASE(path, flags)                                                   \
	do {                                                                \
		fresh();                                                    \
		report("open(" path ", " #flags ")", open(path, (flags) | O_CLOEXEC, 0644)); \
	} while (0)

int main(void)
{
	CASE("lnk", O_WRONLY | O_NOFOLLOW);
	CASE("lnk", O_RDWR | O_NOFOLLOW);
	CASE("lnk", O_WRONLY | O_TRUNC | O_NOFOLLOW);
	CASE("dangling", O_WRONLY | O_CREAT | O_NOFOLLOW);
	CASE("lnk", O_RDONLY | O_NOFOLLOW);
	return 0;
}
