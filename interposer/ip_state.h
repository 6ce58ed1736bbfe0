/* SPDX-License-Identifier: MIT */
/*
 * ip_state: what every module of the interposer shares: the session's
 * settings (set once at start-up by ip_env_init, read-only after),
 * the re-entry guard, and small helpers that are safe in a vfork child
 * (no malloc, no locks, no stdio).
 *
 * Everything declared in the interposer's headers is hidden: only the
 * hooks (IP_EXPORT) leave the library.
 */
#ifndef TIERGATE_IP_STATE_H
#define TIERGATE_IP_STATE_H

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* libc's, outside the hidden block below */
extern char **environ;

#pragma GCC visibility push(hidden)

#define IP_EXPORT __attribute__((visibility("default")))

/* ------------------------------------------------------------ state */

/* What every new program's constructor writes, and a forked child before
 * its exec, goes into one section of .data: the page that holds it is
 * copied at load anyway (ld.so zeroes the start of .bss on it), so these
 * writes cost no page fault of their own (each is a trap, ~12 us on a VM,
 * paid by every program started in a session). Keep it small. */
#define IP_BOOT __attribute__((section(".data.ip_boot")))

extern char ip_sock_path[108]; /* policyd's agent socket */
extern char ip_session[32];    /* the session's id (TIERGATE_SESSION) */
/* The kernel path (seccomp user-notify, see policyd/supervisor.c) decides
 * execs, write-opens and connects of this process: agent-shell says so in
 * TIERGATE_BACKSTOP, and the process must really run under a filter (a
 * filter is never removed). A HELLO answer, once fetched, can only add to
 * what these say. */
extern uint32_t ip_backstop_env;
extern bool ip_active;		 /* we are in a session */
extern _Atomic int ip_fail_open; /* the session's policy says fail: open */
/* all of the above are IP_BOOT */

/* the re-entry guard: calls made while deciding go straight to libc */
extern __thread int ip_in_hook __attribute__((tls_model("initial-exec")));

/* ----------------------------------------------------- raw helpers */

size_t ip_slen(const char *s);
/* a then b into dst (cap bytes), cut to fit, always terminated */
void ip_scopy(char *dst, size_t cap, const char *a, const char *b);
bool ip_has_prefix(const char *s, const char *p);
/* n bytes of p, a word at a time, mixed so that every bit of the result
 * depends on every byte: the hash of the tables here (names are compared
 * whole on a hit; the hash only spreads them) */
uint64_t ip_hash(const char *p, size_t n);
/* The value of name in envp, or NULL. */
const char *ip_env_get(char *const *envp, const char *name);
/* One line on stderr; no stdio, no malloc. Non-printable bytes in the
 * target are shown as '?', so a hostile file name cannot forge lines. */
void ip_say(const char *verb, const char *kind, const char *target,
	    const char *rule, const char *msg);
uint64_t ip_mono_ns(void);

/*
 * p, as a value the compiler knows nothing about. libc declares the path
 * arguments of the calls we wrap nonnull, and GCC drops NULL checks on such
 * arguments even in functions inlined into the hooks (and even with
 * -fno-delete-null-pointer-checks); programs do pass NULL, and the kernel
 * answers EFAULT. Every gate launders the pointers it checks.
 */
static inline const char *ip_maybe_null(const char *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* ----------------------------------------------------- real symbols */

/* REAL(ret, name, args...): real_name and get_name(), libc's own name,
 * looked up once (each module declares the ones it calls) */
#define REAL(ret, name, ...)                                                   \
	static ret (*real_##name)(__VA_ARGS__);                                \
	static ret (*get_##name(void))(__VA_ARGS__)                            \
	{                                                                      \
		if (!real_##name)                                              \
			real_##name =                                          \
			    (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name);      \
		return real_##name;                                            \
	}

#pragma GCC visibility pop

#endif
