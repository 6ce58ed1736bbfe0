/* Calls by path whose names are spelled so that the kernel fails them
 * whatever the policy says ("name/" of a file, "." and ".." as the last
 * name, O_NOFOLLOW of a symlink). Prints each call's errno (or "ok").
 * Usage: spelled DIR OUT: DIR holds a directory d and a file f, where the
 * policy refuses writes; OUT/sl is a symlink to DIR/f. Built dynamic (the
 * interposer decides) and static (static_spelled: the kernel path). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char a[4096], b[4096];

static void show(const char *what, int r)
{
	printf("%s %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}

#define P(buf, dir, name) snprintf(buf, sizeof(buf), "%s/%s", dir, name)

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	const char *d = argv[1], *o = argv[2];
	P(a, d, "d/.");
	show("rmdir d/.", rmdir(a));
	P(a, d, "d/..");
	show("rmdir d/..", rmdir(a));
	P(a, d, "missing/.");
	show("rmdir missing/.", rmdir(a));
	P(a, d, "d/.");
	show("unlink d/.", unlink(a));
	P(a, d, "f/");
	show("unlink f/", unlink(a));
	P(a, d, "f/");
	show("mkdir f/", mkdir(a, 0700));
	P(a, d, "d/.");
	show("mkdir d/.", mkdir(a, 0700));
	P(a, d, "d/.");
	P(b, d, "x");
	show("rename d/. x", rename(a, b));
	P(a, d, "f");
	P(b, d, "d/..");
	show("rename f d/..", rename(a, b));
	P(a, d, "f/");
	P(b, d, "x");
	show("rename f/ x", rename(a, b));
	P(a, d, "f/");
	show("symlink f/", symlink("t", a));
	P(a, d, "new/");
	show("symlink new/", symlink("t", a));
	P(a, d, "f/");
	P(b, o, "l");
	show("link f/", link(a, b));
	P(a, d, "f/");
	show("truncate f/", truncate(a, 0));
	P(a, o, "sl");
	int fd = open(a, O_WRONLY | O_NOFOLLOW);
	show("open O_NOFOLLOW sl", fd);
	return 0;
}
