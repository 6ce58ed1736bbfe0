/* Attack (static): a TCP connection by another protocol number. An MPTCP
 * socket (socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)) connects to any TCP
 * server: the server sees plain TCP (MPTCP falls back to it), but the
 * socket's protocol is not IPPROTO_TCP, so a rule with `proto: tcp` might
 * not see it as TCP.
 *
 *   static_mptcp ADDR [tcp]
 *
 * Listens on an ephemeral TCP port of ADDR itself, then connects to it by
 * MPTCP (by plain TCP with "tcp"). Prints "connected" when the connection
 * is accepted, "connect: refused errno=N" when refused; exit 77 with
 * "unsupported" on a kernel without MPTCP. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int proto = argc > 2 && !strcmp(argv[2], "tcp") ? 0 : IPPROTO_MPTCP;
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1)
		return 2;
	socklen_t sl = sizeof(sa);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&sa, &sl) < 0)
		return 1;
	int c = socket(AF_INET, SOCK_STREAM, proto);
	if (c < 0) {
		printf("socket: unsupported errno=%d\n", errno);
		return 77;
	}
	if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("connect: refused errno=%d\n", errno);
		return 1;
	}
	int a = accept(l, NULL, NULL);
	printf(a >= 0 ? "connected\n" : "accept failed\n");
	return 0;
}
