/* SPDX-License-Identifier: MIT */
/*
 * egress_dns: the DNS forwarder's sockets in policyd's loop (see
 * egress_dns.h). Everything arriving here comes from a session: messages
 * are read whole or dropped, TCP clients are capped per session and
 * timed out, and nothing blocks the loop.
 */
#include "egress_dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "dnsmsg.h"
#include "util.h"

#define TCP_PER_SESSION 16
#define TCP_TIMEOUT_MS 8000 /* > the proxy's 5 s: its query is gone first */

struct tag {
	enum edns_tag_kind kind;
	struct edns_sess *d;
	int fd;
};

struct tcp_client {
	struct tag t;
	bool used, waiting; /* a query of it went upstream */
	uint64_t since_ms;
	size_t len;
	uint8_t buf[2 + DNS_MAX_MSG];
};

struct edns_sess {
	void *owner;
	struct edns_sess *next;
	struct tag udp[2], tcp[2]; /* 127.0.0.1, ::1 (fd -1: none) */
	struct tcp_client *conn[TCP_PER_SESSION];
};

static struct {
	int ep;
	struct dnsproxy *proxy;
	struct tag up;
	struct edns_sess *all;
	bool has6;
	uint64_t forwarded, refused;
	uint8_t in[DNS_MAX_MSG], out[DNS_MAX_MSG];
} X = {.ep = -1, .up = {.kind = EDNS_TAG_UPSTREAM, .fd = -1}};

static void watch(struct tag *t)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = t};
	epoll_ctl(X.ep, EPOLL_CTL_ADD, t->fd, &ev);
}

/* The first nameserver of resolv.conf (TIERGATE_TEST_RESOLV_CONF in the
 * test build: the integration test's own DNS server). */
static int upstream_addr(struct sockaddr_storage *ss, socklen_t *len)
{
	const char *path = "/etc/resolv.conf";
#ifdef TIERGATE_TEST_HOOKS
	const char *t = secure_getenv("TIERGATE_TEST_RESOLV_CONF");
	if (t)
		path = t;
#endif
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	char line[512];
	while (fgets(line, sizeof(line), f)) {
		char a[128];
		unsigned port = 53;
		if (sscanf(line, " nameserver %127s %u", a, &port) < 1)
			continue;
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		memset(ss, 0, sizeof(*ss));
		if (port == 0 || port > 65535)
			port = 53;
		if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)port);
			*len = sizeof(*s4);
			return 0;
		}
		if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)port);
			*len = sizeof(*s6);
			return 0;
		}
	}
	return -ENOENT;
}

static int bind_lo(bool v6, int type, uint16_t *port)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	if (v6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		a->sin6_port = htons(*port);
		len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a->sin_port = htons(*port);
		len = sizeof(*a);
	}
	int fd = socket(v6 ? AF_INET6 : AF_INET,
			type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	if (v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 16) < 0) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	*port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
			 : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

int edns_init(int ep, const struct dnsproxy_ops *ops, char *why, size_t whysz)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	int r = upstream_addr(&ss, &len);
	if (r < 0) {
		snprintf(why, whysz, "no nameserver in resolv.conf: %s",
			 strerror(-r));
		return r;
	}
	int fd =
	    socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
		r = -errno;
		snprintf(why, whysz, "cannot reach the resolver: %s",
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	const struct dnsproxy_opts o = {0};
	if ((r = dnsproxy_new(ops, &o, &X.proxy)) < 0) {
		close(fd);
		snprintf(why, whysz, "%s", strerror(-r));
		return r;
	}
	uint16_t p = 0;
	int t6 = bind_lo(true, SOCK_DGRAM, &p);
	X.has6 = t6 >= 0;
	if (t6 >= 0)
		close(t6);
	X.ep = ep;
	X.up.fd = fd;
	watch(&X.up);
	return 0;
}

int edns_upstream_port(uint16_t *ret_port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (X.up.fd < 0)
		return -EBADF;
	if (getsockname(X.up.fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	*ret_port = ntohs(ss.ss_family == AF_INET6
			      ? ((struct sockaddr_in6 *)&ss)->sin6_port
			      : ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

void edns_shutdown(void)
{
	if (X.up.fd >= 0)
		close(X.up.fd);
	X.up.fd = -1;
	dnsproxy_free(X.proxy);
	X.proxy = NULL;
}

void edns_addrs(uint32_t *ret_addr4, int *ret_has6)
{
	*ret_addr4 = htonl(INADDR_LOOPBACK);
	*ret_has6 = X.has6;
}

static void tcp_drop(struct tcp_client *c)
{
	struct edns_sess *d = c->t.d;
	for (int i = 0; i < TCP_PER_SESSION; i++)
		if (d->conn[i] == c)
			d->conn[i] = NULL;
	close(c->t.fd); /* leaves the epoll set with it */
	free(c);
}

void edns_close(struct edns_sess *d)
{
	if (!d)
		return;
	for (struct edns_sess **pp = &X.all; *pp; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	if (X.proxy)
		dnsproxy_forget(X.proxy, d->owner);
	for (int i = 0; i < TCP_PER_SESSION; i++)
		if (d->conn[i])
			tcp_drop(d->conn[i]);
	for (int i = 0; i < 2; i++) {
		if (d->udp[i].fd >= 0)
			close(d->udp[i].fd);
		if (d->tcp[i].fd >= 0)
			close(d->tcp[i].fd);
	}
	free(d);
}

int edns_open(void *owner, struct edns_sess **ret, uint16_t *ret_port)
{
	if (!X.proxy)
		return -ENOTCONN;
	struct edns_sess *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->owner = owner;
	uint16_t port = 0;
	int fds[4] = {-1, -1, -1, -1};
	/* one port for the four: the UDP one picks it */
	fds[0] = bind_lo(false, SOCK_DGRAM, &port);
	if (fds[0] >= 0)
		fds[1] = bind_lo(false, SOCK_STREAM, &port);
	if (fds[1] >= 0 && X.has6) {
		fds[2] = bind_lo(true, SOCK_DGRAM, &port);
		if (fds[2] >= 0)
			fds[3] = bind_lo(true, SOCK_STREAM, &port);
	}
	int bad = fds[0] < 0 ? fds[0] : fds[1] < 0 ? fds[1] : 0;
	if (!bad && X.has6)
		bad = fds[2] < 0 ? fds[2] : fds[3] < 0 ? fds[3] : 0;
	if (bad) {
		for (int i = 0; i < 4; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		free(d);
		return bad;
	}
	for (int i = 0; i < 2; i++) {
		d->udp[i] = (struct tag){EDNS_TAG_UDP, d, fds[2 * i]};
		d->tcp[i] =
		    (struct tag){EDNS_TAG_TCP_LISTEN, d, fds[2 * i + 1]};
		if (d->udp[i].fd >= 0) {
			watch(&d->udp[i]);
			watch(&d->tcp[i]);
		}
	}
	d->next = X.all;
	X.all = d;
	*ret = d;
	*ret_port = port;
	return 0;
}

static void udp_query(struct edns_sess *d, int fd)
{
	for (int k = 0; k < 32; k++) { /* a burst, then others' turn */
		struct dnsproxy_client c = {.fd = fd,
					    .addrlen = sizeof(c.addr)};
		ssize_t n = recvfrom(fd, X.in, sizeof(X.in), MSG_DONTWAIT,
				     (struct sockaddr *)&c.addr, &c.addrlen);
		if (n < 0)
			return;
		size_t len = 0;
		if (dnsproxy_query(X.proxy, d->owner, &c, X.in, (size_t)n,
				   X.up.fd, tg_mono_ns() / 1000000, X.out,
				   sizeof(X.out), &len) < 0)
			continue;
		if (len) {
			X.refused++;
			sendto(fd, X.out, len, MSG_DONTWAIT,
			       (struct sockaddr *)&c.addr, c.addrlen);
		} else {
			X.forwarded++;
		}
	}
}

/* An answer for a TCP client: written whole without waiting, or the
 * client is dropped (it asks again). */
static void tcp_answer(struct tcp_client *c, const uint8_t *m, size_t len)
{
	uint8_t hdr[2];
	dns_put16(hdr, (uint16_t)len);
	struct iovec iov[2] = {{hdr, 2}, {(void *)m, len}};
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
	(void)sendmsg(c->t.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	tcp_drop(c);
}

static void tcp_accept(struct edns_sess *d, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	int i = 0;
	while (i < TCP_PER_SESSION && d->conn[i])
		i++;
	struct tcp_client *c =
	    i < TCP_PER_SESSION ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		close(fd);
		return;
	}
	c->t = (struct tag){EDNS_TAG_TCP_CONN, d, fd};
	c->since_ms = tg_mono_ns() / 1000000;
	d->conn[i] = c;
	watch(&c->t);
}

static void tcp_read(struct tcp_client *c)
{
	if (c->waiting) { /* one query per connection; more: dropped */
		char junk[512];
		ssize_t n = recv(c->t.fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n == 0)
			epoll_ctl(X.ep, EPOLL_CTL_DEL, c->t.fd, NULL);
		return;
	}
	ssize_t n = recv(c->t.fd, c->buf + c->len, sizeof(c->buf) - c->len,
			 MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			tcp_drop(c);
		return;
	}
	c->len += (size_t)n;
	if (c->len < 2 || c->len < 2 + (size_t)dns_get16(c->buf))
		return;
	size_t want = dns_get16(c->buf), len = 0;
	struct dnsproxy_client cl = {.fd = c->t.fd, .tcp = true};
	if (dnsproxy_query(X.proxy, c->t.d->owner, &cl, c->buf + 2, want,
			   X.up.fd, tg_mono_ns() / 1000000, X.out,
			   sizeof(X.out), &len) < 0) {
		tcp_drop(c);
		return;
	}
	if (len) {
		X.refused++;
		tcp_answer(c, X.out, len);
		return;
	}
	X.forwarded++;
	c->waiting = true;
}

/* The TCP client a forwarded answer is for, still connected. */
static struct tcp_client *tcp_find(struct edns_sess *d, int fd)
{
	for (int i = 0; i < TCP_PER_SESSION; i++)
		if (d->conn[i] && d->conn[i]->t.fd == fd && d->conn[i]->waiting)
			return d->conn[i];
	return NULL;
}

static void from_upstream(void)
{
	for (int k = 0; k < 64; k++) {
		ssize_t n = recv(X.up.fd, X.in, sizeof(X.in), MSG_DONTWAIT);
		if (n < 0)
			return;
		struct dnsproxy_client c;
		void *owner;
		size_t len = 0;
		if (dnsproxy_answer(X.proxy, X.in, (size_t)n, X.out,
				    sizeof(X.out), &len, &c, &owner) < 0)
			continue;
		if (!c.tcp) {
			sendto(c.fd, X.out, len, MSG_DONTWAIT,
			       (struct sockaddr *)&c.addr, c.addrlen);
			continue;
		}
		/* a waiting client's descriptor stays open until it is
		 * answered or timed out after the proxy forgot its query,
		 * so c.fd is still that client's */
		for (struct edns_sess *d = X.all; d; d = d->next) {
			struct tcp_client *tc = tcp_find(d, c.fd);
			if (tc && d->owner == owner) {
				tcp_answer(tc, X.out, len);
				break;
			}
		}
	}
}

void edns_event(void *tag, uint32_t events)
{
	struct tag *t = tag;
	(void)events;
	switch (t->kind) {
	case EDNS_TAG_UDP:
		udp_query(t->d, t->fd);
		break;
	case EDNS_TAG_TCP_LISTEN:
		tcp_accept(t->d, t->fd);
		break;
	case EDNS_TAG_TCP_CONN:
		tcp_read((struct tcp_client *)t);
		break;
	case EDNS_TAG_UPSTREAM:
		from_upstream();
		break;
	case EDNS_TAG_OTHER:
	case EDNS_TAG_MAX:
	default:
		break; /* not ours: the glue dispatches those */
	}
}

void edns_tick(void)
{
	if (!X.proxy)
		return;
	uint64_t now = tg_mono_ns() / 1000000;
	dnsproxy_expire(X.proxy, now);
	for (struct edns_sess *d = X.all; d; d = d->next)
		for (int i = 0; i < TCP_PER_SESSION; i++)
			if (d->conn[i] &&
			    now - d->conn[i]->since_ms > TCP_TIMEOUT_MS)
				tcp_drop(d->conn[i]);
}

void edns_counts(unsigned *ret_pending, uint64_t *ret_forwarded,
		 uint64_t *ret_refused)
{
	*ret_pending = X.proxy ? dnsproxy_pending(X.proxy) : 0;
	*ret_forwarded = X.forwarded;
	*ret_refused = X.refused;
}
