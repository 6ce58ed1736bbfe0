/* open() returns the lowest free descriptor, and a program that closed
 * stdin finds 0 free: POSIX promises both, and shells, daemons and test
 * suites rely on it (CPython's test_posix test_close_file spawns a child
 * with stdin closed and expects fstat(0) to fail). The program closes
 * everything but 1 and 2, execs itself, and the new program reports which
 * descriptors it finds open and which numbers its first opens get. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void list(const char *when)
{
	struct stat st;

	printf("%s:", when);
	for (int n = 0; n < 64; n++) {
		if (n == 1 || n == 2 || fstat(n, &st) < 0)
			continue;
		printf(" %d(%s)", n, S_ISSOCK(st.st_mode) ? "socket" : S_ISCHR(st.st_mode) ? "char" : "other");
	}
	printf("\n");
}

int main(int argc, char **argv __attribute__((unused)))
{
	int a, b;

	if (argc < 2) {
		/* everything but stdout and stderr closed, then a new program */
		close_range(3, ~0U, 0);
		close(0);
		execl("/proc/self/exe", "lowest-descriptor", "child", (char *)NULL);
		return 127;
	}
	list("open at start (besides 1, 2)");
	a = open("/dev/null", O_RDONLY);
	b = open("/dev/null", O_RDONLY);
	printf("first open: %d, second open: %d\n", a, b);
	list("open at the end (besides 1, 2)");
	return 0;
}
