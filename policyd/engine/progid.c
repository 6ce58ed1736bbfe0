/* SPDX-License-Identifier: MIT */
#include "progid.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define CACHE_SLOTS 256

struct cache_ent {
	bool used;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	uint8_t sha[TG_SHA256_LEN];
	uint64_t tick;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cache_ent cache[CACHE_SLOTS];
static uint64_t tick;

#define SETTLE_NS 100000000LL /* 100 ms: ten of the coarsest ticks */

bool progid_ctime_settled(const struct stat *st)
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

static bool ts_eq(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static bool ent_is(const struct cache_ent *e, const struct stat *st)
{
	return e->used && e->dev == st->st_dev && e->ino == st->st_ino &&
	       e->size == st->st_size && ts_eq(e->mtime, st->st_mtim) &&
	       ts_eq(e->ctime, st->st_ctim);
}

static bool cache_get(const struct stat *st, uint8_t out[TG_SHA256_LEN])
{
	bool found = false;
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < CACHE_SLOTS && !found; i++)
		if (ent_is(&cache[i], st)) {
			memcpy(out, cache[i].sha, TG_SHA256_LEN);
			cache[i].tick = ++tick;
			found = true;
		}
	pthread_mutex_unlock(&lock);
	return found;
}

static void cache_put(const struct stat *st, const uint8_t sha[TG_SHA256_LEN])
{
	if (!progid_ctime_settled(st))
		return; /* could change again within the same timestamp */
	pthread_mutex_lock(&lock);
	struct cache_ent *e = &cache[0];
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (ent_is(&cache[i], st)) {
			e = &cache[i];
			break;
		}
		if (cache[i].tick < e->tick)
			e = &cache[i];
	}
	*e = (struct cache_ent){.used = true,
				.dev = st->st_dev,
				.ino = st->st_ino,
				.size = st->st_size,
				.mtime = st->st_mtim,
				.ctime = st->st_ctim,
				.tick = ++tick};
	memcpy(e->sha, sha, TG_SHA256_LEN);
	pthread_mutex_unlock(&lock);
}

/* The hash of the file at path, which must still be the file st describes
 * (same device, inode, size, mtime and ctime, before and after the read:
 * a file written while it is read is not hashed). */
static int hash_file(const char *path, const struct stat *st,
		     uint8_t out[TG_SHA256_LEN])
{
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	if (st->st_size > PROGID_MAX_BYTES)
		return -EFBIG;
	if (cache_get(st, out))
		return 0;
	/* O_NONBLOCK|O_NOCTTY: if it was swapped for a FIFO or a device
	 * since st was taken, opening it has no effect and fstat says so */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
						O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	struct stat a, b;
	if (fstat(fd, &a) < 0)
		return -errno;
	if (!S_ISREG(a.st_mode) || a.st_dev != st->st_dev ||
	    a.st_ino != st->st_ino || a.st_size != st->st_size ||
	    !ts_eq(a.st_ctim, st->st_ctim))
		return -ESTALE;
	struct tg_sha256 s;
	tg_sha256_init(&s);
	static __thread uint8_t buf[1 << 16];
	off_t off = 0;
	while (off < a.st_size) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ESTALE;
		tg_sha256_update(&s, buf, (size_t)n);
		off += n;
	}
	if (fstat(fd, &b) < 0 || b.st_size != a.st_size ||
	    !ts_eq(b.st_ctim, a.st_ctim))
		return -ESTALE;
	tg_sha256_final(&s, out);
	cache_put(&a, out);
	return 0;
}

int progid_file_hash(struct progid_file *f)
{
	if (f->hashed == 0) {
		int r = hash_file(f->path, &f->st, f->sha);
		f->hashed = r < 0 ? r : 1;
	}
	return f->hashed < 0 ? f->hashed : 0;
}

bool progid_file_is(struct progid_file *f, const struct progid *id,
		    bool unknown_is)
{
	if (!f)
		return unknown_is;
	if ((id->dev || id->ino) && (uint64_t)f->st.st_dev == id->dev &&
	    (uint64_t)f->st.st_ino == id->ino)
		return true;
	if (id->size >= 0 && id->size != (int64_t)f->st.st_size)
		return false; /* no bytes read: the sizes differ */
	if (!S_ISREG(f->st.st_mode))
		return false;
	if (progid_file_hash(f) < 0)
		return unknown_is;
	return !memcmp(f->sha, id->sha, TG_SHA256_LEN);
}

int progid_of_path(const char *path, struct progid *ret)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	struct progid id = {.dev = (uint64_t)st.st_dev,
			    .ino = (uint64_t)st.st_ino,
			    .size = (int64_t)st.st_size};
	int r = hash_file(path, &st, id.sha);
	if (r < 0)
		return r;
	*ret = id;
	return 0;
}
