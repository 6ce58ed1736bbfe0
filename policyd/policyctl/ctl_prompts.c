/* SPDX-License-Identifier: MIT */
#include "ctl_prompts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_conn.h"
#include "ctl_watch.h"
#include "util.h"

/* Sends line, prints the answer; exit status 1 when policyd says error
 * on any line (JSON: "ok":false on any). */
static int request(int mode, const char *line)
{
	_cleanup_free_ char *out = NULL;
	if (ctl_request(mode, line, false, &out) < 0)
		return 1;
	fputs(out, stdout);
	return strncmp(out, "error", 5) && !strstr(out, "\nerror") &&
		       !strstr(out, "\"ok\":false")
		   ? 0
		   : 1;
}

/* The request line: the command and its arguments, each a word without
 * spaces or newlines (a deny's reason or an approval's --like pattern,
 * last, may have spaces). */
static int build(struct strbuf *b, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		bool tail = i > 0 && (!strcmp(argv[i - 1], "--reason") ||
				      !strcmp(argv[i - 1], "--like"));
		if (strchr(argv[i], '\n') ||
		    (!tail && strpbrk(argv[i], " \t"))) {
			fprintf(stderr, "policyctl %s: bad argument '%s'\n",
				argv[0], argv[i]);
			return -EINVAL;
		}
		if (tail && i != argc - 1) {
			fprintf(stderr, "policyctl %s: %s comes last\n",
				argv[0], argv[i - 1]);
			return -EINVAL;
		}
		strbuf_printf(b, "%s%s", i ? " " : "", argv[i]);
	}
	if (b->oom || b->len > 1000) {
		fprintf(stderr, "policyctl %s: request too long\n", argv[0]);
		return -E2BIG;
	}
	return 0;
}

static int watch(int mode)
{
	int fd = ctl_stream(mode, "watch");
	if (fd < 0)
		return 1;
	if (isatty(STDOUT_FILENO) && isatty(STDIN_FILENO)) {
		int rc = ctl_watch_tty(fd, mode);
		close(fd);
		return rc;
	}
	char buf[65536];
	ssize_t n;
	/* JSON lines as policyd sends them, until it goes away */
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
		if (!strncmp(buf, "error", 5)) {
			close(fd);
			return 1;
		}
	}
	close(fd);
	return 0;
}

int ctl_prompts_cmd(int mode, int argc, char **argv)
{
	const char *cmd = argv[0];
	if (!strcmp(cmd, "watch"))
		return watch(mode);
	bool answer = !strcmp(cmd, "approve") || !strcmp(cmd, "deny");
	if (!answer && strcmp(cmd, "pending") && strcmp(cmd, "grants") &&
	    strcmp(cmd, "revoke"))
		return -ENOSYS;
	if ((answer || !strcmp(cmd, "revoke")) && argc < 2) {
		fprintf(stderr,
			"policyctl %s: name a %s (policyctl %s lists them)\n",
			cmd, answer ? "prompt" : "grant",
			answer ? "pending" : "grants");
		return 2;
	}
	struct strbuf b = {0};
	if (build(&b, argc, argv) < 0) {
		strbuf_free(&b);
		return 2;
	}
	int rc = request(mode, b.s);
	strbuf_free(&b);
	return rc;
}
