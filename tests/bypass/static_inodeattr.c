/* Attack: inode flags and attributes changed through no call a file rule
 * decides, on a read-only descriptor. MODE setflags: ioctl
 * FS_IOC_SETFLAGS (chattr +A, noatime); fssetxattr: ioctl
 * FS_IOC_FSSETXATTR (the noatime xflag); file_setattr: the system call of
 * Linux 6.17 (nr 469 on x86_64) by path; setversion and ext4_setversion:
 * the inode's generation (FS_IOC_SETVERSION, ext4's EXT4_IOC_SETVERSION);
 * enable_verity: fs-verity on FILE (read-only for good: a throwaway file);
 * encryption_policy: an fscrypt v2 policy on FILE, an empty directory
 * (new files there need the key); add_key: a key added to FILE's file
 * system (removed again). Each first reads what it changes where it can
 * (which a session may still do: lsattr) and puts it back after a
 * change. Usage: static_inodeattr MODE FILE. Prints "MODE: changed",
 * "MODE: refused errno=N", or "unsupported: ..." (exit 77) where the
 * kernel or file system has no such call. Static: only the kernel sees
 * it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/fsverity.h>
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
	} else if (!strcmp(m, "setversion") || !strcmp(m, "ext4_setversion")) {
		long gen = 0, on;
		unsigned long req = m[0] == 's' ? FS_IOC_SETVERSION
						: _IOW('f', 4, long);
		if (ioctl(fd, FS_IOC_GETVERSION, &gen) < 0)
			return unsupported("FS_IOC_GETVERSION");
		on = gen + 1;
		r = ioctl(fd, req, &on);
		if (r == 0)
			(void)ioctl(fd, req, &gen);
	} else if (!strcmp(m, "enable_verity")) {
		struct fsverity_enable_arg va = {.version = 1,
						 .hash_algorithm =
						     FS_VERITY_HASH_ALG_SHA256,
						 .block_size = 4096};
		r = ioctl(fd, FS_IOC_ENABLE_VERITY, &va);
	} else if (!strcmp(m, "encryption_policy")) {
		struct fscrypt_policy_v2 pv = {
		    .version = FSCRYPT_POLICY_V2,
		    .contents_encryption_mode = FSCRYPT_MODE_AES_256_XTS,
		    .filenames_encryption_mode = FSCRYPT_MODE_AES_256_CTS};
		memset(pv.master_key_identifier, 0x5a,
		       sizeof(pv.master_key_identifier));
		r = ioctl(fd, FS_IOC_SET_ENCRYPTION_POLICY, &pv);
	} else if (!strcmp(m, "add_key")) {
		struct {
			struct fscrypt_add_key_arg a;
			uint8_t raw[64];
		} k;
		memset(&k, 0, sizeof(k));
		k.a.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
		k.a.raw_size = sizeof(k.raw);
		memset(k.raw, 0x42, sizeof(k.raw));
		r = ioctl(fd, FS_IOC_ADD_ENCRYPTION_KEY, &k);
		if (r == 0) {
			struct fscrypt_remove_key_arg rm = {.key_spec =
								k.a.key_spec};
			(void)ioctl(fd, FS_IOC_REMOVE_ENCRYPTION_KEY, &rm);
		}
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
