/* SPDX-License-Identifier: MIT */
/*
 * A "remote" host for the limit tests: a child in a network namespace of
 * its own, reached from the driver's namespace through a veth pair
 * (10.200.0.1 <-> 10.200.0.2), running a sink: a TCP connection's bytes
 * are counted until EOF and answered with (bytes, ns from the first byte
 * to the last). Killing the child (by its pid) removes the namespace and
 * the veth pair with it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tb.h"
#include "tb_remote.h"

static void sink_conn(int c)
{
	char buf[65536];
	uint64_t bytes = 0, first = 0, last = 0;

	for (;;) {
		ssize_t n = read(c, buf, sizeof(buf));
		if (n <= 0)
			break;
		last = tb_now_ns();
		if (!first)
			first = last;
		bytes += (uint64_t)n;
	}
	uint64_t res[2] = {bytes, last - first};
	if (write(c, res, sizeof(res)) < 0)
		_exit(3);
	close(c);
}

static void source_conn(int c)
{
	static char buf[65536];
	uint64_t want = 0, sent = 0;

	if (read(c, &want, sizeof(want)) != sizeof(want))
		return;
	while (sent < want) {
		size_t n =
		    want - sent < sizeof(buf) ? want - sent : sizeof(buf);
		ssize_t w = write(c, buf, n);
		if (w <= 0)
			break;
		sent += (uint64_t)w;
	}
	close(c);
}

static int listen_tcp(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);

	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 256) < 0)
		_exit(2);
	return l;
}

static void sink(int ready)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(TB_SINK_PORT)};
	int l = listen_tcp(TB_SINK_PORT), src = listen_tcp(TB_SOURCE_PORT);
	int u = socket(AF_INET, SOCK_DGRAM, 0);

	if (bind(u, (struct sockaddr *)&a, sizeof(a)) < 0)
		_exit(2);
	if (write(ready, "r", 1) != 1)
		_exit(2);
	close(ready);
	for (;;) {
		struct pollfd p[3] = {{.fd = l, .events = POLLIN},
				      {.fd = u, .events = POLLIN},
				      {.fd = src, .events = POLLIN}};
		if (poll(p, 3, -1) < 0)
			continue;
		if (p[1].revents) {
			char buf[65536];
			/* a UDP datagram: echo its length back */
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(u, buf, sizeof(buf), 0,
					     (struct sockaddr *)&from, &fl);
			if (n >= 0)
				sendto(u, &n, sizeof(n), 0,
				       (struct sockaddr *)&from, fl);
		}
		for (int i = 0; i < 3; i += 2) {
			if (!p[i].revents)
				continue;
			int c = accept(p[i].fd, NULL, NULL);
			if (c < 0)
				continue;
			/* one child per connection, so that several
			 * sessions can send at once */
			if (fork() == 0) {
				struct timeval tv = {.tv_sec = 5};
				prctl_pdeathsig();
				setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv,
					   sizeof(tv));
				close(l);
				close(src);
				if (i == 0)
					sink_conn(c);
				else
					source_conn(c);
				_exit(0);
			}
			close(c);
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
}

int tb_remote_start(struct tb_remote *r)
{
	int go[2], ready[2];
	char c;

	memset(r, 0, sizeof(*r));
	if (pipe(go) < 0 || pipe(ready) < 0)
		return -errno;
	fflush(stdout);
	r->pid = fork();
	if (r->pid < 0)
		return -errno;
	if (r->pid == 0) {
		close(go[1]);
		close(ready[0]);
		prctl_pdeathsig();
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (write(ready[1], "n", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		if (tb_sh("ip link set lo up") < 0 ||
		    tb_sh("ip addr add 10.200.0.2/24 dev tgv1") < 0 ||
		    tb_sh("ip link set tgv1 up") < 0)
			_exit(1);
		sink(ready[1]);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		goto fail;
	if (tb_sh("ip link add tgv0 type veth peer name tgv1 netns %d",
		  (int)r->pid) < 0 ||
	    tb_sh("ip addr add 10.200.0.1/24 dev tgv0") < 0 ||
	    tb_sh("ip link set tgv0 up") < 0)
		goto fail;
	if (write(go[1], "g", 1) != 1 || read(ready[0], &c, 1) != 1)
		goto fail;
	close(go[1]);
	close(ready[0]);
	/* the link needs a moment to come up (carrier) */
	for (int i = 0; i < 100; i++) {
		if (tb_connect(TB_REMOTE_ADDR, TB_SINK_PORT, SOCK_STREAM) == 0)
			return 0;
		usleep(20000);
	}
fail:
	close(go[1]);
	close(ready[0]);
	tb_remote_stop(r);
	return -EIO;
}

void tb_remote_stop(struct tb_remote *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
		r->pid = 0;
	}
	/* the namespace took tgv1, and tgv0 with it; in case it did not */
	tb_sh("ip link del tgv0 2>/dev/null");
}

/* A TCP connection to addr:port: the socket, or -errno. */
static int connected(const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fam = tb_sockaddr(addr, port, &ss, &len);
	int fd = fam < 0 ? -1 : socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -EINVAL;
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int tb_send_bulk(const char *addr, uint64_t bytes, uint64_t *ret_got,
		 uint64_t *ret_ns)
{
	static char buf[65536];
	int fd = connected(addr, TB_SINK_PORT);
	uint64_t sent = 0, res[2];

	if (fd < 0)
		return -fd;
	while (sent < bytes) {
		size_t n =
		    bytes - sent < sizeof(buf) ? bytes - sent : sizeof(buf);
		ssize_t w = write(fd, buf, n);
		if (w < 0) {
			int e = errno;
			close(fd);
			return e;
		}
		sent += (uint64_t)w;
	}
	shutdown(fd, SHUT_WR);
	if (read(fd, res, sizeof(res)) != sizeof(res)) {
		close(fd);
		return EIO;
	}
	close(fd);
	*ret_got = res[0];
	*ret_ns = res[1];
	return 0;
}

int tb_fetch(const char *addr, uint64_t bytes, int timeout_ms,
	     uint64_t *ret_got)
{
	static char buf[65536];
	int fd = connected(addr, TB_SOURCE_PORT);
	uint64_t got = 0, end = tb_now_ns() + (uint64_t)timeout_ms * 1000000;

	if (fd < 0)
		return -fd;
	if (write(fd, &bytes, sizeof(bytes)) != sizeof(bytes)) {
		close(fd);
		return EIO;
	}
	while (got < bytes && tb_now_ns() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		got += (uint64_t)n;
	}
	close(fd);
	*ret_got = got;
	return 0;
}
