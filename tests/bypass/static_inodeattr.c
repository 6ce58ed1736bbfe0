/* Attack: inode flags and attributes changed through no call a file rule
 * decides, on a read-only descriptor. MODE setflags: ioctl
 * FS_IOC_SETFLAGS (chattr +A, noatime); fssetxattr: ioctl
 * FS_IOC_FSSETXATTR (the noatime xflag); file_setattr: the system call of
 * Linux 6.17 (nr 469 on x86_64) by path. Each first reads the attributes
 * (which a session may still do: lsattr) and puts them back after a
 * change. Usage: static_inodeattr MODE FILE. Prints "MODE: changed",
 * "MODE: refused errno=N", or "unsupported: ..." (exit 77) where the
 * kernel or file system has no such call. Static: only the kernel sees
 * it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NR_file_getattr 468
#define NR_file_setattr 469
struct file_attr_v0 { /* linux/fs.h of 6.17: struct file_attr */
	uint64_t fa_xflags;
	uint32_t fa_extsize, fa_nextents, fa_projid, fa_cowextsize;
};

static int unsupported(const char *what)
{
	printf("unsupported: %s errno=%d\n", what, errno);
	return 77;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	const char *m = argv[1];
	int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 2;
	int r;
	if (!strcmp(m, "setflags")) {
		int fl = 0;
		if (ioctl(fd, FS_IOC_GETFLAGS, &fl) < 0)
			return unsupported("FS_IOC_GETFLAGS");
		int on = fl | FS_NOATIME_FL;
		r = ioctl(fd, FS_IOC_SETFLAGS, &on);
		if (r == 0)
			(void)ioctl(fd, FS_IOC_SETFLAGS, &fl);
	} else if (!strcmp(m, "fssetxattr")) {
		struct fsxattr fa, on;
		if (ioctl(fd, FS_IOC_FSGETXATTR, &fa) < 0)
			return unsupported("FS_IOC_FSGETXATTR");
		on = fa;
		on.fsx_xflags |= FS_XFLAG_NOATIME;
		r = ioctl(fd, FS_IOC_FSSETXATTR, &on);
		if (r == 0)
			(void)ioctl(fd, FS_IOC_FSSETXATTR, &fa);
	} else if (!strcmp(m, "file_setattr")) {
		struct file_attr_v0 fa, on;
		memset(&fa, 0, sizeof(fa));
		if (syscall(NR_file_getattr, AT_FDCWD, argv[2], &fa, sizeof(fa),
			    0) < 0)
			return unsupported("file_getattr");
		on = fa;
		on.fa_xflags |= FS_XFLAG_NOATIME;
		r = (int)syscall(NR_file_setattr, AT_FDCWD, argv[2], &on,
				 sizeof(on), 0);
		if (r == 0)
			(void)syscall(NR_file_setattr, AT_FDCWD, argv[2], &fa,
				      sizeof(fa), 0);
	} else {
		return 2;
	}
	if (r < 0 &&
	    (errno == ENOTTY || errno == EOPNOTSUPP || errno == ENOSYS))
		return unsupported(m);
	if (r < 0)
		printf("%s: refused errno=%d\n", m, errno);
	else
		printf("%s: changed\n", m);
	return 0;
}
