/* SPDX-License-Identifier: MIT */
/*
 * session: a session is the process tree agent-shell starts. A request is
 * attributed to a session from the kernel's view of its sender (SO_PEERCRED
 * pid), never from what the request says:
 *   system mode: the session's cgroup, which policyd created and put
 *                agent-shell in (/proc/PID/cgroup);
 *   user mode:   the process tree: the sender's ancestry reaches the
 *                session's root (pid and start time, so a reused pid is not
 *                mistaken for it). agent-shell is a child subreaper, so
 *                orphans are re-parented to it and stay in the tree.
 */
#include "session.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "audit.h"
#include "daemon.h"
#include "egress_glue.h"
#include "hello.h"
#include "landlock.h"
#include "log.h"
#include "missing.h"
#include "procfs.h"
#include "self.h"
#include "sha256.h"
#include "tg_proto.h"
#include "util.h"

static struct session *by_root(pid_t pid, uint64_t start)
{
	for (struct session *s = D.sessions; s; s = s->next)
		if (s->root_pid == pid && s->root_start == start)
			return s;
	return NULL;
}

/* Ancestors already attributed: (pid, start time) -> session. A process
 * keeps its session for life, so entries only go stale when the process
 * dies, and the start time tells a reused pid apart. */
#define ANC_CACHE 1024
static struct anc {
	pid_t pid;
	uint64_t start;
	struct session *s;
} anc[ANC_CACHE];

static struct session *anc_get(pid_t pid, uint64_t start)
{
	struct anc *a = &anc[(unsigned)pid % ANC_CACHE];
	if (a->pid == pid && a->start == start && a->s)
		for (struct session *s = D.sessions; s; s = s->next)
			if (s == a->s)
				return s;
	return NULL;
}

static void anc_put(pid_t pid, uint64_t start, struct session *s)
{
	struct anc *a = &anc[(unsigned)pid % ANC_CACHE];
	a->pid = pid;
	a->start = start;
	a->s = s;
}

#define TG_PID_MAX_LIMIT 4194304L /* the kernel's PID_MAX_LIMIT (64-bit) */
#define SESSION_WALKS 8 /* walks up one process's tree, each cut short */

/* *ret_broken: the walk ended at a parent that is gone or started after
 * its child, not at the top of the tree. */
static struct session *walk_up(pid_t cur, uint64_t start, pid_t ppid,
			       bool *ret_broken)
{
	pid_t chain[512];
	uint64_t starts[512];
	int n = 0;
	struct session *found = NULL;
	/* to the top however deep (a chain cut short would leave a session's
	 * process in none, free to open a session of its own): a tree holds
	 * fewer processes than there are pids; the first 512 are cached */
	for (long depth = 0; depth < TG_PID_MAX_LIMIT && cur > 1; depth++) {
		found = by_root(cur, start);
		if (!found)
			found = anc_get(cur, start);
		if (found)
			break;
		if (n < 512) {
			chain[n] = cur;
			starts[n++] = start;
		}
		/* a parent that started after its child is not its parent:
		 * the parent died and another process took its pid (the child
		 * is an orphan now; its ppid read before is stale) */
		struct proc_stat st;
		if (procfs_stat(ppid, &st) < 0 || st.starttime > start) {
			*ret_broken = true;
			return NULL;
		}
		cur = ppid;
		start = st.starttime;
		ppid = st.ppid;
	}
	if (found)
		for (int i = 0; i < n; i++)
			anc_put(chain[i], starts[i], found);
	return found;
}

struct session *session_of_pid(pid_t pid)
{
	bool unsure = false;
	return session_of_pid_sure(pid, &unsure);
}

struct session *session_of_pid_sure(pid_t pid, bool *ret_unsure)
{
	if (D.cgroups) {
		char cg[512];
		if (procfs_cgroup(pid, cg, sizeof(cg)) < 0)
			return NULL;
		for (struct session *s = D.sessions; s; s = s->next)
			if (s->cgroup[0] &&
			    (!strcmp(cg, s->cgroup) ||
			     (!strncmp(cg, s->cgroup, strlen(s->cgroup)) &&
			      cg[strlen(s->cgroup)] == '/')))
				return s;
		return NULL;
	}
	/* why again: the parent named in a process's stat can die (and be
	 * reaped, its pid taken) between that read and its own, and the
	 * process is then its new parent's (agent-shell's, the subreaper's):
	 * still in its session. Taken for a process of none, a session's
	 * process whose parent it had killed meanwhile was an operator's on
	 * the control socket (policyd's user, user mode: its prompts
	 * approved by itself) and counted against no session's share. A
	 * broken walk is walked again from the caller, whose parent then
	 * reads as what it has become; each break is an ancestor gone, of
	 * which a process has finitely many. After SESSION_WALKS broken walks
	 * the caller is taken for none, and *ret_unsure says so: the control
	 * socket refuses such a caller rather than take it for an operator. */
	struct proc_stat st;
	uint64_t start = 0;
	for (int walks = 0; walks < SESSION_WALKS; walks++) {
		if (procfs_stat(pid, &st) < 0 ||
		    (walks && st.starttime != start))
			return NULL; /* gone: its pid may be another's */
		start = st.starttime;
		bool broken = false;
		struct session *s = walk_up(pid, start, st.ppid, &broken);
		if (s || !broken)
			return s;
	}
	*ret_unsure = true;
	return NULL;
}

struct session *session_find(const char *id)
{
	for (struct session *s = D.sessions; s; s = s->next)
		if (!strcmp(s->id, id) || !strcmp(s->name, id))
			return s;
	return NULL;
}

static int load_policy(struct session *s, struct policy **ret, char *err,
		       size_t errsz)
{
	struct policy_vars v = {.home = s->home,
				.user = s->user,
				.pwd = s->pwd,
				.tmpdir = s->tmpdir};
	struct policy_diags d = {0};
	int r = policy_load(s->policy_path, &v, &d, ret);
	if (r < 0) {
		size_t o = 0;
		err[0] = '\0';
		for (size_t i = 0; i < d.n && o + 1 < errsz; i++) {
			if (d.v[i].warning)
				continue;
			int n = snprintf(err + o, errsz - o, "%s%s:%d:%d: %s",
					 o ? "\n" : "", d.v[i].file,
					 d.v[i].line, d.v[i].col, d.v[i].msg);
			if (n < 0)
				break;
			o += (size_t)n;
		}
		if (!err[0])
			snprintf(err, errsz, "%s: %s", s->policy_path,
				 strerror(-r));
	}
	policy_diags_free(&d);
	return r;
}

/* The sessions' parent cgroup: <mount>/tiergate for the system's policyd,
 * <mount>/tiergate-<hash of the runtime directory> for a private one
 * (tests): two policyds must never share a parent, the eBPF layer of one
 * would refuse the other's sessions as unknown. */
static char cg_parent[1100];

const char *sessions_cgroup_parent(void)
{
	return cg_parent;
}

void sessions_init_cgroups(void)
{
	D.cgroups = false;
	if (!D.system_mode) {
		snprintf(D.cgroup_why, sizeof(D.cgroup_why),
			 "user mode: sessions are tracked by process tree");
		return;
	}
	if (procfs_cgroup2_mount(D.cgroup_mount, sizeof(D.cgroup_mount)) < 0) {
		snprintf(D.cgroup_why, sizeof(D.cgroup_why),
			 "no cgroup v2 mount in /proc/mounts");
		return;
	}
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *c = D.rd.dir; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	if (!strcmp(D.rd.dir, "/run/tiergate"))
		snprintf(cg_parent, sizeof(cg_parent), "%.512s/tiergate",
			 D.cgroup_mount);
	else
		snprintf(cg_parent, sizeof(cg_parent), "%.512s/tiergate-%08x",
			 D.cgroup_mount, h);
	if (mkdir(cg_parent, 0755) < 0 && errno != EEXIST) {
		snprintf(D.cgroup_why, sizeof(D.cgroup_why),
			 "cannot create %s: %s", cg_parent, strerror(errno));
		return;
	}
	D.cgroups = true;
	snprintf(D.cgroup_why, sizeof(D.cgroup_why), "sessions in %s/",
		 cg_parent);
}

/* What the eBPF layer keeps of s. */
#define GLUE(s)                                                                \
	{                                                                      \
		.id = (s)->id, .name = (s)->name, .uid = (s)->uid,             \
		.pid = (s)->root_pid, .policy = (s)->policy,                   \
		.supervised = (s)->seccomp                                     \
	}

/* Privileged operation: create the session cgroup and move agent-shell
 * (the peer, whose pid the kernel gave us) into it. Safe because the pid
 * is the connected peer's and was re-checked by start time just now. */
static int make_cgroup(struct session *s, int pidfd, char *err, size_t errsz)
{
	char dir[1300], procs[1400];
	snprintf(s->cgroup, sizeof(s->cgroup), "%s/%s",
		 cg_parent + strlen(D.cgroup_mount), s->id);
	snprintf(dir, sizeof(dir), "%s%s", D.cgroup_mount, s->cgroup);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	/* the eBPF layer knows the session before any process is in it */
	int r = egress_glue_session_add(s, &(struct egress_glue_sess)GLUE(s), dir,
					err, errsz);
	if (r < 0) {
		rmdir(dir);
		return r;
	}
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	_cleanup_close_ int fd = open(procs, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char pid[32];
	int n = snprintf(pid, sizeof(pid), "%d", (int)s->root_pid);
	/* the pid is the opener's only while it lives (a pidfd cannot be
	 * written to cgroup.procs): alive before and after the write */
	if (!procfs_pidfd_alive(pidfd))
		return -ESRCH;
	if (write(fd, pid, (size_t)n) != n)
		return -errno;
	return procfs_pidfd_alive(pidfd) ? 0 : -ESRCH;
}

/* Is a an ancestor of b, or b itself? (normalised absolute paths) */
static bool covers(const char *a, const char *b)
{
	size_t n = strlen(a);
	return !strcmp(a, "/") ||
	       (!strncmp(a, b, n) && (b[n] == '/' || b[n] == '\0'));
}

/*
 * ${TMPDIR} goes into the policy's patterns (the default policy allows
 * writes below it), so the directory agent-shell asks for is checked, not
 * taken: an existing directory, not "/", neither the home directory nor the
 * workspace nor above them, and either sticky (like /tmp) or owned by the
 * session's user and not writable by others. Anything else: /tmp.
 */
static void pick_tmpdir(struct session *s, const char *req)
{
	char norm[TG_PATH_MAX];
	struct stat st;
	bool ok = req && req[0] == '/' &&
		  tg_path_normalize("/", req, norm, sizeof(norm)) == 0 &&
		  strlen(norm) < sizeof(s->tmpdir) && !covers(norm, s->home) &&
		  !covers(norm, s->pwd) && stat(norm, &st) == 0 &&
		  S_ISDIR(st.st_mode) &&
		  ((st.st_mode & S_ISVTX) ||
		   (st.st_uid == s->uid && !(st.st_mode & 022)));
	if (!ok && req && req[0]) /* "": none asked for */
		daemon_log("session %s: TMPDIR %s refused, using /tmp", s->id,
			   req);
	const char *t = ok ? norm : "/tmp";
	memcpy(s->tmpdir, t, strlen(t) + 1); /* fits: checked above */
}

/* One audit line about s itself (kind "session"): started elsewhere
 * (agent.c); here refused, ended (a reload's is records.c's). */
static void audit_session(const struct session *s, const char *decision,
			  const char *rule, int tier, const char *detail)
{
	if (!D.audit)
		return;
	/* the name given: an ended session is no longer listed for the
	 * audit's namer */
	struct audit_rec r = {.session = s->id,
			      .session_name = s->name,
			      .pid = s->root_pid,
			      .uid = s->uid,
			      .cwd = s->pwd,
			      .kind = "session",
			      .target = s->name,
			      .rule = rule,
			      .tier = tier,
			      .decision = decision,
			      .detail = detail};
	audit_write(D.audit, &r);
}

int session_create(const struct session_params *p, struct session **ret,
		   char *err, size_t errsz)
{
	if (D.nsessions >= MAX_SESSIONS) {
		snprintf(err, errsz, "too many sessions (%d)", MAX_SESSIONS);
		return -EMFILE;
	}
	const char *pol =
	    p->policy && *p->policy ? p->policy : D.default_policy;
	if (pol[0] != '/') {
		snprintf(err, errsz, "policy path must be absolute");
		return -EINVAL;
	}
	if (D.system_mode && p->uid != 0 && strcmp(pol, D.default_policy) &&
	    strncmp(pol, "/etc/tiergate/", 14)) {
		snprintf(err, errsz,
			 "in system mode a session's policy must be policyd's "
			 "own or under /etc/tiergate/");
		return -EPERM;
	}
	struct session *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->shell_fd = p->shell_fd;
	s->seccomp = p->flags & TGPF_SECCOMP;
	s->landlock = p->flags & TGPF_LANDLOCK;
	s->root_pid = p->pid;
	s->root_start = p->start;
	s->uid = p->uid;
	s->created_us = tg_now_us();
	snprintf(s->id, sizeof(s->id), "s%u-%d", ++D.next_session, (int)p->pid);
	snprintf(s->name, sizeof(s->name), "%s",
		 p->name && *p->name ? p->name : s->id);
	for (char *c = s->name; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == '"' || *c == '\\')
			*c = '_';
	/* HOME and USER from the account database for the peer's uid, not
	 * from the environment the caller controls */
	struct passwd *pw = getpwuid(p->uid);
	snprintf(s->home, sizeof(s->home), "%s",
		 pw ? pw->pw_dir : "/nonexistent");
	snprintf(s->user, sizeof(s->user), "%s", pw ? pw->pw_name : "nobody");
	if (procfs_link(p->pid, "cwd", s->pwd, sizeof(s->pwd)) < 0 ||
	    s->pwd[0] != '/') {
		snprintf(err, errsz,
			 "cannot read the caller's working directory");
		free(s);
		return -EINVAL;
	}
	pick_tmpdir(s, p->tmpdir);
	s->policy_path = strdup(pol);
	if (!s->policy_path) {
		free(s);
		return -ENOMEM;
	}
	int r = load_policy(s, &s->policy, err, errsz);
	if (r == 0 && (r = self_track(s->policy)) < 0) {
		snprintf(err, errsz, "cannot protect the policy's files: %s",
			 strerror(-r));
		policy_free(s->policy);
	} else if (r == 0 &&
		   (r = self_pin(p->pid, p->start, s->policy, s->policy_path,
				 false, err, errsz)) < 0) {
		/* its policy's content is not what it was pinned to, or the
		 * pin cannot be checked */
		audit_session(s, "refused", "tiergate-self", 0, err);
		self_untrack(s->policy);
		policy_free(s->policy);
	}
	if (r < 0) {
		free(s->policy_path);
		free(s);
		return r;
	}
	char why[512] = "";
	if (D.cgroups && (r = make_cgroup(s, p->pidfd, why, sizeof(why))) < 0) {
		char dir[1300];
		snprintf(dir, sizeof(dir), "%s%s", D.cgroup_mount, s->cgroup);
		rmdir(dir); /* fails while a process is in it */
		egress_glue_session_end(s);
		snprintf(err, errsz, "cannot create the session cgroup: %s",
			 why[0] ? why : strerror(-r));
		self_unpin(p->pid, p->start);
		self_untrack(s->policy);
		policy_free(s->policy);
		free(s->policy_path);
		free(s);
		return r;
	}
	if (!D.cgroups) /* says what the kernel cannot hold without it */
		(void)egress_glue_session_add(
		    s, &(struct egress_glue_sess)GLUE(s), NULL, err, errsz);
	s->next = D.sessions;
	D.sessions = s;
	D.nsessions++;
	*ret = s;
	return 0;
}

int session_reload(struct session *s, struct session_reloaded *ret, char *err,
		   size_t errsz)
{
	struct policy *p = NULL;
	int r = load_policy(s, &p, err, errsz);
	if (r == 0 && (r = self_track(p)) < 0) {
		snprintf(err, errsz, "cannot protect the policy's files: %s",
			 strerror(-r));
		policy_free(p);
	}
	if (r < 0)
		return r; /* the old policy stays in force */
	struct policy *old = s->policy;
	s->policy = p;
	if ((r = egress_glue_session_reload(s, p, err, errsz)) < 0) {
		s->policy = old; /* the kernel keeps the old rules too */
		self_untrack(p);
		policy_free(p);
		return r;
	}
	struct session_reloaded info = {0};
	policy_digest(old, info.was);
	policy_digest(p, info.now);
	self_untrack(old);
	policy_free(old);
	/* the operator's reload: the new content is what a restarted policyd
	 * serves the session with */
	if (self_pin(s->root_pid, s->root_start, p, s->policy_path, true,
		     info.pin_err, sizeof(info.pin_err)) < 0)
		daemon_log("session %s: %s", s->id, info.pin_err);
	if (D.audit)
		audit_set_max(D.audit, policy_settings(p)->audit_max_bytes);
	*ret = info; /* the caller's reload record carries it (records.c) */
	return 0;
}

static int kill_pid(pid_t pid, uint64_t start)
{
	/* pidfd pins the process: the start-time check and the signal are
	 * about the same process even if the pid is reused meanwhile */
	_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return -errno;
	struct proc_stat st;
	if (procfs_stat(pid, &st) < 0 || st.starttime != start)
		return -ESRCH;
	if (syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) < 0)
		return -errno;
	return 0;
}

/* How many processes s's cgroup holds (0 when it cannot be read). */
static int cgroup_procs(const struct session *s)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s%s/cgroup.procs", D.cgroup_mount,
		 s->cgroup);
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	int n = 0, c;
	while (f && (c = getc(f)) != EOF)
		n += c == '\n';
	return n;
}

int session_kill(struct session *s)
{
	if (s->cgroup[0]) {
		char path[1200];
		snprintf(path, sizeof(path), "%s%s/cgroup.kill", D.cgroup_mount,
			 s->cgroup);
		/* the count is of the processes there just before the kill
		 * (cgroup.procs): one forking meanwhile dies uncounted */
		int n = cgroup_procs(s);
		_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0 && write(fd, "1", 1) == 1)
			return n;
	}
	/* process tree: every process whose ancestry reaches the root */
	int killed = 0;
	DIR *d = opendir("/proc");
	if (!d)
		return -errno;
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 1 || pid == getpid())
			continue;
		if (session_of_pid((pid_t)pid) != s ||
		    (pid_t)pid == s->root_pid)
			continue;
		struct proc_stat st;
		if (procfs_stat((pid_t)pid, &st) == 0 &&
		    kill_pid((pid_t)pid, st.starttime) == 0)
			killed++;
	}
	closedir(d);
	if (kill_pid(s->root_pid, s->root_start) == 0)
		killed++;
	return killed;
}

void session_end(struct session *s, const char *why)
{
	struct session **pp = &D.sessions;
	while (*pp && *pp != s)
		pp = &(*pp)->next;
	if (!*pp)
		return;
	*pp = s->next;
	D.nsessions--;
	hello_file_remove(s->id);
	/* the ancestor cache must forget this session: a later session may
	 * be allocated at the same address, and the orphans of this one
	 * must not be taken for its processes */
	for (size_t i = 0; i < ANC_CACHE; i++)
		if (anc[i].s == s)
			anc[i] = (struct anc){0};
	audit_session(s, "ended", NULL, -1, why);
	egress_glue_session_end(s);
	if (s->cgroup[0]) {
		char dir[1100];
		snprintf(dir, sizeof(dir), "%s%s", D.cgroup_mount, s->cgroup);
		rmdir(dir); /* fails while processes remain; they keep the
			       cgroup */
	}
	self_unpin(s->root_pid, s->root_start);
	if (s->scratch)
		(void)self_scratch(s->scratch, false);
	free(s->scratch);
	self_untrack(s->policy);
	policy_free(s->policy);
	free(s->policy_path);
	ll_bound_free(s->ll_bound);
	free(s);
}

void session_names_record(struct session *s, pid_t pid, const char *host,
			  const uint8_t (*addrs)[16], unsigned naddrs)
{
	for (unsigned k = 0; k < naddrs; k++) {
		/* one entry per (address, name): another name for the same
		 * address (a CDN's) is kept beside it */
		size_t i, oldest = 0;
		for (i = 0; i < TG_ARRAY_SIZE(s->names); i++) {
			if (!memcmp(s->names[i].addr, addrs[k], 16) &&
			    !strcmp(s->names[i].host, host))
				break;
			if (s->names[i].seq < s->names[oldest].seq)
				oldest = i; /* unused ones have 0 */
		}
		if (i == TG_ARRAY_SIZE(s->names)) {
			i = oldest;
			memcpy(s->names[i].addr, addrs[k], 16);
			tg_strlcpy(s->names[i].host, sizeof(s->names[i].host),
				   host);
		}
		s->names[i].pid = pid;
		s->names[i].seq = ++s->names_next;
	}
	/* why not handed to the eBPF layer: a process reports whatever it
	 * likes (NAMES), and the layer lets a host rule's addresses through
	 * whoever decided them: one report of an allowed name for any
	 * address let every process of the session connect there past the
	 * kernel's host rules (tests/bypass/names_report.sh). The layer
	 * learns a name's addresses from policyd's forwarder and its own
	 * lookups (connect_host) only. */
}

const char *session_name_for(struct session *s, const uint8_t addr[16],
			     pid_t pid)
{
	/* best: the entry so far; its host rule test is made only when
	 * another entry competes (most addresses have one name) */
	int best = -1, best_named = -1;
	for (size_t i = 0; i < TG_ARRAY_SIZE(s->names); i++) {
		if (!s->names[i].host[0] || memcmp(s->names[i].addr, addr, 16))
			continue;
		if (best < 0) {
			best = (int)i;
			continue;
		}
		bool mine = s->names[i].pid == pid,
		     best_mine = s->names[best].pid == pid;
		if (mine != best_mine) {
			if (mine) {
				best = (int)i;
				best_named = -1;
			}
			continue;
		}
		if (best_named < 0)
			best_named =
			    policy_host_named(s->policy, s->names[best].host);
		int named = policy_host_named(s->policy, s->names[i].host);
		if (named > best_named ||
		    (named == best_named &&
		     s->names[i].seq > s->names[best].seq)) {
			best = (int)i;
			best_named = named;
		}
	}
	return best < 0 ? NULL : s->names[best].host;
}
