/* Attack (static): push input into a terminal (TIOCSTI), as a session
 * sharing the operator's tty would, to have the operator's shell run a
 * line after the session. A pty of its own stands for that tty: the
 * program makes it its controlling terminal (TIOCSTI wants that), pushes
 * "echo pwned\n" and reads the line back from the terminal's input.
 *   static_tty_inject [sti|linux]
 * Prints "injected: echo pwned" when the line arrived, "sti: refused
 * errno=E" when the ioctl failed; linux: TIOCLINUX's paste, "linux:
 * refused errno=E" (a pty is no virtual console: natively EINVAL/ENOTTY),
 * exit 77 with "unsupported" when no pty can be had. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "sti";
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0) {
		printf("unsupported: no pty (%d)\n", errno);
		return 77;
	}
	char name[128];
	if (ptsname_r(m, name, sizeof(name)) != 0)
		return 1;
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t c = fork();
	if (c == 0) {
		close(p[0]);
		setsid();
		int s = open(name, O_RDWR); /* the controlling terminal now */
		if (s < 0)
			_exit(3);
		char out[160];
		if (!strcmp(mode, "linux")) {
			char sub = 3; /* TIOCL_PASTESEL */
			int r = ioctl(s, TIOCLINUX, &sub);
			snprintf(out, sizeof(out), r < 0 ? "linux: refused errno=%d\n"
							 : "linux: pasted%d\n",
				 r < 0 ? errno : 0);
			(void)!write(p[1], out, strlen(out));
			_exit(0);
		}
		const char *line = "echo pwned\n";
		for (const char *q = line; *q; q++)
			if (ioctl(s, TIOCSTI, q) < 0) {
				snprintf(out, sizeof(out),
					 "sti: refused errno=%d\n", errno);
				(void)!write(p[1], out, strlen(out));
				_exit(0);
			}
		char got[64] = "";
		ssize_t n = read(s, got, sizeof(got) - 1); /* one line */
		got[n > 0 ? n : 0] = '\0';
		snprintf(out, sizeof(out), "injected: %s", got);
		(void)!write(p[1], out, strlen(out));
		_exit(0);
	}
	close(p[1]);
	char buf[256];
	ssize_t n = read(p[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	waitpid(c, NULL, 0);
	fputs(buf, stdout);
	return 0;
}
