/* SPDX-License-Identifier: MIT */
/*
 * ctl_client: policyctl's daemon commands. status, sessions, reload and
 * kill go to policyd's control socket; log reads the audit log file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli_common.h"
#include "rundir.h"
#include "tg_proto.h"

void cli_online_usage(FILE *f)
{
	fputs(
	    "\nOperators (talk to a running policyd):\n"
	    "  status [--json]          policy, sessions, which enforcement "
	    "layers are active and why\n"
	    "  sessions [--json]        open sessions\n"
	    "  reload                   load every session's policy again (a "
	    "bad policy is rejected,\n"
	    "                           the old one stays in force)\n"
	    "  kill SESSION             kill every process of a session\n"
	    "  log [--session S] [--follow] [--json] [--file FILE]\n"
	    "                           the audit log\n"
	    "Daemon selection: TIERGATE_RUNDIR=DIR, or --user / --system "
	    "before the command\n"
	    "(default: the system daemon if it runs, else your user daemon).\n",
	    f);
}

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

/* Sends one request line, copies the answer to out (or stdout). */
static int ctl_request(int mode, const char *line, char **ret)
{
	char which[700];
	int fd = ctl_connect(mode, which, sizeof(which));
	if (fd < 0) {
		fprintf(stderr,
			"policyctl: policyd is not running (no answer on %s); "
			"start a session with agent-shell or run policyd\n",
			which);
		return -ECONNREFUSED;
	}
	size_t n = strlen(line);
	if (write(fd, line, n) != (ssize_t)n || write(fd, "\n", 1) != 1) {
		close(fd);
		return -EIO;
	}
	struct strbuf b = {0};
	char tmp[4096];
	ssize_t k;
	while ((k = read(fd, tmp, sizeof(tmp))) > 0)
		strbuf_append(&b, tmp, (size_t)k);
	close(fd);
	char *s = strbuf_steal(&b);
	if (!s)
		return -ENOMEM;
	if (ret) {
		*ret = s;
	} else {
		fputs(s, stdout);
		free(s);
	}
	return 0;
}

/* ------------------------------------------------------------- log */

static const char *json_get(const char *line, const char *key, char *out,
			    size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = strstr(line, pat);
	out[0] = '\0';
	if (!p)
		return out;
	p += strlen(pat);
	size_t o = 0;
	if (*p == '"') {
		p++;
		while (*p && *p != '"' && o + 1 < cap) {
			if (*p == '\\' && p[1]) {
				p++;
				out[o++] = *p == 'n' ? ' ' : *p;
				p++;
				continue;
			}
			out[o++] = *p++;
		}
	} else {
		while (*p && *p != ',' && *p != '}' && o + 1 < cap)
			out[o++] = *p++;
	}
	out[o] = '\0';
	return out;
}

static void print_line(const char *line, const char *session, bool json)
{
	char sess[128];
	json_get(line, "session", sess, sizeof(sess));
	if (session && strcmp(sess, session))
		return;
	if (json) {
		fputs(line, stdout);
		return;
	}
	char ts[64], dec[32], tier[8], rule[128], kind[32], target[512],
	    pid[16];
	json_get(line, "ts", ts, sizeof(ts));
	json_get(line, "decision", dec, sizeof(dec));
	json_get(line, "tier", tier, sizeof(tier));
	json_get(line, "rule", rule, sizeof(rule));
	json_get(line, "kind", kind, sizeof(kind));
	json_get(line, "target", target, sizeof(target));
	json_get(line, "pid", pid, sizeof(pid));
	printf("%-27s %-12s %-7s %-8s %-4s %-22s %-8s %s\n", ts, sess, pid, dec,
	       strcmp(tier, "null") ? tier : "-",
	       rule[0] && strcmp(rule, "null") ? rule : "-", kind, target);
	fflush(stdout);
}

static int cmd_log(int mode, int argc, char **argv)
{
	const char *session = NULL, *file = NULL;
	bool follow = false, json = false;
	static const struct option opts[] = {
	    {"session", required_argument, 0, 's'},
	    {"follow", no_argument, 0, 'f'},
	    {"json", no_argument, 0, 'j'},
	    {"file", required_argument, 0, 'F'},
	    {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:fjF:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			session = optarg;
			break;
		case 'f':
			follow = true;
			break;
		case 'j':
			json = true;
			break;
		case 'F':
			file = optarg;
			break;
		default:
			return 2;
		}
	}
	char *path = NULL;
	if (!file) {
		if (ctl_request(mode, "audit-path", &path) < 0 || !path[0] ||
		    !strncmp(path, "error", 5)) {
			if (path && !strncmp(path, "error", 5))
				fputs(path, stderr);
			free(path);
			return 1;
		}
		path[strcspn(path, "\n")] = '\0';
		file = path;
	}
	FILE *f = fopen(file, "re");
	if (!f) {
		fprintf(stderr, "policyctl: %s: %s\n", file, strerror(errno));
		free(path);
		return 1;
	}
	if (!json)
		printf("%-27s %-12s %-7s %-8s %-4s %-22s %-8s %s\n", "TIME",
		       "SESSION", "PID", "DECISION", "TIER", "RULE", "KIND",
		       "TARGET");
	struct stat st;
	fstat(fileno(f), &st);
	ino_t ino = st.st_ino;
	char *line = NULL;
	size_t cap = 0;
	struct strbuf partial = {0};
	for (;;) {
		ssize_t n;
		while ((n = getline(&line, &cap, f)) > 0) {
			if (line[n - 1] != '\n') {
				/* the writer is mid-line: keep it for later */
				strbuf_append(&partial, line, (size_t)n);
				continue;
			}
			if (partial.len) {
				strbuf_append(&partial, line, (size_t)n);
				print_line(partial.s, session, json);
				strbuf_free(&partial);
			} else {
				print_line(line, session, json);
			}
		}
		if (!follow)
			break;
		clearerr(f);
		struct timespec ts = {0, 200 * 1000000};
		nanosleep(&ts, NULL);
		if (stat(file, &st) == 0 && st.st_ino != ino) {
			/* rotated: finish nothing more from the old file, open
			 * the new */
			FILE *nf = fopen(file, "re");
			if (nf) {
				fclose(f);
				f = nf;
				ino = st.st_ino;
			}
		}
	}
	free(line);
	strbuf_free(&partial);
	fclose(f);
	free(path);
	return 0;
}

int cli_online(const char *cmd, int argc, char **argv)
{
	int mode = -1;
	if (!strcmp(cmd, "--user") || !strcmp(cmd, "--system")) {
		mode = !strcmp(cmd, "--system");
		if (argc < 2) {
			fprintf(stderr, "policyctl: %s needs a command\n", cmd);
			return 2;
		}
		cmd = argv[1];
		argc--;
		argv++;
	}
	if (!strcmp(cmd, "status") || !strcmp(cmd, "sessions")) {
		char line[64];
		bool json = argc > 1 && !strcmp(argv[1], "--json");
		snprintf(line, sizeof(line), "%s%s", cmd,
			 json ? " --json" : "");
		return ctl_request(mode, line, NULL) < 0 ? 1 : 0;
	}
	if (!strcmp(cmd, "reload")) {
		char *out = NULL;
		if (ctl_request(mode, "reload", &out) < 0)
			return 1;
		fputs(out, stdout);
		int rc = strstr(out, " 0 rejected") && strncmp(out, "error", 5)
			     ? 0
			     : 1;
		free(out);
		return rc;
	}
	if (!strcmp(cmd, "kill")) {
		if (argc < 2) {
			fprintf(stderr, "policyctl kill: name a session "
					"(policyctl sessions lists them)\n");
			return 2;
		}
		char line[300], *out = NULL;
		snprintf(line, sizeof(line), "kill %s", argv[1]);
		if (ctl_request(mode, line, &out) < 0)
			return 1;
		fputs(out, stdout);
		int rc = strncmp(out, "error", 5) ? 0 : 1;
		free(out);
		return rc;
	}
	if (!strcmp(cmd, "log"))
		return cmd_log(mode, argc, argv);
	return -ENOSYS;
}
