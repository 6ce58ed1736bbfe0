/* SPDX-License-Identifier: MIT */
#include "mountmask.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "glob.h"
#include "missing.h"
#include "util.h"

#define MAX_DIR_ENTRIES 4096 /* entries read per directory */
#define MAX_DEPTH 32	     /* directories below a tree's root */

struct target {
	char path[PATH_MAX];
};

struct masks {
	struct target v[MOUNTMASK_MAX];
	size_t n;
};

/* The first path not masked gives the report's note; the rest are
 * counted. */
static void note(struct mountmask_report *rep, const char *path,
		 const char *why)
{
	if (!rep->skipped++)
		snprintf(rep->note, sizeof(rep->note), "%s: %s", path, why);
}

/* Is path one of p->keep, or a directory above one? */
static bool holds_keep(const struct mountmask_plan *p, const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < p->nkeep; i++)
		if (!strncmp(p->keep[i], path, n) &&
		    (p->keep[i][n] == '\0' || p->keep[i][n] == '/'))
			return true;
	return false;
}

static void consider(const struct mountmask_plan *p, const char *path,
		     int depth, struct masks *ms, struct mountmask_report *rep);

/* Every entry of the directory dir, considered at depth (a tree's files:
 * each gets its own mask, so that its name stays what it was and the
 * interposer and policyd refuse it by its rule, with their line and audit
 * record, as without the layer). */
static void consider_dir(const struct mountmask_plan *p, const char *dir,
			 int depth, struct masks *ms,
			 struct mountmask_report *rep)
{
	if (depth > MAX_DEPTH) {
		note(rep, dir, "deeper than tiergate looks");
		return;
	}
	DIR *d = opendir(dir);
	struct dirent *e;
	for (unsigned i = 0; d && i < MAX_DIR_ENTRIES && (e = readdir(d));
	     i++) {
		char full[PATH_MAX];
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
		    snprintf(full, sizeof(full), "%s/%s", dir, e->d_name) <
			(int)sizeof(full))
			consider(p, full, depth, ms, rep);
	}
	if (d)
		closedir(d);
}

/* Adds path to ms when it is a regular file; with depth >= 0 (a tree) the
 * files below a directory too. Absent paths have nothing to mask. */
static void consider(const struct mountmask_plan *p, const char *path,
		     int depth, struct masks *ms, struct mountmask_report *rep)
{
	struct stat st;
	if (path[0] != '/' || !path[1] || lstat(path, &st) < 0)
		return;
	if (S_ISLNK(st.st_mode) && depth <= 0) {
		/* policyd decides on what it resolves to (below a tree's
		 * root: that is decided as its target, silently) */
		note(rep, path, "a symbolic link");
		return;
	}
	if (depth >= 0 && S_ISDIR(st.st_mode)) {
		consider_dir(p, path, depth + 1, ms, rep);
		return;
	}
	if (!S_ISREG(st.st_mode))
		return; /* a directory's listing, a socket, a device */
	if (holds_keep(p, path)) {
		note(rep, path, "holds tiergate's runtime directory");
		return;
	}
	if (ms->n >= MOUNTMASK_MAX || strlen(path) >= PATH_MAX) {
		note(rep, path, "over the number of masks");
		return;
	}
	snprintf(ms->v[ms->n++].path, PATH_MAX, "%s", path);
}

/* The files a deny-read glob matches now, when its wildcards are in its
 * last name only (a glob with one below a directory is left to the
 * interposer: counted in deferred). */
static void expand_glob(const struct mountmask_plan *p, const char *src,
			struct masks *ms, struct mountmask_report *rep)
{
	size_t w = strcspn(src, "*?[\\");
	const char *slash = w ? memrchr(src, '/', w) : NULL;
	struct glob *g = NULL;
	const char *err;
	size_t pos;
	if (!src[w] || !slash || strchr(src + w, '/') ||
	    glob_compile(src, GLOB_PATH, &g, &err, &pos) < 0) {
		rep->deferred++;
		return;
	}
	char dir[PATH_MAX]; /* "" for "/" (names are dir + "/" + name) */
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - src), src);
	DIR *d = opendir(dir[0] ? dir : "/");
	struct dirent *e;
	for (unsigned i = 0; d && i < MAX_DIR_ENTRIES && (e = readdir(d));
	     i++) {
		char full[PATH_MAX];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    snprintf(full, sizeof(full), "%s/%s", dir, e->d_name) >=
			(int)sizeof(full))
			continue;
		if (glob_match(g, full))
			consider(p, full, -1, ms, rep);
	}
	if (d)
		closedir(d);
	glob_free(g);
}

static int write_text(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t n = strlen(text);
	return write(fd, text, n) == (ssize_t)n ? 0 : -errno;
}

/* A new mount namespace; with user, in a new user namespace that maps
 * only uid and gid (to themselves). */
static int enter_ns(bool user, uid_t uid, gid_t gid, const char **what)
{
	*what = user ? "unshare(CLONE_NEWUSER|CLONE_NEWNS)"
		     : "unshare(CLONE_NEWNS)";
	if (unshare(CLONE_NEWNS | (user ? CLONE_NEWUSER : 0)) < 0)
		return -errno;
	if (!user)
		return 0;
	char m[64];
	int r = write_text("/proc/self/setgroups", "deny");
	if (r < 0 && r != -ENOENT) {
		*what = "/proc/self/setgroups";
		return r;
	}
	snprintf(m, sizeof(m), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	*what = "/proc/self/uid_map";
	if ((r = write_text("/proc/self/uid_map", m)) < 0)
		return r;
	snprintf(m, sizeof(m), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	*what = "/proc/self/gid_map";
	return write_text("/proc/self/gid_map", m);
}

/* The source of every mask: a detached read-only tmpfs holding one empty
 * file, "empty", that no one can write (mode 0444, read-only mount). */
static int make_stage(int *ret)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "nr_inodes", "4", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -errno;
	int m =
	    fsmount(fs, FSMOUNT_CLOEXEC,
		    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (m < 0)
		return -errno;
	int fd =
	    openat(m, "empty", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
	if (fd >= 0)
		close(fd); /* (a writer open: EBUSY for the read-only change) */
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
	if (fd < 0 ||
	    mount_setattr(m, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0) {
		int r = -errno;
		close(m);
		return r;
	}
	*ret = m;
	return 0;
}

/* Mounts a clone of the empty file on the object target (an O_PATH
 * descriptor: no name is looked up again, so nothing can be swapped in
 * between). */
static int mask_one(int stage, int target)
{
	int src =
	    open_tree(stage, "empty", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (src < 0)
		return -errno;
	int r = 0;
	if (move_mount(src, "", target, "",
		       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		r = -errno;
	close(src);
	return r;
}

/* An O_PATH descriptor of path, refused when a symbolic link is on it. */
static int open_target(const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
			       .resolve =
				   RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	long fd = syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

static int make_masks(const struct masks *ms, struct mountmask_report *rep,
		      const char **what)
{
	_cleanup_close_ int stage = -1;
	*what = "making the empty file of the masks";
	int r = make_stage(&stage);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ms->n; i++) {
		const struct target *t = &ms->v[i];
		_cleanup_close_ int fd = open_target(t->path);
		struct stat st;
		if (fd == -ELOOP)
			note(rep, t->path, "a symbolic link on its path");
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
			continue; /* gone or replaced since it was looked at */
		*what = t->path;
		if ((r = mask_one(stage, fd)) < 0)
			return r;
		rep->masked++;
	}
	return 0;
}

int mountmask_apply(const struct mountmask_plan *p,
		    struct mountmask_report *ret, const char **what)
{
	static struct masks ms; /* large; the session's first process only */
	struct mountmask_report rep = {0};
	ms.n = 0;
	for (size_t i = 0; i < p->npath; i++)
		consider(p, p->path[i], -1, &ms, &rep);
	for (size_t i = 0; i < p->ntree; i++)
		consider(p, p->tree[i], 0, &ms, &rep);
	for (size_t i = 0; i < p->nglobs; i++)
		expand_glob(p, p->globs[i], &ms, &rep);
	if (!ms.n && !p->need_ns) {
		*ret = rep;
		return 0;
	}
	uid_t uid = getuid();
	gid_t gid = getgid();
	/* as root a mount namespace needs no user namespace, and a user
	 * namespace would take root's power over other users' files */
	bool user = geteuid() != 0;
	int r = enter_ns(user, uid, gid, what);
	if (r < 0)
		return r;
	/* why: the masks must never reach the host's namespace, and no
	 * mount made outside later should land over one of them */
	*what = "making the mount namespace private";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	if ((r = make_masks(&ms, &rep, what)) < 0)
		return r;
	/* why: mounts copied into a namespace owned by a less privileged
	 * user namespace are locked: not even the session's own root can
	 * take a mask off (root sessions: no CAP_SYS_ADMIN, no mount calls) */
	if (user && (r = enter_ns(true, uid, gid, what)) < 0)
		return r;
	rep.ns = true;
	*ret = rep;
	return 0;
}
