/* Attacks on the scratch directory's unnotified calls (settings: scratch:
 * private; common/tg_proto.h TG_SCRATCH_FD): the session's filter lets
 * calls whose directory descriptor is 1021 through without asking policyd,
 * so a process that wants to make or remove a name the policy protects
 * tries to do it through that number. Natively (no session) the number is
 * first opened on $TMPDIR, as agent-shell does. Static: only the kernel
 * sees it.
 *
 *   static_scratch mkdir-abs PATH        mkdirat(1021, PATH)
 *   static_scratch mkdir-dotdot PATH     mkdirat(1021, "../../.." PATH)
 *   static_scratch repoint DIR NAME      dup2(DIR, 1021); mkdirat(1021, NAME)
 *   static_scratch via-symlink DIR NAME  symlinkat(DIR, 1021, "tg-out");
 *                                        openat(1021, "tg-out/NAME",
 *                                        O_CREAT|O_EXCL)
 *   static_scratch link-in FILE          linkat(1021, FILE, 1021, "tg-in")
 *                                        (a second name, in the scratch
 *                                        directory, for a protected file)
 *   static_scratch rename-out PATH       a new file renamed to PATH
 *   static_scratch unlink-abs PATH       unlinkat(1021, PATH, 0)
 *   static_scratch move-scratch DEST NAME  DEST/pre-commit.sample removed
 *                                        and DEST (.git/hooks) with it, the
 *                                        directory of 1021 renamed to DEST,
 *                                        then openat(1021, NAME, O_CREAT|O_EXCL)
 *   static_scratch move-out DEST         a directory made through 1021
 *                                        (d/hooks/pre-commit) renamed out to
 *                                        DEST
 *   static_scratch read-up PATH          openat(1021, "../../.." PATH,
 *                                        O_RDONLY) and a read (a file the
 *                                        session's mount namespace masks)
 *   static_scratch fast NAME             mkdirat(1021, NAME), rmdir it: the
 *                                        route itself (not an attack)
 *
 * Prints "escaped: ..." when the call did what it asked, else
 * "refused errno=N". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define S 1021

static int say(int r, const char *what, const char *arg)
{
	if (r < 0) {
		printf("%s: refused errno=%d\n", what, errno);
		return 1;
	}
	printf("escaped: %s %s\n", what, arg);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: static_scratch ATTACK ARG [NAME]\n");
		return 2;
	}
	const char *a = argv[1], *p = argv[2], *n = argc > 3 ? argv[3] : "x";
	if (fcntl(S, F_GETFD) < 0) {
		const char *t = getenv("TMPDIR");
		int fd = open(t ? t : "/tmp", O_PATH | O_DIRECTORY);
		if (fd < 0 || dup2(fd, S) != S) {
			perror("scratch descriptor");
			return 2;
		}
		close(fd);
	}
	char buf[8192];
	if (!strcmp(a, "mkdir-abs"))
		return say(mkdirat(S, p, 0755), "mkdirat", p);
	if (!strcmp(a, "mkdir-dotdot")) {
		snprintf(buf, sizeof(buf), "../../../../../../../../../../../..%s",
			 p);
		return say(mkdirat(S, buf, 0755), "mkdirat", buf);
	}
	if (!strcmp(a, "repoint")) {
		int fd = open(p, O_PATH | O_DIRECTORY);
		if (fd < 0 || dup2(fd, S) != S) {
			perror(p);
			return 2;
		}
		return say(mkdirat(S, n, 0755), "mkdirat (re-pointed)", n);
	}
	if (!strcmp(a, "via-symlink")) {
		unlinkat(S, "tg-out", 0);
		if (symlinkat(p, S, "tg-out") < 0)
			return say(-1, "symlinkat", p);
		snprintf(buf, sizeof(buf), "tg-out/%s", n);
		int fd = openat(S, buf, O_CREAT | O_EXCL | O_WRONLY, 0644);
		int e = errno;
		unlinkat(S, "tg-out", 0);
		errno = e;
		return say(fd, "openat through a symlink", buf);
	}
	if (!strcmp(a, "link-in")) {
		unlinkat(S, "tg-in", 0);
		int r = linkat(S, p, S, "tg-in", 0);
		int e = errno;
		if (r == 0)
			unlinkat(S, "tg-in", 0);
		errno = e;
		return say(r, "linkat", p);
	}
	if (!strcmp(a, "rename-out")) {
		unlinkat(S, "tg-f", 0);
		int fd = openat(S, "tg-f", O_CREAT | O_EXCL | O_WRONLY, 0755);
		if (fd < 0)
			return say(-1, "openat tg-f", "");
		if (write(fd, "#!/bin/sh\n", 10) != 10)
			perror("write");
		close(fd);
		int r = renameat(S, "tg-f", S, p);
		int e = errno;
		unlinkat(S, "tg-f", 0);
		errno = e;
		return say(r, "renameat", p);
	}
	if (!strcmp(a, "move-scratch")) {
		char self[4096];
		ssize_t l = readlink("/proc/self/fd/1021", self, sizeof(self) - 1);
		if (l <= 0)
			return say(-1, "readlink", "");
		self[l] = '\0';
		snprintf(buf, sizeof(buf), "%s/pre-commit.sample", p);
		unlink(buf);
		rmdir(p);
		if (rename(self, p) < 0)
			return say(-1, "rename of the scratch directory", p);
		int fd = openat(S, n, O_CREAT | O_EXCL | O_WRONLY, 0755);
		return say(fd, "openat in the moved directory", n);
	}
	if (!strcmp(a, "move-out")) {
		if ((mkdirat(S, "tg-d", 0755) < 0 && errno != EEXIST) ||
		    (mkdirat(S, "tg-d/hooks", 0755) < 0 && errno != EEXIST))
			return say(-1, "mkdirat", "tg-d/hooks");
		int fd = openat(S, "tg-d/hooks/pre-commit",
				O_CREAT | O_EXCL | O_WRONLY, 0755);
		if (fd >= 0)
			close(fd);
		return say(renameat(S, "tg-d", AT_FDCWD, p), "renameat out", p);
	}
	if (!strcmp(a, "read-up")) {
		snprintf(buf, sizeof(buf), "../../../../../../../../../../../..%s",
			 p);
		int fd = openat(S, buf, O_RDONLY);
		if (fd < 0)
			return say(-1, "openat for reading", buf);
		char got[128];
		ssize_t r = read(fd, got, sizeof(got) - 1);
		close(fd);
		if (r <= 0) {
			printf("read 0: nothing\n");
			return 1;
		}
		got[r] = '\0';
		printf("escaped: read %zd: %s", r, got);
		return 0;
	}
	if (!strcmp(a, "unlink-abs"))
		return say(unlinkat(S, p, 0), "unlinkat", p);
	if (!strcmp(a, "fast")) {
		if (mkdirat(S, p, 0755) < 0)
			return say(-1, "mkdirat", p);
		return say(unlinkat(S, p, AT_REMOVEDIR), "made and removed", p);
	}
	fprintf(stderr, "static_scratch: unknown attack %s\n", a);
	return 2;
}
