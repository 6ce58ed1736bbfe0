/* SPDX-License-Identifier: MIT */
#include "selfprot.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tg_proto.h"
#include "util.h"

void selfprot_init(struct selfprot *sp)
{
	sp->v = NULL;
	sp->n = sp->cap = 0;
}

void selfprot_free(struct selfprot *sp)
{
	for (size_t i = 0; i < sp->n; i++)
		free(sp->v[i].path);
	free(sp->v);
	selfprot_init(sp);
}

static int add_one(struct selfprot *sp, const char *norm, bool tree,
		   enum selfprot_kind kind)
{
	for (size_t i = 0; i < sp->n; i++)
		if (!strcmp(sp->v[i].path, norm)) {
			sp->v[i].tree |= tree;
			return 0;
		}
	if (sp->n >= SELFPROT_MAX)
		return -ENOSPC;
	if (tg_grow((void **)&sp->v, &sp->cap, sp->n + 1, sizeof(*sp->v)) < 0)
		return -ENOMEM;
	char *p = strdup(norm);
	if (!p)
		return -ENOMEM;
	sp->v[sp->n++] = (struct selfprot_entry){p, tree, kind};
	return 0;
}

/* norm with its symlinks resolved into out: realpath, or for a name that
 * is not there its directory's realpath and the name. false: neither. */
static bool resolved(const char *norm, char *out, size_t outsz)
{
	char r[PATH_MAX];
	if (realpath(norm, r))
		return tg_strlcpy(out, outsz, r) < outsz;
	const char *slash = strrchr(norm, '/');
	if (!slash || slash == norm || errno != ENOENT)
		return false;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - norm), norm);
	if (!realpath(dir, r))
		return false;
	return (size_t)snprintf(out, outsz, "%s%s", strcmp(r, "/") ? r : "",
				slash) < outsz;
}

int selfprot_add(struct selfprot *sp, const char *path, bool tree,
		 enum selfprot_kind kind)
{
	char norm[TG_PATH_MAX], real[TG_PATH_MAX];
	if (!path || path[0] != '/' ||
	    tg_path_normalize("/", path, norm, sizeof(norm)) < 0)
		return -EINVAL;
	int r = add_one(sp, norm, tree, kind);
	if (r == 0 && resolved(norm, real, sizeof(real)) && strcmp(real, norm))
		r = add_one(sp, real, tree, kind);
	return r;
}

int selfprot_add_tiergate(struct selfprot *sp, const char *rundir,
			  const char *audit, unsigned keep, const char *bindir)
{
	static const char *const progs[] = {
	    "policyd", "agent-shell", "policyctl", "libtiergate-preload.so",
	    "../lib/tiergate/libtiergate-preload.so"};
	/* the log and its rotations by name, not its directory as a tree:
	 * --audit may name a file in a directory the session works in; before
	 * the run directory, which may hold them, so that a refusal names
	 * the log */
	int r = audit ? selfprot_add(sp, audit, false, SELFPROT_AUDIT) : 0;
	for (unsigned i = 1; r == 0 && audit && i <= keep; i++) {
		char p[TG_PATH_MAX];
		if ((size_t)snprintf(p, sizeof(p), "%s.%u", audit, i) >=
		    sizeof(p))
			return -ENAMETOOLONG;
		r = selfprot_add(sp, p, false, SELFPROT_AUDIT);
	}
	if (r == 0)
		r = selfprot_add(sp, rundir, true, SELFPROT_RUNDIR);
	for (size_t i = 0; r == 0 && bindir && i < TG_ARRAY_SIZE(progs); i++) {
		char p[TG_PATH_MAX];
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", bindir, progs[i]) >=
		    sizeof(p))
			return -ENAMETOOLONG;
		r = selfprot_add(sp, p, false, SELFPROT_PROGRAM);
	}
	return r;
}

/* A mount point as /proc/mounts spells it: space, tab, newline and
 * backslash as \ooo octal escapes, decoded in place. */
static void unescape_mount(char *s)
{
	char *w = s;
	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' &&
		    p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*w++ = (char)((p[1] - '0') << 6 | (p[2] - '0') << 3 |
				      (p[3] - '0'));
			p += 3;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

int selfprot_add_cgroups(struct selfprot *sp, const char *mounts)
{
	_cleanup_fclose_ FILE *f = fopen(mounts, "re");
	if (!f)
		return -errno;
	char line[2 * TG_PATH_MAX];
	int r = 0;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		char *save = NULL;
		const char *dev = strtok_r(line, " ", &save);
		char *mnt = strtok_r(NULL, " ", &save);
		const char *type = strtok_r(NULL, " ", &save);
		if (!dev || !mnt || !type ||
		    (strcmp(type, "cgroup2") && strcmp(type, "cgroup")))
			continue;
		unescape_mount(mnt);
		r = selfprot_add(sp, mnt, true, SELFPROT_CGROUP);
	}
	return r;
}

/* The grants overlay of the policy file pol: NAME.grants.yaml beside it. */
static int add_grants(struct selfprot *sp, const char *pol)
{
	char g[TG_PATH_MAX];
	size_t l = strlen(pol);
	if (l > 5 && !strcmp(pol + l - 5, ".yaml"))
		l -= 5;
	else if (l > 4 && !strcmp(pol + l - 4, ".yml"))
		l -= 4;
	if ((size_t)snprintf(g, sizeof(g), "%.*s.grants.yaml", (int)l, pol) >=
	    sizeof(g))
		return -ENAMETOOLONG;
	return selfprot_add(sp, g, false, SELFPROT_GRANTS);
}

int selfprot_add_policy(struct selfprot *sp, const char *main,
			const char *const *files, size_t n)
{
	int r = main ? add_grants(sp, main) : 0;
	if (r == 0 && n)
		r = add_grants(sp, files[n - 1]);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = selfprot_add(sp, files[i], false, SELFPROT_POLICY);
	return r;
}

/* Is a, a normal absolute path, b or a directory above it? */
static bool covers(const char *a, size_t al, const char *b)
{
	if (al == 1)
		return true; /* "/" */
	return !strncmp(a, b, al) && (b[al] == '/' || b[al] == '\0');
}

const struct selfprot_entry *selfprot_match(const struct selfprot *sp,
					    const char *path, unsigned access,
					    bool *ret_above)
{
	if (!(access & (TGPA_WRITE | TGPA_CREATE | TGPA_DELETE)))
		return NULL;
	size_t pl = strlen(path);
	for (size_t i = 0; i < sp->n; i++) {
		const struct selfprot_entry *e = &sp->v[i];
		size_t el = strlen(e->path);
		if (pl == el && !strcmp(path, e->path)) {
			*ret_above = false;
			return e;
		}
		if (e->tree && el < pl && covers(e->path, el, path)) {
			*ret_above = false;
			return e;
		}
		if (pl < el && covers(path, pl, e->path)) {
			*ret_above = true;
			return e;
		}
	}
	return NULL;
}

const char *selfprot_message(const struct selfprot_entry *e, bool above)
{
#define SP "tiergate self-protection: "
#define SP_TAIL ", which no session may change whatever the policy says"
#define SP_ABOVE                                                               \
	", which no session may rename, remove or change whatever the policy " \
	"says"
	static const char *const self[SELFPROT_KIND_MAX] = {
	    [SELFPROT_RUNDIR] = SP "tiergate's run directory (policyd's "
				   "sockets, pid, lock and state files)" SP_TAIL
				   "; policyd manages it",
	    [SELFPROT_AUDIT] = SP "tiergate's audit log" SP_TAIL
				  "; read it with policyctl log",
	    [SELFPROT_POLICY] = SP "a policy file in force" SP_TAIL
				   "; an operator edits it outside the session "
				   "and runs policyctl reload",
	    [SELFPROT_GRANTS] = SP "the grants of a policy in force" SP_TAIL
				   "; an operator changes them outside the "
				   "session",
	    [SELFPROT_PROGRAM] =
		SP "a tiergate program or its preload "
		   "library" SP_TAIL "; install tiergate from outside the "
		   "session",
	    [SELFPROT_CGROUP] = SP "the cgroup file system (moving a process "
				   "out of its session's cgroup, making or "
				   "changing cgroups)" SP_TAIL
				   "; a session's processes stay in its cgroup",
	    [SELFPROT_SCRATCH] =
		SP "a session's scratch directory (settings.scratch: "
		   "private), which no session may move, remove or change "
		   "whatever the policy says (the kernel lets its calls "
		   "through where it is); agent-shell removes it when its "
		   "session ends",
	};
	static const char *const up[SELFPROT_KIND_MAX] = {
	    [SELFPROT_RUNDIR] = SP "this directory holds tiergate's run "
				   "directory" SP_ABOVE,
	    [SELFPROT_AUDIT] = SP "this directory holds tiergate's audit "
				  "log" SP_ABOVE,
	    [SELFPROT_POLICY] = SP "this directory holds a policy file in "
				   "force" SP_ABOVE,
	    [SELFPROT_GRANTS] = SP "this directory holds the grants of a "
				   "policy in force" SP_ABOVE,
	    [SELFPROT_PROGRAM] = SP "this directory holds tiergate's "
				    "programs" SP_ABOVE,
	    [SELFPROT_CGROUP] = SP "this directory holds the cgroup file "
				   "system" SP_ABOVE,
	    [SELFPROT_SCRATCH] = SP "this directory holds a session's "
				    "scratch directory" SP_ABOVE,
	};
#undef SP
#undef SP_TAIL
#undef SP_ABOVE
	if ((unsigned)e->kind >= SELFPROT_KIND_MAX)
		return "tiergate self-protection: tiergate's own state, which "
		       "no session may change";
	return above ? up[e->kind] : self[e->kind];
}
