/* SPDX-License-Identifier: MIT */
/* ip_fastpath: policyd's criteria for local decisions. See ip_fastpath.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "glob.h"
#include "ip_conn.h"
#include "ip_fastpath.h"
#include "ip_state.h"
#include "tg_proto.h"

static pthread_mutex_t fp_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ip_fastpath *_Atomic FP;
static const volatile uint64_t *genmap; /* policyd's generation counter */
static _Atomic uint64_t fp_retry_after_ns;

/*
 * A cheap filter in front of the globs: the hash of a path's first
 * component ("/root/x/y" -> "/root"). A glob whose pattern starts with a
 * whole literal first component ("/root/", no '*', '?', '[' or '\\' in it,
 * not "." or "..") can only match paths with the same one: in path mode
 * those bytes compile to literal ops and the '/' after them to a literal
 * '/' or to the slash and two stars that end the pattern (end or '/'). Any
 * other pattern gets 0: no filter, always tried.
 */
static uint64_t path_key(const char *s)
{
	if (s[0] != '/')
		return 0;
	const char *e = strchr(s + 1, '/');
	if (!e)
		e = s + ip_slen(s);
	return ip_hash(s, (size_t)(e - s)) | 1; /* never 0 */
}

static uint64_t pattern_key(const char *pat)
{
	if (pat[0] != '/')
		return 0;
	size_t i = 1;
	for (; pat[i] && pat[i] != '/'; i++)
		if (pat[i] == '*' || pat[i] == '?' || pat[i] == '[' ||
		    pat[i] == '\\')
			return 0;
	if (pat[i] != '/' || i == 1 || (i == 2 && pat[1] == '.') ||
	    (i == 3 && pat[1] == '.' && pat[2] == '.'))
		return 0;
	return ip_hash(pat, i) | 1;
}

/* Can compiling pat fail (a class, an escape, "..", too long or too many
 * parts for glob_compile)? Those are compiled while the snapshot is read;
 * the others cannot fail once their room is laid out. */
static bool may_fail(const char *pat)
{
	size_t n = ip_slen(pat);
	return n == 0 || n > 1000 || strchr(pat, '[') || strchr(pat, '\\') ||
	       strstr(pat, "..");
}

/* Adds the glob in f to v: its pattern copied to fp's block, compiled
 * now only if it may fail (false then: that half is off). */
static bool globv_add(struct ip_fastpath *fp, struct ip_globv *v,
		      const struct tgp_field *f, enum glob_mode mode)
{
	if (fp->pats_used + f->len + 1 > fp->pats_cap)
		return false;
	char *pat = fp->pats + fp->pats_used;
	if (tgp_str(f, pat, fp->pats_cap - fp->pats_used) < 0)
		return false;
	fp->pats_used += ip_slen(pat) + 1;
	if (v->n == v->cap) {
		size_t nc = v->cap ? v->cap * 2 : 16;
		struct ip_lazy *ne = realloc(v->e, nc * sizeof(*ne));
		if (!ne)
			return false;
		v->e = ne;
		v->cap = nc;
	}
	struct ip_lazy *e = &v->e[v->n];
	*e = (struct ip_lazy){.pat = pat,
			      .key = mode == GLOB_PATH ? pattern_key(pat) : 0};
	if (may_fail(pat)) {
		const char *err;
		size_t pos;
		if (glob_compile(pat, mode, &e->g, &err, &pos) < 0)
			return false;
		atomic_store_explicit(&e->state, LAZY_READY,
				      memory_order_relaxed);
	} else {
		e->size = glob_compile_size(pat);
	}
	v->n++;
	if (mode == GLOB_PATH && !strcmp(pat, "/**"))
		v->all = true;
	return true;
}

/* The rooms of v's lazy globs, from *off on */
static void globv_lay_out(struct ip_globv *v, size_t *off)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->e[i].size) {
			v->e[i].off = *off;
			*off += v->e[i].size;
		}
}

/* e's glob, compiled now if it is not yet; NULL while another thread (or
 * the code a signal handler interrupted) compiles it: the caller is then
 * unsure, and the call is asked of policyd */
static const struct glob *lazy_glob(const struct ip_fastpath *fp,
				    struct ip_lazy *e, enum glob_mode mode)
{
	uint8_t st = atomic_load_explicit(&e->state, memory_order_acquire);
	if (st == LAZY_READY)
		return e->g;
	uint8_t want = LAZY_NEW;
	if (st != LAZY_NEW || !atomic_compare_exchange_strong_explicit(
				  &e->state, &want, LAZY_BUSY,
				  memory_order_acquire, memory_order_acquire))
		return want == LAZY_READY ? e->g : NULL;
	const char *err;
	size_t pos;
	struct glob *g;
	if (!fp->arena || glob_compile_in(e->pat, mode, fp->arena + e->off,
					  e->size, &g, &err, &pos) < 0)
		return NULL; /* never expected: it stays unsure */
	e->g = g;
	atomic_store_explicit(&e->state, LAZY_READY, memory_order_release);
	return g;
}

void ip_fastpath_prepare_exec(const struct ip_fastpath *fp)
{
	const struct ip_globv *vs[] = {&fp->xa, &fp->xs, &fp->x0};
	for (size_t k = 0; k < sizeof(vs) / sizeof(vs[0]); k++)
		for (size_t i = 0; i < vs[k]->n; i++)
			(void)lazy_glob(fp, &vs[k]->e[i],
					k == 2 ? GLOB_TOKEN : GLOB_PATH);
}

static void globv_free(struct ip_globv *v)
{
	for (size_t i = 0; i < v->n; i++)
		if (!v->e[i].size)
			glob_free(v->e[i].g); /* compiled while read */
	free(v->e);
}

void ip_fastpath_free(struct ip_fastpath *fp)
{
	if (!fp)
		return;
	globv_free(&fp->ra);
	globv_free(&fp->rs);
	globv_free(&fp->xa);
	globv_free(&fp->xs);
	globv_free(&fp->x0);
	free(fp->pats);
	free(fp->arena);
	free(fp);
}

/* A decimal number at *s up to the byte end (':' or NUL), *s moved past
 * that byte; false for anything else (no sign, no space: policyd writes
 * them). sscanf's were a tenth of a snapshot's parse. */
static bool dec_u64(const char **s, char end, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p != end)
		return false;
	*s = end ? p + 1 : p;
	*out = v;
	return true;
}

/* "DEV:INO:SIZE" of a git binary; false when it cannot be kept */
static bool git_id_add(struct ip_fastpath *fp, const struct tgp_field *f)
{
	char id[96];
	uint64_t dev, ino, size;
	const char *p = id;
	if (fp->ngit >= 8 || tgp_str(f, id, sizeof(id)) < 0 ||
	    !dec_u64(&p, ':', &dev) || !dec_u64(&p, ':', &ino) ||
	    !dec_u64(&p, '\0', &size) || size > INT64_MAX)
		return false;
	fp->git[fp->ngit++] = (struct ip_git_id){dev, ino, (int64_t)size};
	return true;
}

/* What the fields of a HELLO_OK say, as they are read */
struct hello {
	bool rok, xok, bad;
	int fail_open;
	char *genfile;
	size_t genfile_cap;
};

static void hello_field(struct ip_fastpath *fp, struct hello *h,
			const struct tgp_field *f)
{
	switch (f->tag) {
	case TGPT_FAIL:
		h->fail_open = tgp_u32(f) == 1;
		break;
	case TGPT_FASTPATH:
		h->rok = tgp_u32(f) == 1;
		break;
	case TGPT_EXEC_FAST:
		h->xok = tgp_u32(f) == 1;
		break;
	case TGPT_ALLOW_GLOB:
		h->bad |= !globv_add(fp, &fp->ra, f, GLOB_PATH);
		break;
	case TGPT_SENS_GLOB:
		h->bad |= !globv_add(fp, &fp->rs, f, GLOB_PATH);
		break;
	case TGPT_EXEC_ALLOW:
		h->xok &= globv_add(fp, &fp->xa, f, GLOB_PATH);
		break;
	case TGPT_EXEC_SENS:
		h->xok &= globv_add(fp, &fp->xs, f, GLOB_PATH);
		break;
	case TGPT_EXEC_SENS0:
		h->xok &= globv_add(fp, &fp->x0, f, GLOB_TOKEN);
		break;
	case TGPT_GIT_ID:
		if (!git_id_add(fp, f))
			h->xok = false;
		break;
	case TGPT_BACKSTOP:
		fp->backstop = tgp_u32(f);
		break;
	case TGPT_GENFILE:
		if (tgp_str(f, h->genfile, h->genfile_cap) < 0)
			h->genfile[0] = '\0';
		break;
	case TGPT_GENERATION: {
		char gen[24];
		const char *p = gen;
		uint64_t g;
		if (tgp_str(f, gen, sizeof(gen)) == 0 && dec_u64(&p, '\0', &g))
			fp->made_gen = g;
		break;
	}
	default:
		break;
	}
}

int ip_fastpath_parse(const uint8_t *buf, size_t n, struct ip_fastpath **ret,
		      int *ret_fail_open, char *ret_genfile, size_t genfile_cap)
{
	struct tgp_dec d;
	struct tgp_field f;
	if (tgp_dec_begin(&d, buf, n) != 0 || d.h.type != TGP_HELLO_OK)
		return -EPROTO;
	struct ip_fastpath *fp = calloc(1, sizeof(*fp));
	if (!fp)
		return -ENOMEM;
	/* every pattern is a field of the message, with a header: n bytes
	 * hold them all with their NULs */
	fp->pats_cap = n;
	if (!(fp->pats = malloc(n))) {
		free(fp);
		return -ENOMEM;
	}
	char genfile[512] = "";
	struct hello h = {.fail_open = -1,
			  .genfile = genfile,
			  .genfile_cap = sizeof(genfile)};
	int r;
	while ((r = tgp_dec_next(&d, &f)) == 1)
		hello_field(fp, &h, &f);
	if (r != 0) {
		ip_fastpath_free(fp);
		return -EPROTO;
	}
	/* the lazy globs' rooms, one block: compiling one later allocates
	 * nothing */
	size_t room = 0;
	struct ip_globv *vs[] = {&fp->ra, &fp->rs, &fp->xa, &fp->xs, &fp->x0};
	for (size_t i = 0; i < sizeof(vs) / sizeof(vs[0]); i++)
		globv_lay_out(vs[i], &room);
	if (room && !(fp->arena = malloc(room))) {
		ip_fastpath_free(fp);
		return -ENOMEM;
	}
	fp->read_ok = h.rok && !h.bad;
	fp->exec_ok = h.xok;
	*ret_fail_open = h.fail_open;
	if (genfile_cap)
		ip_scopy(ret_genfile, genfile_cap, genfile, NULL);
	*ret = fp;
	return 0;
}

static void map_genfile(const char *path)
{
	if (genmap || !path[0])
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

/* The snapshot policyd keeps for the session in RUNDIR/hello/SESSION
 * (policyd/hello.h): no round trip. NULL when there is none, or it was
 * made under another generation than the one in force (a reload: policyd
 * is asked). Its backstop bits count only under a seccomp filter, as
 * TIERGATE_BACKSTOP's do. */
static struct ip_fastpath *fastpath_read(uint8_t *rbuf, size_t cap,
					 bool *ret_too_big)
{
	char path[sizeof(ip_sock_path) + 48];
	const char *slash = strrchr(ip_sock_path, '/');
	if (!ip_session[0] || !slash)
		return NULL;
	ip_scopy(path, sizeof(path), ip_sock_path, NULL);
	path[slash - ip_sock_path] = '\0';
	ip_scopy(path + ip_slen(path), sizeof(path) - ip_slen(path), "/hello/",
		 ip_session);
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path,
			      O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	size_t n = 0;
	long r;
	while (n < cap && (r = syscall(SYS_read, fd, rbuf + n, cap - n)) > 0)
		n += (size_t)r;
	syscall(SYS_close, fd);
	*ret_too_big = n == cap;
	struct ip_fastpath *fp = NULL;
	int fail_open;
	char genfile[512];
	if (n == 0 || n == cap ||
	    ip_fastpath_parse(rbuf, n, &fp, &fail_open, genfile,
			      sizeof(genfile)) < 0)
		return NULL;
	map_genfile(genfile);
	if (!genmap || !fp->made_gen || *genmap != fp->made_gen) {
		ip_fastpath_free(fp);
		return NULL;
	}
	if (fail_open >= 0)
		ip_fail_open = fail_open;
	/* the constructor saw the session's filter (a filter is never
	 * removed): no need to ask again */
	if (!ip_backstop_env && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
		fp->backstop = 0;
	fp->gen = fp->made_gen;
	return fp;
}

/* The session's file when it fits in a page on the stack (a few KiB
 * under policies/default.yaml): no 1 MiB mapping made and given back in
 * every process */
__attribute__((noinline)) static struct ip_fastpath *
fastpath_read_small(bool *ret_too_big)
{
	uint8_t buf[4096];
	return fastpath_read(buf, sizeof(buf), ret_too_big);
}

/* Fetches a snapshot: the session's file, else from policyd (a HELLO
 * round trip). */
static struct ip_fastpath *fastpath_fetch(void)
{
	bool too_big = false;
	struct ip_fastpath *fp = fastpath_read_small(&too_big);
	if (fp)
		return fp;
	uint8_t *rbuf = mmap(NULL, TGP_MAX_MSG, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rbuf == MAP_FAILED)
		return NULL;
	if (too_big)
		fp = fastpath_read(rbuf, TGP_MAX_MSG, &too_big);
	if (fp) {
		munmap(rbuf, TGP_MAX_MSG);
		return fp;
	}
	uint8_t msg[64];
	struct tgp_enc e;
	tgp_enc_begin(&e, msg, sizeof(msg), TGP_HELLO, 1);
	long len = tgp_enc_end(&e);
	long n = ip_conn_roundtrip(msg, (size_t)len, rbuf, TGP_MAX_MSG);
	int fail_open;
	char genfile[512];
	if (n > 0 && ip_fastpath_parse(rbuf, (size_t)n, &fp, &fail_open,
				       genfile, sizeof(genfile)) == 0) {
		if (fail_open >= 0)
			ip_fail_open = fail_open;
		map_genfile(genfile);
		fp->gen = genmap ? *genmap : 0;
	}
	munmap(rbuf, TGP_MAX_MSG);
	return fp;
}

struct ip_fastpath *ip_fastpath_get(void)
{
	struct ip_fastpath *fp = FP;
	if (fp && (!genmap || *genmap == fp->gen))
		return fp;
	if (ip_mono_ns() < fp_retry_after_ns)
		return NULL;
	pthread_mutex_lock(&fp_lock);
	fp = FP;
	if (!fp || (genmap && *genmap != fp->gen)) {
		struct ip_fastpath *nfp = fastpath_fetch();
		if (nfp) /* the old snapshot is left alive on purpose */
			FP = nfp;
		else
			fp_retry_after_ns = ip_mono_ns() + 1000000000ULL;
		fp = nfp;
	}
	pthread_mutex_unlock(&fp_lock);
	return fp;
}

struct ip_fastpath *ip_fastpath_current(void)
{
	struct ip_fastpath *fp = FP;
	if (fp && genmap && *genmap != fp->gen)
		return NULL;
	return fp;
}

bool ip_kernel_decides(uint32_t bit)
{
	/* the session's filter, confirmed at start (PR_GET_SECCOMP), carries
	 * these calls whatever a snapshot says (policyd says so on the same
	 * grounds); not reading the generation page spares every forked
	 * child a page fault before its exec */
	if (ip_backstop_env & bit)
		return true;
	struct ip_fastpath *fp = FP;
	if (fp && genmap && *genmap == fp->gen)
		return (fp->backstop & bit) != 0;
	return (ip_backstop_env & bit) != 0;
}

/* 1: one of v's globs matches s (k: s's path_key), 0: none does, -1:
 * none does of those compiled, and one could not be looked at (being
 * compiled elsewhere): the caller takes it as "not silent" */
static int any_match_k(const struct ip_fastpath *fp, const struct ip_globv *v,
		       enum glob_mode mode, const char *s, uint64_t k)
{
	if (v->all && s[0] == '/' && s[1])
		return 1; /* read-anywhere: no walk of the path */
	int r = 0;
	for (size_t i = 0; i < v->n; i++) {
		if (v->e[i].key && v->e[i].key != k)
			continue;
		const struct glob *g = lazy_glob(fp, &v->e[i], mode);
		if (!g)
			r = -1;
		else if (glob_match(g, s))
			return 1;
	}
	return r;
}

static int any_path(const struct ip_fastpath *fp, const struct ip_globv *v,
		    const char *s)
{
	return any_match_k(fp, v, GLOB_PATH, s, path_key(s));
}

bool ip_fastpath_read_silent(const struct ip_fastpath *fp, const char *abs)
{
	uint64_t k = path_key(abs);
	return fp->read_ok &&
	       any_match_k(fp, &fp->ra, GLOB_PATH, abs, k) == 1 &&
	       any_match_k(fp, &fp->rs, GLOB_PATH, abs, k) == 0;
}

bool ip_fastpath_exec_silent(const struct ip_fastpath *fp, const char *argv0,
			     const char *lex, const char *real,
			     const struct stat *st)
{
	if (!fp->exec_ok)
		return false;
	for (int i = 0; i < fp->ngit; i++)
		if (((uint64_t)st->st_dev == fp->git[i].dev &&
		     (uint64_t)st->st_ino == fp->git[i].ino) ||
		    (int64_t)st->st_size == fp->git[i].size)
			return false; /* git, or possibly a copy of it */
	/* argv patterns name a program by argv[0] or by its own path, as
	 * spelled or resolved (policyd matches all three) */
	const char *progn[] = {argv0, lex, real};
	for (size_t i = 0; i < 3; i++) {
		const char *base = strrchr(progn[i], '/');
		if (any_match_k(fp, &fp->x0, GLOB_TOKEN,
				base ? base + 1 : progn[i], 0) != 0)
			return false;
	}
	return any_path(fp, &fp->xa, real) == 1 &&
	       any_path(fp, &fp->xa, lex) == 1 &&
	       any_path(fp, &fp->xs, real) == 0 &&
	       any_path(fp, &fp->xs, lex) == 0;
}

void ip_fastpath_lock(void)
{
	pthread_mutex_lock(&fp_lock);
}

void ip_fastpath_unlock(void)
{
	pthread_mutex_unlock(&fp_lock);
}
