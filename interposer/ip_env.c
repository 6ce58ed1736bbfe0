/* SPDX-License-Identifier: MIT */
/* ip_env: the session's environment variables. See ip_env.h. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "ip_env.h"
#include "ip_state.h"
#include "tg_proto.h"

#define PRE "LD_PRELOAD="
#define PRE_LEN (sizeof(PRE) - 1)
#define LIB_MAX 4096 /* the longest path of our library */
/* environ without the session's variables when it has at most this many
 * entries (more: malloc'd) */
#define HIDE_CAP 160
/* what ip_env_for_exec adds: LD_PRELOAD, the session's variables, NULL */
#define ADDED 7
#define SCRATCH_PRE TG_SCRATCH_ENV "="

/* what the constructor writes (IP_BOOT: see ip_state.h) */
static struct {
	char *envv[HIDE_CAP]; /* environ without the session's variables */
	char socket[160];     /* "TIERGATE_SOCKET=..." */
	char fail[32];	      /* "TIERGATE_FAIL=..." */
	char backstop[32];    /* "TIERGATE_BACKSTOP=..." */
	char session[64];     /* "TIERGATE_SESSION=..." (or "") */
	char preload[256];    /* "LD_PRELOAD=<our library>", when it fits */
	char *env_preload;    /* .preload, or preload_long */
	char scratch[96];     /* "TIERGATE_SCRATCH=...", when it fits */
	char *env_scratch;    /* .scratch, scratch_long, or NULL: none */
} boot IP_BOOT;
static char preload_long[PRE_LEN + LIB_MAX];
static char scratch_long[sizeof(SCRATCH_PRE) + PATH_MAX];

/* our own .so, for LD_PRELOAD re-injection */
static const char *our_lib(void)
{
	return boot.env_preload + PRE_LEN;
}

/* what the program sees of LD_PRELOAD: the others it names */
static char visible_preload[4200];

/* the variables that are tiergate's alone, as "NAME=" */
static const char *const session_vars[] = {
    "TIERGATE_SOCKET=", "TIERGATE_SESSION=", "TIERGATE_FAIL=",
    "TIERGATE_BACKSTOP=", SCRATCH_PRE};

static bool is_session_var(const char *e)
{
	for (size_t i = 0; i < sizeof(session_vars) / sizeof(*session_vars);
	     i++)
		if (ip_has_prefix(e, session_vars[i]))
			return true;
	return false;
}

/* ld.so splits LD_PRELOAD at spaces and colons */
static bool preload_sep(char c)
{
	return c == ' ' || c == ':';
}

/* Where the token naming our library starts in list, or NULL. */
static const char *preload_ours(const char *list)
{
	size_t n = ip_slen(our_lib());
	for (const char *p = list; *p; p++)
		if ((p == list || preload_sep(p[-1])) &&
		    !strncmp(p, our_lib(), n) && (!p[n] || preload_sep(p[n])))
			return p;
	return NULL;
}

/* list without our library, as the program would have it natively, into
 * out (cap bytes): false when nothing else is left (or it does not fit) */
static bool preload_others(const char *list, char *out, size_t cap)
{
	const char *ours = preload_ours(list);
	size_t n = ip_slen(our_lib()), len = ip_slen(list);
	if (!ours) {
		if (len >= cap)
			return false;
		memcpy(out, list, len + 1);
		return len > 0;
	}
	size_t before = (size_t)(ours - list), skip = n;
	if (ours[n]) /* the separator after it goes too */
		skip++;
	else if (before) /* last: the one before it */
		before--;
	if (len - skip >= cap)
		return false;
	memcpy(out, list, before);
	memcpy(out + before, ours + skip, len - (before + skip) + 1);
	return out[0] != '\0';
}

/* environ without the session's variables: a copy (the strings are
 * shared), so that the kernel's copy, which Go reads, keeps them */
static void env_hide(void)
{
	size_t n = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	char **v = n < HIDE_CAP ? boot.envv : malloc((n + 1) * sizeof(*v));
	if (!v)
		return;
	size_t o = 0;
	static const char pre[] = PRE;
	for (char **e = environ; e && *e; e++) {
		if (is_session_var(*e))
			continue;
		if (ip_has_prefix(*e, pre)) {
			char others[sizeof(visible_preload) - sizeof(pre)];
			if (!preload_others(*e + sizeof(pre) - 1, others,
					    sizeof(others)))
				continue;
			ip_scopy(visible_preload, sizeof(visible_preload), pre,
				 others);
			v[o++] = visible_preload;
			continue;
		}
		v[o++] = *e;
	}
	v[o] = NULL;
	environ = v;
}

bool ip_env_is_boot_copy(char *const *v)
{
	return v == boot.envv;
}

const char *ip_env_scratch(void)
{
	return boot.env_scratch ? boot.env_scratch + sizeof(SCRATCH_PRE) - 1
				: NULL;
}

/* TIERGATE_SCRATCH, copied (a program may write over its first
 * environment's strings: setproctitle); none when empty or too long */
static void scratch_init(void)
{
	const char *v = ip_env_get(environ, TG_SCRATCH_ENV);
	size_t n = v ? strnlen(v, PATH_MAX) : 0;
	boot.env_scratch = NULL;
	if (!n || n >= PATH_MAX)
		return;
	size_t need = sizeof(SCRATCH_PRE) + n;
	char *e = need <= sizeof(boot.scratch) ? boot.scratch : scratch_long;
	ip_scopy(e, need, SCRATCH_PRE, v);
	boot.env_scratch = e;
}

/* a session id as policyd makes them ("s12-3456"): it names a file */
static bool session_id_ok(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (n >= sizeof(ip_session) - 1 ||
		    !((s[n] >= '0' && s[n] <= '9') ||
		      (s[n] >= 'a' && s[n] <= 'z') || s[n] == '-'))
			return false;
	return n > 0;
}

int ip_env_init(const char *lib)
{
	const char *sock = ip_env_get(environ, "TIERGATE_SOCKET");
	const char *fail = ip_env_get(environ, "TIERGATE_FAIL");
	const char *bs = ip_env_get(environ, "TIERGATE_BACKSTOP");
	if (!sock || !*sock || ip_slen(sock) >= sizeof(ip_sock_path) || !lib ||
	    lib[0] != '/' || ip_slen(lib) >= LIB_MAX)
		return -ENOENT; /* not in a session: stay out of the way */
	boot.env_preload = PRE_LEN + ip_slen(lib) < sizeof(boot.preload)
			       ? boot.preload
			       : preload_long;
	ip_scopy(boot.env_preload, PRE_LEN + LIB_MAX, PRE, lib);
	ip_scopy(ip_sock_path, sizeof(ip_sock_path), sock, NULL);
	ip_scopy(boot.socket, sizeof(boot.socket), "TIERGATE_SOCKET=", sock);
	ip_fail_open = fail && !strcmp(fail, "open");
	ip_scopy(boot.fail, sizeof(boot.fail),
		 "TIERGATE_FAIL=", ip_fail_open ? "open" : "closed");
	if (bs && !strcmp(bs, "1") && prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2)
		ip_backstop_env =
		    TGPB_EXEC | TGPB_OPEN_WRITE | TGPB_CONNECT | TGPB_FS;
	ip_scopy(boot.backstop, sizeof(boot.backstop),
		 "TIERGATE_BACKSTOP=", ip_backstop_env ? "1" : "0");
	const char *sid = ip_env_get(environ, "TIERGATE_SESSION");
	if (sid && session_id_ok(sid)) {
		ip_scopy(ip_session, sizeof(ip_session), sid, NULL);
		ip_scopy(boot.session, sizeof(boot.session),
			 "TIERGATE_SESSION=", sid);
	}
	scratch_init();
	env_hide();
	return 0;
}

/* LD_PRELOAD for a new program whose environment names others (not our
 * library): ours first, then them; ours alone when both do not fit */
static char *preload_with(const char *others, struct ip_envbuf *b)
{
	size_t a = ip_slen(boot.env_preload), n = ip_slen(others);
	if (!n || a + 1 + n >= sizeof(b->preload))
		return boot.env_preload;
	memcpy(b->preload, boot.env_preload, a);
	b->preload[a] = ' ';
	memcpy(b->preload + a + 1, others, n + 1);
	return b->preload;
}

char *const *ip_env_for_exec(char *const *envp, struct ip_envbuf *b)
{
	size_t n = 0, cap = IP_ENV_CAP;
	while (envp && envp[n])
		n++;
	char **out = b->v;
	b->big = NULL;
	if (n + ADDED > cap) { /* the program may pass any number (ARG_MAX) */
		size_t sz = (n + ADDED) * sizeof(*out);
		void *m = mmap(NULL, sz, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED) {
			out = b->big = m;
			b->bigsz = sz;
			cap = n + ADDED;
		}
	}
	size_t o = 0;
	char *pre = NULL;
	const char *others = "";
	for (char *const *e = envp; e && *e && o + ADDED < cap; e++) {
		if (ip_has_prefix(*e, "LD_PRELOAD=")) {
			/* the last one is the one ld.so takes */
			pre = preload_ours(*e + 11) ? *e : NULL;
			others = pre ? "" : *e + 11;
			continue;
		}
		if (is_session_var(*e))
			continue;
		out[o++] = *e;
	}
	out[o++] = pre ? pre : preload_with(others, b);
	out[o++] = boot.socket;
	out[o++] = boot.fail;
	out[o++] = boot.backstop;
	if (boot.session[0])
		out[o++] = boot.session;
	if (boot.env_scratch)
		out[o++] = boot.env_scratch;
	out[o] = NULL;
	return out;
}

void ip_env_release(struct ip_envbuf *b)
{
	if (!b->big)
		return;
	int saved = errno;
	munmap(b->big, b->bigsz);
	b->big = NULL;
	errno = saved;
}

/* Lent to every thread inside system() or popen() at once: the first
 * builds it, the last gives the program's own back (the calls overlap,
 * and each must find environ valid while libc spawns). Not held across
 * the calls themselves, which may wait for long. */
static pthread_mutex_t lend_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned lend_count;
static char **lend_saved;
static struct ip_envbuf *lend_buf;

void ip_env_lend(void)
{
	int saved = errno;
	pthread_mutex_lock(&lend_lock);
	if (lend_count == 0) {
		lend_buf = malloc(sizeof(*lend_buf));
		if (lend_buf) {
			lend_saved = environ;
			environ = (char **)ip_env_for_exec(environ, lend_buf);
		}
	}
	if (lend_buf)
		lend_count++;
	pthread_mutex_unlock(&lend_lock);
	errno = saved;
}

void ip_env_unlend(void)
{
	int saved = errno;
	pthread_mutex_lock(&lend_lock);
	if (lend_count && --lend_count == 0) {
		environ = lend_saved;
		ip_env_release(lend_buf);
		free(lend_buf);
		lend_buf = NULL;
	}
	pthread_mutex_unlock(&lend_lock);
	errno = saved;
}

void ip_env_lock(void)
{
	pthread_mutex_lock(&lend_lock);
}

void ip_env_unlock(void)
{
	pthread_mutex_unlock(&lend_lock);
}
