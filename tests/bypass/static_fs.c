/* Attack (built -static: the interposer never sees it): change a protected
 * file. Usage: static_fs MODE TARGET [OTHER]
 *   write     open TARGET for writing and write "pwned"
 *   truncate  truncate(TARGET, 0)
 *   rename    rename OTHER over TARGET
 *   unlink    unlink TARGET
 *   link      hard-link TARGET to OTHER (a second name to write through)
 *   procfd    open TARGET read-only, then reopen /proc/self/fd/N for writing
 *   mkdir     mkdir(TARGET)
 *   symlink   symlink(OTHER, TARGET)
 *   chmod     chmod(TARGET, 0777)
 *   fchmod    open TARGET read-only, fchmod(fd, 0777)
 *   chown     chown(TARGET, 1, 1)
 *   setxattr  setxattr(TARGET, "user.tg", "x")
 *   utimens   utimensat(AT_FDCWD, TARGET, {1e9, 1e9}, 0): back-date it
 *   futimens  open TARGET read-only, futimens(fd, {1e9, 1e9})
 *   futimesat open TARGET read-only, futimesat(fd, NULL, {1e9, 1e9})
 * Prints "MODE: done" or "MODE: refused errno=N". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/xattr.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	const char *m = argv[1], *t = argv[2], *o = argc > 3 ? argv[3] : "";
	int r = -1;
	if (!strcmp(m, "write")) {
		int fd = open(t, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		r = fd < 0 ? -1 : (int)write(fd, "pwned\n", 6) - 6;
	} else if (!strcmp(m, "truncate")) {
		r = truncate(t, 0);
	} else if (!strcmp(m, "rename")) {
		r = rename(o, t);
	} else if (!strcmp(m, "unlink")) {
		r = unlink(t);
	} else if (!strcmp(m, "link")) {
		r = link(t, o);
	} else if (!strcmp(m, "mkdir")) {
		r = mkdir(t, 0755);
	} else if (!strcmp(m, "symlink")) {
		r = symlink(o, t);
	} else if (!strcmp(m, "chmod")) {
		r = chmod(t, 0777);
	} else if (!strcmp(m, "fchmod")) {
		int ro = open(t, O_RDONLY);
		r = ro < 0 ? -1 : fchmod(ro, 0777);
	} else if (!strcmp(m, "chown")) {
		r = chown(t, 1, 1);
	} else if (!strcmp(m, "setxattr")) {
		r = setxattr(t, "user.tg", "x", 1, 0);
	} else if (!strcmp(m, "utimens")) {
		struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
		r = utimensat(AT_FDCWD, t, ts, 0);
	} else if (!strcmp(m, "futimens")) {
		struct timespec ts[2] = {{1000000000, 0}, {1000000000, 0}};
		int ro = open(t, O_RDONLY);
		r = ro < 0 ? -1 : futimens(ro, ts);
	} else if (!strcmp(m, "futimesat")) {
		struct timeval tv[2] = {{1000000000, 0}, {1000000000, 0}};
		int ro = open(t, O_RDONLY);
		r = ro < 0 ? -1 : (int)syscall(SYS_futimesat, ro, NULL, tv);
	} else if (!strcmp(m, "procfd")) {
		int ro = open(t, O_RDONLY);
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", ro);
		int fd = ro < 0 ? -1 : open(p, O_WRONLY | O_TRUNC);
		r = fd < 0 ? -1 : (int)write(fd, "pwned\n", 6) - 6;
	}
	if (r == 0) {
		printf("%s: done\n", m);
		return 0;
	}
	printf("%s: refused errno=%d\n", m, errno);
	return 1;
}
