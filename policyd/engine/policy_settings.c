/* SPDX-License-Identifier: MIT */
/* policy_settings: `settings:` and `limits:`, one table row per key. */
#include "policy_settings.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "policy_notify.h"

void settings_defaults(struct policy *p)
{
	p->settings.default_action = POLICY_PROMPT;
	p->settings.prompt_timeout_ms = 120000;
	p->settings.on_timeout = POLICY_DENY;
	p->settings.fail = POLICY_FAIL_CLOSED;
	p->settings.exec_race = POLICY_RACE_VERIFY;
	p->settings.audit_max_bytes = 64ULL << 20;
	p->settings.max_pending_prompts = 16;
}

struct row;
/* A key's parser: str is the value's string (NULL when the row does not
 * take a string: audit_allow is a boolean). 0 or -EINVAL (reported). */
typedef int setting_fn(struct loader *L, const struct ynode *v,
		       const struct row *row, const char *str);

enum limit_kind {
	LK_BYTE_RATE,  /* "10MiB/s" */
	LK_COUNT_RATE, /* "50/s", "600/m" */
	LK_SIZE,       /* "2MiB" */
	LK_MAX,
};

/* One key of settings or limits. */
struct row {
	const char *key;
	setting_fn *set;
	bool scalar;	      /* the value must be a string first */
	enum limit_kind kind; /* limits: what the value is */
	size_t off;	      /* limits: of its uint64_t in policy_limits */
};

static int set_default(struct loader *L, const struct ynode *v,
		       const struct row *row, const char *str)
{
	struct policy_settings *s = &L->p->settings;
	(void)row;
	if (policy_action_from_name(str, &s->default_action) < 0) {
		loader_err(L, v,
			   "unknown default '%.40s'; use allow, log, prompt "
			   "or deny",
			   str);
		return -EINVAL;
	}
	return 0;
}

static int set_on_timeout(struct loader *L, const struct ynode *v,
			  const struct row *row, const char *str)
{
	struct policy_settings *s = &L->p->settings;
	static const char *const w[] = {"allow", "log", "deny", NULL};
	static const enum policy_action to[] = {POLICY_ALLOW, POLICY_LOG,
						POLICY_DENY};
	int i;
	if (loader_word(L, v, row->key, str, w, &i) < 0)
		return -EINVAL;
	s->on_timeout = to[i];
	return 0;
}

static int set_prompt_timeout(struct loader *L, const struct ynode *v,
			      const struct row *row, const char *str)
{
	struct policy_settings *s = &L->p->settings;
	(void)row;
	uint64_t ms;
	if (tg_parse_duration_ms(str, &ms) < 0 || ms == 0 ||
	    ms > 7ULL * 86400 * 1000) {
		loader_err(L, v,
			   "bad duration '%.40s': write e.g. 120s, 5m or 1h "
			   "(at most 7d)",
			   str);
		return -EINVAL;
	}
	s->prompt_timeout_ms = ms;
	return 0;
}

static int set_fail(struct loader *L, const struct ynode *v,
		    const struct row *row, const char *str)
{
	struct policy_settings *s = &L->p->settings;
	static const char *const w[] = {"closed", "open", NULL};
	static const enum policy_fail to[] = {POLICY_FAIL_CLOSED,
					      POLICY_FAIL_OPEN};
	int i;
	if (loader_word(L, v, row->key, str, w, &i) < 0)
		return -EINVAL;
	s->fail = to[i];
	return 0;
}

static int set_audit_allow(struct loader *L, const struct ynode *v,
			   const struct row *row, const char *str)
{
	struct policy_settings *s = &L->p->settings;
	(void)str;
	return loader_bool(L, v, row->key, &s->audit_allow);
}

/* A setting of two words (off, on) into *dst: the second one sets it. */
static int word_pair(struct loader *L, const struct ynode *v,
		     const struct row *row, const char *str, const char *off,
		     const char *on, bool *dst)
{
	const char *const w[] = {off, on, NULL};
	int i;
	if (loader_word(L, v, row->key, str, w, &i) < 0)
		return -EINVAL;
	*dst = i == 1;
	return 0;
}

static int set_exec_unnamed(struct loader *L, const struct ynode *v,
			    const struct row *row, const char *str)
{
	return word_pair(L, v, row, str, "deny", "allow",
			 &L->p->settings.exec_unnamed);
}

static int set_raw_sockets(struct loader *L, const struct ynode *v,
			   const struct row *row, const char *str)
{
	return word_pair(L, v, row, str, "deny", "allow",
			 &L->p->settings.raw_sockets);
}

static int set_scratch(struct loader *L, const struct ynode *v,
		       const struct row *row, const char *str)
{
	return word_pair(L, v, row, str, "shared", "private",
			 &L->p->settings.scratch_private);
}

/* What agent-shell does with processes a session's command leaves
 * running: kill, the only choice. A process kept after its session would
 * run on with no session to decide its calls (its filter's listener gone,
 * every notified call failing ENOSYS, the interposer's questions refused
 * "no-session"): neither mediated nor working. Said at check time rather
 * than accepted and not done. */
static int set_background(struct loader *L, const struct ynode *v,
			  const struct row *row, const char *str)
{
	if (!strcmp(str, "keep")) {
		loader_err(L, v,
			   "%s: keep is not supported: a process kept after "
			   "its session ends would run with no session to "
			   "decide its calls; start long-running services "
			   "outside agent-shell, or keep the session open "
			   "(its command waits for them)",
			   row->key);
		return -EINVAL;
	}
	const char *const w[] = {"kill", NULL};
	int i;
	return loader_word(L, v, row->key, str, w, &i);
}

static int set_exec_race(struct loader *L, const struct ynode *v,
			 const struct row *row, const char *str)
{
	struct policy_settings *s = &L->p->settings;
	static const char *const w[] = {"refuse", "verify", "ignore", NULL};
	static const enum policy_exec_race to[] = {
	    POLICY_RACE_REFUSE, POLICY_RACE_VERIFY, POLICY_RACE_IGNORE};
	int i;
	if (loader_word(L, v, row->key, str, w, &i) < 0)
		return -EINVAL;
	s->exec_race = to[i];
	return 0;
}

static int set_audit_max_size(struct loader *L, const struct ynode *v,
			      const struct row *row, const char *str)
{
	struct policy_settings *s = &L->p->settings;
	(void)row;
	uint64_t b;
	if (tg_parse_size(str, &b) < 0 || b < 4096) {
		loader_err(L, v,
			   "bad size '%.40s': write e.g. 64MiB (at least "
			   "4KiB)",
			   str);
		return -EINVAL;
	}
	s->audit_max_bytes = b;
	return 0;
}

static int set_max_pending(struct loader *L, const struct ynode *v,
			   const struct row *row, const char *str)
{
	struct policy_settings *s = &L->p->settings;
	(void)row;
	uint64_t x;
	if (tg_parse_u64(str, 10000, &x) < 0 || x == 0) {
		loader_err(L, v,
			   "max_pending_prompts must be 1-10000, not '%.40s'",
			   str);
		return -EINVAL;
	}
	s->max_pending_prompts = (unsigned)x;
	return 0;
}

static int set_limit(struct loader *L, const struct ynode *v,
		     const struct row *row, const char *str)
{
	uint64_t *dst = (uint64_t *)((char *)&L->p->limits + row->off);
	switch (row->kind) {
	case LK_BYTE_RATE:
		if (tg_parse_rate(str, true, dst) == 0)
			return 0;
		loader_err(L, v, "bad rate '%.40s': write e.g. 10MiB/s", str);
		return -EINVAL;
	case LK_COUNT_RATE:
		if (tg_parse_rate(str, false, dst) == 0)
			return 0;
		loader_err(L, v, "bad rate '%.40s': write e.g. 50/s or 600/m",
			   str);
		return -EINVAL;
	case LK_SIZE:
		if (tg_parse_size(str, dst) == 0)
			return 0;
		loader_err(L, v, "bad size '%.40s': write e.g. 2MiB or 1GiB",
			   str);
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

static int set_notify(struct loader *L, const struct ynode *v,
		      const struct row *row, const char *str)
{
	(void)row;
	(void)str;
	return settings_notify(L, v);
}

static const struct row settings[] = {
    {"default", set_default, true, 0, 0},
    {"prompt_timeout", set_prompt_timeout, true, 0, 0},
    {"on_timeout", set_on_timeout, true, 0, 0},
    {"fail", set_fail, true, 0, 0},
    {"audit_allow", set_audit_allow, false, 0, 0},
    {"exec_race", set_exec_race, true, 0, 0},
    {"audit_max_size", set_audit_max_size, true, 0, 0},
    {"max_pending_prompts", set_max_pending, true, 0, 0},
    {"exec_unnamed", set_exec_unnamed, true, 0, 0},
    {"raw_sockets", set_raw_sockets, true, 0, 0},
    {"scratch", set_scratch, true, 0, 0},
    {"background", set_background, true, 0, 0},
    {"notify", set_notify, false, 0, 0},
};

#define LIMIT(key, kind)                                                       \
	{                                                                      \
#key, set_limit, true, kind,                                   \
		    offsetof(struct policy_limits, key)                        \
	}
static const struct row limits[] = {
    LIMIT(egress_rate, LK_BYTE_RATE),	LIMIT(egress_burst, LK_SIZE),
    LIMIT(egress_total, LK_SIZE),	LIMIT(ingress_total, LK_SIZE),
    LIMIT(connect_rate, LK_COUNT_RATE),
};

#define MAX_ROWS 16
_Static_assert(TG_ARRAY_SIZE(settings) < MAX_ROWS, "too many settings");

/* The mapping n of section `what`, one row per key. A null value is an
 * empty mapping. */
static int compile_rows(struct loader *L, const struct ynode *n,
			const char *what, const struct row *rows, size_t nrows)
{
	if (ynode_is_null(n))
		return 0;
	if (n->type != YN_MAP) {
		loader_err(L, n, "'%s' must be a mapping, not %s", what,
			   ynode_type_name(n));
		return -EINVAL;
	}
	const char *keys[MAX_ROWS + 1];
	for (size_t k = 0; k < nrows; k++)
		keys[k] = rows[k].key;
	keys[nrows] = NULL;
	int rc = loader_check_keys(L, n, keys, what) ? 0 : -EINVAL;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const char *k = n->items[i]->str;
		const struct ynode *v = n->items[i + 1];
		size_t j = 0;
		while (j < nrows && strcmp(k, rows[j].key) != 0)
			j++;
		/* an unknown key (reported above) must hold a string too */
		const char *str = NULL;
		if ((j == nrows || rows[j].scalar) &&
		    !(str = loader_scalar(L, v, k)))
			rc = -EINVAL;
		else if (j < nrows && rows[j].set(L, v, &rows[j], str) < 0)
			rc = -EINVAL;
	}
	return rc;
}

int settings_compile(struct loader *L, const struct ynode *n)
{
	return compile_rows(L, n, "settings", settings,
			    TG_ARRAY_SIZE(settings));
}

int settings_limits(struct loader *L, const struct ynode *n)
{
	return compile_rows(L, n, "limits", limits, TG_ARRAY_SIZE(limits));
}
