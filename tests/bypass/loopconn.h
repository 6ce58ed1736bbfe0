/* A TCP connection of this process to itself, for the static attack
 * programs that try a connect past the egress rules (static_connect,
 * static_mptcp). */
#ifndef TG_BYPASS_LOOPCONN_H
#define TG_BYPASS_LOOPCONN_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

/* Listens on an ephemeral TCP port of addr (IPv4) itself, then connects
 * to it by a stream socket of protocol proto (0: TCP). Prints "connected"
 * when the connection is accepted, "connect: refused errno=N" when
 * refused, "socket: unsupported errno=N" where no socket of proto can be
 * made. The exit status: 0, 1 (refused or no listener), 2 (addr not an
 * address), 77 (unsupported). */
static inline int loop_connect(const char *addr, int proto)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
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

#endif
