/* Attack: talk to a Unix socket outside what the policy lets the session
 * write (a container engine's or systemd's socket is a way out of the
 * session), or make one there (a socket file is a file).
 * Usage: static_unix PATH | static_unix bind PATH | static_unix send
 * PATH (sendto on a datagram socket); a PATH of @NAME is the abstract name
 * NAME. Prints "connected", "bound", "sent", or "connect: refused
 * errno=N" / "bind: ..." / "send: ...". Static: only the kernel
 * backstop sees it. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int bind_it = argc > 2 && !strcmp(argv[1], "bind");
	int send_it = argc > 2 && !strcmp(argv[1], "send");
	const char *p = bind_it || send_it ? argv[2] : argv[1];
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (argc < 2 || strlen(p) >= sizeof(a.sun_path))
		return 2;
	strcpy(a.sun_path, p);
	socklen_t al = sizeof(a);
	if (p[0] == '@') { /* abstract: the name's bytes after a NUL */
		a.sun_path[0] = '\0';
		al = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				 strlen(p));
	}
	if (send_it) {
		int d = socket(AF_UNIX, SOCK_DGRAM, 0);
		if (sendto(d, "x", 1, 0, (struct sockaddr *)&a, al) != 1) {
			printf("send: refused errno=%d\n", errno);
			return 1;
		}
		printf("sent\n");
		return 0;
	}
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (bind_it) {
		if (bind(s, (struct sockaddr *)&a, al) < 0) {
			printf("bind: refused errno=%d\n", errno);
			return 1;
		}
		printf("bound\n");
		return 0;
	}
	if (connect(s, (struct sockaddr *)&a, al) < 0) {
		printf("connect: refused errno=%d\n", errno);
		return 1;
	}
	printf("connected\n");
	close(s);
	return 0;
}
