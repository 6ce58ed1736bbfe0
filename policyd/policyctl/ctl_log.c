/* SPDX-License-Identifier: MIT */
#include "ctl_log.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ctl_conn.h"
#include "ctl_sessions.h"
#include "json_flat.h"
#include "util.h"

/* sessions one name can stand for (a name reused, ids that change across
 * policyd restarts); more are not told apart */
#define MAX_IDS 4096

enum col { C_TIME, C_SESSION, C_PID, C_DECISION, C_TIER, C_RULE, C_KIND,
	   C_TARGET, C_MAX };
static const char *const col_name[C_MAX] = {
    "TIME", "SESSION", "PID", "DECISION", "TIER", "RULE", "KIND", "TARGET"};

/* What the table shows of one record, and what selects it. */
struct rec {
	char v[C_MAX][1024];
	char session_name[64];
	bool session_started; /* kind session, decision started */
};

struct view {
	const char *session; /* --session: an id or a name; NULL all */
	bool json;
	int w[C_MAX];	     /* column widths */
	char (*ids)[64];     /* ids the name stands for */
	size_t nids;
};

static void rec_member(const char *key, const char *value, void *ud)
{
	struct rec *r = ud;
	static const char *const keys[C_MAX] = {
	    "ts", "session", "pid", "decision", "tier", "rule", "kind",
	    "target"};
	for (int c = 0; c < C_MAX; c++)
		if (!strcmp(key, keys[c])) {
			snprintf(r->v[c], sizeof(r->v[c]), "%s",
				 strcmp(value, "null") ? value : "");
			return;
		}
	if (!strcmp(key, "session_name"))
		snprintf(r->session_name, sizeof(r->session_name), "%s",
			 value);
}

static int rec_parse(const char *line, struct rec *r)
{
	memset(r, 0, sizeof(*r));
	const char *p = line;
	if (jflat_object(&p, line + strlen(line), rec_member, r) < 0)
		return -EBADMSG;
	r->session_started = !strcmp(r->v[C_KIND], "session") &&
			     !strcmp(r->v[C_DECISION], "started");
	for (int c = C_TIER; c <= C_RULE; c++)
		if (!r->v[c][0])
			snprintf(r->v[c], sizeof(r->v[c]), "-");
	return 0;
}

static bool has_id(const struct view *v, const char *id)
{
	for (size_t i = 0; i < v->nids; i++)
		if (!strcmp(v->ids[i], id))
			return true;
	return false;
}

static void add_id(struct view *v, const char *id)
{
	if (!id[0] || has_id(v, id) || v->nids == MAX_IDS)
		return;
	snprintf(v->ids[v->nids++], sizeof(v->ids[0]), "%s", id);
}

/* Is r one of the session's records? A session start record names the
 * session: from then on its id stands for the name (audit records carry
 * the id; session_name where policyd writes it). */
static bool selects(struct view *v, const struct rec *r)
{
	if (!v->session)
		return true;
	if (r->session_started && !strcmp(r->v[C_TARGET], v->session))
		add_id(v, r->v[C_SESSION]);
	return !strcmp(r->v[C_SESSION], v->session) ||
	       !strcmp(r->session_name, v->session) ||
	       has_id(v, r->v[C_SESSION]);
}

/* Columns as wide as the text a terminal shows (UTF-8 characters, not
 * bytes). */
static int text_width(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void widen(struct view *v, const struct rec *r)
{
	for (int c = 0; c < C_TARGET; c++) {
		int n = text_width(r->v[c]);
		if (n > v->w[c])
			v->w[c] = n;
	}
}

static void print_row(const struct view *v, const char *const *cells)
{
	for (int c = 0; c < C_TARGET; c++)
		printf("%s%*s ", cells[c], v->w[c] - text_width(cells[c]), "");
	printf("%s\n", cells[C_TARGET]);
}

static void show(struct view *v, const char *line)
{
	struct rec r;
	bool parsed = rec_parse(line, &r) == 0;
	if (v->session && (!parsed || !selects(v, &r)))
		return;
	if (v->json) {
		jflat_fput_c1safe(line, stdout);
	} else if (parsed) {
		widen(v, &r); /* a line wider than those before it (--follow) */
		const char *cells[C_MAX];
		for (int c = 0; c < C_MAX; c++)
			cells[c] = r.v[c];
		print_row(v, cells);
	}
	fflush(stdout);
}

/* The table's first pass: the widths of the lines there are now. */
static void measure(struct view *v, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct rec r;
		if (line[n - 1] == '\n' && rec_parse(line, &r) == 0 &&
		    selects(v, &r))
			widen(v, &r);
	}
	free(line);
	rewind(f);
}

/* Prints the file, then with follow what is appended to it (and to the
 * file that replaces it when the log rotates). */
static void read_log(struct view *v, FILE *f, const char *file, bool follow)
{
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
				show(v, partial.s);
				strbuf_free(&partial);
			} else {
				show(v, line);
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
}

/* The ids the running policyd gives the session named so (if it runs). */
static void live_ids(struct view *v, int mode)
{
	struct ctl_session_list l;
	if (ctl_session_list(mode, true, &l) < 0)
		return;
	for (size_t i = 0; i < l.n; i++)
		if (ctl_session_is(&l.v[i], v->session))
			add_id(v, l.v[i].f[CTL_SF_ID]);
	ctl_session_list_free(&l);
}

/* The audit log's path from policyd: malloc'd, or NULL (said why). */
static char *audit_path(int mode)
{
	char *path = NULL;
	if (ctl_request(mode, "audit-path", false, &path) < 0)
		return NULL;
	if (!path[0] || !strncmp(path, "error", 5)) {
		fputs(path, stderr);
		free(path);
		return NULL;
	}
	path[strcspn(path, "\n")] = '\0';
	return path;
}

int ctl_log(int mode, int argc, char **argv)
{
	const char *file = NULL;
	bool follow = false;
	struct view v = {0};
	static const struct option opts[] = {
	    {"session", required_argument, 0, 's'},
	    {"follow", no_argument, 0, 'f'},
	    {"json", no_argument, 0, 'j'},
	    {"file", required_argument, 0, 'F'},
	    {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:fjF:", opts, NULL)) != -1) {
		if (c == 's')
			v.session = optarg;
		else if (c == 'f')
			follow = true;
		else if (c == 'j')
			v.json = true;
		else if (c == 'F')
			file = optarg;
		else
			return 2;
	}
	_cleanup_free_ char *path = file ? NULL : audit_path(mode);
	if (!file && !path)
		return 1;
	FILE *f = fopen(file ? file : path, "re");
	if (!f) {
		fprintf(stderr, "policyctl: %s: %s\n", file ? file : path,
			strerror(errno));
		return 1;
	}
	v.ids = v.session ? calloc(MAX_IDS, sizeof(*v.ids)) : NULL;
	if (v.session && !v.ids) {
		fclose(f);
		return 1;
	}
	for (int i = 0; i < C_MAX; i++)
		v.w[i] = text_width(col_name[i]);
	if (v.session)
		live_ids(&v, mode);
	if (!v.json) {
		measure(&v, f);
		print_row(&v, col_name);
	}
	read_log(&v, f, file ? file : path, follow);
	free(v.ids);
	return 0;
}
