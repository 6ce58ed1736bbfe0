/* rmdir of a path whose last component is "." fails with EINVAL (POSIX:
 * "dir/." cannot be removed by that name), and the directory stays; so
 * does rmdir(".") in a non-empty directory. gnulib's configure checks it
 * ("whether rmdir works"). Each case runs in a fresh directory holding an
 * empty dir; prints the result and whether dir is still there. */
#include <errno.h>
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
	if (mkdir(d, 0755) < 0 || chdir(d) < 0 || mkdir("dir", 0755) < 0)
		exit(1);
}

static void report(const char *label, int r)
{
	struct stat st;
	int e = errno;

	printf("%-20s %-10s dir %s\n", label, r == 0 ? "ok" : strerrorname_np(e),
	       stat("dir", &st) == 0 ? "kept" : "removed");
	if (chdir("..") < 0)
		exit(1);
}

#define CASE(expr)                          \
	do {                                \
		fresh();                    \
		report(#expr, (int)(expr)); \
	} while (0)

int main(void)
{
	CASE(rmdir("dir/."));
	CASE(rmdir("dir/./"));
	CASE(rmdir("dir/.."));
	CASE(rmdir("."));
	CASE(rmdir("dir//"));
	return 0;
}
