/* SPDX-License-Identifier: MIT */
#include "ctl_conn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rundir.h"
#include "tg_proto.h"
#include "util.h"

/* policyd's answers are small; a larger one is not policyd's */
#define ANSWER_MAX (16u << 20)

static int ctl_connect(int mode, char *which, size_t wsz)
{
	for (int sys = 1; sys >= 0; sys--) {
		if (mode >= 0 && mode != sys)
			continue;
		struct rundir rd;
		rundir_get(sys, false, &rd);
		snprintf(which, wsz, "%s", rd.control_sock);
		int fd = tgp_connect(rd.control_sock);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

/* Connected, line sent: the descriptor, or -errno (said unless quiet). */
static int ctl_send(int mode, const char *line, bool quiet)
{
	char which[700];
	int fd = ctl_connect(mode, which, sizeof(which));
	if (fd < 0) {
		if (!quiet)
			fprintf(stderr,
				"policyctl: policyd is not running (no answer "
				"on %s); start a session with agent-shell or "
				"run policyd\n",
				which);
		return -ECONNREFUSED;
	}
	size_t n = strlen(line);
	if (write(fd, line, n) != (ssize_t)n || write(fd, "\n", 1) != 1) {
		close(fd);
		return -EIO;
	}
	return fd;
}

int ctl_stream(int mode, const char *line)
{
	return ctl_send(mode, line, false);
}

int ctl_request(int mode, const char *line, bool quiet, char **ret)
{
	int fd = ctl_send(mode, line, quiet);
	if (fd < 0)
		return fd;
	struct strbuf b = {0};
	char tmp[4096];
	ssize_t k;
	while ((k = read(fd, tmp, sizeof(tmp))) > 0 && b.len < ANSWER_MAX)
		strbuf_append(&b, tmp, (size_t)k);
	close(fd);
	char *s = strbuf_steal(&b);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}
