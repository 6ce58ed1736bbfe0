/* SPDX-License-Identifier: MIT */
/* Linked statically (no interposer can see it): connect to ADDR PORT with
 * the raw system call and print the outcome; exits with the errno. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int fd;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1)
		return 2;
	sa.sin_port = htons((unsigned short)atoi(argv[2]));
	fd = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	if (fd < 0 ||
	    syscall(SYS_connect, fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		printf("connect %s:%s: errno=%d\n", argv[1], argv[2], e);
		return e;
	}
	printf("connected\n");
	return 0;
}
