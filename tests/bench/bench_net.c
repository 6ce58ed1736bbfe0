/* SPDX-License-Identifier: MIT */
/*
 * bench_net N: N TCP connect+close to a loopback listener of its own (an
 * acceptor thread), for make bench's egress section: built dynamic
 * (bench_net: the interposer sees the connects) and static
 * (bench_net_static: only the kernel path does). In a session without the
 * eBPF layer each connect is decided by policyd, the path the layer is to
 * replace; with it, in the kernel. Prints µs per connect+close.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void *acceptor(void *arg)
{
	int l = *(int *)arg;
	for (;;) {
		int c = accept(l, NULL, NULL);
		if (c >= 0)
			close(c);
	}
	return NULL;
}

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	long n = argc == 2 ? atol(argv[1]) : 0;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	pthread_t th;
	int l;

	if (n <= 0)
		return 2;
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(l, 1024) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0 ||
	    pthread_create(&th, NULL, acceptor, &l) != 0) {
		perror("bench_net: listener");
		return 1;
	}
	double t0 = now_us();
	for (long i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("bench_net: connect");
			return 1;
		}
		close(fd);
	}
	printf("%.2f\n", (now_us() - t0) / (double)n);
	return 0; /* the acceptor ends with the process */
}
