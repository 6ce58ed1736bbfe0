/* Attack (root sessions): a fanotify group, from which a program can watch
 * or block file access anywhere on the machine. Only the group is made
 * (no mark), so the native run changes nothing.
 * Prints "group made" or "refused errno=N". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/fanotify.h>
#include <unistd.h>

int main(void)
{
	int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY);
	if (fd < 0) {
		printf("fanotify: refused errno=%d\n", errno);
		return 1;
	}
	close(fd);
	printf("group made\n");
	return 0;
}
