/* Attack: talk to a Unix socket outside what the policy lets the session
 * write (a container engine's or systemd's socket is a way out of the
 * session). Usage: static_unix PATH. Prints "connected" or
 * "connect: refused errno=N". Static: only the kernel backstop sees it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2 ||
	    strlen(argv[1]) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return 2;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	strcpy(a.sun_path, argv[1]);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		printf("connect: refused errno=%d\n", errno);
		return 1;
	}
	printf("connected\n");
	close(s);
	return 0;
}
