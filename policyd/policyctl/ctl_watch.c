/* SPDX-License-Identifier: MIT */
/*
 * ctl_watch: `policyctl watch` on a terminal: one readable line per prompt
 * event, each new prompt offered with its choices, answered by typing a
 * short command (the answer goes to policyd as `policyctl approve/deny`
 * would send it, on a connection of its own). Several operators may watch;
 * the first answer wins and every watcher sees who answered and how.
 * Without a terminal, watch prints policyd's JSON lines as they come
 * (ctl_prompts.c).
 */
#include "ctl_watch.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ctl_conn.h"
#include "json_flat.h"
#include "util.h"

struct prompt_view {
	char id[16], state[16], session_name[64], pid[16], kind[16];
	/* what: policyd's whole command line or target (1 KiB), quoted */
	char what[1100], rule[128], message[256], by[64], scope[16];
	char reason[256], grant_name[64], deadline[24];
};

static void member(const char *key, const char *val, void *ud)
{
	struct prompt_view *v = ud;
	static const struct {
		const char *key;
		size_t off, sz;
	} f[] = {
#define F(k) {#k, offsetof(struct prompt_view, k), sizeof(((struct prompt_view *)0)->k)}
	    F(id),    F(state), F(session_name), F(pid),	F(kind),
	    F(what),  F(rule),  F(message),	 F(by),		F(scope),
	    F(reason), F(grant_name),
#undef F
	    {"deadline_us", offsetof(struct prompt_view, deadline),
	     sizeof(((struct prompt_view *)0)->deadline)},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(f); i++)
		if (!strcmp(key, f[i].key) &&
		    tg_strlcpy((char *)v + f[i].off, f[i].sz, val) >= f[i].sz)
			/* why: a cut is said, never silent: what the operator
			 * approves may be in the part cut off */
			memcpy((char *)v + f[i].off + f[i].sz - 4, "...", 4);
}

/* Terminal-safe: control characters of what the agent chose (a file
 * name, an argument) shown as '?', never sent to the operator's terminal
 * as they are. */
static void safe(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

static void show(const struct prompt_view *cv, const char *event)
{
	struct prompt_view v = *cv;
	char *fields[] = {v.session_name, v.what, v.rule, v.message,
			  v.by, v.reason, v.grant_name};
	for (size_t i = 0; i < TG_ARRAY_SIZE(fields); i++)
		safe(fields[i]);
	char ts[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	if (!strcmp(event, "opened")) {
		unsigned long long dl = strtoull(v.deadline, NULL, 10);
		char left[32] = "no timeout";
		if (dl) {
			unsigned long long n = (unsigned long long)now * 1000000;
			snprintf(left, sizeof(left), "%llus left",
				 dl > n ? (dl - n) / 1000000 : 0);
		}
		printf("%s #%s %s pid %s: %s: %s (rule %s%s%s; %s)\n"
		       "         [o]nce [s]ession [15m] [a]lways [d]eny "
		       "REASON: type e.g. \"s %s\" or \"d %s not now\"\n",
		       ts, v.id, v.session_name, v.pid, v.kind, v.what, v.rule,
		       v.message[0] ? ": " : "", v.message, left, v.id, v.id);
	} else if (!strcmp(event, "approved") || !strcmp(event, "denied")) {
		printf("%s #%s %s by %s%s%s%s%s%s%s\n", ts, v.id, event, v.by,
		       v.scope[0] && strcmp(event, "denied") ? ", " : "",
		       strcmp(event, "denied") ? v.scope : "",
		       v.grant_name[0] ? ", " : "", v.grant_name,
		       v.reason[0] ? ": " : "", v.reason);
	} else {
		printf("%s #%s %s%s%s%s\n", ts, v.id, event,
		       v.reason[0] ? " (" : "", v.reason,
		       v.reason[0] ? ")" : "");
	}
	fflush(stdout);
}

/* The prompts this watcher showed opening and has seen no end of, and
 * when the last prompt event came: what a command without an id may
 * answer (default_id). */
#define OPEN_MAX 64
static struct {
	char id[OPEN_MAX][16];
	size_t n;
	uint64_t last_event_ns; /* an opening or an end, monotonic */
	bool lost; /* events were missed: what is open is not known */
} shown_open;

/* A command without an id answers a prompt only when no prompt opened or
 * ended this long before it was read. why: the newest prompt is the
 * agent's to choose: it opens one (or lets one go and opens another)
 * while the operator types "s" about the one above it */
#define BARE_QUIET_NS 2000000000ULL

static uint64_t mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

static void open_track(const char *id, bool opened)
{
	size_t k = 0;
	while (k < shown_open.n && strcmp(shown_open.id[k], id))
		k++;
	if (opened && k == shown_open.n && k >= OPEN_MAX)
		/* one more than it can keep: what is open is not known any
		 * more, so a command without an id is never taken as being
		 * about the only one left (helper-61's review) */
		shown_open.lost = true;
	else if (opened && k == shown_open.n)
		snprintf(shown_open.id[shown_open.n++],
			 sizeof(shown_open.id[0]), "%s", id);
	else if (!opened && k < shown_open.n)
		memcpy(shown_open.id[k], shown_open.id[--shown_open.n],
		       sizeof(shown_open.id[0]));
	shown_open.last_event_ns = mono_ns();
}

/* One line of policyd's stream; *newest: the id of the last prompt
 * shown opening. */
static void render(const char *line, const char *end, char *newest,
		   size_t nsz)
{
	char event[32] = "";
	if (jflat_get(line, "event", event, sizeof(event)) < 0)
		return;
	if (event[0]) {
		const char *p = strstr(line, "\"prompt\":");
		struct prompt_view v = {0};
		if (!p || p >= end)
			return;
		p += strlen("\"prompt\":");
		if (jflat_object(&p, end, member, &v) == 0) {
			show(&v, event);
			open_track(v.id, !strcmp(event, "opened"));
			if (!strcmp(event, "opened"))
				snprintf(newest, nsz, "%s", v.id);
		}
		return;
	}
	if (strstr(line, "\"lost\"")) {
		shown_open.lost = true;
		puts("(some events were missed: policyctl pending lists what "
		     "waits)");
		return;
	}
	const char *p = strstr(line, "\"pending\":");
	if (!p)
		return;
	p += strlen("\"pending\":");
	printf("watching prompts (q to quit)\n");
	/* each waiting prompt as if it opened now */
	struct prompt_view v = {0};
	const char *q = p;
	while (q < end && *q != '[')
		q++;
	for (q++; q < end && *q != ']';) {
		memset(&v, 0, sizeof(v));
		while (q < end && (*q == ',' || *q == ' '))
			q++;
		if (q >= end || *q != '{' ||
		    jflat_object(&q, end, member, &v) < 0)
			break;
		show(&v, "opened");
		open_track(v.id, true);
		snprintf(newest, nsz, "%s", v.id);
	}
}

/* The prompt a command without an id answers: the one prompt open, shown
 * at least BARE_QUIET_NS before now with no prompt event since; NULL
 * (said why) otherwise: the operator names it. */
static const char *default_id(const char *newest)
{
	if (!shown_open.n || !newest[0]) {
		puts("no prompt to answer");
		return NULL;
	}
	if (shown_open.lost) {
		puts("events were missed: name the prompt (policyctl pending "
		     "lists what waits)");
		return NULL;
	}
	if (shown_open.n > 1) {
		printf("%zu prompts wait: name the one you answer (e.g. \"s "
		       "%s\")\n",
		       shown_open.n, shown_open.id[0]);
		return NULL;
	}
	if (mono_ns() - shown_open.last_event_ns < BARE_QUIET_NS) {
		printf("a prompt opened or ended just now: read #%s above and "
		       "name it (e.g. \"s %s\")\n",
		       shown_open.id[0], shown_open.id[0]);
		return NULL;
	}
	return shown_open.id[0];
}

/* A typed command: o|s|15m|a [ID] or d [ID] [REASON]; ID defaults to the
 * newest prompt shown. */
static void command(int mode, char *cmd, const char *newest)
{
	char *save = NULL, *verb = strtok_r(cmd, " \t\n", &save);
	if (!verb)
		return;
	if (!strcmp(verb, "q"))
		exit(0);
	char *id = strtok_r(NULL, " \t\n", &save);
	char *rest = strtok_r(NULL, "\n", &save);
	if (id && strspn(id, "0123456789#") != strlen(id)) {
		/* "d not now": no id, the rest is the reason */
		if (rest)
			id[strlen(id)] = ' ';
		rest = id;
		id = NULL;
	}
	if (!id && !(id = (char *)default_id(newest))) {
		fflush(stdout);
		return;
	}
	static const struct {
		const char *key, *req;
	} v[] = {{"o", "approve %s --once"},  {"s", "approve %s --session"},
		 {"15m", "approve %s --for 15m"}, {"a", "approve %s --always"},
		 {"d", "deny %s"}};
	size_t k = 0;
	while (k < TG_ARRAY_SIZE(v) && strcmp(v[k].key, verb))
		k++;
	if (k == TG_ARRAY_SIZE(v)) {
		puts("o|s|15m|a [ID], d [ID] [REASON], q");
		return;
	}
	char line[1100];
	int n = snprintf(line, sizeof(line), v[k].req, id);
	if (k == 4 && rest && n > 0)
		snprintf(line + n, sizeof(line) - (size_t)n, " --reason %.900s",
			 rest);
	_cleanup_free_ char *out = NULL;
	if (ctl_request(mode, line, false, &out) == 0 && out &&
	    !strncmp(out, "error", 5))
		fputs(out, stdout); /* success shows as the event */
	fflush(stdout);
}

/* The terminal made exclusive (TIOCEXCL) while the operator watches:
 * nothing without CAP_SYS_ADMIN opens it again meanwhile, so a session's
 * process (no session keeps that capability, root or not) cannot open
 * /dev/pts/N of this terminal and write forged prompt lines or escape
 * sequences beside the real ones (tests/bypass/watchterm.sh); in user mode
 * the terminal is the agent's user's, and the default policy lets a
 * session write any /dev/pts/N. A descriptor of it opened before is not
 * affected (docs/threat-model.md). */
static int excl_fd = -1;

static void excl_undo(void)
{
	if (excl_fd >= 0)
		(void)ioctl(excl_fd, TIOCNXCL);
	excl_fd = -1;
}

static void excl_signal(int sig)
{
	excl_undo();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void excl_take(void)
{
	int on = 0;
	if (ioctl(STDOUT_FILENO, TIOCGEXCL, &on) < 0 || on ||
	    ioctl(STDOUT_FILENO, TIOCEXCL) < 0)
		return; /* exclusive already (someone else's to undo) */
	excl_fd = STDOUT_FILENO;
	atexit(excl_undo);
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	for (size_t i = 0; i < TG_ARRAY_SIZE(sigs); i++)
		signal(sigs[i], excl_signal);
}

static int watch_loop(int fd, int mode)
{
	char buf[131072];
	size_t have = 0;
	char newest[16] = "";
	struct pollfd p[2] = {{fd, POLLIN, 0}, {0, POLLIN, 0}};
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			char cmd[1024];
			if (!fgets(cmd, sizeof(cmd), stdin))
				p[1].fd = -1; /* stdin closed: watch only */
			else
				command(mode, cmd, newest);
		}
		if (!(p[0].revents & (POLLIN | POLLHUP)))
			continue;
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			return n < 0 ? 1 : 0;
		have += (size_t)n;
		buf[have] = '\0';
		if (have && !strncmp(buf, "error", 5)) {
			fputs(buf, stdout);
			return 1;
		}
		char *s = buf, *nl;
		while ((nl = memchr(s, '\n', have - (size_t)(s - buf)))) {
			*nl = '\0';
			render(s, nl, newest, sizeof(newest));
			s = nl + 1;
		}
		have -= (size_t)(s - buf);
		memmove(buf, s, have);
		if (have == sizeof(buf) - 1)
			have = 0; /* a line longer than the buffer: dropped */
	}
}

int ctl_watch_tty(int fd, int mode)
{
	excl_take();
	int rc = watch_loop(fd, mode);
	excl_undo();
	return rc;
}
