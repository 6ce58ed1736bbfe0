/* SPDX-License-Identifier: MIT */
#include "self.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "audit.h"
#include "chase.h"
#include "daemon.h"
#include "log.h"
#include "procfs.h"
#include "sha256.h"
#include "util.h"

/* An entry's file as it was when the set was built: a name that reaches
 * the same inode another way (a hard link, a bind mount) is the entry. */
struct self_ino {
	dev_t dev;
	ino_t ino;
	size_t idx;
};

/* the set, rebuilt from what follows whenever a policy comes or goes */
static struct selfprot set;
static char *audit_path_of, bindir[TG_PATH_MAX];
static char **default_files, *default_path;
static size_t ndefault;
/* the policies in force (sessions' and reloads'): at most two per session
 * (a reload's new one is tracked before the old one is dropped) */
static const struct policy *tracked[2 * MAX_SESSIONS + 2];
static size_t ntracked;
static bool ready;
/* the sessions' scratch directories (self_scratch), and those of ended
 * sessions while they exist */
static char *scratch[4 * MAX_SESSIONS];
static bool scratch_orphan[4 * MAX_SESSIONS];
static size_t nscratch;
static struct self_ino *inos;
static size_t ninos, inocap;
/* a file in a cgroup file system met by another name than its mounts' */
static char cgroup_name[] = "(a cgroup file system)";
static const struct selfprot_entry cgroup_fs = {cgroup_name, true,
						SELFPROT_CGROUP};

/* The inodes of the set's entries that are there now. */
static int index_inodes(const struct selfprot *sp)
{
	ninos = 0;
	for (size_t i = 0; i < sp->n; i++) {
		struct stat st;
		if (lstat(sp->v[i].path, &st) < 0)
			continue;
		if (tg_grow((void **)&inos, &inocap, ninos + 1, sizeof(*inos)) <
		    0)
			return -ENOMEM;
		inos[ninos++] = (struct self_ino){st.st_dev, st.st_ino, i};
	}
	return 0;
}

int self_default_policy(const struct policy *p, const char *path)
{
	const char *const *v;
	size_t n;
	policy_sources(p, &v, &n);
	tg_strv_free(default_files);
	free(default_path);
	default_files = tg_strv_dup(v, n);
	default_path = strdup(path);
	ndefault = n;
	return default_files && default_path ? 0 : -ENOMEM;
}

static int rebuild(void)
{
	struct selfprot sp;
	selfprot_init(&sp);
	int r = selfprot_add_tiergate(&sp, D.rd.dir, audit_path_of, AUDIT_KEEP,
				      bindir[0] ? bindir : NULL);
	/* no cgroup file system mounted: nothing to protect there */
	if (r == 0 &&
	    (r = selfprot_add_cgroups(&sp, "/proc/self/mounts")) == -ENOENT)
		r = 0;
	if (r == 0 && default_path)
		r = selfprot_add_policy(&sp, default_path,
					(const char *const *)default_files,
					ndefault);
	for (size_t i = 0; r == 0 && i < ntracked; i++) {
		const char *const *v;
		size_t n;
		policy_sources(tracked[i], &v, &n);
		r = selfprot_add_policy(&sp, NULL, v, n);
	}
	/* the sessions' scratch directories: the kernel lets their calls
	 * through where they are (not below them: their content is the
	 * sessions') */
	for (size_t i = 0; r == 0 && i < nscratch; i++)
		r = selfprot_add(&sp, scratch[i], false, SELFPROT_SCRATCH);
	if (r < 0) {
		/* the old set stays, and the new policy is refused by the
		 * caller: never fewer protected paths than before */
		selfprot_free(&sp);
		return r;
	}
	selfprot_free(&set);
	set = sp;
	return index_inodes(&set);
}

int self_init(const char *audit)
{
	char exe[TG_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash && slash != exe) {
			*slash = '\0';
			tg_strlcpy(bindir, sizeof(bindir), exe);
		}
	}
	free(audit_path_of);
	audit_path_of = audit ? strdup(audit) : NULL;
	if (audit && !audit_path_of)
		return -ENOMEM;
	ready = true;
	return rebuild();
}

int self_track(const struct policy *p)
{
	if (ntracked >= TG_ARRAY_SIZE(tracked))
		return -ENOSPC;
	tracked[ntracked++] = p;
	if (!ready)
		return 0;
	int r = rebuild();
	if (r < 0)
		ntracked--;
	return r;
}

/* Ended sessions' directories that are gone now: no longer kept. */
static void scratch_purge(void)
{
	struct stat st;
	for (size_t i = 0; i < nscratch;)
		if (scratch_orphan[i] && lstat(scratch[i], &st) < 0 &&
		    errno == ENOENT) {
			free(scratch[i]);
			scratch[i] = scratch[--nscratch];
			scratch_orphan[i] = scratch_orphan[nscratch];
		} else {
			i++;
		}
}

int self_scratch(const char *dir, bool add)
{
	scratch_purge();
	for (size_t i = 0; i < nscratch; i++) {
		if (strcmp(scratch[i], dir))
			continue;
		/* a session's that ended: kept while it exists (processes of
		 * the session that outlive it keep the route; another
		 * session must not move it) */
		scratch_orphan[i] = !add;
		return add ? -EEXIST : 0;
	}
	if (!add)
		return 0;
	if (nscratch >= TG_ARRAY_SIZE(scratch))
		return -ENOSPC;
	if (!(scratch[nscratch] = strdup(dir)))
		return -ENOMEM;
	scratch_orphan[nscratch++] = false;
	int r = ready ? rebuild() : 0;
	if (r < 0)
		free(scratch[--nscratch]);
	return r;
}

/* Is path in dir or below it? */
static bool beneath(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && path[n] == '/';
}

bool self_scratch_crossing(const char *a, const char *b)
{
	for (size_t i = 0; i < nscratch; i++)
		if (beneath(a, scratch[i]) != beneath(b, scratch[i]))
			return true;
	return false;
}

void self_untrack(const struct policy *p)
{
	for (size_t i = 0; i < ntracked; i++)
		if (tracked[i] == p) {
			tracked[i] = tracked[--ntracked];
			if (ready && rebuild() < 0)
				daemon_log("out of memory rebuilding the set "
					   "of tiergate's own files: the old "
					   "set stays");
			return;
		}
}

static const struct selfprot_entry *by_inode(const struct stat *st,
					     bool tree_only)
{
	for (size_t i = 0; i < ninos; i++) {
		const struct selfprot_entry *e = &set.v[inos[i].idx];
		if (inos[i].dev == st->st_dev && inos[i].ino == st->st_ino &&
		    (!tree_only || e->tree))
			return e;
	}
	return NULL;
}

static bool anon_dev(dev_t d)
{
	return major(d) == 0;
}

static bool in_cgroupfs(const char *view)
{
	struct statfs sf;
	return statfs(view, &sf) == 0 && (sf.f_type == CGROUP2_SUPER_MAGIC ||
					  sf.f_type == CGROUP_SUPER_MAGIC);
}

/* stat(dir), once per decision on two names in one directory */
static int dir_stat(struct caller *c, const char *dir, struct stat *st)
{
	struct chase_memo *m = c->memo;
	if (m && m->statted[0] && !strcmp(m->statted, dir)) {
		*st = m->st;
		return m->stat_r;
	}
	int r = stat(dir, st);
	if (m && strlen(dir) < sizeof(m->statted)) {
		memcpy(m->statted, dir, strlen(dir) + 1);
		m->stat_r = r;
		if (r == 0)
			m->st = *st;
	}
	return r;
}

/* lstat(view), noted for the rename's tree walk (chase_memo) */
static bool view_lstat(struct caller *c, const char *view, struct stat *st)
{
	int r = lstat(view, st);
	struct chase_memo *m = c->memo;
	if (m && !m->lstatted[0] && strlen(view) < sizeof(m->lstatted)) {
		memcpy(m->lstatted, view, strlen(view) + 1);
		m->lstat_r = r;
		m->lmode = r == 0 ? st->st_mode : 0;
	}
	return r == 0;
}

const struct selfprot_entry *self_refuses(struct caller *c, const char *real,
					  const char *lex, unsigned access,
					  bool made, bool *ret_above)
{
	const struct selfprot_entry *e =
	    selfprot_match(&set, real, access, ret_above);
	if (!e && strcmp(lex, real))
		e = selfprot_match(&set, lex, access, ret_above);
	if (e || !(access &
		   (POLICY_ACC_WRITE | POLICY_ACC_CREATE | POLICY_ACC_DELETE)))
		return e;
	/* the kernel's view of the object, as the caller reaches it: an
	 * entry's inode under another name, a name in a directory that is a
	 * tree entry's, anything in a cgroup file system wherever mounted */
	char view[TG_PATH_MAX + 32], dir[TG_PATH_MAX + 32];
	struct stat st;
	chase_view(c, real, view, sizeof(view));
	tg_strlcpy(dir, sizeof(dir), view);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir] = '\0';
	*ret_above = false;
	struct stat dst;
	/* a name only made (O_CREAT|O_EXCL) is a new file or none: what is
	 * there now is never reached, its directory is */
	bool have_v = !made && view_lstat(c, view, &st);
	if (have_v && (e = by_inode(&st, false)))
		return e;
	bool have_d = dir_stat(c, dir, &dst) == 0;
	if (have_d && (e = by_inode(&dst, true)))
		return e;
	/* the object's file system, and its directory's: one statfs when
	 * both are one device (one super block, one type); a name that is
	 * not there has only its directory's; a symlink's is its target's,
	 * as before (statfs follows it). None for a file system on a block
	 * device: cgroup and cgroup2 super blocks, like every pseudo file
	 * system's, take an anonymous device (major 0), so a device with a
	 * major is never one (git's ~4,000 calls a run on ext4: no statfs) */
	bool one = have_v && have_d && !S_ISLNK(st.st_mode) &&
		   st.st_dev == dst.st_dev;
	bool v_cg = have_v && !one &&
		    (S_ISLNK(st.st_mode) || anon_dev(st.st_dev)) &&
		    in_cgroupfs(view);
	/* (a directory stat cannot see, statfs cannot either: same walk) */
	bool d_cg = have_d && anon_dev(dst.st_dev) && in_cgroupfs(dir);
	if (v_cg || d_cg)
		return &cgroup_fs;
	return NULL;
}

/* ---------------------------------------------- policy content pins */

/* Where the pin of the session rooted at (pid, start) is: in the run
 * directory, which no session may change. */
static int pin_path(pid_t pid, uint64_t start, const char *suffix, char *out,
		    size_t outsz)
{
	if (D.rd.dir[0] != '/')
		return -ENOENT; /* no run directory: nowhere to pin */
	int n = snprintf(out, outsz, "%s/pins/%d-%llu%s", D.rd.dir, (int)pid,
			 (unsigned long long)start, suffix);
	return n > 0 && (size_t)n < outsz ? 0 : -ENAMETOOLONG;
}

/* The pinned digest (hex) into hex: 1, 0 when there is no pin, -errno. */
static int pin_read(const char *path, char hex[TG_SHA256_HEX])
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	char buf[128];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (strncmp(buf, "sha256 ", 7) ||
	    strspn(buf + 7, "0123456789abcdef") != TG_SHA256_HEX - 1)
		return -EBADMSG; /* not ours: never taken as a match */
	memcpy(hex, buf + 7, TG_SHA256_HEX - 1);
	hex[TG_SHA256_HEX - 1] = '\0';
	return 1;
}

static int pin_write(const char *path, const char *tmp, const char *hex,
		     const char *policy)
{
	char dir[TG_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/pins", D.rd.dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	_cleanup_close_ int fd = open(
	    tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	char buf[TG_PATH_MAX + 128];
	int n =
	    snprintf(buf, sizeof(buf), "sha256 %s\npolicy %s\n", hex, policy);
	if (n < 0 || (size_t)n >= sizeof(buf) || write(fd, buf, (size_t)n) != n)
		return n < 0 || (size_t)n >= sizeof(buf) ? -ENAMETOOLONG : -EIO;
	return rename(tmp, path) < 0 ? -errno : 0;
}

int self_pin(pid_t pid, uint64_t start, const struct policy *p,
	     const char *policy, bool replace, char *err, size_t errsz)
{
	char path[TG_PATH_MAX], tmp[TG_PATH_MAX], was[TG_SHA256_HEX],
	    hex[TG_SHA256_HEX];
	uint8_t d[TG_SHA256_LEN];
	policy_digest(p, d);
	tg_sha256_hex(d, hex);
	int r = pin_path(pid, start, "", path, sizeof(path));
	if (r == -ENOENT)
		return 0; /* policyd's unit tests, which set none up: policyd
			     itself takes its run directory before any session
			   */
	if (r == 0)
		r = pin_path(pid, start, ".new", tmp, sizeof(tmp));
	if (r == 0 && !replace && (r = pin_read(path, was)) == 1) {
		if (!strcmp(was, hex))
			return 0;
		snprintf(err, errsz,
			 "tiergate self-protection: the policy %s (with its "
			 "includes) is not what this session started with "
			 "(sha256 %.16s..., now %.16s...): policyd serves the "
			 "session only with the content it started with, never "
			 "a file changed meanwhile; restore the file, or end "
			 "the session and start a new one",
			 policy, was, hex);
		return -EPERM;
	}
	if (r == 0)
		r = pin_write(path, tmp, hex, policy);
	if (r < 0)
		/* unpinned, the session could not be checked after a restart:
		 * it is not served */
		snprintf(err, errsz,
			 "cannot pin the session's policy content in %s/pins: "
			 "%s",
			 D.rd.dir, strerror(-r));
	return r;
}

void self_unpin(pid_t pid, uint64_t start)
{
	char path[TG_PATH_MAX];
	if (pin_path(pid, start, "", path, sizeof(path)) == 0)
		(void)unlink(path);
}

void self_pins_sweep(void)
{
	char dir[TG_PATH_MAX];
	if (D.rd.dir[0] != '/')
		return;
	snprintf(dir, sizeof(dir), "%s/pins", D.rd.dir);
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		int pid;
		unsigned long long start;
		char end;
		if (sscanf(de->d_name, "%d-%llu%c", &pid, &start, &end) != 2)
			continue; /* ".", "..", a pin being written */
		struct proc_stat st;
		if (procfs_stat(pid, &st) == 0 && st.starttime == start)
			continue; /* its agent-shell still runs: it comes back
				   */
		(void)unlinkat(dirfd(dp), de->d_name, 0);
	}
	closedir(dp);
}
