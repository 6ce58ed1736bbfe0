/* SPDX-License-Identifier: MIT */
/* ip_reads: read-only opens decided in the process. See ip_reads.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ip_fastpath.h"
#include "ip_path.h"
#include "ip_reads.h"
#include "ip_state.h"
#include "tg_proto.h"
#include "util.h"

/* cached cwd for relative read-only opens (refreshed by chdir/fchdir) */
static pthread_mutex_t cwd_lock = PTHREAD_MUTEX_INITIALIZER;
static char cwd_cache[4096];
static _Atomic int cwd_valid;

/* directories seen free of symlinks (the read fast path under the
 * backstop), and the names read before; only ever taken with trylock */
static pthread_mutex_t dirs_lock = PTHREAD_MUTEX_INITIALIZER;

/* The cwd's length, read once (getcwd) until a chdir; 0 when unknown. */
static size_t cwd_len(void)
{
	if (!cwd_valid) {
		pthread_mutex_lock(&cwd_lock);
		if (!cwd_valid) {
			long n =
			    syscall(SYS_getcwd, cwd_cache, sizeof(cwd_cache));
			if (n > 0 && cwd_cache[0] == '/')
				cwd_valid = 1;
		}
		pthread_mutex_unlock(&cwd_lock);
		if (!cwd_valid)
			return 0;
	}
	pthread_mutex_lock(&cwd_lock);
	size_t n = ip_slen(cwd_cache);
	pthread_mutex_unlock(&cwd_lock);
	return n;
}

/* The cwd into out: false when unknown or it does not fit (another thread
 * may have changed it since cwd_len). */
static bool cached_cwd(char *out, size_t outsz)
{
	if (!cwd_len())
		return false;
	pthread_mutex_lock(&cwd_lock);
	bool fits = ip_slen(cwd_cache) < outsz;
	if (fits)
		ip_scopy(out, outsz, cwd_cache, NULL);
	pthread_mutex_unlock(&cwd_lock);
	return fits;
}

void ip_reads_cwd_changed(void)
{
	cwd_valid = 0;
}

/* The directory open on dirfd, as the kernel names it now (what policyd
 * would read from /proc/PID/fd/N to decide the same open): false when
 * that cannot stand for it (not a directory's name, deleted), or when
 * path climbs out of it (".." is then the parent the kernel finds, which
 * the name need not say): policyd decides those. The open itself is made
 * on dirfd (open_silent), with no symlink followed. */
static bool dirfd_path(int dirfd, const char *path, char *out, size_t outsz)
{
	char link[40];
	if (dirfd < 0 || outsz < 2)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	long n = syscall(SYS_readlinkat, AT_FDCWD, link, out, outsz - 1);
	if (n <= 0 || (size_t)n >= outsz - 1 || out[0] != '/')
		return false;
	out[n] = '\0';
	static const char del[] = " (deleted)";
	size_t dl = sizeof(del) - 1;
	if ((size_t)n >= dl && !strcmp(out + n - dl, del))
		return false;
	for (const char *c = path; *c;) {
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || !c[2]))
			return false;
		const char *sl = strchr(c, '/');
		if (!sl)
			break;
		c = sl + 1;
	}
	return true;
}

/* The whole path with symlinks followed (the kernel's walk as spelled:
 * ".." after a symlink is the parent of its target, not what the fold
 * says) must be silent too. Not inlined: its buffer is on the stack only
 * for the calls that resolve. */
__attribute__((noinline)) static bool
silent_resolved(const struct ip_fastpath *fp, const char *use, const char *walk)
{
	char real[4096];
	if (!ip_path_realpath(walk, real, sizeof(real)) ||
	    ip_has_prefix(real, "/proc/"))
		return false;
	return !strcmp(real, use) || ip_fastpath_read_silent(fp, real);
}

/* The check once the name decided on (use, normal) and the name as the
 * kernel walks it (walk) are known. */
static bool silent_named(const struct ip_fastpath *fp, const char *use,
			 const char *walk, bool resolve, char *walked,
			 size_t walked_cap)
{
	/* /proc/self/... names depend on the caller: never local */
	if (ip_has_prefix(use, "/proc/") || !ip_fastpath_read_silent(fp, use))
		return false;
	if (walked) {
		if (ip_slen(walk) >= walked_cap)
			return false; /* never check a cut-off path */
		ip_scopy(walked, walked_cap, walk, NULL);
	}
	return !resolve || silent_resolved(fp, use, walk);
}

/* A path to fold or to join to its directory, with buffers of cap bytes
 * each (abs: the directory; norm: the fold; raw: the join as spelled). */
static bool silent_fold(const struct ip_fastpath *fp, int dirfd,
			const char *path, bool resolve, char *walked,
			size_t walked_cap, char *abs, char *norm, char *raw,
			size_t cap)
{
	const char *walk = path;
	if (path[0] == '/') {
		if (tg_path_normalize("/", path, norm, cap) < 0)
			return false;
	} else {
		if (dirfd != AT_FDCWD && !dirfd_path(dirfd, path, abs, cap))
			return false; /* ask policyd */
		if ((dirfd == AT_FDCWD && !cached_cwd(abs, cap)) ||
		    tg_path_normalize(abs, path, norm, cap) < 0 ||
		    !ip_path_join(abs, path, raw, cap))
			return false;
		walk = raw;
	}
	return silent_named(fp, norm, walk, resolve, walked, walked_cap);
}

/* Most paths are short: their buffers take 1.5 KiB of stack, not 12 (a
 * fresh stack page is a fault, ~12 us on a VM, and the calls below run
 * under the buffers) */
#define FOLD_SMALL 512

__attribute__((noinline)) static bool
silent_fold_small(const struct ip_fastpath *fp, int dirfd, const char *path,
		  bool resolve, char *walked, size_t walked_cap)
{
	char abs[FOLD_SMALL], norm[FOLD_SMALL], raw[FOLD_SMALL];
	return silent_fold(fp, dirfd, path, resolve, walked, walked_cap, abs,
			   norm, raw, FOLD_SMALL);
}

__attribute__((noinline)) static bool
silent_fold_big(const struct ip_fastpath *fp, int dirfd, const char *path,
		bool resolve, char *walked, size_t walked_cap)
{
	char abs[4096], norm[4096], raw[4096];
	return silent_fold(fp, dirfd, path, resolve, walked, walked_cap, abs,
			   norm, raw, 4096);
}

bool ip_reads_silent(const struct ip_fastpath *fp, int dirfd, const char *path,
		     bool resolve, char *walked, size_t walked_cap)
{
	if (!fp->read_ok)
		return false;
	if (path[0] == '/' && ip_path_is_normal(path)) /* the common case */
		return silent_named(fp, path, path, resolve, walked,
				    walked_cap);
	/* what the fold and the join need: the path, and the cwd's length
	 * (a directory descriptor's name is not known before it is read) */
	size_t need = ip_slen(path) + 2;
	if (path[0] != '/')
		need += dirfd == AT_FDCWD ? cwd_len() : 4096;
	return need <= FOLD_SMALL ? silent_fold_small(fp, dirfd, path, resolve,
						      walked, walked_cap)
				  : silent_fold_big(fp, dirfd, path, resolve,
						    walked, walked_cap);
}

static bool read_fast(int dirfd, const char *path, bool resolve, char *walked,
		      size_t walked_cap)
{
	if (!path || !*path)
		return false;
	struct ip_fastpath *fp = ip_fastpath_get();
	return fp &&
	       ip_reads_silent(fp, dirfd, path, resolve, walked, walked_cap);
}

bool ip_reads_check(int dirfd, const char *path)
{
	return read_fast(dirfd, path, true, NULL, 0);
}

/*
 * Directories seen free of symlinks, per process. Under the backstop the
 * fast path cannot use openat2 (the filter notifies every openat2: its
 * flags are in memory), so it checks the directories on the way once with
 * lstat and opens the file itself with O_NOFOLLOW. A directory replaced by
 * a symlink later in the same process is not noticed (docs/threat-model.md:
 * reads are not a boundary).
 */
#define DIRS_N 128
#define DIRS_LEN 256

/*
 * The names both tables keep, packed one after another (a short-lived
 * process touches one or two pages of them, not one page a lookup: a
 * fault costs 12 us on some hosts, more than the lookup saves). Written
 * under dirs_lock; when full, both tables are emptied and it starts over.
 */
#define NAMES_BYTES (32 * 1024)
static char names[NAMES_BYTES];
static uint32_t names_used;

static struct {
	uint16_t len;
	uint32_t off; /* into names */
} dirs_seen[DIRS_N];

static void reads_forget_all(void);

/* A copy of p (n bytes) in names, under dirs_lock: its offset, or -1
 * when it cannot be kept. */
static int64_t names_keep(const char *p, size_t n)
{
	if (n == 0 || n > NAMES_BYTES)
		return -1;
	if (names_used + n > NAMES_BYTES) {
		reads_forget_all();
		memset(dirs_seen, 0, sizeof(dirs_seen));
		names_used = 0;
	}
	uint32_t off = names_used;
	memcpy(names + off, p, n);
	names_used += (uint32_t)n;
	return off;
}

/* Does names hold p at off (len n)? Bounds checked: the entry may be read
 * while it is rewritten (the reads table's sequence count then says so). */
static bool names_at(uint32_t off, size_t len, const char *p, size_t n)
{
	return len == n && off <= NAMES_BYTES && n <= NAMES_BYTES - off &&
	       !memcmp(names + off, p, n);
}

static uint32_t dirs_hash(const char *p, size_t n)
{
	return (uint32_t)(ip_hash(p, n) >> 32) % DIRS_N;
}

/* Is dir[0..n) in dirs_seen? Under dirs_lock. */
static bool dirs_has(const char *dir, size_t n)
{
	uint32_t h = dirs_hash(dir, n);
	return names_at(dirs_seen[h].off, dirs_seen[h].len, dir, n);
}

/* Remembers the prefixes dir[0..i) that end a component (dir[i] is '/'),
 * from <= i < upto, and dir[0..upto) itself when whole: all were found
 * real directories. */
static void dirs_keep(const char *dir, size_t from, size_t upto, bool whole)
{
	if (from > upto || pthread_mutex_trylock(&dirs_lock) != 0)
		return;
	for (size_t i = from; i <= upto && i < DIRS_LEN; i++) {
		if (i < upto ? dir[i] != '/' : !whole)
			continue;
		if (i <= 1 || dirs_has(dir, i))
			continue;
		int64_t off = names_keep(dir, i);
		if (off < 0)
			break;
		uint32_t h = dirs_hash(dir, i);
		dirs_seen[h].off = (uint32_t)off;
		dirs_seen[h].len = (uint16_t)i;
	}
	pthread_mutex_unlock(&dirs_lock);
}

/* The walk of ip_reads_dir_clean from byte from on, in buf (a copy of
 * dir[0..n), terminated). */
static int dirs_walk(char *buf, size_t n, size_t from)
{
	for (size_t i = from; i <= n; i++) {
		if (i < n && buf[i] != '/')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		struct stat st;
		long r = syscall(SYS_newfstatat, AT_FDCWD, buf, &st,
				 AT_SYMLINK_NOFOLLOW);
		buf[i] = c;
		if (r < 0 || !S_ISDIR(st.st_mode)) {
			int e = r < 0 ? errno : 0;
			/* what came before it is clean */
			dirs_keep(buf, from, i, false);
			if (r == 0)
				return S_ISLNK(st.st_mode) ? 0 : -ENOTDIR;
			errno = e;
			return e == ENOENT || e == ENOTDIR || e == EACCES ? -e
									  : 0;
		}
	}
	dirs_keep(buf, from, n, true);
	return 1;
}

/* the copy on a stack sized to it (see FOLD_SMALL) */
__attribute__((noinline)) static int dirs_walk_small(const char *dir, size_t n,
						     size_t from)
{
	char buf[FOLD_SMALL];
	memcpy(buf, dir, n);
	buf[n] = '\0';
	return dirs_walk(buf, n, from);
}

__attribute__((noinline)) static int dirs_walk_big(const char *dir, size_t n,
						   size_t from)
{
	char buf[4096];
	memcpy(buf, dir, n);
	buf[n] = '\0';
	return dirs_walk(buf, n, from);
}

/* With no symlink on the way, ".." is what the lexical normalisation
 * says. Only the components after the longest prefix seen clean are
 * checked (a process opens many names under the same few directories:
 * a git status checked /tmp 10 times, one fstatat each). */
int ip_reads_dir_clean(const char *dir, size_t n)
{
	if (n <= 1)
		return 1; /* "/" */
	if (n >= 4096)
		return 0;
	size_t from = 1; /* the first byte after the prefix known clean */
	if (pthread_mutex_trylock(&dirs_lock) == 0) {
		for (size_t k = n; k > 1;) {
			if (k < DIRS_LEN && dirs_has(dir, k)) {
				from = k + 1;
				break;
			}
			do
				k--;
			while (k > 1 && dir[k] != '/');
		}
		pthread_mutex_unlock(&dirs_lock);
		if (from > n)
			return 1;
	}
	return n < FOLD_SMALL ? dirs_walk_small(dir, n, from)
			      : dirs_walk_big(dir, n, from);
}

/* After an open with O_NOFOLLOW failed: may the last component be a
 * symlink (ELOOP; ENOTDIR when O_DIRECTORY asked for a directory, which the
 * kernel checks first: a symlink to a directory is opened through)? */
static bool final_link(int flags)
{
	return errno == ELOOP || (errno == ENOTDIR && (flags & O_DIRECTORY));
}

/* The backstop's open for a silent read: every directory on the way, as
 * spelled, must be a real directory (then what the kernel walks is the
 * normalised path decided on), and the last component is opened with
 * O_NOFOLLOW. -2: take the slow path. */
static long open_nofollow(int dirfd, const char *path, const char *walked,
			  int flags)
{
	/* walked: the absolute path as spelled (read_fast joined the cwd) */
	const char *slash = strrchr(walked, '/');
	size_t n = slash == walked ? 1 : (size_t)(slash - walked);
	int c = ip_reads_dir_clean(walked, n);
	if (c < 0) {
		errno = -c; /* what the open would say */
		return -1;
	}
	if (c == 0)
		return -2;
	long fd = syscall(SYS_openat, dirfd, path, flags | O_NOFOLLOW, 0);
	if (fd < 0 && final_link(flags))
		return -2; /* the last component is a symlink */
	return fd;
}

/*
 * Absolute, already normal paths this process found to be silent reads,
 * with every directory on the way a real one: the next open of the same
 * name is one hash, one compare and the open itself (programs open the
 * same headers, modules and config files again and again). An entry is
 * tied to the snapshot it was decided by, so a policy reload empties the
 * table in effect. Shared by the threads, written under dirs_lock, read
 * lock-free through a per-entry sequence count. Like dirs_seen, a
 * directory replaced by a symlink later in the same process is not
 * noticed (docs/threat-model.md); a final symlink is (O_NOFOLLOW).
 */
#define READS_SETS 64 /* indexed by the hash's top bits */
#define READS_WAYS 4  /* two ways lost 7% of 100 names to collisions */
#define READS_LEN 200
struct read_ent {
	_Atomic uint32_t seq; /* odd while written */
	uint16_t len;
	bool clean; /* the directories were checked (backstop) */
	uint32_t off; /* the name, in names */
	const struct ip_fastpath *fp;
	uint64_t hash;
};
static struct {
	struct read_ent way[READS_WAYS];
	uint8_t next; /* the way the next new name replaces (oldest first) */
} reads_seen[READS_SETS];

/* Empties the table, under dirs_lock (names is about to be reused): a
 * reader that took an entry before sees its count change. */
static void reads_forget_all(void)
{
	for (unsigned i = 0; i < READS_SETS; i++)
		for (unsigned w = 0; w < READS_WAYS; w++) {
			struct read_ent *e = &reads_seen[i].way[w];
			uint32_t q = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
			if (!e->len)
				continue;
			__atomic_store_n(&e->seq, q + 1, __ATOMIC_RELAXED);
			__atomic_thread_fence(__ATOMIC_RELEASE);
			e->len = 0;
			__atomic_store_n(&e->seq, q + 2, __ATOMIC_RELEASE);
		}
	/* the counts are seen changed before the names are rewritten */
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static unsigned reads_set(uint64_t h)
{
	return (unsigned)(h >> 55) % READS_SETS; /* the best-mixed bits */
}

static bool read_ent_is(struct read_ent *e, const struct ip_fastpath *fp,
			const char *path, size_t n, uint64_t h, bool clean)
{
	uint32_t s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
	if (s1 & 1)
		return false;
	bool hit = e->fp == fp && e->hash == h && (e->clean || !clean) &&
		   names_at(e->off, e->len, path, n);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return hit && __atomic_load_n(&e->seq, __ATOMIC_RELAXED) == s1;
}

bool ip_reads_seen(const struct ip_fastpath *fp, const char *path, size_t n,
		   uint64_t h, bool clean)
{
	if (n >= READS_LEN)
		return false;
	unsigned set = reads_set(h);
	for (unsigned w = 0; w < READS_WAYS; w++)
		if (read_ent_is(&reads_seen[set].way[w], fp, path, n, h, clean))
			return true;
	return false;
}

void ip_reads_remember(const struct ip_fastpath *fp, const char *path, size_t n,
		       uint64_t h, bool clean)
{
	if (n >= READS_LEN || pthread_mutex_trylock(&dirs_lock) != 0)
		return;
	/* the name first: keeping it may empty the table */
	int64_t off = names_keep(path, n);
	if (off < 0) {
		pthread_mutex_unlock(&dirs_lock);
		return;
	}
	unsigned set = reads_set(h);
	unsigned w = reads_seen[set].next % READS_WAYS;
	reads_seen[set].next = (uint8_t)((w + 1) % READS_WAYS);
	struct read_ent *e = &reads_seen[set].way[w];
	uint32_t q = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
	__atomic_store_n(&e->seq, q + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	e->fp = fp;
	e->hash = h;
	e->len = (uint16_t)n;
	e->clean = clean;
	e->off = (uint32_t)off;
	__atomic_store_n(&e->seq, q + 2, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&dirs_lock);
}

/* The open itself, for a read decided silent: -2 when the full check must
 * decide (a symlink on the way, an odd flag). */
static long open_silent(int dirfd, const char *path, int flags, bool kpath,
			bool seen, const char *walked)
{
	long fd;
	if (kpath) {
		/* seen: its directories were checked; only a final symlink
		 * (ELOOP) needs the full check */
		if (!seen)
			return open_nofollow(dirfd, path, walked, flags);
		fd = syscall(SYS_openat, dirfd, path, flags | O_NOFOLLOW, 0);
		if (fd < 0 && final_link(flags))
			fd = -2;
		return fd;
	}
	struct open_how how = {.flags = (uint64_t)(unsigned)flags,
			       .resolve = RESOLVE_NO_SYMLINKS};
	fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	if (fd < 0 && (errno == ELOOP || errno == EINVAL || errno == ENOSYS ||
		       errno == EXDEV || errno == EAGAIN))
		fd = -2; /* a symlink (or an odd flag) */
	return fd;
}

bool ip_reads_fast_open(int dirfd, const char *path, int flags, int *ret)
{
	path = ip_maybe_null(path);
	if (!ip_active || ip_in_hook || !path ||
	    tgp_open_access((unsigned)flags) != TGPA_READ)
		return false;
	int saved = errno;
	ip_in_hook++;
	bool done = false;
	bool kpath = ip_kernel_decides(TGPB_OPEN_WRITE);
	struct ip_fastpath *fp = path[0] == '/' ? ip_fastpath_get() : NULL;
	/* the absolute path as spelled: path itself, or the cwd joined (a
	 * longer one is decided by the full check) */
	char joined[FOLD_SMALL];
	const char *walked = path[0] == '/' ? path : joined;
	size_t n = fp ? strlen(path) : 0;
	uint64_t h = fp ? ip_hash(path, n) : 0;
	bool seen = fp && ip_reads_seen(fp, path, n, h, kpath);
	if (seen ||
	    read_fast(dirfd, path, false, walked == joined ? joined : NULL,
		      sizeof(joined))) {
		long fd = open_silent(dirfd, path, flags, kpath, seen, walked);
		/* remember names decided on as spelled (absolute, nothing
		 * to fold) that opened: what the walk found stays true */
		if (fd >= 0 && !seen && fp && ip_path_is_normal(path))
			ip_reads_remember(fp, path, n, h, kpath);
		if (fd >= 0) {
			*ret = (int)fd;
			errno = saved;
			done = true;
		} else if (fd == -1) {
			*ret = -1; /* ENOENT, EACCES, ...: what open says */
			done = true;
		} else {
			errno = saved; /* full check */
		}
	}
	ip_in_hook--;
	return done;
}

/* cwd_lock and dirs_lock are leaves: nothing is taken while they are
 * held */
void ip_reads_lock(void)
{
	pthread_mutex_lock(&cwd_lock);
	pthread_mutex_lock(&dirs_lock);
}

void ip_reads_unlock(void)
{
	pthread_mutex_unlock(&dirs_lock);
	pthread_mutex_unlock(&cwd_lock);
}
