/* SPDX-License-Identifier: MIT */
/*
 * pending: prompts waiting for operators, and grants (see pending.h).
 *
 * Nothing here blocks: a waiter's request is simply not answered until
 * pending_gate() finds an answer for it when the request is handed in
 * again (the loop does that after pending_tick() says an answer is there).
 * Caps everywhere the sandboxed side has a say: prompts per session
 * (settings.max_pending_prompts) and in all, waiters per prompt, the size
 * of what identifies a call.
 */
#include "pending.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "daemon.h"
#include "overlay.h"
#include "pending_grants.h"
#include "policy_grants.h"
#include "procfs.h"
#include "redact.h"
#include "session.h"
#include "util.h"

/* what identifies a call for sharing a prompt and for grants; a longer
 * one is never shared nor granted (each such call asks) */
#define KEY_MAX 65536
#define EVENTS 128

struct waiter {
	const void *owner;
	uint64_t cookie;
};

struct entry {
	struct pending_info i;
	const struct session *s;
	char *key;
	size_t keylen;
	bool unshared; /* the key was cut: never shared nor granted */
	uint64_t deadline_ns; /* monotonic; 0: never */
	uint64_t opened_ns;
	enum policy_action on_timeout;
	/* the call, whole, for a grant made from the answer */
	char *rule, *target;
	char **argv;
	size_t argc;
	unsigned access, access2;
	struct waiter w[PENDING_WAITERS_MAX];
	unsigned nw;
	struct entry *next;
};

static bool enabled;
/* operators watching (policyctl watch): while one is, prompts wait even
 * without --approvals, since someone is there to answer */
static unsigned watching;
static struct entry *entries;
static size_t nentries;
static uint32_t next_id;
static bool wake;
static struct pending_info events[EVENTS];
static uint64_t nevents;

void pending_enable(bool on)
{
	enabled = on;
}

bool pending_enabled(void)
{
	return enabled || watching;
}

void pending_set_watchers(unsigned n)
{
	watching = n;
}

const char *pending_state_name(enum pending_state s)
{
	static const char *const n[PENDING_STATE_MAX] = {
	    [PENDING_WAITING] = "opened",
	    [PENDING_APPROVED] = "approved",
	    [PENDING_DENIED] = "denied",
	    [PENDING_EXPIRED] = "timed out",
	    [PENDING_WITHDRAWN] = "withdrawn",
	};
	return (unsigned)s < PENDING_STATE_MAX ? n[s] : "?";
}

const char *pending_scope_name(enum pending_scope s)
{
	static const char *const n[PENDING_SCOPE_MAX] = {
	    [PENDING_ONCE] = "once",
	    [PENDING_SESSION] = "session",
	    [PENDING_FOR] = "for",
	    [PENDING_ALWAYS] = "always",
	};
	return (unsigned)s < PENDING_SCOPE_MAX ? n[s] : "?";
}

/* ------------------------------------------------------ events, audit */

static void event(const struct pending_info *i)
{
	events[nevents % EVENTS] = *i;
	nevents++;
}

const struct pending_info *pending_event(uint64_t seq)
{
	if (seq == 0 || seq > nevents || nevents - seq >= EVENTS)
		return NULL;
	return &events[(seq - 1) % EVENTS];
}

uint64_t pending_event_last(void)
{
	return nevents;
}

static void operator_name(uid_t uid, char *buf, size_t sz)
{
	/* the operator's account, once per answer (not on the decision
	 * path of any other call) */
	struct passwd *pw = getpwuid(uid);
	snprintf(buf, sz, "%s", pw ? pw->pw_name : "?");
}

/* The prompt's audit record: opened, approved, denied, timed out,
 * withdrawn. */
static void audit_prompt(const struct entry *e, uint64_t waited_ns)
{
	if (!D.audit)
		return;
	const struct pending_info *i = &e->i;
	char d[1024];
	int n = snprintf(d, sizeof(d), "prompt #%u", i->id);
	if (i->state != PENDING_WAITING)
		n += snprintf(d + n, sizeof(d) - (size_t)n, ", after %.1fs",
			      (double)waited_ns / 1e9);
	if (i->state == PENDING_APPROVED || i->state == PENDING_DENIED)
		n += snprintf(d + n, sizeof(d) - (size_t)n,
			      ", by %s (uid %u)", i->by_name,
			      (unsigned)i->by_uid);
	if (i->state == PENDING_APPROVED)
		n += snprintf(d + n, sizeof(d) - (size_t)n, ", scope %s",
			      pending_scope_name(i->scope));
	if (i->grant_name[0])
		n += snprintf(d + n, sizeof(d) - (size_t)n, ", %s",
			      i->grant_name);
	if (i->like[0] && n > 0 && (size_t)n < sizeof(d))
		n += snprintf(d + n, sizeof(d) - (size_t)n, " like '%.300s'",
			      i->like);
	if (i->reason[0] && n > 0 && (size_t)n < sizeof(d))
		snprintf(d + n, sizeof(d) - (size_t)n, ", reason: %s",
			 i->reason);
	bool answered = i->state == PENDING_APPROVED ||
			i->state == PENDING_DENIED;
	/* secrets in the command line (a token in an argument) and in what
	 * the operator typed stay out of the log, as out of notifications */
	char shown[2 * PENDING_SHOWN_MAX], dd[2 * sizeof(d)];
	redact(i->shown, shown, sizeof(shown));
	redact(d, dd, sizeof(dd));
	struct audit_rec r = {.session = i->session,
			      .pid = i->pid,
			      .uid = answered ? i->by_uid : i->uid,
			      .cwd = i->cwd,
			      .kind = "prompt",
			      .target = shown,
			      .rule = i->rule,
			      .tier = 3,
			      .action = "prompt",
			      .decision = pending_state_name(i->state),
			      .detail = dd};
	audit_write(D.audit, &r);
}

/* ------------------------------------------------------ entries */

static void entry_free(struct entry *e)
{
	if (!e)
		return;
	free(e->key);
	free(e->rule);
	free(e->target);
	tg_strv_free(e->argv);
	free(e);
}

static void entry_unlink(struct entry *e)
{
	for (struct entry **p = &entries; *p; p = &(*p)->next)
		if (*p == e) {
			*p = e->next;
			nentries--;
			return;
		}
}

/* A prompt that lost its last waiter: withdrawn if it was still open. */
static void entry_drop_if_empty(struct entry *e)
{
	if (e->nw)
		return;
	if (e->i.state == PENDING_WAITING) {
		e->i.state = PENDING_WITHDRAWN;
		e->i.waiters = 0;
		audit_prompt(e, tg_mono_ns() - e->opened_ns);
		event(&e->i);
	}
	entry_unlink(e);
	entry_free(e);
}

static bool key_eq(const char *k, size_t kl, const char *k2, size_t kl2)
{
	return k && k2 && kl == kl2 && !memcmp(k, k2, kl);
}

static void waiter_remove(struct entry *e, unsigned k)
{
	e->w[k] = e->w[--e->nw];
	e->i.waiters = e->nw;
}

/* What identifies the call: kind, target, the access asked, an exec's
 * working directory (cwd: the caller's, read now), what a git exec was
 * read to do (o->git_facts), and an exec's argv (not o->detail: a
 * connect's says how its name was checked, which may change from one
 * handing-in to the next), cut at KEY_MAX (*ret_long: it was; such a call
 * is only its own waiter's). NULL: out of memory. why the directory: an
 * exec's relative names and git's repository are the directory's, and
 * the operator is shown it: without it a second process of the session
 * running the same command line elsewhere joined the prompt (approved
 * with it), and a thread that changed directory while its exec waited
 * had the approval carried out there (tests/bypass/promptcwd.sh). */
static char *make_key(const struct req *q, const struct outcome *o,
		      const char *cwd, size_t *ret_len, bool *ret_long)
{
	struct strbuf b = {0};
	strbuf_printf(&b, "%s%c%s%c%u,%u", o->kind, 0x1f, o->target, 0x1f,
		      q ? q->access : 0, q ? q->access2 : 0);
	if (q && q->kind == TGPK_EXEC)
		strbuf_printf(&b, "%ccwd %s", 0x1f, cwd);
	/* git: what the repository made of the command line (its remote's
	 * URL, its branch), as much a part of the call as argv */
	for (size_t i = 0; o->has_git_facts && i < sizeof(o->git_facts); i++)
		strbuf_printf(&b, "%s%02x", i ? "" : "\x1f", o->git_facts[i]);
	for (size_t i = 0; q && i < q->argc && b.len <= KEY_MAX; i++) {
		strbuf_putc(&b, 0x1e);
		strbuf_puts(&b, q->argv[i]);
	}
	if (b.oom) {
		strbuf_free(&b);
		return NULL;
	}
	*ret_long = b.len > KEY_MAX;
	*ret_len = b.len > KEY_MAX ? KEY_MAX : b.len;
	return strbuf_steal(&b);
}

/* The command line of an exec, else the target: what the operator is
 * asked about. why: the agent chose every byte of it, and the operator
 * reads it on a terminal (policyctl pending, watch, grants, the webhook)
 * before granting the call: a command line is quoted as a shell would
 * need it typed (tg_argv_quote: one argument with spaces is not shown as
 * several, control characters are \xHH, a cut is marked "..." and
 * "[+N more arguments]"), a target's control characters are '?'. Joined
 * with spaces and cut silently, `sh -c 'make test<1000 spaces>; curl
 * ...|sh'` was shown as `sh -c make test`, and an escape sequence in an
 * argument or a path reached the operator's terminal as it was
 * (tests/bypass/prompttext.sh). */
static void shown_of(const struct req *q, const struct outcome *o, char *buf,
		     size_t sz)
{
	if (!q || !q->argc || q->kind != TGPK_EXEC) {
		tg_strlcpy(buf, sz, o->target);
		for (char *p = buf; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		return;
	}
	size_t l = tg_argv_quote(buf, sz, (const char *const *)q->argv,
				 q->argc);
	if (o->git_url[0] && l + 16 < sz) {
		/* where the remote named points, now: the grant is for it */
		snprintf(buf + l, sz - l, " (remote %s)", o->git_url);
		for (char *p = buf + l; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
	}
}

static size_t open_in_session(const struct session *s)
{
	size_t n = 0;
	for (struct entry *e = entries; e; e = e->next)
		n += e->s == s && e->i.state == PENDING_WAITING;
	return n;
}

static void tell_waiting(pid_t pid, const struct entry *e)
{
	char line[2048];
	int n = snprintf(line, sizeof(line),
			 "tiergate: waiting for approval #%u: %.900s (rule "
			 "%s); an operator can run: policyctl approve %u\n",
			 e->i.id, e->i.shown, e->i.rule, e->i.id);
	if (n > 0)
		caller_tell(pid, line,
			    (size_t)n < sizeof(line) ? (size_t)n
						     : sizeof(line) - 1);
}

static struct entry *entry_open(struct caller *c, const struct req *q,
				const struct outcome *o, char *key,
				size_t keylen, const char *key_cwd)
{
	struct entry *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	const struct policy_settings *st = policy_settings(c->s->policy);
	struct pending_info *i = &e->i;
	i->id = ++next_id;
	if (!i->id) /* wrapped: 0 is no id */
		i->id = next_id = 1;
	e->s = c->s;
	e->key = key;
	e->keylen = keylen;
	e->opened_ns = tg_mono_ns();
	e->on_timeout = st->on_timeout;
	i->state = PENDING_WAITING;
	snprintf(i->session, sizeof(i->session), "%s", c->s->id);
	snprintf(i->session_name, sizeof(i->session_name), "%s", c->s->name);
	i->pid = c->pid;
	i->uid = caller_uid(c);
	snprintf(i->kind, sizeof(i->kind), "%s", o->kind);
	shown_of(q, o, i->shown, sizeof(i->shown));
	tg_strlcpy(i->target, sizeof(i->target), o->target);
	/* an exec's: the one reading its key holds (helper-61's review: a
	 * second reading let a thread flipping its directory show the
	 * operator one directory while the grant was kept for another) */
	if (key_cwd[0] && key_cwd[0] != '?')
		tg_strlcpy(i->cwd, sizeof(i->cwd), key_cwd);
	else if (!key_cwd[0])
		(void)caller_cwd(c, i->cwd, sizeof(i->cwd));
	snprintf(i->rule, sizeof(i->rule), "%s",
		 o->d.rule_id ? o->d.rule_id : "?");
	e->rule = strdup(o->d.rule_id ? o->d.rule_id : "?");
	e->target = strdup(o->target);
	if (q && q->kind == TGPK_EXEC && q->argc)
		e->argv = tg_strv_dup(q->argv, q->argc);
	e->argc = e->argv ? q->argc : 0;
	e->access = q ? q->access : 0;
	e->access2 = q ? q->access2 : 0;
	if (!e->rule || !e->target) {
		free(e->rule);
		free(e->target);
		tg_strv_free(e->argv);
		free(e);
		return NULL;
	}
	snprintf(i->message, sizeof(i->message), "%s",
		 o->d.message ? o->d.message : "");
	i->opened_us = tg_now_us();
	if (st->prompt_timeout_ms) {
		e->deadline_ns = e->opened_ns + st->prompt_timeout_ms * 1000000;
		i->deadline_us = i->opened_us + st->prompt_timeout_ms * 1000;
	}
	e->next = NULL;
	struct entry **p = &entries; /* oldest first */
	while (*p)
		p = &(*p)->next;
	*p = e;
	nentries++;
	return e;
}

/* ------------------------------------------------------ the gate */

/* o after the operator's (or the timeout's) answer to e. */
static void apply(const struct entry *e, struct outcome *o)
{
	static char msg[512];
	const struct pending_info *i = &e->i;
	bool allow = i->state == PENDING_APPROVED ||
		     (i->state == PENDING_EXPIRED &&
		      e->on_timeout != POLICY_DENY);
	double waited = (double)(tg_mono_ns() - e->opened_ns) / 1e9;
	if (allow) {
		o->d.action = POLICY_LOG;
		if (i->state == PENDING_APPROVED)
			snprintf(o->detail, sizeof(o->detail),
				 "prompt #%u approved by %s (uid %u), %s, "
				 "after %.1fs",
				 i->id, i->by_name, (unsigned)i->by_uid,
				 pending_scope_name(i->scope), waited);
		else
			snprintf(o->detail, sizeof(o->detail),
				 "prompt #%u timed out after %.1fs: "
				 "allowed (settings.on_timeout)",
				 i->id, waited);
		return;
	}
	o->d.action = POLICY_DENY;
	if (i->state == PENDING_DENIED) {
		snprintf(msg, sizeof(msg), "denied by operator %s%s%s", i->by_name,
			 i->reason[0] ? ": " : "", i->reason);
		snprintf(o->detail, sizeof(o->detail),
			 "prompt #%u denied by %s (uid %u) after %.1fs", i->id,
			 i->by_name, (unsigned)i->by_uid, waited);
	} else {
		snprintf(msg, sizeof(msg),
			 "no operator answered within the prompt timeout "
			 "(settings.prompt_timeout); refused");
		snprintf(o->detail, sizeof(o->detail),
			 "prompt #%u timed out after %.1fs", i->id, waited);
	}
	o->d.message = msg;
}

static struct entry *find_waiter(const void *owner, uint64_t cookie,
				 unsigned *ret_k)
{
	for (struct entry *e = entries; e; e = e->next)
		for (unsigned k = 0; k < e->nw; k++)
			if (e->w[k].owner == owner &&
			    e->w[k].cookie == cookie) {
				*ret_k = k;
				return e;
			}
	return NULL;
}

static struct entry *find_open(const struct session *s, const char *key,
			       size_t keylen)
{
	for (struct entry *e = entries; e; e = e->next)
		if (e->s == s && e->i.state == PENDING_WAITING &&
		    e->nw < PENDING_WAITERS_MAX && !e->unshared &&
		    key_eq(e->key, e->keylen, key, keylen))
			return e;
	return NULL;
}

static void refuse_full(struct outcome *o, unsigned max)
{
	static char msg[256];
	if (max)
		snprintf(msg, sizeof(msg),
			 "too many calls of this session wait for an operator "
			 "(%u, settings.max_pending_prompts); refused",
			 max);
	else
		snprintf(msg, sizeof(msg),
			 "policyd cannot hold more prompts; refused");
	o->d.action = POLICY_DENY;
	o->d.message = msg;
	snprintf(o->detail, sizeof(o->detail), "prompt not opened: %s", msg);
}

/* The caller's working directory for an exec's key ("?" when it cannot
 * be read: such a call shares with no other and matches no grant made
 * where it could be). */
static void key_cwd(struct caller *c, const struct req *q, char *buf, size_t sz)
{
	buf[0] = '\0';
	if (q && q->kind == TGPK_EXEC && caller_cwd(c, buf, sz) < 0)
		snprintf(buf, sz, "?%d", (int)c->pid);
}

int pending_gate(struct caller *c, const struct req *q, struct outcome *o,
		 const void *owner, uint64_t cookie)
{
	char cwd[TG_PATH_MAX] = "";
	if (o->d.action == POLICY_PROMPT && !o->unresolved && c->s)
		key_cwd(c, q, cwd, sizeof(cwd));
	if (o->d.action == POLICY_PROMPT && !o->unresolved && c->s) {
		/* grants answer whether or not anyone is there to ask;
		 * a waiter already registered is answered below */
		unsigned k0;
		size_t kl = 0;
		bool cut0 = false;
		_cleanup_free_ char *k = NULL;
		if (!owner || !find_waiter(owner, cookie, &k0)) {
			k = make_key(q, o, cwd, &kl, &cut0);
			if (pgrants_apply(c->s, q, o, cut0 ? NULL : k, kl)) {
				return 0;
			}
		}
	}
	/* someone can answer: --approvals, a watching operator, or a
	 * notification this session's policy sends (settings.notify) */
	if (!owner || !(pending_enabled() ||
			(c->s && policy_settings(c->s->policy)->notify)))
		return 0;
	if (o->d.action != POLICY_PROMPT || o->unresolved || !c->s) {
		/* a waiter whose call is now decided otherwise (a reload in
		 * between) waits no more */
		if (nentries)
			pending_forget_waiter(owner, cookie);
		return 0;
	}
	size_t keylen = 0;
	bool cut = false;
	_cleanup_free_ char *key = make_key(q, o, cwd, &keylen, &cut);
	if (!key) { /* out of memory: refused */
		refuse_full(o, 0);
		return 0;
	}
	unsigned k;
	struct entry *e = find_waiter(owner, cookie, &k);
	if (e && (e->s != c->s || !key_eq(e->key, e->keylen, key, keylen))) {
		/* the same waiter now asks about another call (its request
		 * was decided otherwise in between): the old wait is over */
		waiter_remove(e, k);
		entry_drop_if_empty(e);
		e = NULL;
	}
	if (e) {
		if (e->i.state == PENDING_WAITING)
			return -EAGAIN;
		apply(e, o);
		waiter_remove(e, k);
		entry_drop_if_empty(e);
		return 0;
	}
	const struct policy_settings *st = policy_settings(c->s->policy);
	e = cut ? NULL : find_open(c->s, key, keylen);
	if (!e) {
		if (open_in_session(c->s) >= st->max_pending_prompts ||
		    nentries >= PENDING_MAX) {
			refuse_full(o, st->max_pending_prompts);
			return 0;
		}
		if (!(e = entry_open(c, q, o, key, keylen, cwd))) {
			refuse_full(o, 0); /* out of memory */
			return 0;
		}
		e->unshared = cut;
		key = NULL; /* the entry's now */
		audit_prompt(e, 0);
		e->w[e->nw++] = (struct waiter){owner, cookie};
		e->i.waiters = e->nw;
		event(&e->i);
	} else {
		e->w[e->nw++] = (struct waiter){owner, cookie};
		e->i.waiters = e->nw;
	}
	tell_waiting(c->pid, e);
	return -EAGAIN;
}

/* ------------------------------------------------------ answers */

/* The grant reply r asks for on e's call (*ret: NULL for a plain key
 * grant). 0 or -EINVAL (msg says why). */
static int reply_like(const struct entry *e, const struct pending_reply *r,
		      struct policy_grant **ret, char *msg, size_t msgsz)
{
	*ret = NULL;
	if (!r->like && r->scope != PENDING_ALWAYS)
		return 0;
	struct policy_grant_call call = {
	    .rule = e->rule,
	    .kind = e->i.kind,
	    .target = e->target,
	    .argv = (const char *const *)e->argv,
	    .argc = e->argc,
	    .access = e->access,
	    .access2 = e->access2};
	const char *why = NULL;
	int rc = policy_grant_new(&call, r->like, ret, &why);
	if (rc == -EINVAL)
		snprintf(msg, msgsz, "--like '%.300s': %s", r->like,
			 why ? why : "invalid");
	else if (rc < 0)
		snprintf(msg, msgsz, "out of memory");
	return rc;
}

static void describe_grant(const struct entry *e, const struct policy_grant *pg,
			   enum pending_scope scope, uint64_t until_us,
			   char *msg, size_t msgsz)
{
	char what[1200];
	if (pg)
		policy_grant_describe(pg, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "%s %s, rule %s", e->i.kind,
			 e->i.shown, e->i.rule);
	char scope_s[160];
	if (scope == PENDING_ALWAYS)
		snprintf(scope_s, sizeof(scope_s),
			 "always, every session of policy %s",
			 e->s ? e->s->policy_path : "?");
	else if (scope == PENDING_FOR)
		snprintf(scope_s, sizeof(scope_s), "session %s, for %llus",
			 e->i.session,
			 (unsigned long long)(until_us > tg_now_us()
						  ? (until_us - tg_now_us()) /
							1000000
						  : 0));
	else
		snprintf(scope_s, sizeof(scope_s), "session %s",
			 e->i.session);
	snprintf(msg, msgsz, "%s (%s)", what, scope_s);
}

int pending_reply(uint32_t id, const struct pending_reply *r, char *msg,
		  size_t msgsz)
{
	msg[0] = '\0';
	struct entry *e = entries;
	while (e && e->i.id != id)
		e = e->next;
	if (!e)
		return -ENOENT;
	if (e->i.state != PENDING_WAITING)
		return -EALREADY;
	enum pending_scope scope = r->approve ? r->scope : PENDING_ONCE;
	if (r->approve && r->like && scope == PENDING_ONCE) {
		snprintf(msg, msgsz, "--like needs --session, --for or "
				     "--always");
		return -EINVAL;
	}
	struct policy_grant *pg = NULL;
	int rc = r->approve ? reply_like(e, r, &pg, msg, msgsz) : 0;
	if (rc < 0)
		return rc;
	if (r->approve && scope != PENDING_ONCE)
		describe_grant(e, pg, scope, r->until_us, msg, msgsz);
	if (r->preview) {
		policy_grant_free(pg);
		return 0;
	}
	struct pending_info *i = &e->i;
	char always[64] = "";
	if (r->approve && scope == PENDING_ALWAYS) {
		/* written first: an overlay that cannot take it leaves the
		 * prompt waiting for another answer */
		char err[600];
		if (pg) {
			pg->uid = r->by;
			char by[64], made[32];
			operator_name(r->by, by, sizeof(by));
			time_t t = (time_t)(tg_now_us() / 1000000);
			struct tm tm;
			gmtime_r(&t, &tm);
			strftime(made, sizeof(made), "%Y-%m-%dT%H:%M:%SZ", &tm);
			pg->by = strdup(by);
			pg->made = strdup(made);
		}
		rc = !pg || !pg->by || !pg->made
			 ? -ENOMEM
			 : overlay_add(e->s->policy_path, pg, always,
				       sizeof(always), err, sizeof(err));
		if (rc < 0) {
			if (rc == -ENOMEM)
				snprintf(err, sizeof(err), "out of memory");
			snprintf(msg, msgsz, "%s", err);
			policy_grant_free(pg);
			return rc;
		}
		policy_grant_free(pg); /* emptied by overlay_add */
		pg = NULL;
		snprintf(i->grant_name, sizeof(i->grant_name), "%s", always);
		size_t l = strlen(msg);
		snprintf(msg + l, msgsz - l, ": %s", always);
	}
	i->state = r->approve ? PENDING_APPROVED : PENDING_DENIED;
	i->by_uid = r->by;
	operator_name(r->by, i->by_name, sizeof(i->by_name));
	i->scope = scope;
	snprintf(i->reason, sizeof(i->reason), "%s",
		 r->reason ? r->reason : "");
	if (r->like)
		snprintf(i->like, sizeof(i->like), "%s", r->like);
	if (r->approve && (scope == PENDING_SESSION || scope == PENDING_FOR)) {
		i->grant_until_us = scope == PENDING_FOR ? r->until_us : 0;
		struct pgrant_what w = {i->session, i->kind, i->shown,
					i->rule, i->by_uid};
		i->grant = pgrants_make(e->s, e->unshared ? NULL : e->key,
					e->keylen, &w, i->grant_until_us, pg);
		if (i->grant)
			snprintf(i->grant_name, sizeof(i->grant_name),
				 "grant-%u", i->grant);
		size_t l = strlen(msg);
		if (i->grant)
			snprintf(msg + l, msgsz - l, ": grant-%u", i->grant);
	}
	audit_prompt(e, tg_mono_ns() - e->opened_ns);
	event(i);
	wake = true;
	return 0;
}

int pending_answer(uint32_t id, bool approve, enum pending_scope scope,
		   uint64_t until_us, uid_t by, const char *reason)
{
	char msg[1600];
	struct pending_reply r = {.approve = approve,
				  .scope = scope,
				  .until_us = until_us,
				  .by = by,
				  .reason = reason};
	return pending_reply(id, &r, msg, sizeof(msg));
}

bool pending_tick(void)
{
	uint64_t now = tg_mono_ns();
	for (struct entry *e = entries; e; e = e->next) {
		if (e->i.state != PENDING_WAITING || !e->deadline_ns ||
		    now < e->deadline_ns)
			continue;
		e->i.state = PENDING_EXPIRED;
		snprintf(e->i.reason, sizeof(e->i.reason), "on_timeout: %s",
			 policy_action_name(e->on_timeout));
		audit_prompt(e, now - e->opened_ns);
		event(&e->i);
		wake = true;
	}
	bool w = wake;
	wake = false;
	return w;
}

/* ------------------------------------------------------ withdrawals */

void pending_forget_owner(const void *owner)
{
	for (struct entry *e = entries, *n; e; e = n) {
		n = e->next;
		for (unsigned k = 0; k < e->nw;)
			if (e->w[k].owner == owner)
				waiter_remove(e, k);
			else
				k++;
		entry_drop_if_empty(e);
	}
}

void pending_forget_waiter(const void *owner, uint64_t cookie)
{
	unsigned k;
	struct entry *e = find_waiter(owner, cookie, &k);
	if (!e)
		return;
	waiter_remove(e, k);
	entry_drop_if_empty(e);
}

void pending_session_end(const struct session *s)
{
	for (struct entry *e = entries, *n; e; e = n) {
		n = e->next;
		if (e->s != s)
			continue;
		e->nw = 0;
		entry_drop_if_empty(e);
	}
	pgrants_session_end(s);
}

/* ------------------------------------------------------ listing */

void pending_each(void (*fn)(const struct pending_info *, void *), void *arg)
{
	for (struct entry *e = entries; e; e = e->next)
		if (e->i.state == PENDING_WAITING)
			fn(&e->i, arg);
}

size_t pending_count(void)
{
	size_t n = 0;
	for (struct entry *e = entries; e; e = e->next)
		n += e->i.state == PENDING_WAITING;
	return n;
}

void pending_reset(void)
{
	while (entries) {
		struct entry *e = entries;
		entries = e->next;
		entry_free(e);
	}
	pgrants_reset();
	overlay_reset();
	nentries = 0;
	next_id = 0;
	nevents = 0;
	wake = false;
}
