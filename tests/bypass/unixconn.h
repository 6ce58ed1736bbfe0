/* A stream connection to a Unix socket's path, for the attack programs that
 * speak to policyd's sockets themselves (conn_flood, conn_wflood). */
#ifndef TG_BYPASS_UNIXCONN_H
#define TG_BYPASS_UNIXCONN_H

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

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

#endif
