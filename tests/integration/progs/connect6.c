/* Connects to 127.0.0.1:PORT through an IPv6 socket with a 24-byte
 * sockaddr_in6 (no scope id): the kernel accepts that length.
 * Usage: connect6 PORT */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 a;
	memset(&a, 0, sizeof(a));
	a.sin6_family = AF_INET6;
	a.sin6_port = htons((unsigned short)atoi(argv[1]));
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &a.sin6_addr);
	if (connect(fd, (struct sockaddr *)&a,
		    offsetof(struct sockaddr_in6, sin6_scope_id)) == 0) {
		printf("connect6: connected\n");
		return 0;
	}
	printf("connect6: refused errno=%d\n", errno);
	return 1;
}
