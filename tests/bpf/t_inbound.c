/* SPDX-License-Identifier: MIT */
/*
 * A residual, shown: connect rules decide what a session reaches, not
 * who reaches it. A session's listener accepts a connection from an
 * address its rules deny and sends on it (the accepted socket runs no
 * connect or sendmsg hook); the same session cannot connect there. A
 * counted skip while the layer leaves inbound peers undecided.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tb.h"

#define DENIED "127.76.0.9"

struct inb {
	volatile uint16_t port; /* the session's listener, once listening */
	volatile int done;	/* the driver has read or given up */
	char got[32];
};

static struct inb *I;

/* In the session: listen on 127.0.0.1, send "tg-inbound" to whoever
 * connects. 0 when sent. */
static int serve(void *arg)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c, r = 1;

	(void)arg;
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &al) < 0)
		return 2;
	I->port = ntohs(a.sin_port);
	struct pollfd p = {.fd = l, .events = POLLIN};
	if (poll(&p, 1, 5000) == 1 && (c = accept(l, NULL, NULL)) >= 0) {
		r = send(c, "tg-inbound", 10, MSG_NOSIGNAL) == 10 ? 0 : errno;
		while (!I->done)
			usleep(1000);
		close(c);
	}
	close(l);
	return r;
}

/* The driver, outside: from the denied address to the listener. */
static void peer(void)
{
	struct sockaddr_in src = {.sin_family = AF_INET};
	struct sockaddr_in dst = {.sin_family = AF_INET};
	int fd;
	ssize_t n;

	if (I->done || !I->port) {
		usleep(2000);
		return;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	inet_pton(AF_INET, DENIED, &src.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
	dst.sin_port = htons(I->port);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) == 0 &&
	    connect(fd, (struct sockaddr *)&dst, sizeof(dst)) == 0) {
		struct timeval tv = {.tv_sec = 2};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recv(fd, I->got, sizeof(I->got) - 1, MSG_WAITALL);
		if (n > 0)
			I->got[n < 10 ? n : 10] = 0;
	}
	close(fd);
	I->done = 1;
}

static int do_out(void *arg)
{
	(void)arg;
	return tb_connect(DENIED, I->port, SOCK_STREAM);
}

void t_inbound(void)
{
	struct egress_rule r[] = {
	    tb_rule("127.0.0.0/8", EGRESS_PROTO_ANY, 0, 65535, EGRESS_ALLOW, 1),
	    tb_rule("127.76.0.0/16", EGRESS_PROTO_ANY, 0, 65535, EGRESS_DENY,
		    2),
	};
	struct egress_session cfg = {
	    .rules = r, .nrules = 2, .default_action = EGRESS_DENY};
	struct tb_sess s;
	uint16_t lp = 0;
	int l;

	printf("== an inbound connection from a denied address\n");
	if (!(I = tb_shared(sizeof(*I))))
		return;
	if ((l = tb_listen_any(SOCK_STREAM, &lp)) < 0 ||
	    tb_sess_new(&s, &cfg) < 0) {
		tb_bad("cannot listen or add the session");
		goto out;
	}
	I->port = lp;
	int o = tb_run_in(s.path, do_out, NULL);
	tb_check(o == EPERM, "the session connects to " DENIED ": %s",
		 strerror(o));
	I->port = 0;
	int got = tb_run_in_loop(s.path, serve, NULL, peer);
	if (got == 0 && !strcmp(I->got, "tg-inbound"))
		tb_skip("a connection from " DENIED " to the session's "
			"listener is accepted and answered: inbound peers are "
			"not decided (a stated residual)");
	else
		tb_check(got != 0 && strcmp(I->got, "tg-inbound"),
			 "inbound from " DENIED ": refused (%d, read \"%s\")",
			 got, I->got);
	tb_sess_end(&s);
out:
	if (l >= 0)
		close(l);
	munmap(I, sizeof(*I));
}
