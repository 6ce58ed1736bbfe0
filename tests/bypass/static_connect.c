/* Attack (static): connect to a loopback port. Listens on an ephemeral
 * port of 127.0.0.2 itself, then connects to it with a raw connect.
 * Prints "connected" when the connection is accepted. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.2", &sa.sin_addr);
	socklen_t sl = sizeof(sa);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&sa, &sl) < 0)
		return 1;
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("connect: refused errno=%d\n", errno);
		return 1;
	}
	int a = accept(l, NULL, NULL);
	printf(a >= 0 ? "connected\n" : "accept failed\n");
	return 0;
}
