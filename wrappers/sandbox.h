/* SPDX-License-Identifier: MIT */
/*
 * sandbox: what agent-shell applies to the session's first process before
 * it runs the agent's command (inherited by every descendant):
 *   - no_new_privs (setuid programs cannot gain privileges);
 *   - a seccomp filter (libseccomp) that kills any non-native system-call
 *     ABI (int 0x80, x32) and refuses with EPERM the calls a session never
 *     needs and that could escape mediation: io_uring, ptrace,
 *     process_vm_readv/writev, bpf, perf_event_open, unshare, setns, clone
 *     with namespace flags (clone3 reports ENOSYS so libc falls back to
 *     clone), the mount family, pivot_root, chroot, keyrings, kexec, kernel
 *     modules, userfaultfd, and seccomp() creating a user-notify listener.
 */
#ifndef TIERGATE_SANDBOX_H
#define TIERGATE_SANDBOX_H

#include <stdbool.h>

/* Does the kernel offer seccomp filters? (reason on false) */
bool sandbox_available(const char **why);
/* Applies no_new_privs and the filter to the calling process. 0 or -errno;
 * on error *what names the step that failed. */
int sandbox_apply(const char **what);

#endif
