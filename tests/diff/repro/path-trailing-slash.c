/* A trailing slash says "a directory": the calls that make, remove or
 * change a name fail on a file or a symlink to one spelled "name/"
 * (ENOTDIR, or ENOENT for a name to be made), and do nothing. gnulib's
 * configure checks several (rmdir, unlink, utime "honors slashes"), and
 * `rm -f name/`, `mv a b/` rely on them. Each case runs in a fresh
 * directory holding file, dir, lnk -> file and dirlnk -> dir; prints the
 * result and what the directory holds afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static int n;

static void fresh(void)
{
	char d[16];

	snprintf(d, sizeof(d), "c%d", n++);
	if (mkdir(d, 0755) < 0 || chdir(d) < 0)
		exit(1);
	close(open("file", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	if (mkdir("dir", 0755) < 0 || symlink("file", "lnk") < 0 || symlink("dir", "dirlnk") < 0)
		exit(1);
}

static void report(const char *label, int r)
{
	static const char *const names[] = {"file", "dir", "lnk", "dirlnk", "new"};
	struct stat st;
	int e = errno;

	printf("%-32s %-8s [", label, r >= 0 ? "ok" : strerrorname_np(e));
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (lstat(names[i], &st) == 0)
			printf(" %s:%s", names[i], S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link"
						 : S_ISREG(st.st_mode)   ? "file"
									 : "other");
	printf(" ]\n");
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
	CASE(unlink("file/"));
	CASE(unlink("lnk/"));
	CASE(unlink("dirlnk/"));
	CASE(rename("file", "new/"));
	CASE(rename("lnk/", "new"));
	CASE(link("file", "new/"));
	CASE(symlink("file", "new/"));
	CASE(mknod("new/", S_IFIFO | 0644, 0));
	CASE(truncate("file/", 0));
	CASE(chmod("file/", 0600));
	CASE(utimes("file/", NULL));
	CASE(mkdir("new/", 0755));
	CASE(rmdir("dirlnk/"));
	return 0;
}
