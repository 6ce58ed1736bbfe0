/* SPDX-License-Identifier: MIT */
#include "ctl_sessions.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_conn.h"
#include "json_flat.h"
#include "util.h"

static const char *const keys[CTL_SF_MAX] = {
    "id",      "name",	  "pid",    "uid",      "decided",
    "allowed", "refused", "policy", "workspace"};
static const char *const heads[CTL_SF_MAX] = {
    "SESSION", "NAME",	  "PID",		"UID", "DECIDED",
    "ALLOWED", "REFUSED", "POLICY / WORKSPACE", ""};

struct reader {
	struct ctl_session *v;
	size_t n, cap;
	struct ctl_session cur;
	bool oom;
};

static void member(const char *key, const char *value, void *ud)
{
	struct reader *t = ud;
	for (int i = 0; i < CTL_SF_MAX; i++)
		if (!strcmp(key, keys[i]))
			snprintf(t->cur.f[i], sizeof(t->cur.f[i]), "%s", value);
}

static void object_end(const char *start, size_t len, void *ud)
{
	struct reader *t = ud;
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 16;
		struct ctl_session *nv = realloc(t->v, nc * sizeof(*nv));
		if (!nv) {
			t->oom = true;
			return;
		}
		t->v = nv;
		t->cap = nc;
	}
	t->cur.json = start;
	t->cur.json_len = len;
	t->v[t->n++] = t->cur;
	memset(&t->cur, 0, sizeof(t->cur));
}

int ctl_session_list(int mode, bool quiet, struct ctl_session_list *ret)
{
	char *json = NULL;
	int r = ctl_request(mode, "sessions --json", quiet, &json);
	if (r < 0)
		return r;
	struct reader t = {0};
	const char *p = json;
	r = jflat_array(&p, json + strlen(json), member, object_end, &t);
	if (r < 0 || t.oom) {
		if (!quiet)
			fprintf(stderr, "policyctl: policyd's session list: %s",
				!strncmp(json, "error", 5) ? json
							   : "malformed\n");
		free(t.v);
		free(json);
		return t.oom ? -ENOMEM : -EBADMSG;
	}
	*ret = (struct ctl_session_list){t.v, t.n, json};
	return 0;
}

void ctl_session_list_free(struct ctl_session_list *l)
{
	free(l->v);
	free(l->json);
	*l = (struct ctl_session_list){0};
}

bool ctl_session_is(const struct ctl_session *s, const char *session)
{
	return !strcmp(s->f[CTL_SF_ID], session) ||
	       !strcmp(s->f[CTL_SF_NAME], session);
}

static bool wanted(const struct ctl_session *r, const char *session)
{
	return !session || ctl_session_is(r, session);
}

static void print_table(const struct ctl_session_list *t, const char *session)
{
	int w[CTL_SF_MAX] = {0};
	for (int i = 0; i < CTL_SF_POLICY; i++)
		w[i] = (int)strlen(heads[i]);
	for (size_t k = 0; k < t->n; k++)
		for (int i = 0; i < CTL_SF_POLICY && wanted(&t->v[k], session); i++)
			if ((int)strlen(t->v[k].f[i]) > w[i])
				w[i] = (int)strlen(t->v[k].f[i]);
	int indent = 0;
	for (int i = 0; i < CTL_SF_POLICY; i++) {
		printf("%-*s ", w[i], heads[i]);
		indent += w[i] + 1;
	}
	printf("%s\n", heads[CTL_SF_POLICY]);
	for (size_t k = 0; k < t->n; k++) {
		const struct ctl_session *r = &t->v[k];
		if (!wanted(r, session))
			continue;
		for (int i = 0; i < CTL_SF_POLICY; i++)
			printf("%-*s ", w[i], r->f[i]);
		printf("%s\n%*s%s\n", r->f[CTL_SF_POLICY], indent, "",
		       r->f[CTL_SF_WORKSPACE]);
	}
}

static void print_json(const struct ctl_session_list *t, const char *session,
		       const char *all)
{
	if (!session) {
		fputs(all, stdout);
		return;
	}
	bool first = true;
	putchar('[');
	for (size_t k = 0; k < t->n; k++)
		if (wanted(&t->v[k], session)) {
			printf("%s%.*s", first ? "" : ",",
			       (int)t->v[k].json_len, t->v[k].json);
			first = false;
		}
	puts("]");
}

/* ids, and names that are not their id, one per line */
static void print_names(const struct ctl_session_list *t, const char *session)
{
	for (size_t k = 0; k < t->n; k++) {
		const struct ctl_session *r = &t->v[k];
		if (!wanted(r, session))
			continue;
		printf("%s\n", r->f[CTL_SF_ID]);
		if (strcmp(r->f[CTL_SF_NAME], r->f[CTL_SF_ID]))
			printf("%s\n", r->f[CTL_SF_NAME]);
	}
}

int ctl_sessions_cmd(int mode, int argc, char **argv)
{
	bool json = false, names = false;
	static const struct option opts[] = {{"json", no_argument, 0, 'j'},
					     {"names", no_argument, 0, 'n'},
					     {0, 0, 0, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jn", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'n')
			names = true;
		else
			return 2;
	}
	const char *session = optind < argc ? argv[optind] : NULL;
	struct ctl_session_list t;
	if (ctl_session_list(mode, false, &t) < 0)
		return 1;
	size_t found = 0;
	for (size_t k = 0; k < t.n; k++)
		found += wanted(&t.v[k], session);
	int rc = 0;
	if (session && !found) {
		fprintf(stderr,
			"policyctl: no open session '%s' (an id or a name; "
			"policyctl sessions lists them)\n",
			session);
		rc = 1;
	} else if (names) {
		print_names(&t, session);
	} else if (json) {
		print_json(&t, session, t.json);
	} else {
		print_table(&t, session);
	}
	ctl_session_list_free(&t);
	return rc;
}
