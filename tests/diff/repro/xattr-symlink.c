/* Extended attributes of a symlink itself (the l-variants): a trusted.*
 * attribute set with lsetxattr on a symlink is read back by lgetxattr and
 * listed by llistxattr on the link, and the target has none. (Linux allows
 * only trusted.* and security.* on symlinks; trusted.* needs CAP_SYS_ADMIN:
 * run as root, as CI does.) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

static const char *res(ssize_t r)
{
	static char buf[64];

	if (r < 0)
		return strerrorname_np(errno);
	snprintf(buf, sizeof(buf), "%zd", r);
	return buf;
}

int main(void)
{
	char val[64] = "", names[256] = "";
	ssize_t r;
	int fd = open("target", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0 || symlink("target", "link") < 0)
		return 1;
	close(fd);
	printf("lsetxattr(link, trusted.tg): %s\n", res(lsetxattr("link", "trusted.tg", "v1", 2, 0)));
	r = lgetxattr("link", "trusted.tg", val, sizeof(val) - 1);
	printf("lgetxattr(link, trusted.tg): %s%s%.*s\n", res(r), r > 0 ? " " : "", r > 0 ? (int)r : 0, val);
	r = llistxattr("link", names, sizeof(names));
	printf("llistxattr(link): %s%s%s\n", res(r), r > 0 ? " " : "", r > 0 ? names : "");
	printf("getxattr(target, trusted.tg): %s\n", res(getxattr("target", "trusted.tg", val, sizeof(val))));
	printf("lremovexattr(link, trusted.tg): %s\n", res(lremovexattr("link", "trusted.tg")));
	printf("lgetxattr after remove: %s\n", res(lgetxattr("link", "trusted.tg", val, sizeof(val))));
	return 0;
}
