/* A stream connection to a Unix socket's path, for the attack programs that
 * speak to policyd's sockets themselves (conn_flood, conn_wflood,
 * uid_flood). */
#ifndef TG_BYPASS_UNIXCONN_H
#define TG_BYPASS_UNIXCONN_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* the wire header: policyd reads the length first (tgp_peek_len) */
#include "../../common/tg_proto.h"

/* the connected descriptor, or -errno */
static inline int unix_connect(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* A connection to path that has sent bytes (at most 1 MiB - 1) of a
 * message that never ends: a header announcing TGP_MAX_MSG, so policyd
 * keeps the part until the rest comes. Blocking sends, given up after
 * 2 s. The descriptor, or -errno. */
static inline int unix_unfinished(const char *path, size_t bytes)
{
	static char msg[1 << 20];
	static bool made;
	int fd = unix_connect(path);
	if (fd < 0 || !bytes)
		return fd;
	if (!made) {
		struct tgp_hdr *h = (struct tgp_hdr *)msg;
		memset(msg, 'x', sizeof(msg));
		h->magic = TGP_MAGIC;
		h->type = TGP_DECIDE;
		h->nfields = 1;
		h->len = TGP_MAX_MSG - sizeof(*h);
		h->id = 1;
		made = true;
	}
	if (bytes > sizeof(msg) - 1)
		bytes = sizeof(msg) - 1;
	struct timeval tv = {.tv_sec = 2};
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	size_t off = 0;
	while (off < bytes) {
		ssize_t w = send(fd, msg + off, bytes - off, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	return fd;
}

/* how many of fds [0, n) the peer has not closed */
static inline int unix_alive(const int *fds, int n)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		struct pollfd p = {.fd = fds[i], .events = POLLIN | POLLRDHUP};
		if (poll(&p, 1, 0) == 0)
			k++;
	}
	return k;
}

#endif
