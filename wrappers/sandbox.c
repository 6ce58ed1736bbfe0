/* SPDX-License-Identifier: MIT */
#include "sandbox.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

bool sandbox_available(const char **why)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
		*why = "the kernel has no seccomp";
		return false;
	}
	const struct scmp_version *v = seccomp_version();
	if (!v) {
		*why = "libseccomp is unusable";
		return false;
	}
	return true;
}

/* Calls that are refused with EPERM whatever their arguments. */
static const char *const refused[] = {
	"io_uring_setup", "io_uring_enter", "io_uring_register",
	"ptrace", "process_vm_readv", "process_vm_writev",
	"bpf", "perf_event_open", "unshare", "setns",
	"mount", "umount2", "fsopen", "fsconfig", "fsmount", "fspick",
	"move_mount", "open_tree", "mount_setattr", "pivot_root", "chroot",
	"keyctl", "add_key", "request_key",
	"kexec_load", "kexec_file_load",
	"init_module", "finit_module", "delete_module",
	"userfaultfd", "open_by_handle_at", "name_to_handle_at",
	"lookup_dcookie", "quotactl", "acct", "swapon", "swapoff",
	"reboot", "settimeofday", "clock_settime", "adjtimex",
	"clock_adjtime", "syslog", "vhangup",
};

int sandbox_apply(const char **what)
{
	/* why: with no_new_privs a setuid program run by the agent cannot
	 * gain privileges the session was not given, and an unprivileged
	 * process may install the filter */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		*what = "no_new_privs";
		return -errno;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx) {
		*what = "seccomp_init";
		return -ENOMEM;
	}
	int r;
	/* why: a second ABI is a second syscall table the rules below do not
	 * cover (int 0x80 reaches the i386 calls); kill rather than refuse */
	*what = "bad-arch action";
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0)
		goto out;
	/* every system call of the session runs this filter: a binary tree
	 * of syscall numbers instead of a linear scan (libseccomp >= 2.5) */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		int nr = seccomp_syscall_resolve_name(refused[i]);
		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		*what = refused[i];
		if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0)) < 0)
			goto out;
	}
	/* clone with any namespace flag: one rule per flag, (A0 & F) == F */
	static const unsigned long ns[] = { CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID,
					    CLONE_NEWNET, CLONE_NEWIPC, CLONE_NEWUTS,
					    CLONE_NEWCGROUP, CLONE_NEWTIME };
	*what = "clone";
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
					  SCMP_A0(SCMP_CMP_MASKED_EQ, ns[i], ns[i]))) < 0)
			goto out;
	/* clone3 passes its flags in memory a filter cannot read: say it does
	 * not exist, and libc falls back to clone, which is checked above */
	*what = "clone3";
	if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0)) < 0)
		goto out;
	/* seccomp(): filters may be stacked, but never with a user-notify
	 * listener (that would let the session supervise itself) */
	*what = "seccomp";
	if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(seccomp), 2,
				  SCMP_A0(SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER),
				  SCMP_A1(SCMP_CMP_MASKED_EQ, SECCOMP_FILTER_FLAG_NEW_LISTENER,
					  SECCOMP_FILTER_FLAG_NEW_LISTENER))) < 0)
		goto out;
	*what = "seccomp_load";
	r = seccomp_load(ctx);
out:
	seccomp_release(ctx);
	return r;
}
