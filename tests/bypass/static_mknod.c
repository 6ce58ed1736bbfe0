/* Attack (root sessions have CAP_MKNOD): make a block device node for the
 * first loop device in a writable place; through such a node the whole
 * disk is behind no file rule. Prints "device made" or "refused errno=N".
 * Static: only the kernel sees it. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int main(void)
{
	const char *p = "tg-blockdev";
	if (mknod(p, S_IFBLK | 0600, makedev(7, 0)) < 0) {
		printf("mknod: refused errno=%d\n", errno);
		return 1;
	}
	unlink(p);
	printf("device made\n");
	return 0;
}
