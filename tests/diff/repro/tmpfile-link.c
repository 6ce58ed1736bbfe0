/* An unnamed file (O_TMPFILE) given a name once it is complete: linkat of
 * /proc/self/fd/N with AT_SYMLINK_FOLLOW, the documented way (open(2)) to
 * create a file atomically; also linkat(fd, "", AT_EMPTY_PATH), which
 * needs CAP_DAC_READ_SEARCH. Prints each result and the new name's mode
 * and content. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void report(const char *label, int r, int e, const char *name)
{
	char buf[16] = "";
	struct stat st;
	int fd;

	printf("%-42s %-8s", label, r == 0 ? "ok" : strerrorname_np(e));
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && read(fd, buf, sizeof(buf) - 1) >= 0)
		printf(" %s: mode %o, \"%s\"", name, st.st_mode & 07777, buf);
	else
		printf(" %s: none", name);
	printf("\n");
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	char path[64];
	int fd, r, e;

	fd = open(".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0640);
	if (fd < 0 || write(fd, "done", 4) != 4)
		return 1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = linkat(AT_FDCWD, path, AT_FDCWD, "named", AT_SYMLINK_FOLLOW);
	e = errno;
	report("linkat(/proc/self/fd/N, AT_SYMLINK_FOLLOW)", r, e, "named");
	close(fd);

	fd = open(".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "also", 4) != 4)
		return 1;
	r = linkat(fd, "", AT_FDCWD, "named2", AT_EMPTY_PATH);
	e = errno;
	report("linkat(fd, \"\", AT_EMPTY_PATH)", r, e, "named2");
	close(fd);
	return 0;
}
