/* SPDX-License-Identifier: MIT */
/*
 * sandbox: what agent-shell applies to the session's first process before
 * it runs the agent's command (inherited by every descendant):
 *   - no_new_privs (setuid programs cannot gain privileges);
 *   - Landlock, when the policy can be expressed as allowlists of trees:
 *     writes (write, create, delete, truncate, rename, link) only under the
 *     trees policyd listed, execs only under its exec trees (and the ELF
 *     interpreter); race-free and binding for static binaries too;
 *   - a seccomp filter (libseccomp) that kills any non-native system-call
 *     ABI (int 0x80, x32) and refuses with EPERM the calls a session never
 *     needs and that could escape mediation: io_uring, ptrace,
 *     process_vm_readv/writev, bpf, perf_event_open, unshare, setns, clone
 *     with namespace flags (clone3 reports ENOSYS so libc falls back to
 *     clone), the mount family, pivot_root, chroot, keyrings, kexec, kernel
 *     modules, userfaultfd, and seccomp() creating a user-notify listener;
 *   - and, with a listener, SCMP_ACT_NOTIFY for execve/execveat, opens
 *     asking for write/create/truncate, the other file and metadata calls,
 *     bind, connect, sendto with an address, sendmsg and sendmmsg: policyd
 *     decides them (supervisor.c); openat2 answers ENOSYS (its flags are
 *     in memory another thread could change). The list is the table of
 *     common/syscalls.h, which policyd dispatches by.
 */
#ifndef TIERGATE_SANDBOX_H
#define TIERGATE_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

/* Landlock plan from policyd (see policy_landlock.c). */
struct sandbox_fs {
	const char *const *write; /* trees where writes may be allowed */
	size_t nwrite;
	const char *const *exec; /* trees where execs may be allowed */
	size_t nexec;
	bool write_all, exec_all; /* no restriction */
	/* the session's scratch directory (TG_SCRATCH_FD, tg_proto.h), or
	 * NULL: with a listener and Landlock ABI 2 the filter lets its calls
	 * through and the domain confines them beneath it */
	const char *scratch;
	bool scratch_fast; /* out: sandbox_apply did so */
};

/* Does the kernel offer seccomp filters? (reason on false) */
bool sandbox_available(const char **why);
/* Does the kernel offer seccomp user notification (the backstop)? */
bool sandbox_notify_available(void);
/* Landlock ABI version, or 0 when unavailable. */
int sandbox_landlock_abi(void);
/* Applies no_new_privs, Landlock (fs may be NULL) and the seccomp filter to
 * the calling process. With listener non-NULL the filter also notifies
 * execs, write-opens, connects and addressed sends, and *listener receives
 * the user-notify descriptor (for policyd). 0 or -errno; on error *what
 * names the failed step. */
int sandbox_apply(struct sandbox_fs *fs, int *listener,
		  const char **what);

#endif
