/* A path with a trailing slash names a directory: open("missing/",
 * O_WRONLY|O_CREAT) fails with EISDIR and creates nothing, and
 * open("file/", O_WRONLY) fails with ENOTDIR. Prints each call's result
 * and what is left in the directory. Run in an empty directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_open(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	printf("open(\"%s\", %s%s): %s\n", path, (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY" : "O_RDWR",
	       flags & O_CREAT ? "|O_CREAT" : "", fd >= 0 ? "opened" : strerrorname_np(errno));
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	struct stat st;
	int fd = open("file", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return 1;
	close(fd);
	try_open("missing/", O_WRONLY | O_CREAT);
	try_open("missing/", O_RDWR | O_CREAT);
	try_open("file/", O_WRONLY);
	try_open("file/", O_WRONLY | O_CREAT);
	try_open("file/", O_RDWR);
	printf("\"missing\" exists afterwards: %s\n", lstat("missing", &st) == 0 ? "yes" : "no");
	return 0;
}
