/* SPDX-License-Identifier: MIT */
#include "sv_exec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "decide.h"
#include "exec_verify.h"
#include "log.h"
#include "missing.h"
#include "procfs.h"
#include "session.h"
#include "sv_mem.h"
#include "util.h"

#define ARGV_BYTES_MAX (1u << 20) /* as the interposer: 1 MiB of argv */

/* What the race checks know of an exec: where its path, argv and argv's
 * strings are in the caller's memory. */
struct exec_probe {
	const uint64_t *addrs;
	size_t naddr;
	int racy; /* caller_racy's answer; -1 not asked yet */
	int held; /* exec_verify's slot, -1 not held */
};

static bool could_race(struct call *k, struct exec_probe *p)
{
	if (p->racy < 0)
		p->racy = sv_caller_racy(&k->c, p->addrs, p->naddr);
	return p->racy == 1;
}

/* An exec about to be allowed: a caller that could rewrite its path or
 * argv before the kernel reads them again is held and checked at its exec
 * stop (settings.exec_race verify or refuse, where policyd can attach).
 * 1 held, 0 nothing to hold, -errno it cannot be held. */
static int hold_exec(struct call *k, struct exec_probe *p,
		     const struct outcome *o)
{
	if (policy_settings(k->c.s->policy)->exec_race == POLICY_RACE_IGNORE ||
	    !exec_verify_available(NULL, 0) || !could_race(k, p))
		return 0;
	int r = exec_verify_hold(k->c.pid, o, &k->q, k->c.s->id);
	if (r < 0)
		return r;
	p->held = r;
	return 1;
}

/* settings.exec_race, after the policy allowed the exec. */
static void exec_race(struct call *k, struct exec_probe *p, struct outcome *o)
{
	/* a caller that can rewrite argv after policyd read it (another
	 * thread, or argv in shared memory) must not get an allow that only
	 * holds for the argv policyd saw: under "refuse", and under "verify"
	 * where policyd cannot hold the exec for checking */
	enum policy_exec_race race = policy_settings(k->c.s->policy)->exec_race;
	if (o->argv_dep && o->d.action <= POLICY_LOG &&
	    (race == POLICY_RACE_REFUSE ||
	     (race == POLICY_RACE_VERIFY && !exec_verify_available(NULL, 0))) &&
	    could_race(k, p)) {
		outcome_deny(o, "exec_race",
			     "another thread (or process) could rewrite this "
			     "command line while it is checked; run it from "
			     "a single-threaded process (settings.exec_race)");
	}
	/* an allowed exec by a caller that could race is held for checking
	 * when the kernel has done it (exec_verify.c); one that cannot be
	 * held does not run */
	int hr;
	if (o->d.action <= POLICY_LOG && (hr = hold_exec(k, p, o)) < 0) {
		outcome_deny(o, "exec_race",
			     "another thread (or process) could rewrite this "
			     "exec while it is checked, and policyd cannot "
			     "hold it for checking; run it from a "
			     "single-threaded process (settings.exec_race)");
		snprintf(o->detail, sizeof(o->detail),
			 "cannot hold the exec: %s", strerror(-hr));
	}
}

/* Answers the exec (through exec_verify when it is held): r 0/-errno. */
static void exec_answer(struct call *k, const struct exec_probe *p, int r,
			bool cont)
{
	if (p->held >= 0)
		exec_verify_answer(p->held, k->lfd, k->n->id, r, cont);
	else
		sv_respond(k->lfd, k->n->id, r, 0, cont);
}

/* The program's path into k->q: the name the kernel gives the program
 * (bprm->filename, static: one thread) in kname. */
static int exec_path(struct call *k, uint64_t path_at)
{
	const __u64 *a = k->n->data.args;
	int dirfd = k->sc->d1 >= 0 ? (int)a[k->sc->d1] : AT_FDCWD;
	int flags = k->sc->fl >= 0 ? (int)a[k->sc->fl] : 0;
	static char kname[TGP_MAX_PATH + 32];
	size_t len = 0;
	int r = sv_mem_str(path_at, k->q.path, sizeof(k->q.path), &len);
	if (r < 0)
		return r == -ENAMETOOLONG ? r : -EFAULT;
	if (len == 0 && (flags & AT_EMPTY_PATH)) {
		/* fexecve / execveat(fd, "", AT_EMPTY_PATH): the program is
		 * the caller's descriptor */
		snprintf(kname, sizeof(kname), "/dev/fd/%d", dirfd);
		snprintf(k->q.path, sizeof(k->q.path), "/proc/self/fd/%d",
			 dirfd);
		dirfd = AT_FDCWD;
	} else if (len == 0) {
		return -ENOENT;
	} else if (k->q.path[0] == '/' || dirfd == AT_FDCWD) {
		snprintf(kname, sizeof(kname), "%s", k->q.path);
	} else {
		snprintf(kname, sizeof(kname), "/dev/fd/%d/%s", dirfd,
			 k->q.path);
	}
	k->q.kname = kname;
	k->q.has_path = true;
	k->q.dirfd = dirfd;
	return 0;
}

/* argv into k->q: the pointers a page at a time, then each string (static
 * buffers: policyd answers on one thread, not 1.3 MB allocated and freed
 * per exec); where they are into p. */
static int exec_argv(struct call *k, uint64_t path_at, uint64_t argv_at,
		     struct exec_probe *p)
{
	static char arena[ARGV_BYTES_MAX];
	static const char *argv[TGP_MAX_ARGS + 1];
	static uint64_t addrs[TGP_MAX_ARGS + 2];
	size_t argc = 0;
	addrs[0] = path_at;
	addrs[1] = argv_at;
	int r = sv_mem_strv(argv_at, arena, ARGV_BYTES_MAX, argv, TGP_MAX_ARGS,
			    addrs + 2, &argc);
	if (r < 0)
		return r;
	size_t naddr = argc + 2;
	if (argc == 0)
		argv[argc++] = ""; /* the kernel runs it with argv[0] = "" */
	k->q.argv = argv;
	k->q.argc = argc;
	p->addrs = addrs;
	p->naddr = naddr;
	return 0;
}

/* The refusal line's target: the command line as a shell would need it
 * typed (tg_argv_quote), cut at 1 KiB. */
static void exec_tell(struct call *k, const struct outcome *o)
{
	char label[1024];
	tg_argv_quote(label, sizeof(label), k->q.argv, k->q.argc);
	sv_call_tell(k, "exec", label, o);
}

/* Decides the exec read into k->q and answers it. */
static void exec_decide(struct call *k, struct exec_probe *p, struct outcome *o)
{
	decide_call(&k->c, &k->q, o); /* an exec never waits for a lookup */
	/* a prompt waits for an operator (parked); an approved one is then
	 * checked for races like any allow */
	if (sv_call_gate(k, o))
		return;
	exec_race(k, p, o);
	sv_call_finish(k, o);
	if (o->decision == DECISION_ALLOWED) {
		exec_answer(k, p, 0, true);
	} else if (o->decision == DECISION_ABSENT) {
		/* no such program: what the kernel would say, silently */
		exec_answer(k, p, o->absent, false);
	} else {
		exec_tell(k, o);
		exec_answer(k, p, -EACCES, false);
	}
}

int sv_exec(struct call *k)
{
	const __u64 *a = k->n->data.args;
	uint64_t path_at = a[k->sc->p1], argv_at = a[k->sc->p1 + 1];
	struct exec_probe p = {.racy = -1, .held = -1};
	_cleanup_free_ struct outcome *o = malloc(sizeof(*o));
	int r = o ? 0 : -ENOMEM;
	sv_mem_reset(k->c.pid);
	sv_mem_prefetch(path_at, argv_at);
	if (r == 0)
		r = exec_path(k, path_at);
	if (r == 0)
		r = exec_argv(k, path_at, argv_at, &p);
	k->q.kind = TGPK_EXEC;
	k->q.envp_at = a[k->sc->p1 + 2];
	if (r == -E2BIG && o && sv_call_valid(k)) {
		/* never decided on a cut argv, never run: said and audited
		 * as the interposer's path says it (the program, the reason) */
		outcome_init(o);
		o->kind = "exec";
		tg_strlcpy(o->target, sizeof(o->target), k->q.path);
		snprintf(o->detail, sizeof(o->detail),
			 "argv over %u bytes or %u arguments",
			 ARGV_BYTES_MAX, (unsigned)TGP_MAX_ARGS);
		outcome_deny(o, "sandbox",
			     "the command line is too large for tiergate to "
			     "mediate (1 MiB, 16384 arguments)");
		sv_call_finish(k, o);
		sv_call_tell(k, "exec", k->q.path, o);
		exec_answer(k, &p, r, false);
	} else if (r < 0) {
		daemon_log("exec notification from pid %d refused: %s",
			   (int)k->c.pid, strerror(-r));
		exec_answer(k, &p, r, false);
	} else if (sv_call_valid(k)) {
		exec_decide(k, &p, o);
	} /* else the caller died: pid may be reused; no decision */
	k->q.argv = NULL; /* borrowed from the static buffers */
	k->q.argc = 0;
	return 0;
}
