/* SPDX-License-Identifier: MIT */
#include "sv_refuse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "missing.h"
#include "procfs.h"
#include "session.h"
#include "util.h"

/* What to tell the agent, by group of calls. */
static const char trace_msg[] =
    "a tiergate session cannot trace or read other processes (strace, "
    "gdb, ltrace attach with ptrace); debug outside agent-shell, or use "
    "the program's own logging or a core file";
static const char ns_msg[] =
    "a tiergate session cannot make or enter namespaces (unshare, "
    "nsenter, containers, bwrap); run containers outside agent-shell";
static const char mount_msg[] =
    "a tiergate session cannot mount file systems or change its root "
    "(mount, chroot); work in the directories the policy allows";
static const char kernel_msg[] =
    "this kernel interface is outside what a tiergate policy can "
    "decide; programs fall back to ordinary calls";
static const char machine_msg[] =
    "a tiergate session cannot administer the machine (modules, "
    "clock, swap, reboot, host name, kernel log, raw I/O); do it outside "
    "agent-shell";

static const char attr_msg[] =
    "a tiergate session cannot change a file's inode flags or attributes "
    "(chattr: append-only, noatime, nodump, sync, project id), its "
    "generation, fs-verity or encryption policy, or the file system's "
    "encryption keys (no file rule decides them); lsattr still works; "
    "change them outside agent-shell";

static const char route_msg[] =
    "a tiergate session cannot set IP options, IPv6 routing headers, "
    "transparent or free binding, or a socket mark (they send packets to "
    "another host than the address the policy decided, or from an address "
    "that is not this machine's); connect or send to the address itself";

struct refusal {
	int nr;
	bool quiet; /* probed by programs that do without it */
	const char *msg;
};

/* clang-format off */
static const struct refusal refusals[] = {
    {__NR_ptrace, false, trace_msg},
    {__NR_process_vm_readv, false, trace_msg},
    {__NR_process_vm_writev, false, trace_msg},
    {__NR_pidfd_getfd, false, trace_msg},
    /* probed at start-up (libuv, liburing users, systemd, QEMU, glib):
     * each has a fallback, and a line at every start would be noise */
    {__NR_io_uring_setup, true, kernel_msg},
    {__NR_io_uring_enter, true, kernel_msg},
    {__NR_io_uring_register, true, kernel_msg},
    {__NR_bpf, true, kernel_msg},
    {__NR_userfaultfd, true, kernel_msg},
    {__NR_keyctl, true, kernel_msg},
    {__NR_add_key, true, kernel_msg},
    {__NR_request_key, true, kernel_msg},
    {__NR_name_to_handle_at, true, kernel_msg},
    {__NR_open_by_handle_at, true, kernel_msg},
    {__NR_lookup_dcookie, true, kernel_msg},
    /* adjtimex(modes 0) is how ntp_gettime and chrony read the clock */
    {__NR_adjtimex, true, machine_msg},
    {__NR_clock_adjtime, true, machine_msg},
    {__NR_perf_event_open, false,
     "a tiergate session cannot use performance counters (perf, "
     "profilers); profile outside agent-shell"},
    {__NR_unshare, false, ns_msg},
    {__NR_setns, false, ns_msg},
    {__NR_mount, false, mount_msg},
    {__NR_umount2, false, mount_msg},
    {__NR_fsopen, false, mount_msg},
    {__NR_fsconfig, false, mount_msg},
    {__NR_fsmount, false, mount_msg},
    {__NR_fspick, false, mount_msg},
    {__NR_move_mount, false, mount_msg},
    {__NR_open_tree, false, mount_msg},
    {__NR_mount_setattr, false, mount_msg},
    {__NR_pivot_root, false, mount_msg},
    {__NR_chroot, false, mount_msg},
    {__NR_kexec_load, false, machine_msg},
    {__NR_kexec_file_load, false, machine_msg},
    {__NR_init_module, false, machine_msg},
    {__NR_finit_module, false, machine_msg},
    {__NR_delete_module, false, machine_msg},
    {__NR_quotactl, false, machine_msg},
    {__NR_acct, false, machine_msg},
    {__NR_swapon, false, machine_msg},
    {__NR_swapoff, false, machine_msg},
    {__NR_reboot, false, machine_msg},
    {__NR_settimeofday, false, machine_msg},
    {__NR_clock_settime, false, machine_msg},
    {__NR_syslog, false, machine_msg},
    {__NR_vhangup, false, machine_msg},
    {__NR_fanotify_init, false, machine_msg},
    {__NR_fanotify_mark, false, machine_msg},
    {__NR_iopl, false, machine_msg},
    {__NR_ioperm, false, machine_msg},
    {__NR_sethostname, false, machine_msg},
    {__NR_setdomainname, false, machine_msg},
    /* ioctl: notified only for the requests that change an inode's
     * state (wrappers/sandbox.c: TG_SCF_IOCTL_ATTR) */
    {__NR_ioctl, false, attr_msg},
    {__NR_file_setattr, false, attr_msg},
    /* setsockopt: notified only for the options of a source route
     * (wrappers/sandbox.c: TG_SCF_SOCKOPT_ROUTE) */
    {__NR_setsockopt, false, route_msg},
};
/* clang-format on */

const char *sv_refuse_why(int nr, bool *ret_quiet)
{
	for (size_t i = 0; i < TG_ARRAY_SIZE(refusals); i++)
		if (refusals[i].nr == nr) {
			if (ret_quiet)
				*ret_quiet = refusals[i].quiet;
			return refusals[i].msg;
		}
	return NULL;
}

/* The refusal line's target: the caller's command line, quoted as a shell
 * would need it typed; "pid N" when it cannot be read. */
static void caller_label(pid_t pid, char *out, size_t outsz)
{
	char cmd[8192];
	const char *argv[128];
	size_t len = 0, argc = 0;
	if (procfs_cmdline(pid, cmd, sizeof(cmd), &len) == 0)
		for (size_t i = 0; i < len && argc < TG_ARRAY_SIZE(argv);) {
			argv[argc++] = cmd + i;
			i += strlen(cmd + i) + 1;
		}
	if (argc)
		tg_argv_quote(out, outsz, argv, argc);
	else
		snprintf(out, outsz, "pid %d", (int)pid);
}

/* Was the same command line of session sid told about call nr in the
 * last 10 s? strace
 * tries ptrace four ways, from itself and from children it forks, before
 * it gives up: one line says it. Remembers the last 16 (command line,
 * call) pairs told, by hash (a collision only spares a line; the audit
 * line is written all the same). */
static bool told_recently(const char *sid, const char *label, int nr)
{
	static struct {
		uint64_t hash, at;
		int nr;
	} told[16];
	static unsigned next;
	uint64_t h = 1469598103934665603ULL, now = tg_mono_ns();
	for (const char *p = sid; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL; /* never in a session id */
	for (const char *p = label; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (size_t i = 0; i < TG_ARRAY_SIZE(told); i++)
		if (told[i].at && told[i].hash == h && told[i].nr == nr &&
		    now - told[i].at < 10ULL * 1000000000ULL)
			return true;
	told[next].hash = h;
	told[next].nr = nr;
	told[next].at = now;
	next = (next + 1) % TG_ARRAY_SIZE(told);
	return false;
}

int sv_refuse(struct call *k)
{
	bool quiet = false;
	const char *why = sv_refuse_why(k->sc->nr, &quiet);
	_cleanup_free_ struct outcome *o = malloc(sizeof(*o));
	if (!o) {
		sv_call_answer(k, -EPERM); /* refused all the same */
		return 0;
	}
	outcome_init(o);
	o->kind = "syscall";
	tg_strlcpy(o->target, sizeof(o->target), k->sc->name);
	const __u64 *a = k->n->data.args;
	snprintf(o->detail, sizeof(o->detail),
		 "refused by the session's seccomp filter; arguments %#llx, "
		 "%#llx, %#llx",
		 (unsigned long long)a[0], (unsigned long long)a[1],
		 (unsigned long long)a[2]);
	/* rule "sandbox": tiergate's own refusal, whatever the policy says */
	outcome_deny(o, "sandbox",
		     why ? why : "a tiergate session never makes this call");
	sv_call_finish(k, o); /* concluded, counted, audited */
	if (!quiet) {
		char label[1024];
		caller_label(k->c.pid, label, sizeof(label));
		if (!told_recently(k->c.s->id, label, k->sc->nr))
			sv_call_tell(k, k->sc->name, label, o);
	}
	sv_call_answer(k, -EPERM);
	return 0;
}
