/* SPDX-License-Identifier: MIT */
/*
 * libtiergate-preload.so: the LD_PRELOAD interposer.
 *
 * Forwards exec, file-changing calls, non-trivial reads and connects to
 * policyd and refuses what policyd refuses: the call fails with EACCES
 * (EPERM for connect) and one line on stderr names what was refused, by
 * which rule, and what to do instead.
 *
 * Rules this file lives by:
 * - Only the hooked functions are exported (-fvisibility=hidden).
 * - errno is what the caller expects: preserved on allowed calls, set to
 *   EACCES/EPERM on refusals.
 * - Re-entry guard: calls made while deciding go straight to libc.
 * - vfork/fork safe: the exec path uses only the stack, mmap and raw
 *   system calls (a fresh socket per exec, no malloc, no locks, no stdio),
 *   so it works in a vfork child and after fork in a threaded parent.
 * - Threads: other calls use a small pool of connections, one per
 *   concurrent caller; a child after fork opens its own.
 * - Fail closed: policyd unreachable -> refused with a message, unless the
 *   session's policy says fail: open.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "glob.h"
#include "tg_proto.h"

#define EXPORT __attribute__((visibility("default")))

extern char **environ;

/* ------------------------------------------------------------ state */

static char lib_path[4096];    /* our own .so, for LD_PRELOAD re-injection */
static char sock_path[108];    /* policyd's agent socket */
static char env_preload[4200]; /* "LD_PRELOAD=..." */
static char env_socket[160];   /* "TIERGATE_SOCKET=..." */
static char env_session[96];   /* "TIERGATE_SESSION=..." */
static char env_fail[32];      /* "TIERGATE_FAIL=..." */
static char env_backstop[32];  /* "TIERGATE_BACKSTOP=..." */
/* The kernel path (seccomp user-notify, see policyd/supervisor.c) decides
 * execs, write-opens and connects of this process: agent-shell says so in
 * TIERGATE_BACKSTOP, and the process must really run under a filter. The
 * HELLO answer, once fetched, is authoritative. */
static uint32_t backstop_env;
static bool active;	      /* we are in a session */
static _Atomic int fail_open; /* the session's policy says fail: open */

static __thread int in_hook
    __attribute__((tls_model("initial-exec"))); /* re-entry guard */

/*
 * Fast paths, from policyd's HELLO answer: one immutable snapshot published
 * through an atomic pointer. A policy reload bumps the counter in policyd's
 * generation file, which makes the next call fetch a new snapshot; old ones
 * are never freed, so a thread still using one stays safe (reloads are
 * rare; the few kilobytes are the price).
 */
struct git_id {
	uint64_t dev, ino;
	int64_t size;
};
struct globv {
	struct glob **v;
	uint64_t *key; /* hash of the first path component of the glob's
			* literal prefix, 0 when the prefix has none */
	size_t n, cap;
	bool all; /* one of them matches every absolute path (read-anywhere) */
};
struct fastpath {
	uint64_t gen;
	bool read_ok, exec_ok;
	struct globv ra, rs;	 /* reads: allow, sensitive */
	struct globv xa, xs, x0; /* execs: allow, sensitive, argv0 */
	struct git_id git[8];
	int ngit;
	uint32_t backstop; /* TGPB_* */
};
static pthread_mutex_t fp_lock = PTHREAD_MUTEX_INITIALIZER;
static struct fastpath *_Atomic FP;
static const volatile uint64_t *genmap; /* policyd's generation counter */
static _Atomic uint64_t fp_retry_after_ns;

/* cached cwd for relative read-only opens (refreshed by chdir/fchdir) */
static pthread_mutex_t cwd_lock = PTHREAD_MUTEX_INITIALIZER;
static char cwd_cache[4096];
static _Atomic int cwd_valid;

/* connection pool for non-exec calls */
#define POOL_MAX 32
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static int pool[POOL_MAX];
static uint64_t pool_ino[POOL_MAX]; /* the socket's inode: still ours? */
static int pool_n;
static _Atomic pid_t pool_pid;
/* the connection of the names report whose answer is not read yet, kept
 * out of the pool, and here until the answer has been read; -1: none.
 * Written with names_settle_lock held (and in a forked child). */
static _Atomic int names_fd = -1;
static uint64_t names_ino;
static pthread_mutex_t names_settle_lock = PTHREAD_MUTEX_INITIALIZER;
static void names_settle(void);

/* host names from getaddrinfo, to tell policyd what a connect is for */
#define NAMES 64
struct name_ent {
	uint8_t addr[16];
	char host[256];
};
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;
/* directories seen free of symlinks (the read fast path under the
 * backstop); only ever taken with trylock */
static pthread_mutex_t dirs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct name_ent names[NAMES];
static unsigned names_next;

/* ----------------------------------------------------- raw helpers */

static size_t s_len(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static void s_copy(char *dst, size_t cap, const char *a, const char *b)
{
	size_t o = 0;
	for (const char *p = a; p && *p && o + 1 < cap; p++)
		dst[o++] = *p;
	for (const char *p = b; p && *p && o + 1 < cap; p++)
		dst[o++] = *p;
	dst[o] = '\0';
}

/*
 * p, as a value the compiler knows nothing about. libc declares the path
 * arguments of the calls we wrap nonnull, and GCC drops NULL checks on such
 * arguments even in functions inlined into the hooks (and even with
 * -fno-delete-null-pointer-checks); programs do pass NULL, and the kernel
 * answers EFAULT. Every gate launders the pointers it checks.
 */
static inline const char *maybe_null(const char *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* n bytes of p, a word at a time, mixed so that every bit of the result
 * depends on every byte: the hash of the tables here (names are compared
 * whole on a hit; the hash only spreads them) */
static uint64_t hash_bytes(const char *p, size_t n)
{
	size_t i = 0;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	if (n >= 8) /* the last 8 bytes, overlapping: no call for the tail */
		memcpy(&w, p + n - 8, 8);
	else
		for (size_t j = 0; j < n; j++)
			w |= (uint64_t)(unsigned char)p[j] << (8 * j);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 29);
}

static bool has_prefix(const char *s, const char *p)
{
	while (*p)
		if (*s++ != *p++)
			return false;
	return true;
}

static void raw_write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		long w = syscall(SYS_write, fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

/* One line on stderr; no stdio, no malloc. Non-printable bytes in the
 * target are shown as '?', so a hostile file name cannot forge lines. */
static void say(const char *verb, const char *kind, const char *target,
		const char *rule, const char *msg)
{
	char line[2048];
	size_t n =
	    tgp_refusal_line(line, sizeof(line), verb, kind, target, rule, msg);
	raw_write_all(2, line, n);
}

static int raw_connect(void)
{
	return tgp_connect(sock_path);
}

/* ---------------------------------------------------------- verdicts */

struct verdict {
	bool allow;
	bool unreachable;
	char rule[128];
	char msg[1024];
	char target[1024];
};

static void parse_decision(const uint8_t *rbuf, long n, struct verdict *v)
{
	struct tgp_dec d;
	struct tgp_field f;
	v->allow = false;
	v->unreachable = false;
	v->rule[0] = v->msg[0] = '\0';
	int dr = tgp_dec_begin(&d, rbuf, (size_t)n);
	if (dr == -EPROTO) {
		/* refused, with what to do */
		tgp_version_mismatch(v->msg, sizeof(v->msg), rbuf,
				     "interposer");
		size_t l = s_len(v->msg);
		s_copy(v->msg + l, sizeof(v->msg) - l,
		       ": restart policyd from this tiergate's installation",
		       NULL);
		return;
	}
	if (dr < 0) {
		s_copy(v->msg, sizeof(v->msg),
		       "policyd sent a malformed answer", NULL);
		return;
	}
	if (d.h.type != TGP_DECISION) {
		s_copy(v->msg, sizeof(v->msg), "policyd refused the request",
		       NULL);
	}
	uint32_t action = 3;
	int r;
	while ((r = tgp_dec_next(&d, &f)) == 1) {
		if (f.tag == TGPT_ACTION)
			action = tgp_u32(&f);
		else if (f.tag == TGPT_RULE)
			(void)tgp_str(&f, v->rule, sizeof(v->rule));
		else if (f.tag == TGPT_MESSAGE)
			(void)tgp_str(&f, v->msg, sizeof(v->msg));
		else if (f.tag == TGPT_TARGET)
			(void)tgp_str(&f, v->target, sizeof(v->target));
	}
	if (r == 0 && d.h.type == TGP_DECISION)
		v->allow = action == 0 || action == 1; /* allow, log */
}

static void unreachable(struct verdict *v)
{
	v->unreachable = true;
	v->allow = fail_open;
	s_copy(v->rule, sizeof(v->rule), "", NULL);
	s_copy(v->msg, sizeof(v->msg),
	       fail_open
		   ? "policyd is unreachable; allowed because the policy says "
		     "fail: open"
		   : "policyd is unreachable and the policy fails closed; "
		     "restart it (agent-shell does this) and retry",
	       NULL);
}

/* ------------------------------------------------------ the pool */

/* A child's copies of its parent's pooled connections: closed, but only
 * where the number still holds that socket. fork() drops them at once
 * (atfork); a child made by vfork or a raw clone finds out here, later,
 * when the program may already have put its own file at the number (a
 * shell's `3>file` before exec) and closing it would lose that file. */
static bool pool_still_ours(int fd, uint64_t ino)
{
	struct stat st;
	return syscall(SYS_fstat, fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
	       (uint64_t)st.st_ino == ino;
}

static void pool_drop_inherited(void)
{
	for (int i = 0; i < pool_n; i++)
		if (pool_still_ours(pool[i], pool_ino[i]))
			syscall(SYS_close, pool[i]);
	pool_n = 0;
	int nfd = names_fd;
	if (nfd >= 0 && pool_still_ours(nfd, names_ino))
		syscall(SYS_close, nfd);
	names_fd = -1;
}

static void pool_check_fork(void)
{
	pid_t me = (pid_t)syscall(SYS_getpid);
	if (pool_pid != me) {
		/* a forked child: the inherited connections are the
		 * parent's; drop them (close our copies) */
		pthread_mutex_lock(&pool_lock);
		if (pool_pid != me) {
			pool_drop_inherited();
			pool_pid = me;
		}
		pthread_mutex_unlock(&pool_lock);
	}
}

static int pool_get(void)
{
	pool_check_fork();
	for (;;) {
		pthread_mutex_lock(&pool_lock);
		int fd = -1;
		uint64_t ino = 0;
		if (pool_n) {
			fd = pool[--pool_n];
			ino = pool_ino[pool_n];
		}
		pthread_mutex_unlock(&pool_lock);
		if (fd < 0)
			return raw_connect();
		/* the program may have closed it (a close of every
		 * descriptor, closefrom) and opened its own file at that
		 * number: a request must never be written there */
		if (pool_still_ours(fd, ino))
			return fd;
	}
}

static void pool_put(int fd, bool ok)
{
	if (!ok) {
		syscall(SYS_close, fd);
		return;
	}
	pthread_mutex_lock(&pool_lock);
	struct stat st;
	if (pool_n < POOL_MAX && pool_pid == (pid_t)syscall(SYS_getpid) &&
	    syscall(SYS_fstat, fd, &st) == 0) {
		pool_ino[pool_n] = (uint64_t)st.st_ino;
		pool[pool_n++] = fd;
		fd = -1;
	}
	pthread_mutex_unlock(&pool_lock);
	if (fd >= 0)
		syscall(SYS_close, fd);
}

/* A request over a pooled connection (not for vfork children). */
static void ask_pooled(const uint8_t *msg, size_t len, struct verdict *v)
{
	/* on the stack: a thread-local buffer would be 8 KiB more static TLS
	 * for every thread of every program, zeroed at each start */
	uint8_t rbuf[8192];
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = pool_get();
		if (fd < 0)
			break;
		long n = tgp_roundtrip(fd, msg, len, rbuf, sizeof(rbuf));
		pool_put(fd, n > 0);
		if (n > 0) {
			parse_decision(rbuf, n, v);
			return;
		}
		/* a pooled connection may be stale (policyd restarted): retry
		 * once fresh */
	}
	unreachable(v);
}

/* --------------------------------------------------------- fast paths */

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * A cheap filter in front of the globs: the hash of a path's first
 * component ("/root/x/y" -> "/root/"). A glob whose literal prefix holds a
 * whole first component can only match paths with the same one. For a
 * prefix (partial=true), a component not closed by '/' gives 0: no filter.
 */
static uint64_t first_component_key(const char *s, bool partial)
{
	if (s[0] != '/')
		return 0;
	const char *e = strchr(s + 1, '/');
	if (!e) {
		if (partial)
			return 0;
		e = s + s_len(s);
	}
	return hash_bytes(s, (size_t)(e - s)) | 1; /* never 0 */
}

static bool globv_add(struct globv *v, const struct tgp_field *f,
		      enum glob_mode mode)
{
	char pat[GLOB_MAX_LEN + 1];
	struct glob *g = NULL;
	const char *err;
	size_t pos;
	if (tgp_str(f, pat, sizeof(pat)) < 0 ||
	    glob_compile(pat, mode, &g, &err, &pos) < 0)
		return false;
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 16;
		struct glob **nv = realloc(v->v, nc * sizeof(*nv));
		if (!nv) {
			glob_free(g);
			return false;
		}
		v->v = nv;
		uint64_t *nk = realloc(v->key, nc * sizeof(*nk));
		if (!nk) {
			glob_free(g);
			return false;
		}
		v->key = nk;
		v->cap = nc;
	}
	v->key[v->n] =
	    mode == GLOB_PATH ? first_component_key(glob_prefix(g), true) : 0;
	v->v[v->n++] = g;
	if (mode == GLOB_PATH && !strcmp(pat, "/**"))
		v->all = true;
	return true;
}

static void map_genfile(const struct tgp_field *f)
{
	char path[512];
	if (genmap || tgp_str(f, path, sizeof(path)) < 0)
		return;
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path,
			      O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return;
	void *m = mmap(NULL, sizeof(uint64_t), PROT_READ, MAP_SHARED, fd, 0);
	syscall(SYS_close, fd);
	if (m != MAP_FAILED)
		genmap = m;
}

/* Fetches a snapshot from policyd (a HELLO round trip). */
static struct fastpath *fastpath_fetch(void)
{
	uint8_t msg[64];
	struct tgp_enc e;
	tgp_enc_begin(&e, msg, sizeof(msg), TGP_HELLO, 1);
	long len = tgp_enc_end(&e);
	struct fastpath *fp = calloc(1, sizeof(*fp));
	uint8_t *rbuf = mmap(NULL, TGP_MAX_MSG, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = pool_get();
	bool good = false;
	if (fp && fd >= 0 && rbuf != MAP_FAILED) {
		long n = tgp_roundtrip(fd, msg, (size_t)len, rbuf, TGP_MAX_MSG);
		pool_put(fd, n > 0);
		fd = -1;
		struct tgp_dec d;
		struct tgp_field f;
		if (n > 0 && tgp_dec_begin(&d, rbuf, (size_t)n) == 0 &&
		    d.h.type == TGP_HELLO_OK) {
			bool rok = false, xok = false, bad = false;
			int r;
			fp->gen = genmap ? *genmap : 0;
			while ((r = tgp_dec_next(&d, &f)) == 1) {
				switch (f.tag) {
				case TGPT_FAIL:
					fail_open = tgp_u32(&f) == 1;
					break;
				case TGPT_FASTPATH:
					rok = tgp_u32(&f) == 1;
					break;
				case TGPT_EXEC_FAST:
					xok = tgp_u32(&f) == 1;
					break;
				case TGPT_ALLOW_GLOB:
					bad |=
					    !globv_add(&fp->ra, &f, GLOB_PATH);
					break;
				case TGPT_SENS_GLOB:
					bad |=
					    !globv_add(&fp->rs, &f, GLOB_PATH);
					break;
				case TGPT_EXEC_ALLOW:
					xok &=
					    globv_add(&fp->xa, &f, GLOB_PATH);
					break;
				case TGPT_EXEC_SENS:
					xok &=
					    globv_add(&fp->xs, &f, GLOB_PATH);
					break;
				case TGPT_EXEC_SENS0:
					xok &=
					    globv_add(&fp->x0, &f, GLOB_TOKEN);
					break;
				case TGPT_GIT_ID: {
					char id[96];
					unsigned long long dev, ino;
					long long size;
					if (fp->ngit < 8 &&
					    tgp_str(&f, id, sizeof(id)) == 0 &&
					    sscanf(id, "%llu:%llu:%lld", &dev,
						   &ino, &size) == 3)
						fp->git[fp->ngit++] =
						    (struct git_id){dev, ino,
								    size};
					else
						xok = false;
					break;
				}
				case TGPT_BACKSTOP:
					fp->backstop = tgp_u32(&f);
					break;
				case TGPT_GENFILE:
					map_genfile(&f);
					if (!fp->gen && genmap)
						fp->gen = *genmap;
					break;
				default:
					break;
				}
			}
			good = r == 0;
			fp->read_ok = good && rok && !bad;
			fp->exec_ok = good && xok;
		}
	}
	if (fd >= 0)
		pool_put(fd, false);
	if (rbuf != MAP_FAILED)
		munmap(rbuf, TGP_MAX_MSG);
	if (!good) {
		free(fp);
		return NULL;
	}
	return fp;
}

/* The current snapshot, fetching one if needed; NULL when policyd cannot
 * be asked (then every call goes to policyd, and fails closed). */
static struct fastpath *fastpath_get(void)
{
	struct fastpath *fp = FP;
	if (fp && (!genmap || *genmap == fp->gen))
		return fp;
	if (mono_ns() < fp_retry_after_ns)
		return NULL;
	pthread_mutex_lock(&fp_lock);
	fp = FP;
	if (!fp || (genmap && *genmap != fp->gen)) {
		struct fastpath *nfp = fastpath_fetch();
		if (nfp)
			FP =
			    nfp; /* the old snapshot is left alive on purpose */
		else
			fp_retry_after_ns = mono_ns() + 1000000000ULL;
		fp = nfp;
	}
	pthread_mutex_unlock(&fp_lock);
	return fp;
}

static bool any_match_k(const struct globv *v, const char *s, uint64_t k)
{
	if (v->all && s[0] == '/' && s[1])
		return true; /* read-anywhere: no walk of the path */
	for (size_t i = 0; i < v->n; i++)
		if ((!v->key[i] || v->key[i] == k) && glob_match(v->v[i], s))
			return true;
	return false;
}

static bool any_match(const struct globv *v, const char *s)
{
	return any_match_k(v, s, first_component_key(s, false));
}

static bool read_is_silent(const struct fastpath *fp, const char *abs)
{
	uint64_t k = first_component_key(abs, false);
	return fp->read_ok && any_match_k(&fp->ra, abs, k) &&
	       !any_match_k(&fp->rs, abs, k);
}

static long raw_readlink(void *ctx, const char *path, char *buf, size_t sz)
{
	(void)ctx;
	long n = syscall(SYS_readlinkat, AT_FDCWD, path, buf, sz - 1);
	return n < 0 ? -errno : n;
}

/* Resolves symlinks with raw system calls on caller buffers only (safe in
 * a vfork child). False if anything is unusual (missing, no permission):
 * the caller then asks policyd. */
/* dir + "/" + path, not folded */
static bool join_raw(const char *dir, const char *path, char *out, size_t cap)
{
	size_t a = s_len(dir), b = s_len(path);
	if (a + 1 + b >= cap)
		return false;
	memcpy(out, dir, a);
	out[a] = '/';
	memcpy(out + a + 1, path, b + 1);
	return true;
}

static bool raw_realpath(const char *abs, char *out, size_t cap)
{
	int saved = errno;
	bool ok =
	    tg_resolve_links(abs, raw_readlink, NULL, false, out, cap) == 0;
	errno = saved;
	return ok;
}

/* Can this exec be allowed without asking policyd? Only for a silent Tier 1
 * allow, by the rules policyd sent (see policy_exec_fastpath). */
static bool exec_is_silent(int dirfd, const char *path, char *const argv[])
{
	/* no fetch here: a child would pay a round trip to save one. The
	 * snapshot comes from the parent (fetched before fork, inherited). */
	struct fastpath *fp = FP;
	if (fp && genmap && *genmap != fp->gen)
		return false;
	if (!fp || !fp->exec_ok || dirfd != AT_FDCWD || !path || !*path ||
	    !argv || !argv[0])
		return false;
	char lex[4096], real[4096], cwd[4096], raw[4096];
	if (path[0] == '/') {
		if (tg_path_normalize("/", path, lex, sizeof(lex)) < 0)
			return false;
		s_copy(raw, sizeof(raw), path, NULL);
	} else {
		long n = syscall(SYS_getcwd, cwd, sizeof(cwd));
		if (n <= 0 || cwd[0] != '/' ||
		    tg_path_normalize(cwd, path, lex, sizeof(lex)) < 0 ||
		    !join_raw(cwd, path, raw, sizeof(raw)))
			return false;
	}
	/* the real program from the path as spelled: ".." after a symlink is
	 * the parent of its target, which the lexical fold cannot know */
	if (has_prefix(lex, "/proc/") || !raw_realpath(raw, real, sizeof(real)))
		return false;
	struct stat st;
	if (syscall(SYS_newfstatat, AT_FDCWD, real, &st, 0) < 0 ||
	    !S_ISREG(st.st_mode))
		return false;
	for (int i = 0; i < fp->ngit; i++)
		if (((uint64_t)st.st_dev == fp->git[i].dev &&
		     (uint64_t)st.st_ino == fp->git[i].ino) ||
		    (int64_t)st.st_size == fp->git[i].size)
			return false; /* git, or possibly a copy of it */
	/* argv patterns name a program by argv[0] or by its own path, as
	 * spelled or resolved (policyd matches all three) */
	const char *progn[] = {argv[0], lex, real};
	for (size_t i = 0; i < 3; i++) {
		const char *base = strrchr(progn[i], '/');
		if (any_match(&fp->x0, base ? base + 1 : progn[i]))
			return false;
	}
	return any_match(&fp->xa, real) && any_match(&fp->xa, lex) &&
	       !any_match(&fp->xs, real) && !any_match(&fp->xs, lex);
}

static bool cached_cwd(char *out, size_t outsz)
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
			return false;
	}
	pthread_mutex_lock(&cwd_lock);
	s_copy(out, outsz, cwd_cache, NULL);
	pthread_mutex_unlock(&cwd_lock);
	return true;
}

/* ----------------------------------------------------- real symbols */

#define REAL(ret, name, ...)                                                   \
	static ret (*real_##name)(__VA_ARGS__);                                \
	static ret (*get_##name(void))(__VA_ARGS__)                            \
	{                                                                      \
		if (!real_##name)                                              \
			real_##name =                                          \
			    (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name);      \
		return real_##name;                                            \
	}

REAL(int, execve, const char *, char *const[], char *const[])
REAL(int, execvp, const char *, char *const[])
REAL(int, execvpe, const char *, char *const[], char *const[])
REAL(int, fexecve, int, char *const[], char *const[])
REAL(int, execveat, int, const char *, char *const[], char *const[], int)
REAL(int, posix_spawn, pid_t *, const char *,
     const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
     char *const[], char *const[])
REAL(int, posix_spawnp, pid_t *, const char *,
     const posix_spawn_file_actions_t *, const posix_spawnattr_t *,
     char *const[], char *const[])
REAL(int, system, const char *)
REAL(FILE *, popen, const char *, const char *)
REAL(int, open, const char *, int, ...)
REAL(int, open64, const char *, int, ...)
REAL(int, openat, int, const char *, int, ...)
REAL(int, openat64, int, const char *, int, ...)
REAL(int, __open_2, const char *, int)
REAL(int, __open64_2, const char *, int)
REAL(int, __openat_2, int, const char *, int)
REAL(int, __openat64_2, int, const char *, int)
REAL(int, creat, const char *, mode_t)
REAL(int, creat64, const char *, mode_t)
REAL(FILE *, fopen, const char *, const char *)
REAL(FILE *, fopen64, const char *, const char *)
REAL(FILE *, freopen, const char *, const char *, FILE *)
REAL(FILE *, freopen64, const char *, const char *, FILE *)
REAL(int, truncate, const char *, off_t)
REAL(int, truncate64, const char *, off_t)
REAL(int, rename, const char *, const char *)
REAL(int, renameat, int, const char *, int, const char *)
REAL(int, renameat2, int, const char *, int, const char *, unsigned)
REAL(int, unlink, const char *)
REAL(int, unlinkat, int, const char *, int)
REAL(int, rmdir, const char *)
REAL(int, mkdir, const char *, mode_t)
REAL(int, mkdirat, int, const char *, mode_t)
REAL(int, link, const char *, const char *)
REAL(int, linkat, int, const char *, int, const char *, int)
REAL(int, symlink, const char *, const char *)
REAL(int, symlinkat, const char *, int, const char *)
REAL(int, chdir, const char *)
REAL(int, fchdir, int)
REAL(int, connect, int, const struct sockaddr *, socklen_t)
REAL(ssize_t, sendto, int, const void *, size_t, int, const struct sockaddr *,
     socklen_t)
REAL(ssize_t, sendmsg, int, const struct msghdr *, int)
REAL(int, getaddrinfo, const char *, const char *, const struct addrinfo *,
     struct addrinfo **)
REAL(struct hostent *, gethostbyname, const char *)
REAL(struct hostent *, gethostbyname2, const char *, int)
REAL(int, gethostbyname_r, const char *, struct hostent *, char *, size_t,
     struct hostent **, int *)
REAL(int, gethostbyname2_r, const char *, int, struct hostent *, char *, size_t,
     struct hostent **, int *)

/* ------------------------------------------------------------ setup */

static const char *env_get(char *const *envp, const char *name)
{
	size_t n = s_len(name);
	for (char *const *e = envp; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* fork() in a threaded program: take our locks around it so the child
 * never inherits one held by a thread that does not exist there. */
static void atfork_prepare(void)
{
	/* fetch the fast-path snapshot once, here in the parent, so every
	 * child starts with it */
	if (active && !in_hook) {
		int saved = errno;
		in_hook++;
		(void)fastpath_get();
		/* a child's connect must find its parent's lookups recorded
		 * (the answer is on the parent's connection, which the child
		 * drops) */
		names_settle();
		in_hook--;
		errno = saved;
	}
	pthread_mutex_lock(&names_settle_lock);
	pthread_mutex_lock(&fp_lock);
	pthread_mutex_lock(&pool_lock);
	pthread_mutex_lock(&cwd_lock);
	pthread_mutex_lock(&names_lock);
	pthread_mutex_lock(&dirs_lock);
}

static void atfork_parent(void)
{
	pthread_mutex_unlock(&dirs_lock);
	pthread_mutex_unlock(&names_lock);
	pthread_mutex_unlock(&cwd_lock);
	pthread_mutex_unlock(&pool_lock);
	pthread_mutex_unlock(&fp_lock);
	pthread_mutex_unlock(&names_settle_lock);
}

/* the child: the parent's pooled connections go now, before the program
 * runs on and reuses their numbers */
static void atfork_child(void)
{
	pool_drop_inherited();
	pool_pid = (pid_t)syscall(SYS_getpid);
	atfork_parent();
}

__attribute__((constructor)) static void tg_init(void)
{
	Dl_info info;
	if (dladdr((void *)tg_init, &info) && info.dli_fname &&
	    info.dli_fname[0] == '/')
		s_copy(lib_path, sizeof(lib_path), info.dli_fname, NULL);
	const char *sock = env_get(environ, "TIERGATE_SOCKET");
	const char *sess = env_get(environ, "TIERGATE_SESSION");
	const char *fail = env_get(environ, "TIERGATE_FAIL");
	if (!sock || !*sock || s_len(sock) >= sizeof(sock_path) || !lib_path[0])
		return; /* not in a session: stay out of the way */
	s_copy(sock_path, sizeof(sock_path), sock, NULL);
	s_copy(env_socket, sizeof(env_socket), "TIERGATE_SOCKET=", sock);
	s_copy(env_session, sizeof(env_session),
	       "TIERGATE_SESSION=", sess ? sess : "");
	s_copy(env_fail, sizeof(env_fail), "TIERGATE_FAIL=",
	       fail && !strcmp(fail, "open") ? "open" : "closed");
	fail_open = fail && !strcmp(fail, "open");
	const char *bs = env_get(environ, "TIERGATE_BACKSTOP");
	if (bs && !strcmp(bs, "1") && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2)
		backstop_env =
		    TGPB_EXEC | TGPB_OPEN_WRITE | TGPB_CONNECT | TGPB_FS;
	s_copy(env_backstop, sizeof(env_backstop),
	       "TIERGATE_BACKSTOP=", backstop_env ? "1" : "0");
	/* keep the whole LD_PRELOAD value the session started with */
	const char *pre = env_get(environ, "LD_PRELOAD");
	s_copy(env_preload, sizeof(env_preload),
	       "LD_PRELOAD=", pre && strstr(pre, lib_path) ? pre : lib_path);
	pool_pid = (pid_t)syscall(SYS_getpid);
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	active = true;
}

/* ------------------------------------------------------------- exec */

/*
 * Builds envp for the new program: the caller's envp with LD_PRELOAD and
 * the TIERGATE_* variables put back if they were removed or changed. Uses
 * the caller-provided array (stack or mmap), never malloc.
 */
static char *const *fix_env(char *const *envp, char **out, size_t cap)
{
	size_t o = 0;
	bool have_pre = false;
	for (char *const *e = envp; e && *e && o + 5 < cap; e++) {
		if (has_prefix(*e, "LD_PRELOAD=")) {
			if (strstr(*e, lib_path)) {
				out[o++] = *e;
				have_pre = true;
			}
			continue;
		}
		if (has_prefix(*e, "TIERGATE_SOCKET=") ||
		    has_prefix(*e, "TIERGATE_SESSION=") ||
		    has_prefix(*e, "TIERGATE_FAIL=") ||
		    has_prefix(*e, "TIERGATE_BACKSTOP="))
			continue;
		out[o++] = *e;
	}
	if (!have_pre)
		out[o++] = env_preload;
	out[o++] = env_socket;
	out[o++] = env_session;
	out[o++] = env_fail;
	out[o++] = env_backstop;
	out[o] = NULL;
	return out;
}

static size_t count_vec(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

/*
 * Decides an exec with a fresh connection (vfork-safe). path is as the
 * caller gives it; dirfd for execveat; flags TGPF_*. The message buffer
 * is mmap'd: argv can be large and this may run on a vfork child's
 * borrowed stack.
 */
static void decide_exec(int dirfd, const char *path, char *const argv[],
			uint32_t flags, struct verdict *v)
{
	v->target[0] = '\0';
	s_copy(v->target, sizeof(v->target), path, NULL);
	/* most command lines fit on the stack; big ones get an mmap */
	uint8_t small[16384];
	size_t need = sizeof(struct tgp_hdr) + 64 + s_len(path) + 8;
	for (char *const *a = argv; a && *a; a++)
		need += s_len(*a) + sizeof(struct tgp_fhdr);
	bool big = need > sizeof(small);
	size_t cap = big ? TGP_MAX_MSG : sizeof(small);
	uint8_t *buf = small;
	if (big) {
		buf = mmap(NULL, TGP_MAX_MSG, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED) {
			unreachable(v);
			return;
		}
	}
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, cap, TGP_DECIDE, 2);
	tgp_put_u32(&e, TGPT_KIND, TGPK_EXEC);
	tgp_put_str(&e, TGPT_PATH, path);
	tgp_put_u32(&e, TGPT_DIRFD, (uint32_t)dirfd);
	if (flags)
		tgp_put_u32(&e, TGPT_FLAGS, flags);
	size_t argc = count_vec(argv);
	for (size_t i = 0; i < argc && i < TGP_MAX_ARGS; i++)
		tgp_put_str(&e, TGPT_ARG, argv[i]);
	long len = tgp_enc_end(&e);
	if (argc == 0 || argc > TGP_MAX_ARGS || len < 0 ||
	    s_len(path) > TGP_MAX_PATH) {
		if (big)
			munmap(buf, TGP_MAX_MSG);
		v->allow = false;
		s_copy(v->rule, sizeof(v->rule), "", NULL);
		s_copy(v->msg, sizeof(v->msg),
		       argc == 0
			   ? "an exec with an empty argv cannot be mediated"
			   : "the command line is too large for tiergate to "
			     "mediate (1 MiB, 16384 arguments)",
		       NULL);
		return;
	}
	int fd = raw_connect();
	long n = fd >= 0 ? tgp_roundtrip(fd, buf, (size_t)len, buf, cap) : -1;
	if (fd >= 0)
		syscall(SYS_close, fd);
	if (n > 0)
		parse_decision(buf, n, v);
	else
		unreachable(v);
	if (big)
		munmap(buf, TGP_MAX_MSG);
}

/* Joins argv into the displayed target: "git push --force origin main". */
static void argv_label(char *const argv[], char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; argv && argv[i] && o + 2 < cap; i++) {
		if (i)
			out[o++] = ' ';
		for (const char *p = argv[i]; *p && o + 1 < cap; p++)
			out[o++] = *p;
	}
	out[o] = '\0';
}

static int refuse(const char *kind, const char *label, struct verdict *v,
		  int err)
{
	say("refused", kind, label, v->rule, v->msg);
	errno = err;
	return -1;
}

/* Common exec gate. Returns 0 to go ahead (with *envout fixed), -1 refused. */
/* Does the kernel path decide this kind of call? No fetch (vfork-safe). */
static bool kernel_decides(uint32_t bit)
{
	struct fastpath *fp = FP;
	if (fp && genmap && *genmap == fp->gen)
		return (fp->backstop & bit) != 0;
	return (backstop_env & bit) != 0;
}

static int exec_decide(int dirfd, const char *path, char *const argv[],
		       uint32_t flags)
{
	if (kernel_decides(TGPB_EXEC))
		return 0; /* one decision per call: the kernel's */
	if (!flags && exec_is_silent(dirfd, path, argv))
		return 0;
	/* no such program: the exec fails the same without a decision
	 * (execvp tries every PATH directory; no refusal line for those) */
	if (path && path[0] && !(flags & AT_EMPTY_PATH) &&
	    syscall(SYS_faccessat, dirfd, path, F_OK) < 0 &&
	    (errno == ENOENT || errno == ENOTDIR))
		return -1;
	struct verdict v;
	v.unreachable = false;
	decide_exec(dirfd, path, argv, flags, &v);
	if (v.allow) {
		if (v.unreachable)
			say("allowed", "exec", path, NULL, v.msg);
		return 0;
	}
	char label[1024];
	argv_label(argv, label, sizeof(label));
	return refuse("exec", label[0] ? label : path, &v, EACCES);
}

/* Every exec entry point: decided inside the re-entry guard; 0 with errno
 * as the caller had it, or -1 with errno set (the refusal was said). */
static int exec_gate(int dirfd, const char *path, char *const argv[],
		     uint32_t flags)
{
	path = maybe_null(path);
	if (!path)
		return 0; /* no program: the kernel fails it (EFAULT) */
	int saved = errno;
	in_hook++;
	int r = exec_decide(dirfd, path, argv, flags);
	in_hook--;
	if (r == 0)
		errno = saved;
	return r;
}

#define ENV_CAP 4096

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	if (!active || in_hook)
		return get_execve()(path, argv, envp);
	if (exec_gate(AT_FDCWD, path, argv, 0) < 0)
		return -1;
	char *env[ENV_CAP];
	return get_execve()(path, argv, fix_env(envp, env, ENV_CAP));
}

EXPORT int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

/* Finds file in PATH like execvp; result in out. */
static bool path_search(const char *file, char *out, size_t cap)
{
	if (strchr(file, '/')) {
		s_copy(out, cap, file, NULL);
		return true;
	}
	const char *p = env_get(environ, "PATH");
	if (!p)
		p = "/usr/local/bin:/usr/bin:/bin";
	while (*p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : s_len(p);
		char cand[4096];
		if (n + s_len(file) + 2 < sizeof(cand)) {
			if (n == 0) {
				s_copy(cand, sizeof(cand), file, NULL);
			} else {
				memcpy(cand, p, n);
				cand[n] = '/';
				s_copy(cand + n + 1, sizeof(cand) - n - 1, file,
				       NULL);
			}
			struct stat st;
			if (syscall(SYS_faccessat, AT_FDCWD, cand, X_OK) == 0 &&
			    syscall(SYS_newfstatat, AT_FDCWD, cand, &st, 0) ==
				0 &&
			    S_ISREG(st.st_mode)) {
				s_copy(out, cap, cand, NULL);
				return true;
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
	return false;
}

static int execvpe_common(const char *file, char *const argv[],
			  char *const envp[], bool use_envp)
{
	if (!active || in_hook)
		return use_envp ? get_execvpe()(file, argv, envp)
				: get_execvp()(file, argv);
	char resolved[4096];
	if (!file || !*file || !path_search(file, resolved, sizeof(resolved))) {
		/* not found: let libc report ENOENT the usual way */
		return use_envp ? get_execvpe()(file, argv, envp)
				: get_execvp()(file, argv);
	}
	if (exec_gate(AT_FDCWD, resolved, argv, 0) < 0)
		return -1;
	char *env[ENV_CAP];
	return get_execvpe()(resolved, argv,
			     fix_env(use_envp ? envp : environ, env, ENV_CAP));
}

EXPORT int execvp(const char *file, char *const argv[])
{
	return execvpe_common(file, argv, NULL, false);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return execvpe_common(file, argv, envp, true);
}

#define MAX_LARGS 4096

static int collect_args(const char *arg0, va_list ap, char **argv, char ***envp)
{
	size_t n = 0;
	argv[n++] = (char *)arg0;
	while (arg0) {
		char *a = va_arg(ap, char *);
		if (n >= MAX_LARGS) {
			errno = E2BIG;
			return -1;
		}
		argv[n++] = a;
		if (!a)
			break;
	}
	if (envp)
		*envp = va_arg(ap, char **);
	return 0;
}

EXPORT int execl(const char *path, const char *arg, ...)
{
	char *argv[MAX_LARGS + 1];
	va_list ap;
	va_start(ap, arg);
	int r = collect_args(arg, ap, argv, NULL);
	va_end(ap);
	return r < 0 ? -1 : execve(path, argv, environ);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	char *argv[MAX_LARGS + 1];
	va_list ap;
	va_start(ap, arg);
	int r = collect_args(arg, ap, argv, NULL);
	va_end(ap);
	return r < 0 ? -1 : execvp(file, argv);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	char *argv[MAX_LARGS + 1];
	char **envp;
	va_list ap;
	va_start(ap, arg);
	int r = collect_args(arg, ap, argv, &envp);
	va_end(ap);
	return r < 0 ? -1 : execve(path, argv, envp);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	if (!active || in_hook)
		return get_fexecve()(fd, argv, envp);
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if (exec_gate(AT_FDCWD, p, argv, TGPF_FEXEC) < 0)
		return -1;
	char *env[ENV_CAP];
	return get_fexecve()(fd, argv, fix_env(envp, env, ENV_CAP));
}

EXPORT int execveat(int dirfd, const char *path, char *const argv[],
		    char *const envp[], int flags)
{
	if (!active || in_hook)
		return get_execveat()(dirfd, path, argv, envp, flags);
	const char *name = maybe_null(path);
	if (!name && !(flags & AT_EMPTY_PATH)) /* the kernel says EFAULT */
		return get_execveat()(dirfd, path, argv, envp, flags);
	char p[4200];
	int gdir = dirfd;
	if ((flags & AT_EMPTY_PATH) && (!name || !*name)) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", dirfd);
		gdir = AT_FDCWD;
	} else {
		s_copy(p, sizeof(p), name, NULL);
	}
	if (exec_gate(gdir, p, argv, 0) < 0)
		return -1;
	char *env[ENV_CAP];
	return get_execveat()(dirfd, path, argv, fix_env(envp, env, ENV_CAP),
			      flags);
}

static int spawn_common(pid_t *pid, const char *file,
			const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *at, char *const argv[],
			char *const envp[], bool search)
{
	char resolved[4096];
	const char *target = file;
	(void)fastpath_get(); /* in the parent: fetch once for later spawns */
	if (search) {
		if (file && path_search(file, resolved, sizeof(resolved)))
			target = resolved;
	}
	if (exec_gate(AT_FDCWD, target, argv, 0) < 0)
		return EACCES; /* posix_spawn returns the error number */
	char *env[ENV_CAP];
	fix_env(envp, env, ENV_CAP);
	return search ? get_posix_spawnp()(pid, file, fa, at, argv, env)
		      : get_posix_spawn()(pid, file, fa, at, argv, env);
}

EXPORT int posix_spawn(pid_t *pid, const char *path,
		       const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *at, char *const argv[],
		       char *const envp[])
{
	if (!active || in_hook)
		return get_posix_spawn()(pid, path, fa, at, argv, envp);
	return spawn_common(pid, path, fa, at, argv, envp, false);
}

EXPORT int posix_spawnp(pid_t *pid, const char *file,
			const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *at, char *const argv[],
			char *const envp[])
{
	if (!active || in_hook)
		return get_posix_spawnp()(pid, file, fa, at, argv, envp);
	return spawn_common(pid, file, fa, at, argv, envp, true);
}

/* Makes sure environ carries the session variables before system/popen,
 * which spawn /bin/sh with environ through libc-internal calls. */
static void ensure_environ(void)
{
	const char *pre = getenv("LD_PRELOAD");
	if (!pre || !strstr(pre, lib_path))
		putenv(env_preload);
	if (!getenv("TIERGATE_SOCKET"))
		putenv(env_socket);
	if (!getenv("TIERGATE_SESSION"))
		putenv(env_session);
	if (!getenv("TIERGATE_FAIL"))
		putenv(env_fail);
	if (!getenv("TIERGATE_BACKSTOP"))
		putenv(env_backstop);
}

EXPORT int system(const char *cmd)
{
	if (!active || in_hook || !cmd)
		return get_system()(cmd);
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	if (exec_gate(AT_FDCWD, "/bin/sh", argv, 0) < 0)
		return 127 << 8; /* as if the shell could not run the command */
	in_hook++;
	ensure_environ();
	in_hook--;
	return get_system()(cmd);
}

EXPORT FILE *popen(const char *cmd, const char *mode)
{
	if (!active || in_hook || !cmd)
		return get_popen()(cmd, mode);
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	int r = exec_gate(AT_FDCWD, "/bin/sh", argv, 0);
	if (r == 0) {
		in_hook++;
		ensure_environ();
		in_hook--;
	}
	if (r < 0) {
		errno = EACCES;
		return NULL;
	}
	return get_popen()(cmd, mode);
}

/* ------------------------------------------------------------- files */

#define ACC_READ TGPA_READ
#define ACC_WRITE TGPA_WRITE
#define ACC_CREATE TGPA_CREATE
#define ACC_DELETE TGPA_DELETE

static void decide_file(int dirfd, const char *path, unsigned access,
			int dirfd2, const char *path2, struct verdict *v)
{
	s_copy(v->target, sizeof(v->target), path, NULL);
	if (s_len(path) > TGP_MAX_PATH ||
	    (path2 && s_len(path2) > TGP_MAX_PATH)) {
		v->allow = false;
		v->rule[0] = '\0';
		s_copy(v->msg, sizeof(v->msg), "path is longer than 4096 bytes",
		       NULL);
		return;
	}
	uint8_t buf[2 * TGP_MAX_PATH + 256];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_DECIDE, 3);
	tgp_put_u32(&e, TGPT_KIND, TGPK_OPEN);
	tgp_put_str(&e, TGPT_PATH, path);
	tgp_put_u32(&e, TGPT_DIRFD, (uint32_t)dirfd);
	tgp_put_u32(&e, TGPT_ACCESS, access);
	if (path2) {
		tgp_put_str(&e, TGPT_PATH2, path2);
		tgp_put_u32(&e, TGPT_DIRFD2, (uint32_t)dirfd2);
	}
	long len = tgp_enc_end(&e);
	if (len < 0) {
		unreachable(v);
		return;
	}
	ask_pooled(buf, (size_t)len, v);
}

/* Can a read-only open be decided here? Needs an absolute path. */
/* An absolute path with no "//", "." or ".." component and no trailing
 * '/': tg_path_normalize would return it unchanged. */
static bool already_normal(const char *p)
{
	size_t n = 0;
	for (const char *c = p; *c; c++, n++) {
		if (*c != '/')
			continue;
		if (c[1] == '/' || c[1] == '\0')
			return c == p && c[1] == '\0'; /* "/" alone is normal */
		if (c[1] == '.' &&
		    (c[2] == '/' || c[2] == '\0' ||
		     (c[2] == '.' && (c[3] == '/' || c[3] == '\0'))))
			return false;
	}
	return n < 4096;
}

/*
 * Is a read-only open of path a silent allow? The literal path is checked;
 * with resolve, symlinks on the way are followed (raw readlink walk) and
 * the target must be silent too. Without resolve the caller must make
 * sure no symlink is involved (openat2 RESOLVE_NO_SYMLINKS).
 */
static bool read_fast(int dirfd, const char *path, bool resolve,
		      char walked[4096])
{
	if (!path || !*path)
		return false;
	struct fastpath *fp = fastpath_get();
	if (!fp || !fp->read_ok)
		return false;
	char abs[4096], norm[4096], real[4096], raw[4096];
	const char *use = norm, *walk = path;
	if (path[0] == '/' && already_normal(path)) {
		use = path; /* the common case: nothing to fold */
	} else if (path[0] == '/') {
		if (tg_path_normalize("/", path, norm, sizeof(norm)) < 0)
			return false;
	} else {
		if (dirfd != AT_FDCWD)
			return false; /* relative to an fd: ask policyd */
		if (!cached_cwd(abs, sizeof(abs)) ||
		    tg_path_normalize(abs, path, norm, sizeof(norm)) < 0 ||
		    !join_raw(abs, path, raw, sizeof(raw)))
			return false;
		walk = raw;
	}
	/* /proc/self/... names depend on the caller: never local */
	if (has_prefix(use, "/proc/") || !read_is_silent(fp, use))
		return false;
	if (walked) {
		if (s_len(walk) >= 4096)
			return false; /* never check a cut-off path */
		s_copy(walked, 4096, walk, NULL);
	}
	if (!resolve)
		return true; /* the caller opens with no symlink followed */
	/* the links as the kernel walks the path as spelled: ".." after a
	 * symlink is the parent of its target, not what the fold says */
	if (!raw_realpath(walk, real, sizeof(real)) ||
	    has_prefix(real, "/proc/"))
		return false;
	return !strcmp(real, use) || read_is_silent(fp, real);
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
static struct {
	uint16_t len;
	char path[DIRS_LEN];
} dirs_seen[DIRS_N];

static uint32_t dirs_hash(const char *p, size_t n)
{
	return (uint32_t)(hash_bytes(p, n) >> 32) % DIRS_N;
}

/* Is every component of the absolute directory dir[0..n), as spelled
 * (".." included), a real directory? 1 yes, 0 a symlink is on the way,
 * -errno when the walk fails the way the open would (ENOENT, ENOTDIR). With
 * no symlink on the way, ".." is what the lexical normalisation says. */
static int dir_clean(const char *dir, size_t n)
{
	if (n <= 1)
		return 1; /* "/" */
	uint32_t h = dirs_hash(dir, n);
	bool cacheable = n < DIRS_LEN;
	if (cacheable && pthread_mutex_trylock(&dirs_lock) == 0) {
		bool hit =
		    dirs_seen[h].len == n && !memcmp(dirs_seen[h].path, dir, n);
		pthread_mutex_unlock(&dirs_lock);
		if (hit)
			return 1;
	}
	char buf[4096];
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, dir, n);
	buf[n] = '\0';
	for (size_t i = 1; i <= n; i++) {
		if (i < n && buf[i] != '/')
			continue;
		char c = buf[i];
		buf[i] = '\0';
		struct stat st;
		long r = syscall(SYS_newfstatat, AT_FDCWD, buf, &st,
				 AT_SYMLINK_NOFOLLOW);
		buf[i] = c;
		if (r < 0)
			return errno == ENOENT || errno == ENOTDIR ||
				       errno == EACCES
				   ? -errno
				   : 0;
		if (S_ISLNK(st.st_mode))
			return 0;
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
	}
	if (cacheable && pthread_mutex_trylock(&dirs_lock) == 0) {
		memcpy(dirs_seen[h].path, dir, n);
		dirs_seen[h].len = (uint16_t)n;
		pthread_mutex_unlock(&dirs_lock);
	}
	return 1;
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
	int c = dir_clean(walked, n);
	if (c < 0) {
		errno = -c; /* what the open would say */
		return -1;
	}
	if (c == 0)
		return -2;
	long fd = syscall(SYS_openat, dirfd, path, flags | O_NOFOLLOW, 0);
	if (fd < 0 && errno == ELOOP)
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
#define READS_SETS 512 /* indexed by the hash's top 9 bits */
#define READS_WAYS 4   /* two ways lost 7% of 100 names to collisions */
#define READS_LEN 200
struct read_ent {
	_Atomic uint32_t seq; /* odd while written */
	uint16_t len;
	bool clean; /* the directories were checked (backstop) */
	const struct fastpath *fp;
	uint64_t hash;
	char path[READS_LEN];
};
static struct {
	struct read_ent way[READS_WAYS];
	uint8_t next; /* the way the next new name replaces (oldest first) */
} reads_seen[READS_SETS];

static unsigned reads_set(uint64_t h)
{
	return (unsigned)(h >> 55) % READS_SETS; /* the best-mixed bits */
}

static bool read_ent_is(struct read_ent *e, const struct fastpath *fp,
			const char *path, size_t n, uint64_t h, bool clean)
{
	uint32_t s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE);
	if (s1 & 1)
		return false;
	bool hit = e->fp == fp && e->hash == h && e->len == n &&
		   (e->clean || !clean) && !memcmp(e->path, path, n);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return hit && __atomic_load_n(&e->seq, __ATOMIC_RELAXED) == s1;
}

/* Was path (absolute; n bytes, hash h) seen as a silent read under snapshot
 * fp? clean: the entry must also say its directories are real ones. */
static bool read_seen(const struct fastpath *fp, const char *path, size_t n,
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

static void read_remember(const struct fastpath *fp, const char *path, size_t n,
			  uint64_t h, bool clean)
{
	if (n >= READS_LEN || pthread_mutex_trylock(&dirs_lock) != 0)
		return;
	unsigned set = reads_set(h);
	unsigned w = reads_seen[set].next % READS_WAYS;
	reads_seen[set].next = (uint8_t)((w + 1) % READS_WAYS);
	struct read_ent *e = &reads_seen[set].way[w];
	uint32_t s = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
	__atomic_store_n(&e->seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	e->fp = fp;
	e->hash = h;
	e->len = (uint16_t)n;
	e->clean = clean;
	memcpy(e->path, path, n);
	__atomic_store_n(&e->seq, s + 2, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&dirs_lock);
}

/*
 * The hot path for read-only opens: when the literal path is a silent
 * allow, open it here so that no symlink is followed: with openat2
 * RESOLVE_NO_SYMLINKS (the object opened is the one decided on, in the
 * same system call), or under the backstop with open_nofollow. Returns
 * true when done (*ret is the fd or -1 with errno); false when the caller
 * must go through open_gate (not a plain read, a symlink on the way, ...).
 */
static bool fast_read_open(int dirfd, const char *path, int flags, int *ret)
{
	path = maybe_null(path);
	if (!active || in_hook || !path ||
	    tgp_open_access((unsigned)flags) != ACC_READ)
		return false;
	int saved = errno;
	in_hook++;
	bool done = false;
	bool kpath = kernel_decides(TGPB_OPEN_WRITE);
	struct fastpath *fp = path[0] == '/' ? fastpath_get() : NULL;
	char walked[4096];
	long fd = -2;
	size_t n = fp ? strlen(path) : 0;
	uint64_t h = fp ? hash_bytes(path, n) : 0;
	bool seen = fp && read_seen(fp, path, n, h, kpath);
	if (seen || ((dirfd == AT_FDCWD || path[0] == '/') &&
		     read_fast(dirfd, path, false, walked))) {
		if (kpath) {
			/* seen: its directories were checked; only a final
			 * symlink (ELOOP) needs the full check */
			fd = seen ? syscall(SYS_openat, dirfd, path,
					    flags | O_NOFOLLOW, 0)
				  : open_nofollow(dirfd, path, walked, flags);
			if (seen && fd < 0 && errno == ELOOP)
				fd = -2;
		} else {
			struct open_how how = {.flags =
						   (uint64_t)(unsigned)flags,
					       .resolve = RESOLVE_NO_SYMLINKS};
			fd = syscall(SYS_openat2, dirfd, path, &how,
				     sizeof(how));
			if (fd < 0 && (errno == ELOOP || errno == EINVAL ||
				       errno == ENOSYS || errno == EXDEV ||
				       errno == EAGAIN))
				fd = -2; /* a symlink (or an odd flag) */
		}
		/* remember names decided on as spelled (absolute, nothing
		 * to fold) that opened: what the walk found stays true */
		if (fd >= 0 && !seen && fp && already_normal(path))
			read_remember(fp, path, n, h, kpath);
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
	in_hook--;
	return done;
}

/*
 * A call that cannot have any effect fails as the kernel would fail it,
 * with no decision and no refusal line: making a name that exists
 * (EEXIST), or removing, renaming, linking or truncating one that does not
 * (ENOENT, ENOTDIR). `mkdir -p` and `rm -f` rely on exactly these errors.
 * makes: the call makes the name (EEXIST if it is there); otherwise it
 * needs it (its errno if it is not). follow: through a final symlink (an
 * open without O_EXCL); mkdir, symlink, unlink, rename and link act on the
 * name itself, and for truncate a missing name is missing either way.
 * Returns the errno, or 0.
 */
static int noop_errno(int dirfd, const char *path, bool makes, bool follow)
{
	struct stat st;
	if (!path[0])
		return 0;
	long r = syscall(SYS_newfstatat, dirfd, path, &st,
			 follow ? 0 : AT_SYMLINK_NOFOLLOW);
	if (makes)
		return r == 0 ? EEXIST : 0;
	if (r < 0 && (errno == ENOENT || errno == ENOTDIR))
		return errno;
	return 0;
}

/* Returns true if the open may go ahead; false with errno set if refused. */
static bool open_gate(int dirfd, const char *path, int flags)
{
	path = maybe_null(path);
	if (!active || in_hook || !path)
		return true;
	unsigned acc = tgp_open_access((unsigned)flags);
	if (!acc)
		return true; /* O_PATH: decided when used (exec, fchdir) */
	if ((acc & (ACC_WRITE | ACC_CREATE)) && kernel_decides(TGPB_OPEN_WRITE))
		return true; /* the kernel path decides and opens it */
	/* opens that can only fail: O_CREAT|O_EXCL of a name that exists,
	 * or no O_CREAT and nothing there (policyd does the same for the
	 * kernel path) */
	bool excl = (flags & O_CREAT) && (flags & O_EXCL);
	int e = excl || !(flags & O_CREAT)
		    ? noop_errno(dirfd, path, excl, !excl)
		    : 0;
	if (e) {
		errno = e;
		return false;
	}
	int saved = errno;
	in_hook++;
	bool ok;
	if (acc == ACC_READ && read_fast(dirfd, path, true, NULL)) {
		ok = true;
	} else {
		struct verdict v;
		v.unreachable = false;
		decide_file(dirfd, path, acc, 0, NULL, &v);
		ok = v.allow;
		if (!ok) {
			char kind[32];
			s_copy(kind, sizeof(kind),
			       acc & ACC_WRITE	  ? "write"
			       : acc & ACC_CREATE ? "create"
						  : "read",
			       NULL);
			say("refused", kind, v.target[0] ? v.target : path,
			    v.rule, v.msg);
		}
	}
	in_hook--;
	errno = ok ? saved : EACCES;
	return ok;
}

static bool path_gate(int dirfd, const char *path, unsigned acc, int dirfd2,
		      const char *path2, const char *verb)
{
	path = maybe_null(path);
	if (!active || in_hook || !path) /* no name: the kernel says EFAULT */
		return true;
	if (kernel_decides(TGPB_FS))
		return true; /* one decision per call: the kernel path's */
	int e = noop_errno(dirfd, path, acc == ACC_CREATE, false);
	if (e) {
		errno = e;
		return false;
	}
	int saved = errno;
	in_hook++;
	struct verdict v;
	v.unreachable = false;
	decide_file(dirfd, path, acc, dirfd2, path2, &v);
	if (!v.allow)
		say("refused", verb, v.target[0] ? v.target : path, v.rule,
		    v.msg);
	in_hook--;
	errno = v.allow ? saved : EACCES;
	return v.allow;
}

/* rename and link: with no second name the kernel says EFAULT; nothing to
 * decide */
static bool pair_gate(int dirfd, const char *path, unsigned acc, int dirfd2,
		      const char *path2, const char *verb)
{
	return !maybe_null(path2) ||
	       path_gate(dirfd, path, acc, dirfd2, path2, verb);
}

static mode_t va_mode(int flags, va_list ap)
{
	return (flags & (O_CREAT | __O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

/* The open family: one body, which libc function finishes the call. */
enum open_fn {
	OF_OPEN,
	OF_OPEN64,
	OF_OPENAT,
	OF_OPENAT64,
	OF_OPEN_2,
	OF_OPEN64_2,
	OF_OPENAT_2,
	OF_OPENAT64_2
};

static int open_common(enum open_fn fn, int dirfd, const char *path, int flags,
		       mode_t m)
{
	int fd;
	if (fast_read_open(dirfd, path, flags, &fd))
		return fd;
	if (!open_gate(dirfd, path, flags))
		return -1;
	switch (fn) {
	case OF_OPEN:
		return get_open()(path, flags, m);
	case OF_OPEN64:
		return get_open64()(path, flags, m);
	case OF_OPENAT:
		return get_openat()(dirfd, path, flags, m);
	case OF_OPENAT64:
		return get_openat64()(dirfd, path, flags, m);
	case OF_OPEN_2:
		return get___open_2()(path, flags);
	case OF_OPEN64_2:
		return get___open64_2()(path, flags);
	case OF_OPENAT_2:
		return get___openat_2()(dirfd, path, flags);
	case OF_OPENAT64_2:
		return get___openat64_2()(dirfd, path, flags);
	default:
		errno = ENOSYS;
		return -1;
	}
}

#define VA_MODE(flags)                                                         \
	({                                                                     \
		va_list ap_;                                                   \
		va_start(ap_, flags);                                          \
		mode_t m_ = va_mode(flags, ap_);                               \
		va_end(ap_);                                                   \
		m_;                                                            \
	})

EXPORT int open(const char *path, int flags, ...)
{
	return open_common(OF_OPEN, AT_FDCWD, path, flags, VA_MODE(flags));
}

EXPORT int open64(const char *path, int flags, ...)
{
	return open_common(OF_OPEN64, AT_FDCWD, path, flags, VA_MODE(flags));
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	return open_common(OF_OPENAT, dirfd, path, flags, VA_MODE(flags));
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...)
{
	return open_common(OF_OPENAT64, dirfd, path, flags, VA_MODE(flags));
}

EXPORT int __open_2(const char *path, int flags)
{
	return open_common(OF_OPEN_2, AT_FDCWD, path, flags, 0);
}

EXPORT int __open64_2(const char *path, int flags)
{
	return open_common(OF_OPEN64_2, AT_FDCWD, path, flags, 0);
}

EXPORT int __openat_2(int dirfd, const char *path, int flags)
{
	return open_common(OF_OPENAT_2, dirfd, path, flags, 0);
}

EXPORT int __openat64_2(int dirfd, const char *path, int flags)
{
	return open_common(OF_OPENAT64_2, dirfd, path, flags, 0);
}

EXPORT int creat(const char *path, mode_t mode)
{
	if (!open_gate(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC))
		return -1;
	return get_creat()(path, mode);
}

EXPORT int creat64(const char *path, mode_t mode)
{
	if (!open_gate(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC))
		return -1;
	return get_creat64()(path, mode);
}

static int fmode_flags(const char *mode)
{
	if (!mode)
		return O_RDONLY;
	int f;
	switch (mode[0]) {
	case 'r':
		f = O_RDONLY;
		break;
	case 'w':
		f = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	case 'a':
		f = O_WRONLY | O_CREAT | O_APPEND;
		break;
	default:
		return O_RDONLY;
	}
	if (strchr(mode, '+'))
		f = (f & ~O_ACCMODE) | O_RDWR;
	return f;
}

EXPORT FILE *fopen(const char *path, const char *mode)
{
	if (!open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	return get_fopen()(path, mode);
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
	if (!open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	return get_fopen64()(path, mode);
}

EXPORT FILE *freopen(const char *path, const char *mode, FILE *f)
{
	if (path && !open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	return get_freopen()(path, mode, f);
}

EXPORT FILE *freopen64(const char *path, const char *mode, FILE *f)
{
	if (path && !open_gate(AT_FDCWD, path, fmode_flags(mode)))
		return NULL;
	return get_freopen64()(path, mode, f);
}

EXPORT int truncate(const char *path, off_t len)
{
	if (!path_gate(AT_FDCWD, path, ACC_WRITE, 0, NULL, "truncate"))
		return -1;
	return get_truncate()(path, len);
}

EXPORT int truncate64(const char *path, off_t len)
{
	if (!path_gate(AT_FDCWD, path, ACC_WRITE, 0, NULL, "truncate"))
		return -1;
	return get_truncate64()(path, len);
}

/* rename: the old name goes away (delete), the new one appears (create;
 * policyd adds that for PATH2). */
EXPORT int rename(const char *a, const char *b)
{
	if (!pair_gate(AT_FDCWD, a, ACC_DELETE, AT_FDCWD, b, "rename"))
		return -1;
	return get_rename()(a, b);
}

EXPORT int renameat(int da, const char *a, int db, const char *b)
{
	if (!pair_gate(da, a, ACC_DELETE, db, b, "rename"))
		return -1;
	return get_renameat()(da, a, db, b);
}

EXPORT int renameat2(int da, const char *a, int db, const char *b, unsigned fl)
{
	if (!pair_gate(da, a, ACC_DELETE, db, b, "rename"))
		return -1;
	return get_renameat2()(da, a, db, b, fl);
}

EXPORT int unlink(const char *path)
{
	if (!path_gate(AT_FDCWD, path, ACC_DELETE, 0, NULL, "delete"))
		return -1;
	return get_unlink()(path);
}

EXPORT int unlinkat(int dirfd, const char *path, int flags)
{
	if (!path_gate(dirfd, path, ACC_DELETE, 0, NULL, "delete"))
		return -1;
	return get_unlinkat()(dirfd, path, flags);
}

EXPORT int rmdir(const char *path)
{
	if (!path_gate(AT_FDCWD, path, ACC_DELETE, 0, NULL, "delete"))
		return -1;
	return get_rmdir()(path);
}

EXPORT int mkdir(const char *path, mode_t mode)
{
	if (!path_gate(AT_FDCWD, path, ACC_CREATE, 0, NULL, "create"))
		return -1;
	return get_mkdir()(path, mode);
}

EXPORT int mkdirat(int dirfd, const char *path, mode_t mode)
{
	if (!path_gate(dirfd, path, ACC_CREATE, 0, NULL, "create"))
		return -1;
	return get_mkdirat()(dirfd, path, mode);
}

/* A hard link is a new name through which the file can be written: the
 * existing file counts as written, the new name as created. */
EXPORT int link(const char *a, const char *b)
{
	if (!pair_gate(AT_FDCWD, a, ACC_WRITE, AT_FDCWD, b, "link"))
		return -1;
	return get_link()(a, b);
}

EXPORT int linkat(int da, const char *a, int db, const char *b, int fl)
{
	if (!pair_gate(da, a, ACC_WRITE, db, b, "link"))
		return -1;
	return get_linkat()(da, a, db, b, fl);
}

EXPORT int symlink(const char *target, const char *lp)
{
	if (!path_gate(AT_FDCWD, lp, ACC_CREATE, 0, NULL, "create"))
		return -1;
	return get_symlink()(target, lp);
}

EXPORT int symlinkat(const char *target, int dirfd, const char *lp)
{
	if (!path_gate(dirfd, lp, ACC_CREATE, 0, NULL, "create"))
		return -1;
	return get_symlinkat()(target, dirfd, lp);
}

EXPORT int chdir(const char *path)
{
	int r = get_chdir()(path);
	cwd_valid = 0;
	return r;
}

EXPORT int fchdir(int fd)
{
	int r = get_fchdir()(fd);
	cwd_valid = 0;
	return r;
}

/* ----------------------------------------------------------- network */

/* An IPv4 address as policyd takes addresses: IPv4-mapped IPv6 */
static void v4_mapped(uint8_t out[16], const void *a4)
{
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, a4, 4);
}

static bool sockaddr_to16(const struct sockaddr *sa, socklen_t len,
			  uint8_t out[16], uint16_t *port)
{
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		v4_mapped(out, &s4->sin_addr);
		*port = ntohs(s4->sin_port);
		return true;
	}
	/* the kernel accepts an IPv6 address without the scope id (24
	 * bytes, the RFC 2133 size); anything it accepts is decided */
	if (sa->sa_family == AF_INET6 &&
	    len >= offsetof(struct sockaddr_in6, sin6_scope_id)) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		memcpy(out, &s6->sin6_addr, 16);
		*port = ntohs(s6->sin6_port);
		return true;
	}
	return false;
}

static void lookup_name(const uint8_t addr[16], char *host, size_t cap)
{
	host[0] = '\0';
	pthread_mutex_lock(&names_lock);
	for (unsigned i = 0; i < NAMES; i++)
		if (names[i].host[0] && !memcmp(names[i].addr, addr, 16)) {
			s_copy(host, cap, names[i].host, NULL);
			break;
		}
	pthread_mutex_unlock(&names_lock);
}

/* tcp (1) and udp (2) by socket type; anything else (raw, SCTP,
 * seqpacket, or a type we cannot read) is decided as "any" (0), which only
 * rules written with proto: any can allow */
static int sock_proto(int fd)
{
	int type = 0;
	socklen_t l = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) < 0)
		return 0;
	return type == SOCK_DGRAM ? 2 : type == SOCK_STREAM ? 1 : 0;
}

static bool net_gate(int fd, const struct sockaddr *sa, socklen_t len)
{
	uint8_t a16[16];
	uint16_t port;
	if (!active || in_hook || !sockaddr_to16(sa, len, a16, &port))
		return true; /* AF_UNIX, AF_NETLINK, ...: not network egress */
	if (kernel_decides(TGPB_CONNECT)) {
		if (names_fd >= 0) {
			int saved = errno;
			in_hook++;
			names_settle();
			in_hook--;
			errno = saved;
		}
		return true;
	}
	int proto = sock_proto(fd);
	int saved = errno;
	in_hook++;
	char host[256];
	lookup_name(a16, host, sizeof(host));
	uint8_t buf[512];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_DECIDE, 4);
	tgp_put_u32(&e, TGPT_KIND, TGPK_CONNECT);
	tgp_put(&e, TGPT_ADDR, a16, 16);
	tgp_put_u32(&e, TGPT_PORT, port);
	tgp_put_u32(&e, TGPT_PROTO, (uint32_t)proto);
	if (host[0])
		tgp_put_str(&e, TGPT_HOST, host);
	long n = tgp_enc_end(&e);
	struct verdict v;
	v.unreachable = false;
	if (n > 0)
		ask_pooled(buf, (size_t)n, &v);
	else
		unreachable(&v);
	if (!v.allow)
		say("refused", "connect", v.target[0] ? v.target : "?", v.rule,
		    v.msg);
	in_hook--;
	errno = v.allow ? saved : EPERM;
	return v.allow;
}

EXPORT int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	if (!net_gate(fd, sa, len))
		return -1;
	return get_connect()(fd, sa, len);
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
		      const struct sockaddr *sa, socklen_t len)
{
	if (sa && !net_gate(fd, sa, len))
		return -1;
	return get_sendto()(fd, buf, n, flags, sa, len);
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	if (m && m->msg_name && !net_gate(fd, m->msg_name, m->msg_namelen))
		return -1;
	return get_sendmsg()(fd, m, flags);
}

/*
 * The kernel path decides connects on addresses; tell policyd which name
 * this process looked up for them, so host rules can apply. policyd
 * believes a name only when its own lookup gives the same address.
 *
 * The report is a request with an answer, but the answer is read later,
 * by names_settle() in the next connect or sendto: that costs the lookup
 * no round trip, and the connect cannot be decided before policyd has the
 * names (the kernel's notification and this connection are two
 * descriptors to policyd, and nothing orders them).
 */
/* with names_settle_lock held: reads the outstanding answer, if any */
static void names_answer(void)
{
	int fd = names_fd;
	if (fd < 0)
		return;
	/* the program may have closed it and reused the number: then there
	 * is nothing of ours to read, and nothing to close */
	if (pool_still_ours(fd, names_ino)) {
		uint8_t rbuf[64];
		long n = tgp_read_msg(fd, rbuf, sizeof(rbuf));
		struct tgp_dec d;
		pool_put(fd, n > 0 && tgp_dec_begin(&d, rbuf, (size_t)n) == 0 &&
				 d.h.type == TGP_NAMES_OK);
	}
	names_fd = -1;
}

/* Returns once every report made so far is answered, including one
 * another thread is reading the answer to (its connection stays in
 * names_fd until then). */
static void names_settle(void)
{
	if (names_fd < 0)
		return;
	pool_check_fork(); /* a child: its parent's reports are not its own */
	if (names_fd < 0)
		return;
	pthread_mutex_lock(&names_settle_lock);
	names_answer();
	pthread_mutex_unlock(&names_settle_lock);
}

/* The addresses a name lookup gave, each once, at most NAME_ADDRS */
#define NAME_ADDRS 16
struct name_addrs {
	uint8_t a[NAME_ADDRS][16];
	unsigned n;
};

static void name_addrs_add(struct name_addrs *na, const uint8_t a16[16])
{
	for (unsigned i = 0; i < na->n; i++)
		if (!memcmp(na->a[i], a16, 16))
			return;
	if (na->n < NAME_ADDRS)
		memcpy(na->a[na->n++], a16, 16);
}

/* Tells policyd (the kernel path's connects) what node resolved to: one
 * NAMES report, answered before the next call on the connection. */
static void report_names(const char *node, const struct name_addrs *na)
{
	unsigned n = na->n < TGP_MAX_NAME_ADDRS ? na->n : TGP_MAX_NAME_ADDRS;
	const uint8_t(*addrs)[16] = na->a;
	int saved = errno;
	in_hook++;
	uint8_t buf[512];
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_NAMES, 0);
	tgp_put_str(&e, TGPT_HOST, node);
	tgp_put(&e, TGPT_ADDRS, addrs, n * 16);
	long len = tgp_enc_end(&e);
	pool_check_fork();
	pthread_mutex_lock(&names_settle_lock);
	names_answer(); /* one answer outstanding at most */
	int fd = len > 0 ? pool_get() : -1;
	struct stat st;
	if (fd >= 0) {
		if (tgp_write_all(fd, buf, (size_t)len) == 0 &&
		    syscall(SYS_fstat, fd, &st) == 0) {
			names_ino = (uint64_t)st.st_ino;
			names_fd = fd;
		} else {
			syscall(SYS_close, fd);
		}
	}
	pthread_mutex_unlock(&names_settle_lock);
	in_hook--;
	errno = saved;
}

/* A lookup of node gave these addresses: remembered, so a connect can say
 * what it is for (policyd checks the claim with its own lookup), and
 * reported to policyd under the backstop. An address written as node is
 * not a name. */
static void note_name(const char *node, const struct name_addrs *na)
{
	uint8_t lit[16];
	if (!active || !node || s_len(node) >= 256 || !na->n ||
	    inet_pton(AF_INET, node, lit) == 1 ||
	    inet_pton(AF_INET6, node, lit) == 1)
		return;
	pthread_mutex_lock(&names_lock);
	for (unsigned i = 0; i < na->n; i++) {
		struct name_ent *ne = &names[names_next++ % NAMES];
		memcpy(ne->addr, na->a[i], 16);
		s_copy(ne->host, sizeof(ne->host), node, NULL);
	}
	pthread_mutex_unlock(&names_lock);
	if (kernel_decides(TGPB_CONNECT))
		report_names(node, na);
}

EXPORT int getaddrinfo(const char *node, const char *service,
		       const struct addrinfo *hints, struct addrinfo **res)
{
	int r = get_getaddrinfo()(node, service, hints, res);
	if (r != 0 || !active || !node || !res)
		return r;
	int saved = errno;
	struct name_addrs na = {.n = 0};
	for (struct addrinfo *ai = *res; ai; ai = ai->ai_next) {
		uint8_t a16[16];
		uint16_t port;
		if (sockaddr_to16(ai->ai_addr, ai->ai_addrlen, a16, &port))
			name_addrs_add(&na, a16);
	}
	note_name(node, &na);
	errno = saved;
	return r;
}

/* The older lookups: a struct hostent's addresses */
static void note_hostent(const char *node, const struct hostent *h)
{
	if (!h || !h->h_addr_list || !active)
		return;
	int saved = errno;
	struct name_addrs na = {.n = 0};
	for (char **p = h->h_addr_list; *p; p++) {
		uint8_t a16[16];
		if (h->h_addrtype == AF_INET && h->h_length == 4) {
			v4_mapped(a16, *p);
		} else if (h->h_addrtype == AF_INET6 && h->h_length == 16) {
			memcpy(a16, *p, 16);
		} else {
			continue;
		}
		name_addrs_add(&na, a16);
	}
	note_name(node, &na);
	errno = saved;
}

EXPORT struct hostent *gethostbyname(const char *name)
{
	struct hostent *h = get_gethostbyname()(name);
	note_hostent(name, h);
	return h;
}

EXPORT struct hostent *gethostbyname2(const char *name, int af)
{
	struct hostent *h = get_gethostbyname2()(name, af);
	note_hostent(name, h);
	return h;
}

EXPORT int gethostbyname_r(const char *name, struct hostent *ret, char *buf,
			   size_t buflen, struct hostent **result,
			   int *h_errnop)
{
	int r = get_gethostbyname_r()(name, ret, buf, buflen, result, h_errnop);
	if (r == 0 && result)
		note_hostent(name, *result);
	return r;
}

EXPORT int gethostbyname2_r(const char *name, int af, struct hostent *ret,
			    char *buf, size_t buflen, struct hostent **result,
			    int *h_errnop)
{
	int r = get_gethostbyname2_r()(name, af, ret, buf, buflen, result,
				       h_errnop);
	if (r == 0 && result)
		note_hostent(name, *result);
	return r;
}
