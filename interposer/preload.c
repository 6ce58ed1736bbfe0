/* SPDX-License-Identifier: MIT */
/*
 * libtiergate-preload.so: the LD_PRELOAD interposer.
 *
 * Forwards exec, file-changing calls, non-trivial reads and connects to
 * policyd and refuses what policyd refuses: the call fails with EACCES
 * (EPERM for connect) and one line on stderr names what was refused, by
 * which rule, and what to do instead.
 *
 * Rules the interposer lives by:
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
 *
 * The modules, from the bottom up (each uses only those above it):
 *   ip_state     the session's settings, the re-entry guard, raw helpers
 *   ip_env       the session's environment variables: hidden, put back
 *   ip_path      path checks on caller buffers (vfork-safe)
 *   ip_scratch   the scratch directory's calls, relative to its descriptor
 *   ip_conn      connections to policyd: pool, answers read later, verdicts
 *   ip_fastpath  policyd's criteria for local decisions (HELLO snapshot)
 *   ip_reads     the read fast path and the names read before
 *   ip_exec      exec hooks          ip_files  file hooks
 *   ip_spawn     posix_spawn and its file actions
 *   ip_net       network hooks and name lookups
 *   preload.c    this file: the constructor, fork handlers
 */
#include <errno.h>
#include <pthread.h>
#include <sys/single_threaded.h>

#include "ip_conn.h"
#include "ip_env.h"
#include "ip_fastpath.h"
#include "ip_net.h"
#include "ip_reads.h"
#include "ip_spawn.h"
#include "ip_state.h"

/* whether atfork_prepare took the locks, for the handlers after the fork
 * in the same thread */
static __thread bool fork_locked __attribute__((tls_model("initial-exec")));

/* fork() in a threaded program: take our locks around it so the child
 * never inherits one held by a thread that does not exist there. The
 * order is the one the modules take them in: the file actions' (held while
 * a spawn's actions are decided), the snapshot's (held while it asks
 * policyd), the connections', then the leaves. */
static void atfork_prepare(void)
{
	/* fetch the fast-path snapshot once, here in the parent, so every
	 * child starts with it */
	if (ip_active && !ip_in_hook) {
		int saved = errno;
		ip_in_hook++;
		/* and its exec globs compiled: the child's exec looks at
		 * them, and would otherwise compile them in pages it then
		 * copies (a fault each, in every fork) */
		struct ip_fastpath *fp = ip_fastpath_get();
		if (fp)
			ip_fastpath_prepare_exec(fp);
		/* a child's connect must find its parent's lookups recorded
		 * (the answer is on the parent's connection, which the child
		 * drops) */
		ip_conn_settle();
		ip_in_hook--;
		errno = saved;
	}
	/* a single-threaded process has no other thread that could hold
	 * one, and taking them would cost a page fault each on both sides
	 * of the fork (every page written after a fork is copied or at
	 * least trapped: ~12 us each on a VM), for every fork of bash or
	 * make; the decision is kept for the handlers after the fork */
	fork_locked = !__libc_single_threaded;
	if (!fork_locked)
		return;
	ip_spawn_lock();
	ip_env_lock();
	ip_fastpath_lock();
	ip_conn_lock();
	ip_reads_lock();
	ip_net_lock();
}

static void atfork_parent(void)
{
	if (!fork_locked)
		return;
	ip_net_unlock();
	ip_reads_unlock();
	ip_conn_unlock();
	ip_fastpath_unlock();
	ip_env_unlock();
	ip_spawn_unlock();
}

/* the child: the parent's pooled connections go now, before the program
 * runs on and reuses their numbers */
static void atfork_child(void)
{
	ip_conn_atfork_child(); /* errno kept */
	atfork_parent();
}

__attribute__((constructor)) static void tg_init(void)
{
	Dl_info info;
	if (!dladdr((void *)tg_init, &info) || ip_env_init(info.dli_fname) < 0)
		return; /* not in a session: stay out of the way */
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	ip_active = true;
}
