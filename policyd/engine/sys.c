/* SPDX-License-Identifier: MIT */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define DEFAULT_PATH                                                           \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int canon(const char *p, char *out, size_t outsz)
{
	char buf[PATH_MAX];
	if (!realpath(p, buf))
		return -errno;
	if (strlen(buf) >= outsz)
		return -ENAMETOOLONG;
	memcpy(out, buf, strlen(buf) + 1);
	return 0;
}

int sys_resolve_exe(const char *cmd, const char *cwd, const char *path_env,
		    char *out, size_t outsz)
{
	char tmp[TG_PATH_MAX];
	if (!cmd || !*cmd)
		return -ENOENT;
	if (strchr(cmd, '/')) {
		int r =
		    tg_path_normalize(cwd ? cwd : "/", cmd, tmp, sizeof(tmp));
		if (r < 0)
			return r;
		return canon(tmp, out, outsz);
	}
	const char *p = path_env ? path_env : DEFAULT_PATH;
	while (*p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char cand[TG_PATH_MAX];
		int k;
		if (n == 0)
			k = snprintf(cand, sizeof(cand), "%s/%s",
				     cwd ? cwd : ".", cmd);
		else
			k = snprintf(cand, sizeof(cand), "%.*s/%s", (int)n, p,
				     cmd);
		if (k > 0 && (size_t)k < sizeof(cand) &&
		    access(cand, X_OK) == 0) {
			struct stat st;
			if (stat(cand, &st) == 0 && S_ISREG(st.st_mode))
				return canon(cand, out, outsz);
		}
		if (!e)
			break;
		p = e + 1;
	}
	return -ENOENT;
}

static bool same_bytes(const char *a, const char *b, off_t size)
{
	_cleanup_close_ int fa = open(a, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	_cleanup_close_ int fb = open(b, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fa < 0 || fb < 0 || size <= 0)
		return false;
	struct stat sa;
	if (fstat(fa, &sa) < 0 || !S_ISREG(sa.st_mode) || sa.st_size != size)
		return false;
	void *ma = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fa, 0);
	if (ma == MAP_FAILED)
		return false;
	void *mb = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fb, 0);
	bool eq = false;
	if (mb != MAP_FAILED) {
		eq = memcmp(ma, mb, (size_t)size) == 0;
		munmap(mb, (size_t)size);
	}
	munmap(ma, (size_t)size);
	return eq;
}

/* Binaries known by identity (git, ld.so), their stat() refreshed every 5 s
 * (a package upgrade replaces them). A file that is not one of them by
 * device and inode but has one's size is compared byte by byte, and the
 * answer kept by (device, inode, size, ctime): ctime, unlike mtime, cannot
 * be set back by the file's owner. Everything under cache_lock. */
#define KNOWN_MAX 8
struct known_set {
	const char *paths[KNOWN_MAX];
	size_t n;
	struct stat st[KNOWN_MAX];
	bool ok[KNOWN_MAX];
	uint64_t at;
};

static struct known_set gits = {.paths = {"/usr/bin/git", "/bin/git",
					  "/usr/local/bin/git",
					  "/usr/lib/git-core/git"},
				.n = 4};
static struct known_set loaders = {
    .paths = {"/lib64/ld-linux-x86-64.so.2",
	      "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	      "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	      "/lib/ld-linux-aarch64.so.1", "/lib/ld-linux.so.2"},
    .n = 5};

struct copy_cache_ent {
	const struct known_set *set;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec ctime;
	bool same;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct copy_cache_ent cache[64];
static unsigned cache_next;

static void refresh_known_locked(struct known_set *k)
{
	uint64_t now = tg_mono_ns();
	if (k->at && now - k->at <= 5000000000ULL)
		return;
	for (size_t i = 0; i < k->n; i++)
		k->ok[i] = stat(k->paths[i], &k->st[i]) == 0;
	k->at = now;
}

size_t sys_git_ids(struct sys_git_id *out, size_t max)
{
	size_t n = 0;
	pthread_mutex_lock(&cache_lock);
	refresh_known_locked(&gits);
	for (size_t i = 0; i < gits.n && n < max; i++)
		if (gits.ok[i])
			out[n++] = (struct sys_git_id){
			    .dev = (uint64_t)gits.st[i].st_dev,
			    .ino = (uint64_t)gits.st[i].st_ino,
			    .size = (int64_t)gits.st[i].st_size};
	pthread_mutex_unlock(&cache_lock);
	return n;
}

#define SETTLE_NS 100000000LL /* 100 ms: ten of the coarsest ticks */

bool sys_ctime_settled(const struct stat *st)
{
	struct timespec now;
	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return false;
	long long age =
	    ((long long)now.tv_sec - (long long)st->st_ctim.tv_sec) *
		1000000000LL +
	    (now.tv_nsec - st->st_ctim.tv_nsec);
	return age >= SETTLE_NS;
}

/* Is the file at path (a: its stat) one of k, or a byte-identical copy? */
static bool known_file(struct known_set *k, const char *path,
		       const struct stat *a)
{
	if (!S_ISREG(a->st_mode))
		return false;
	const char *same_size[KNOWN_MAX];
	size_t nsame = 0;
	pthread_mutex_lock(&cache_lock);
	refresh_known_locked(k);
	for (size_t i = 0; i < k->n; i++) {
		if (!k->ok[i])
			continue;
		if (a->st_dev == k->st[i].st_dev &&
		    a->st_ino == k->st[i].st_ino) {
			pthread_mutex_unlock(&cache_lock);
			return true;
		}
		if (a->st_size == k->st[i].st_size)
			same_size[nsame++] = k->paths[i];
	}
	for (size_t i = 0; nsame && i < TG_ARRAY_SIZE(cache); i++) {
		const struct copy_cache_ent *e = &cache[i];
		if (e->set == k && e->dev == a->st_dev && e->ino == a->st_ino &&
		    e->size == a->st_size &&
		    e->ctime.tv_sec == a->st_ctim.tv_sec &&
		    e->ctime.tv_nsec == a->st_ctim.tv_nsec) {
			bool r = e->same;
			pthread_mutex_unlock(&cache_lock);
			return r;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	if (!nsame)
		return false; /* a copy has the original's size */
	/* compare bytes outside the lock: same_bytes re-checks the size */
	bool same = false;
	for (size_t i = 0; i < nsame && !same; i++)
		same = same_bytes(path, same_size[i], a->st_size);
	if (!sys_ctime_settled(a))
		return same; /* changed just now: could change again unseen */
	pthread_mutex_lock(&cache_lock);
	cache[cache_next++ % TG_ARRAY_SIZE(cache)] =
	    (struct copy_cache_ent){.set = k,
				    .dev = a->st_dev,
				    .ino = a->st_ino,
				    .size = a->st_size,
				    .ctime = a->st_ctim,
				    .same = same};
	pthread_mutex_unlock(&cache_lock);
	return same;
}

bool sys_is_git_file(const char *path, const struct stat *st)
{
	return known_file(&gits, path, st);
}

bool sys_is_loader_file(const char *path, const struct stat *st)
{
	return known_file(&loaders, path, st);
}

bool sys_is_git(const char *path)
{
	struct stat a;
	return stat(path, &a) == 0 && sys_is_git_file(path, &a);
}

bool sys_is_loader(const char *path)
{
	struct stat a;
	return stat(path, &a) == 0 && sys_is_loader_file(path, &a);
}
