/* SPDX-License-Identifier: MIT */
/*
 * ip_exec: the exec hooks (execve and its family, fexecve, execveat,
 * system, popen) and the exec gate posix_spawn shares (ip_spawn.c).
 *
 * The exec path is vfork-safe: it uses the stack (an mmap for command lines
 * over 16 KiB), raw system calls and a fresh connection per exec; no
 * malloc, no locks, no stdio. Children stay mediated: every exec gets
 * LD_PRELOAD and the TIERGATE_* variables put back if the caller removed
 * or changed them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ip_conn.h"
#include "ip_env.h"
#include "ip_exec.h"
#include "ip_fastpath.h"
#include "ip_path.h"
#include "ip_state.h"
#include "tg_proto.h"
#include "util.h"

/* libc's execve is this system call and nothing else; called directly, a
 * forked child needs no symbol lookup (dlsym) before its exec, which cost
 * it about ten page faults, each a trap on a VM */
static int raw_execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)syscall(SYS_execve, path, argv, envp);
}
REAL(int, execvp, const char *, char *const[])
REAL(int, execvpe, const char *, char *const[], char *const[])
REAL(int, fexecve, int, char *const[], char *const[])
REAL(int, execveat, int, const char *, char *const[], char *const[], int)
REAL(int, system, const char *)
REAL(FILE *, popen, const char *, const char *)

/* Can this exec be allowed without asking policyd? Only for a silent Tier 1
 * allow, by the rules policyd sent (see policy_exec_fastpath). */
static bool exec_is_silent(int dirfd, const char *path, char *const argv[])
{
	/* no fetch here: a child would pay a round trip to save one. The
	 * snapshot comes from the parent (fetched before fork, inherited). */
	struct ip_fastpath *fp = ip_fastpath_current();
	if (!fp || !fp->exec_ok || dirfd != AT_FDCWD || !path || !*path ||
	    !argv || !argv[0])
		return false;
	char lex[4096], real[4096], cwd[4096], raw[4096];
	if (path[0] == '/') {
		if (tg_path_normalize("/", path, lex, sizeof(lex)) < 0)
			return false;
		ip_scopy(raw, sizeof(raw), path, NULL);
	} else {
		long n = syscall(SYS_getcwd, cwd, sizeof(cwd));
		if (n <= 0 || cwd[0] != '/' ||
		    tg_path_normalize(cwd, path, lex, sizeof(lex)) < 0 ||
		    !ip_path_join(cwd, path, raw, sizeof(raw)))
			return false;
	}
	/* the real program from the path as spelled: ".." after a symlink is
	 * the parent of its target, which the lexical fold cannot know */
	if (ip_has_prefix(lex, "/proc/") ||
	    !ip_path_realpath(raw, real, sizeof(real)))
		return false;
	struct stat st;
	if (syscall(SYS_newfstatat, AT_FDCWD, real, &st, 0) < 0 ||
	    !S_ISREG(st.st_mode))
		return false;
	return ip_fastpath_exec_silent(fp, argv[0], lex, real, &st);
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
/* Is e ("NAME=VALUE" of the exec's environment) one git reads
 * (tg_git_env)? policyd reads what a git command does with them (the
 * kernel path reads envp itself). */
static bool git_env(const char *e, char *const argv[])
{
	return tg_git_env(e, (const char *const *)argv, count_vec(argv));
}

__attribute__((noinline)) static void
decide_exec(int dirfd, const char *path, char *const argv[], char *const envp[],
	    uint32_t flags, struct ip_verdict *v)
{
	v->target[0] = '\0';
	ip_scopy(v->target, sizeof(v->target), path, NULL);
	/* most command lines fit on the stack; big ones get an mmap */
	uint8_t small[16384];
	size_t need = sizeof(struct tgp_hdr) + 64 + ip_slen(path) + 8;
	for (char *const *a = argv; a && *a; a++)
		need += ip_slen(*a) + sizeof(struct tgp_fhdr);
	size_t nenv = 0;
	for (char *const *e = envp; e && *e; e++)
		if (git_env(*e, argv)) {
			need += ip_slen(*e) + sizeof(struct tgp_fhdr);
			nenv++;
		}
	bool big = need > sizeof(small);
	size_t cap = big ? TGP_MAX_MSG : sizeof(small);
	uint8_t *buf = small;
	if (big) {
		buf = mmap(NULL, TGP_MAX_MSG, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED) {
			ip_verdict_unreachable(v);
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
	/* more than policyd takes: refused below, never a partial view */
	for (char *const *ev = envp; nenv <= TGP_MAX_ENV && ev && *ev; ev++)
		if (git_env(*ev, argv))
			tgp_put_str(&e, TGPT_ENV, *ev);
	long len = tgp_enc_end(&e);
	if (argc == 0 || argc > TGP_MAX_ARGS || nenv > TGP_MAX_ENV || len < 0 ||
	    ip_slen(path) > TGP_MAX_PATH) {
		if (big)
			munmap(buf, TGP_MAX_MSG);
		v->allow = false;
		ip_scopy(v->rule, sizeof(v->rule), "", NULL);
		ip_scopy(v->msg, sizeof(v->msg),
			 argc == 0
			     ? "an exec with an empty argv cannot be mediated"
			     : "the command line is too large for tiergate to "
			       "mediate (1 MiB, 16384 arguments)",
			 NULL);
		return;
	}
	int fd = ip_conn_fresh();
	long n = fd >= 0 ? tgp_roundtrip(fd, buf, (size_t)len, buf, cap) : -1;
	if (fd >= 0)
		syscall(SYS_close, fd);
	if (n > 0)
		ip_verdict_parse(buf, n, v);
	else
		ip_verdict_unreachable(v);
	if (big)
		munmap(buf, TGP_MAX_MSG);
}

/* An exec policyd decides through the interposer: 0 allowed, -1 refused
 * (said, errno set). Not inlined: its frames stay off the stack of an exec
 * the kernel decides (every page a forked child writes costs a fault). */
__attribute__((noinline)) static int exec_ask(int dirfd, const char *path,
					      char *const argv[],
					      char *const envp[],
					      uint32_t flags)
{
	struct ip_verdict v;
	v.unreachable = false;
	decide_exec(dirfd, path, argv, envp, flags, &v);
	if (v.allow) {
		if (v.unreachable)
			ip_say("allowed", "exec", path, NULL, v.msg);
		return 0;
	}
	/* the command line as a shell would need it typed: "rm 'a b'" is
	 * not "rm a b" */
	char label[1024];
	size_t argc = 0;
	while (argv && argv[argc] && argc < TGP_MAX_ARGS)
		argc++;
	tg_argv_quote(label, sizeof(label), (const char *const *)argv, argc);
	return ip_refuse("exec", label[0] ? label : path, &v, EACCES);
}

/* Common exec gate. Returns 0 to go ahead, -1 refused (said, errno set). */
static int exec_decide(int dirfd, const char *path, char *const argv[],
		       char *const envp[], uint32_t flags)
{
	if (ip_kernel_decides(TGPB_EXEC))
		return 0; /* one decision per call: the kernel's */
	if (!flags && exec_is_silent(dirfd, path, argv))
		return 0;
	/* no such program: the exec fails the same without a decision
	 * (execvp tries every PATH directory; no refusal line for those) */
	if (path && path[0] && !(flags & AT_EMPTY_PATH) &&
	    syscall(SYS_faccessat, dirfd, path, F_OK) < 0 &&
	    (errno == ENOENT || errno == ENOTDIR))
		return -1;
	return exec_ask(dirfd, path, argv, envp, flags);
}

/* Every exec entry point: decided inside the re-entry guard; 0 with errno
 * as the caller had it, or -1 with errno set (the refusal was said). */
int ip_exec_gate(int dirfd, const char *path, char *const argv[],
		 uint32_t flags)
{
	return ip_exec_gate_env(dirfd, path, argv, environ, flags);
}

int ip_exec_gate_env(int dirfd, const char *path, char *const argv[],
		     char *const envp[], uint32_t flags)
{
	path = ip_maybe_null(path);
	if (!path)
		return 0; /* no program: the kernel fails it (EFAULT) */
	int saved = errno;
	ip_in_hook++;
	int r = exec_decide(dirfd, path, argv, envp, flags);
	ip_in_hook--;
	if (r == 0)
		errno = saved;
	return r;
}

IP_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	if (!ip_active || ip_in_hook)
		return raw_execve(path, argv, envp);
	if (ip_exec_gate_env(AT_FDCWD, path, argv, envp, 0) < 0)
		return -1;
	struct ip_envbuf eb;
	int r = raw_execve(path, argv, ip_env_for_exec(envp, &eb));
	ip_env_release(&eb);
	return r;
}

IP_EXPORT int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

/* Finds file in PATH like execvp; result in out. */
bool ip_exec_path_search(const char *file, char *out, size_t cap)
{
	if (strchr(file, '/')) {
		ip_scopy(out, cap, file, NULL);
		return true;
	}
	const char *p = ip_env_get(environ, "PATH");
	if (!p)
		p = "/bin:/usr/bin"; /* libc's own (confstr _CS_PATH) */
	while (*p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : ip_slen(p);
		char cand[4096];
		if (n + ip_slen(file) + 2 < sizeof(cand)) {
			if (n == 0) {
				ip_scopy(cand, sizeof(cand), file, NULL);
			} else {
				memcpy(cand, p, n);
				cand[n] = '/';
				ip_scopy(cand + n + 1, sizeof(cand) - n - 1,
					 file, NULL);
			}
			struct stat st;
			if (syscall(SYS_faccessat, AT_FDCWD, cand, X_OK) == 0 &&
			    syscall(SYS_newfstatat, AT_FDCWD, cand, &st, 0) ==
				0 &&
			    S_ISREG(st.st_mode)) {
				ip_scopy(out, cap, cand, NULL);
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
	if (!ip_active || ip_in_hook)
		return use_envp ? get_execvpe()(file, argv, envp)
				: get_execvp()(file, argv);
	char resolved[4096];
	if (!file || !*file ||
	    !ip_exec_path_search(file, resolved, sizeof(resolved))) {
		/* not found: let libc report ENOENT the usual way */
		return use_envp ? get_execvpe()(file, argv, envp)
				: get_execvp()(file, argv);
	}
	if (ip_exec_gate_env(AT_FDCWD, resolved, argv,
			     use_envp ? envp : environ, 0) < 0)
		return -1;
	struct ip_envbuf eb;
	int r = get_execvpe()(resolved, argv,
			      ip_env_for_exec(use_envp ? envp : environ, &eb));
	ip_env_release(&eb);
	return r;
}

IP_EXPORT int execvp(const char *file, char *const argv[])
{
	return execvpe_common(file, argv, NULL, false);
}

IP_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return execvpe_common(file, argv, envp, true);
}

/*
 * The argv of an execl call: on the caller's stack, or for more than
 * ARGS_STACK arguments an mmap (vfork-safe), as libc takes any number up
 * to the kernel's limit.
 */
#define ARGS_STACK 4096
struct largs {
	char *stack[ARGS_STACK + 1];
	char **v;
	size_t mapped; /* bytes of the mmap, 0 when none */
};

static int largs_collect(struct largs *a, const char *arg0, va_list ap,
			 char ***envp)
{
	va_list count;
	va_copy(count, ap);
	size_t n = 1;
	for (const char *p = arg0; p; n++)
		p = va_arg(count, const char *);
	va_end(count);
	a->v = a->stack;
	a->mapped = 0;
	if (n > ARGS_STACK + 1) {
		size_t sz = n * sizeof(char *);
		void *m = mmap(NULL, sz, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return -1; /* ENOMEM */
		a->v = m;
		a->mapped = sz;
	}
	a->v[0] = (char *)arg0;
	for (size_t i = 1; i < n; i++)
		a->v[i] = va_arg(ap, char *);
	if (envp)
		*envp = va_arg(ap, char **);
	return 0;
}

static void largs_release(struct largs *a)
{
	int saved = errno;
	if (a->mapped)
		munmap(a->v, a->mapped);
	errno = saved;
}

#define LARGS(a, arg, envp)                                                    \
	({                                                                     \
		va_list ap_;                                                   \
		va_start(ap_, arg);                                            \
		int r_ = largs_collect(a, arg, ap_, envp);                     \
		va_end(ap_);                                                   \
		r_;                                                            \
	})

IP_EXPORT int execl(const char *path, const char *arg, ...)
{
	struct largs a;
	if (LARGS(&a, arg, NULL) < 0)
		return -1;
	int r = execve(path, a.v, environ);
	largs_release(&a);
	return r;
}

IP_EXPORT int execlp(const char *file, const char *arg, ...)
{
	struct largs a;
	if (LARGS(&a, arg, NULL) < 0)
		return -1;
	int r = execvp(file, a.v);
	largs_release(&a);
	return r;
}

IP_EXPORT int execle(const char *path, const char *arg, ...)
{
	struct largs a;
	char **envp;
	if (LARGS(&a, arg, &envp) < 0)
		return -1;
	int r = execve(path, a.v, envp);
	largs_release(&a);
	return r;
}

/* An exec by a descriptor, or relative to one, whose number holds nothing
 * fails with EBADF as the kernel fails it: nothing to decide (the path
 * made of it, /proc/self/fd/N, would say ENOENT). */
static bool bad_fd(int fd)
{
	return syscall(SYS_fcntl, fd, F_GETFD) < 0 && errno == EBADF;
}

IP_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	if (!ip_active || ip_in_hook)
		return get_fexecve()(fd, argv, envp);
	if (bad_fd(fd))
		return -1;
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if (ip_exec_gate_env(AT_FDCWD, p, argv, envp, TGPF_FEXEC) < 0)
		return -1;
	struct ip_envbuf eb;
	int r = get_fexecve()(fd, argv, ip_env_for_exec(envp, &eb));
	ip_env_release(&eb);
	return r;
}

IP_EXPORT int execveat(int dirfd, const char *path, char *const argv[],
		       char *const envp[], int flags)
{
	if (!ip_active || ip_in_hook)
		return get_execveat()(dirfd, path, argv, envp, flags);
	const char *name = ip_maybe_null(path);
	if (!name && !(flags & AT_EMPTY_PATH)) /* the kernel says EFAULT */
		return get_execveat()(dirfd, path, argv, envp, flags);
	char p[4200];
	int gdir = dirfd;
	if (dirfd != AT_FDCWD && (!name || name[0] != '/') && bad_fd(dirfd))
		return -1;
	if ((flags & AT_EMPTY_PATH) && (!name || !*name)) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", dirfd);
		gdir = AT_FDCWD;
	} else {
		ip_scopy(p, sizeof(p), name, NULL);
	}
	if (ip_exec_gate_env(gdir, p, argv, envp, 0) < 0)
		return -1;
	struct ip_envbuf eb;
	int r = get_execveat()(dirfd, path, argv, ip_env_for_exec(envp, &eb),
			       flags);
	ip_env_release(&eb);
	return r;
}

IP_EXPORT int system(const char *cmd)
{
	if (!ip_active || ip_in_hook || !cmd)
		return get_system()(cmd);
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	if (ip_exec_gate(AT_FDCWD, "/bin/sh", argv, 0) < 0)
		return 127 << 8; /* as if the shell could not run the command */
	/* libc spawns /bin/sh with environ through its own calls */
	ip_env_lend();
	int r = get_system()(cmd);
	ip_env_unlend();
	return r;
}

IP_EXPORT FILE *popen(const char *cmd, const char *mode)
{
	if (!ip_active || ip_in_hook || !cmd)
		return get_popen()(cmd, mode);
	char *argv[] = {"sh", "-c", (char *)cmd, NULL};
	if (ip_exec_gate(AT_FDCWD, "/bin/sh", argv, 0) < 0) {
		errno = EACCES;
		return NULL;
	}
	ip_env_lend();
	FILE *f = get_popen()(cmd, mode);
	ip_env_unlend();
	return f;
}
