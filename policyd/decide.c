/* SPDX-License-Identifier: MIT */
#include "decide.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "chase.h"
#include "daemon.h"
#include "decide_exec.h"
#include "decide_rename.h"
#include "egress_glue.h"
#include "landlock.h"
#include "log.h"
#include "netaddr.h"
#include "pending.h"
#include "procfs.h"
#include "resolver.h"
#include "self.h"
#include "session.h"
#include "sys.h"
#include "util.h"

/* One name of a file call decided on its literal and its resolved path,
 * combined into o->d; shown: how the target line shows it. self: the entry
 * of tiergate's own state either name touches (self.h), if any. */
struct named {
	int dirfd;
	const char *path;
	unsigned access;
	bool nofollow;
	bool made; /* a new file or nothing: what is there is not reached */
	char *shown;
	size_t shownsz;
	const struct selfprot_entry *self;
	bool self_above;
};

static int decide_path(struct caller *c, struct named *n, struct outcome *o,
		       bool *have)
{
	char lex[TG_PATH_MAX], real[TG_PATH_MAX];
	int r = chase(c, n->dirfd, n->path, 0, lex);
	if (r < 0)
		return r;
	/* reads and writes reach the file a final symlink points to; making
	 * or removing a name (mkdir, unlink, a rename's names), or a call that
	 * does not follow it (lchown, link), acts on the name itself: only its
	 * directory is resolved */
	unsigned flags = CHASE_FOLLOW | CHASE_ABSOLUTE;
	if (n->nofollow || !(n->access & (POLICY_ACC_READ | POLICY_ACC_WRITE)))
		flags |= CHASE_PARENT;
	if ((r = chase(c, AT_FDCWD, lex, flags, real)) < 0)
		return r; /* the caller refuses (rule "unresolvable") */
	struct policy_event ev = {
	    .kind = POLICY_EV_OPEN, .path = real, .access = n->access};
	struct policy_decision d, dl;
	if (!*have) /* the first path: the object the caller gets */
		tg_strlcpy(o->object, sizeof(o->object), real);
	else
		tg_strlcpy(o->object2, sizeof(o->object2), real);
	policy_decide(c->s->policy, &ev, &d);
	if (!n->self)
		n->self = self_refuses(c, real, lex, n->access, n->made,
				       &n->self_above);
	if (strcmp(lex, real)) {
		ev.path = lex;
		policy_decide(c->s->policy, &ev, &dl);
		outcome_spelled(&d, &dl);
		snprintf(n->shown, n->shownsz, "%s (-> %s)", lex, real);
	} else {
		tg_strlcpy(n->shown, n->shownsz, lex);
	}
	outcome_combine(&o->d, have, &d);
	return 0;
}

/* What a call makes reachable below a name, beyond the names themselves
 * (decide_rename.h): a rename (its old name is deleted; link's is not)
 * moves the tree below it, with RENAME_EXCHANGE both ways; a symlink made,
 * renamed or linked (link of the name itself) at a name reaches whatever
 * it points to below that name. */
static void decide_reach(struct caller *c, const struct req *q,
			 struct outcome *o)
{
	if (q->symlink) {
		decide_alias(c, o->object, NULL, o);
		return;
	}
	if (!q->has_path2)
		return;
	bool rename = q->access & POLICY_ACC_DELETE,
	     exchange = q->access2 & POLICY_ACC_DELETE;
	if (rename)
		decide_rename_tree(c, o->object, o->object2, exchange, o);
	if ((rename || q->nofollow) && !q->src_fd)
		decide_alias(c, o->object2, o->object, o);
	else if (q->src_symlink) /* known from the descriptor */
		decide_alias(c, o->object2, NULL, o);
	if (exchange)
		decide_alias(c, o->object, o->object2, o);
}

static const char unheld_fd_msg[] =
    "policyd cannot take a copy of this descriptor (Yama's ptrace_scope), "
    "and another thread could re-point it: make the call from a "
    "single-threaded process, or run policyd as root";

/* Is obj /proc/PID/... (or /proc/PID/task/TID/...) of a process outside
 * c's session? (/proc/self was mapped to the caller's PID by chase.) */
static bool proc_outside(struct caller *c, const char *obj)
{
	int pid = 0, n = 0;
	if (sscanf(obj, "/proc/%d%n", &pid, &n) != 1 || pid <= 0 ||
	    (obj[n] != '/' && obj[n] != '\0'))
		return false;
	return session_of_pid(pid) != c->s;
}

/* Rules no policy can loosen, after the policy decided an open or file
 * call. */
static void open_builtin(struct caller *c, const struct req *q,
			 struct outcome *o)
{
	/* /proc/N/mem (and /proc/N/task/M/mem) opened for writing is ptrace
	 * by another name (the seccomp filter refuses ptrace and
	 * process_vm_writev): never, whatever the policy says */
	size_t ol = strlen(o->object);
	if ((q->access & (POLICY_ACC_WRITE | POLICY_ACC_CREATE)) &&
	    !strncmp(o->object, "/proc/", 6) && ol > 4 &&
	    !strcmp(o->object + ol - 4, "/mem")) {
		outcome_deny(o, "proc-mem",
			     "writing a process's memory is never allowed in "
			     "a session");
	}
	/* a process outside the session changed through its /proc files:
	 * its OOM score (oom_score_adj, oom_adj: policyd made the OOM
	 * killer's first choice), timer slack, name, core dump filter...:
	 * no session changes a process outside it, whatever the policy */
	if ((q->access & (POLICY_ACC_WRITE | POLICY_ACC_CREATE)) &&
	    proc_outside(c, o->object)) {
		outcome_deny(o, "proc-other",
			     "a process outside the session cannot be changed "
			     "through /proc from inside it");
	}
	/* what the policy allows on a descriptor policyd cannot hold, from
	 * a caller another thread of which could re-point it (dup2) before
	 * the kernel looks the number up again (the kernel path) */
	if (q->unheld_fd && o->d.action <= POLICY_LOG)
		outcome_deny(o, "descriptor_race", unheld_fd_msg);
}

/* A link or rename gives the file at path a second (or new) name,
 * and reads are decided by name: a rule that denies, prompts or logs
 * reading the file where it is decides the call too, or a session linked
 * (renamed) a file under a rule that refuses reads only (`access:
 * [read]`) to a name no rule is about, and read it there, and through the
 * kernel deny-read layer's mark on its inode then under its own name too
 * (seen by helper-52, 2026-12-07). Only a rule's read decision counts:
 * settings.default is not about reads here (a strict policy's default
 * deny would refuse every rename). */
static void decide_new_name_reads(struct caller *c, const char *path,
				  struct outcome *o, bool *have)
{
	struct policy_event ev = {
	    .kind = POLICY_EV_OPEN, .path = path, .access = POLICY_ACC_READ};
	struct policy_decision d;
	policy_decide(c->s->policy, &ev, &d);
	if (d.rule < 0 || d.action <= POLICY_ALLOW)
		return;
	outcome_combine(&o->d, have, &d);
	size_t l = strlen(o->detail);
	snprintf(o->detail + l, sizeof(o->detail) - l,
		 "; the call gives another name to a file whose reads rule "
		 "'%.64s' decides",
		 d.rule_id);
}

static int decide_open_names(struct caller *c, const struct req *q,
			     struct outcome *o)
{
	o->kind = q->label ? q->label : "open";
	if (!q->has_path || (q->access & ~(unsigned)POLICY_ACC_ALL) ||
	    !q->access)
		return -EBADMSG;
	if (q->unheld_fd && q->path[0] != '/') {
		/* such a descriptor on a pipe, a socket, a memfd: no policy
		 * is about the object, and the number may name another by
		 * the time the kernel looks */
		tg_strlcpy(o->target, sizeof(o->target), q->path);
		outcome_deny(o, "descriptor_race", unheld_fd_msg);
		return 0;
	}
	bool have = false;
	char a[TG_PATH_MAX * 2 + 16], b[TG_PATH_MAX * 2 + 16];
	struct named n = {q->dirfd, q->path,   q->access, q->nofollow, q->made,
			  a,	    sizeof(a), NULL,	  false};
	int r = decide_path(c, &n, o, &have);
	const struct selfprot_entry *self = n.self;
	bool above = n.self_above;
	if (r < 0) {
		tg_strlcpy(o->target, sizeof(o->target), q->path);
		return r;
	}
	if (q->has_path2) {
		unsigned a2 = q->access2 & POLICY_ACC_ALL;
		n = (struct named){
		    q->dirfd2, q->path2, a2 ? a2 : POLICY_ACC_CREATE,
		    false,     q->made2, b,
		    sizeof(b), NULL,	 false};
		if ((r = decide_path(c, &n, o, &have)) < 0)
			return r;
		if (!self) {
			self = n.self;
			above = n.self_above;
		}
		snprintf(o->target, sizeof(o->target), "%.4000s -> %.4000s", a,
			 b);
	} else {
		tg_strlcpy(o->target, sizeof(o->target), a);
	}
	char acc[64];
	policy_access_format(q->access, acc, sizeof(acc));
	snprintf(o->detail, sizeof(o->detail), "access %s", acc);
	if (q->has_path2 && !q->symlink) {
		decide_new_name_reads(c, o->object, o, &have);
		if (q->access2 & POLICY_ACC_DELETE) /* RENAME_EXCHANGE */
			decide_new_name_reads(c, o->object2, o, &have);
	}
	decide_reach(c, q, o);
	open_builtin(c, q, o);
	/* tiergate's own state, whatever the policy says (self.h); a connect
	 * to a socket there changes no file, and policyd's sockets judge
	 * their peers themselves (the control socket refuses sessions) */
	if (self && !(q->label && !strcmp(q->label, "connect")))
		outcome_deny(o, "tiergate-self", selfprot_message(self, above));
	return 0;
}

/* An open or file call: a call with two names (git's renames and links,
 * mostly in one directory) walks their directory and stats it once */
static int decide_open(struct caller *c, const struct req *q, struct outcome *o)
{
	if (!q->has_path2 || c->memo)
		return decide_open_names(c, q, o);
	struct chase_memo *m = malloc(sizeof(*m));
	if (m) {
		m->dir[0] = m->statted[0] = m->lstatted[0] = '\0';
		c->memo = m;
	}
	int r = decide_open_names(c, q, o);
	c->memo = NULL;
	free(m);
	return r;
}

/* The name a connect says it is for, as host rules may see it: host when
 * policyd's own lookup gives the address (1), else NULL with why in
 * o->detail. norm: the name normalised (256 bytes), "" for none. 0, or
 * -EAGAIN when the lookup must finish first. */
static int connect_host(struct caller *c, const struct req *q,
			struct outcome *o, char *norm, const char **host)
{
	struct tg_addr literal;
	*host = NULL;
	bool named = q->host[0] && tg_addr_parse(q->host, &literal) < 0 &&
		     tg_host_normalize(q->host, norm, 256) == 0;
	if (!named) {
		norm[0] = '\0';
		return 0;
	}
	if (!policy_host_named(c->s->policy, norm)) {
		/* no host rule can use it: not looked up (see
		 * policy_host_named), only shown */
		snprintf(o->detail, sizeof(o->detail),
			 "no host rule names '%s': not looked up by policyd, "
			 "decided on the address",
			 norm);
		return 0;
	}
	int v = resolver_check(norm, q->addr, c->s->id);
	if (v == -EAGAIN)
		return -EAGAIN;
	if (v == 1) {
		*host = norm;
		/* the eBPF layer's host rules learn the address here, from
		 * policyd's own lookup, before the call goes on (never from
		 * the process's NAMES report: session_names_record) */
		egress_glue_names(c->s, norm, (const uint8_t(*)[16])q->addr, 1,
				  SESSION_NAME_TTL);
	} else if (v == -EBUSY)
		snprintf(o->detail, sizeof(o->detail),
			 "policyd has as many names of this session to look "
			 "up as it queues; '%s' not looked up, decided on the "
			 "address",
			 norm);
	else
		snprintf(o->detail, sizeof(o->detail),
			 "name '%s' does not resolve to this address for "
			 "policyd; decided on the address",
			 norm);
	return 0;
}

/* Is real (resolved, in c's view) policyd's agent socket? */
static bool is_agent_socket(struct caller *c, const char *real)
{
	char view[TG_PATH_MAX + 32];
	struct stat st;
	chase_view(c, real, view, sizeof(view));
	return stat(view, &st) == 0 && S_ISSOCK(st.st_mode) &&
	       st.st_dev == D.agent_dev && st.st_ino == D.agent_ino;
}

bool decide_unix_agent(struct caller *c, int dirfd, const char *path)
{
	char lex[TG_PATH_MAX], real[TG_PATH_MAX];
	return chase(c, dirfd, path, 0, lex) == 0 &&
	       chase(c, AT_FDCWD, lex, CHASE_FOLLOW | CHASE_ABSOLUTE, real) ==
		   0 &&
	       is_agent_socket(c, real);
}

/*
 * A connect (or a send) to a Unix socket: PATH as the caller passed it
 * (relative to its cwd, in its root), or with TGPF_UNIX_ABSTRACT an
 * abstract name spelled "@NAME" (tgp_unix_abstract). A named socket is
 * decided on the file the kernel reaches (the path resolved, symlinks
 * followed, as connect does), and on the name as spelled only to be
 * stricter; its connect rules (unix) and the write rules of its file
 * decide together. policyd's own agent socket is always reachable (the
 * interposer talks to it).
 */
static int decide_unix(struct caller *c, const struct req *q, struct outcome *o)
{
	struct policy_event ev = {.kind = POLICY_EV_CONNECT};
	tg_strlcpy(o->detail, sizeof(o->detail), "unix socket");
	if (q->flags & TGPF_UNIX_ABSTRACT) {
		if (q->path[0] != '@')
			return -EBADMSG;
		ev.unix_path = q->path;
		policy_decide(c->s->policy, &ev, &o->d);
		snprintf(o->target, sizeof(o->target), "unix:%s", q->path);
		tg_strlcpy(o->object, sizeof(o->object), q->path);
		return 0;
	}
	char lex[TG_PATH_MAX], real[TG_PATH_MAX];
	int r = chase(c, q->dirfd, q->path, 0, lex);
	if (r == 0)
		r = chase(c, AT_FDCWD, lex, CHASE_FOLLOW | CHASE_ABSOLUTE,
			  real);
	if (r < 0) {
		snprintf(o->target, sizeof(o->target), "unix:%s", q->path);
		return r; /* refused: rule "unresolvable" */
	}
	if (is_agent_socket(c, real)) {
		o->d = (struct policy_decision){.action = POLICY_ALLOW,
						.rule = -1,
						.rule_id = "tiergate-agent"};
		snprintf(o->target, sizeof(o->target), "unix:%s", real);
		return 0;
	}
	ev.unix_path = ev.path = real;
	policy_decide(c->s->policy, &ev, &o->d);
	tg_strlcpy(o->object, sizeof(o->object), real);
	if (strcmp(lex, real)) {
		struct policy_decision dl;
		ev.unix_path = ev.path = lex;
		policy_decide(c->s->policy, &ev, &dl);
		outcome_spelled(&o->d, &dl);
		snprintf(o->target, sizeof(o->target), "unix:%s (-> %s)", lex,
			 real);
	} else {
		snprintf(o->target, sizeof(o->target), "unix:%s", real);
	}
	return 0;
}

/* Returns -EAGAIN when a host lookup must finish first. */
static int decide_connect(struct caller *c, const struct req *q,
			  struct outcome *o)
{
	o->kind = "connect";
	if (q->has_path)
		return decide_unix(c, q, o);
	if (!q->has_addr || q->port > 65535 || q->proto >= POLICY_PROTO_MAX)
		return -EBADMSG;
	struct tg_addr addr;
	memcpy(addr.b, q->addr, 16);
	char norm[256];
	const char *host;
	if (connect_host(c, q, o, norm, &host) == -EAGAIN)
		return -EAGAIN;
	struct policy_event ev = {.kind = POLICY_EV_CONNECT,
				  .host = host,
				  .addr = &addr,
				  .port = (uint16_t)q->port,
				  .proto = (enum policy_proto)q->proto};
	policy_decide(c->s->policy, &ev, &o->d);
	char as[64], ab[70];
	const char *proto = policy_proto_name((enum policy_proto)q->proto);
	tg_addr_format(&addr, as, sizeof(as));
	if (tg_addr_is_v4(&addr))
		tg_strlcpy(ab, sizeof(ab), as);
	else
		snprintf(ab, sizeof(ab), "[%s]", as);
	if (host)
		snprintf(o->target, sizeof(o->target), "%s:%u/%s (%s)", host,
			 q->port, proto, ab);
	else if (norm[0])
		/* the name as the process gave it, unchecked: shown, never
		 * decided on */
		snprintf(o->target, sizeof(o->target),
			 "%s:%u/%s (looked up as %s)", ab, q->port, proto,
			 norm);
	else
		snprintf(o->target, sizeof(o->target), "%s:%u/%s", ab, q->port,
			 proto);
	return 0;
}

int decide_call(struct caller *c, const struct req *q, struct outcome *o)
{
	/* by the request's kind; anything else is malformed */
	static int (*const deciders[TGPK_KIND_MAX])(
	    struct caller *, const struct req *, struct outcome *) = {
	    [TGPK_EXEC] = decide_exec,
	    [TGPK_OPEN] = decide_open,
	    [TGPK_CONNECT] = decide_connect,
	};
	outcome_init(o);
	int r = q->kind < TGPK_KIND_MAX && deciders[q->kind]
		    ? deciders[q->kind](c, q, o)
		    : -EBADMSG;
	if (r == -EAGAIN)
		return r;
	if (r < 0) /* could not see what the call would touch: refuse */
		outcome_unresolved(o, r);
	return 0;
}

/* Did a prompt decide d, and its answer (an operator's, a grant's,
 * settings.on_timeout) let the call through? */
static bool prompt_answered(const struct policy *p,
			    const struct policy_decision *d)
{
	enum policy_action a = d->rule >= 0
				   ? policy_rule_action(p, d->rule)
				   : policy_settings(p)->default_action;
	return a == POLICY_PROMPT && d->action != POLICY_PROMPT &&
	       d->action != POLICY_DENY;
}

void decide_record(struct caller *c, const struct req *q, struct outcome *o,
		   uint64_t t0)
{
	int r = decide_audit(c, q && q->kind == TGPK_EXEC ? q : NULL, o, t0);
	if (r < 0 && o->decision == DECISION_ALLOWED) {
		/* why: an allow the policy wants audited runs only with its
		 * line written (a full disk, RLIMIT_FSIZE): fail closed */
		outcome_deny(o, "audit-failed", NULL);
		o->decision = DECISION_REFUSED;
		snprintf(o->msg, sizeof(o->msg),
			 "policyd cannot write its audit log (%s)",
			 strerror(-r));
	}
	if (q && q->kind == TGPK_CONNECT && o->decision == DECISION_ALLOWED &&
	    prompt_answered(c->s->policy, &o->d))
		/* the eBPF layer refuses a prompt-tier destination: it lets
		 * this one through before the call goes on */
		egress_glue_approved(c->s, q->addr, (uint16_t)q->port, q->proto,
				     o->d.rule);
	c->s->n_decisions++;
	if (o->decision == DECISION_ALLOWED)
		c->s->n_allowed++;
	else
		c->s->n_refused++;
}

int decide(struct caller *c, const struct req *q, struct outcome *o,
	   uint64_t t0)
{
	return decide_waiting(c, q, o, t0, NULL, 0);
}

bool decide_link_copyable(struct caller *c, const struct req *q,
			  struct outcome *o)
{
	char exe[64];
	if (o->d.action <= POLICY_LOG || q->kind != TGPK_OPEN ||
	    o->unresolved || o->d.rule >= 0 || !o->d.rule_id ||
	    strcmp(o->d.rule_id, "default") || !q->has_path2)
		return false;
	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)c->pid);
	if (!sys_is_git(exe))
		return false;
	/* one request at a time on policyd's loop: static, not 8 KiB of
	 * paths on the stack twice */
	static struct req r;
	static struct outcome d;
	r = (struct req){.kind = TGPK_OPEN, .has_path = true, .label = "link"};
	tg_strlcpy(r.path, sizeof(r.path), q->path);
	r.dirfd = q->dirfd;
	r.nofollow = q->nofollow;
	r.access = POLICY_ACC_READ;
	decide_call(c, &r, &d);
	outcome_conclude(&d);
	if (d.decision != DECISION_ALLOWED)
		return false;
	tg_strlcpy(r.path, sizeof(r.path), q->path2);
	r.dirfd = q->dirfd2;
	r.nofollow = true;
	r.access = POLICY_ACC_CREATE | POLICY_ACC_WRITE;
	decide_call(c, &r, &d);
	outcome_conclude(&d);
	if (d.decision != DECISION_ALLOWED)
		return false;
	o->quiet = true;
	tg_strlcpy(o->detail, sizeof(o->detail),
		   "no refusal line: a copy is allowed, and git falls back to "
		   "copying");
	return true;
}

/* Is name (what policyd resolved for c) outside the session's Landlock
 * write trees? */
static bool ll_outside(const struct caller *c, const char *name)
{
	char p[TGP_MAX_PATH + 64];
	int root = snprintf(p, sizeof(p), "/proc/%d/root", (int)c->pid);
	if (!name[0] || root < 0 ||
	    tg_strlcpy(p + root, sizeof(p) - (size_t)root, name) >=
		sizeof(p) - (size_t)root)
		return false;
	return !ll_bound_covers(c->s->ll_bound, p, (size_t)root);
}

/*
 * The interposer let a call through (the policy allows it) and the kernel
 * failed it with EACCES (TGPF_LANDLOCK_WHY): was it the session's Landlock
 * domain? Yes when Landlock bounds the session's writes and the name
 * written is under none of the trees it was given at the session's start
 * (a tree the policy names that was made later is not in the domain).
 * Then the refusal is audited (rule "landlock") and answered with the
 * line's text; otherwise (a plain permission error, a call the policy
 * refuses) nothing is recorded and the answer is an allow: the
 * interposer says nothing. True when o is the answer.
 */
static bool landlock_refusal(struct caller *c, const struct req *q,
			     struct outcome *o, uint64_t t0)
{
	if (!(q->flags & TGPF_LANDLOCK_WHY) || q->kind != TGPK_OPEN)
		return false;
	const struct session *s = c->s;
	bool writes = q->access & (POLICY_ACC_WRITE | POLICY_ACC_CREATE |
				   POLICY_ACC_DELETE);
	if (!writes || !s->ll_write || !s->ll_bound || o->unresolved ||
	    o->d.action > POLICY_LOG ||
	    !(ll_outside(c, o->object) ||
	      (q->has_path2 && ll_outside(c, o->object2)))) {
		o->d.action = POLICY_ALLOW;
		o->decision = DECISION_ABSENT; /* nothing to say or record */
		o->msg[0] = '\0';
		return true;
	}
	outcome_deny(o, "landlock", NULL);
	o->decision = DECISION_REFUSED;
	char trees[900];
	ll_bound_describe(s->ll_bound, trees, sizeof(trees));
	snprintf(o->msg, sizeof(o->msg),
		 "the kernel's Landlock layer refused it: this session may "
		 "write only under %s (the policy's write boundary, fixed when "
		 "the session started: a directory made since is outside it)",
		 trees);
	tg_strlcpy(o->detail, sizeof(o->detail),
		   "Landlock (kernel): outside the session's write trees");
	decide_record(c, q, o, t0);
	return true;
}

/*
 * A read of a name the interposer found missing (TGPF_ABSENT) can have no
 * effect, but a rule that denies the name still refuses it, with its line
 * and audit record: a refusal does not depend on the file being there
 * (`cat ~/.ssh/id_rsa` on a machine without a key). Anything else (an
 * allow, a log, a prompt, the policy's default, a name policyd cannot
 * resolve) is answered as an allow with nothing audited and no operator
 * asked, and the interposer fails the call as the kernel did: programs
 * probe for optional files all the time. policyd looks for the name
 * itself; one that is there is decided as any read. True when o is that
 * answer.
 */
static bool absent_read(struct caller *c, const struct req *q,
			struct outcome *o)
{
	if (!(q->flags & TGPF_ABSENT) || q->kind != TGPK_OPEN ||
	    q->access != POLICY_ACC_READ || q->has_path2)
		return false;
	if (o->d.action == POLICY_DENY && !o->unresolved &&
	    strcmp(o->d.rule_id, "default") != 0)
		return false;
	if (chase_exists(c, q->dirfd, q->path, true) >= 0)
		return false; /* there after all (or cannot tell): decided */
	o->d.action = POLICY_ALLOW;
	o->decision = DECISION_ABSENT;
	o->msg[0] = '\0';
	return true;
}

int decide_waiting(struct caller *c, const struct req *q, struct outcome *o,
		   uint64_t t0, const void *owner, uint64_t cookie)
{
	if (!c->s) {
		outcome_init(o);
		snprintf(o->target, sizeof(o->target), "%s",
			 q->has_path ? q->path : "?");
		outcome_deny(o, "no-session", NULL);
		o->decision = DECISION_REFUSED;
		snprintf(o->msg, sizeof(o->msg),
			 "this process is not in a tiergate session (start it "
			 "with agent-shell)");
		return 0;
	}
	if (decide_call(c, q, o) == -EAGAIN)
		return -EAGAIN;
	if (absent_read(c, q, o) || landlock_refusal(c, q, o, t0))
		return 0;
	/* a link the interposer asks about: access write with a second name
	 * (a rename's is delete) */
	if (q->has_path2 && q->access == POLICY_ACC_WRITE)
		(void)decide_link_copyable(c, q, o);
	if (pending_gate(c, q, o, owner, cookie) == -EAGAIN)
		return -EAGAIN;
	outcome_conclude(o);
	o->absent = 0; /* the kernel path's: a request was asked, it runs */
	decide_record(c, q, o, t0);
	return 0;
}

/* argv for the audit line when the call has none of its own: the
 * caller's command line (cmd, argvbuf: the caller's buffers). How many
 * entries, or -errno when it cannot be read (the line says null). */
static long caller_argv(pid_t pid, char *cmd, size_t cmdsz,
			const char **argvbuf, size_t max)
{
	size_t len = 0;
	long argc = 0;
	int r = procfs_cmdline(pid, cmd, cmdsz, &len);
	if (r < 0)
		return r;
	for (size_t i = 0; i < len && (size_t)argc < max;) {
		argvbuf[argc++] = cmd + i;
		i += strlen(cmd + i) + 1;
	}
	return argc;
}

int decide_audit(struct caller *c, const struct req *q,
		 const struct outcome *o, uint64_t t0)
{
	if (!D.audit)
		return 0;
	const struct policy_settings *st =
	    c->s ? policy_settings(c->s->policy) : NULL;
	bool refused = o->decision != DECISION_ALLOWED;
	if (!refused && o->d.action == POLICY_ALLOW && st && !st->audit_allow)
		return 0;
	/* the parent and (a notified caller's) uid: from the credentials
	 * this call read already, else from its status file (kept open). A
	 * notified caller's are kept for the rest of the call (what policyd
	 * then does as the caller reads them): a thread waiting in a
	 * notification cannot change its own credentials, another thread
	 * changes only its own, and glibc's set*id broadcast to the waiting
	 * thread waits for the answer (WAIT_KILLABLE_RECV: a received call's
	 * wait ends only for a fatal signal; without it a signal ends the
	 * wait and the call is made again, a new notification) */
	if (c->notified)
		(void)caller_creds(c, true);
	struct proc_status bs;
	bool have_bs = c->have_cr || procfs_status(c->pid, &bs) == 0;
	if (c->have_cr)
		bs = c->cr;
	struct proc_stat ps = {0};
	if (!have_bs) /* no pidfd (a /proc that is not the kernel's) */
		procfs_stat(c->pid, &ps);
	char exe[TG_PATH_MAX] = "", cwd[TG_PATH_MAX] = "";
	procfs_link(c->pid, "exe", exe, sizeof(exe));
	caller_cwd(c, cwd, sizeof(cwd));
	/* argv: the exec's for an exec; the caller's own otherwise */
	char cmd[16384];
	const char *argvbuf[256];
	const char *const *argv = q ? q->argv : NULL;
	size_t argc = q ? q->argc : 0;
	if (!argc) {
		long n = caller_argv(c->pid, cmd, sizeof(cmd), argvbuf, 256);
		argc = n > 0 ? (size_t)n : 0;
		argv = n >= 0 ? argvbuf : NULL;
	}
	struct audit_rec r = {
	    .session = c->s ? c->s->id : NULL,
	    .pid = c->pid,
	    .ppid = have_bs ? bs.ppid : ps.ppid,
	    .uid = !c->uid_lazy ? c->uid : have_bs ? bs.fsuid : (uid_t)-1,
	    .exe = exe,
	    .argv = argv,
	    .argc = argc,
	    .cwd = cwd,
	    .kind = o->kind,
	    .target = o->target,
	    .rule = o->d.rule_id,
	    .tier = policy_action_tier(o->d.action),
	    .action = policy_action_name(o->d.action),
	    .decision = decision_name(o->decision),
	    .latency_us = (tg_mono_ns() - t0) / 1000,
	    .detail = o->detail[0] ? o->detail : NULL,
	};
	int w = audit_write(D.audit, &r);
	if (w < 0)
		daemon_log("audit write failed for %s: %s", o->target,
			   strerror(-w));
	return w;
}
