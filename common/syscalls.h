/* SPDX-License-Identifier: MIT */
/*
 * syscalls: the system calls of a session that policyd decides (the kernel
 * backstop), and those it refuses whatever the policy says (to explain and
 * audit each refusal: family REFUSE), as ONE table. agent-shell's seccomp filter (wrappers/sandbox.c)
 * makes its SCMP_ACT_NOTIFY rules from it, and policyd's kernel path
 * (policyd/supervisor.c) dispatches the notifications by it, so the two
 * cannot list different calls.
 *
 * TG_NOTIFIED_SYSCALLS(X) calls X(name, family, filter, farg, args, fs) once
 * per call:
 *   name    the call (__NR_name, see missing.h for the newer ones);
 *   family  which part of policyd's kernel path answers it (TG_SC_EXEC ...);
 *   filter  how the filter notifies it (TG_SCF_ALWAYS ...), farg the
 *           argument that rule looks at (-1: none);
 *   args    (d1, p1, d2, p2, fl, fd): argument indexes of the dirfd and
 *           path of the first and second name, of the flags that may say
 *           AT_EMPTY_PATH / AT_SYMLINK_NOFOLLOW (open: the open flags), and
 *           of a descriptor the call acts on; -1 none (a dirfd of -1 is
 *           AT_FDCWD);
 *   fs      (access, link, kind, verb) for the file calls: the access
 *           bits decided (TGPA_*), whether a final symlink is followed
 *           (TG_SC_FOLLOW ...), the audit line's kind and the refusal line's
 *           verb; (0, TG_SC_FOLLOW, NULL, NULL) for the others.
 * Use TG_SC_ARGS / TG_SC_FS to unpack args and fs into designated
 * initializers (see struct tg_syscall below).
 *
 * x86_64 only (missing.h says so): several of these calls exist only there.
 */
#ifndef TIERGATE_SYSCALLS_H
#define TIERGATE_SYSCALLS_H

#include <stddef.h>

#include "missing.h"
#include "tg_proto.h"

/* Which handler of policyd's kernel path answers the call. */
enum tg_sc_family {
	TG_SC_NONE, /* not notified (the filter answers it by itself) */
	TG_SC_EXEC, /* execve, execveat */
	TG_SC_OPEN, /* opens that may write, create or truncate */
	TG_SC_FILE, /* calls that make, remove, rename or change files */
	TG_SC_BIND, /* bind: a named Unix socket is a file made */
	TG_SC_NET,  /* connect and addressed sends */
	TG_SC_PROC, /* calls that change or inspect another process (its
		       limits, scheduling, priority, memory, a pidfd's) */
	TG_SC_SOCKET, /* socket(): raw and packet sockets */
	TG_SC_REFUSE, /* refused whatever the policy says, explained and
			 audited (without a listener the filter refuses
			 them with EPERM by itself) */
	TG_SC_FAMILY_MAX
};

/* How the seccomp filter selects the calls it notifies. */
enum tg_sc_filter {
	TG_SCF_ALWAYS,	    /* every call */
	TG_SCF_WRITE_FLAGS, /* open flags (farg) with O_WRONLY, O_RDWR, O_CREAT
			       or O_TRUNC: one masked-equality rule per bit,
			       so plain reads never leave the kernel */
	TG_SCF_MKNOD_KINDS, /* mode (farg) a file, FIFO or socket; the device
			       kinds are refused by rules of their own */
	TG_SCF_NONZERO,	    /* argument farg not 0 (sendto with an address) */
	TG_SCF_ANSWER_ENOSYS, /* answered ENOSYS, not notified (openat2: its
			       flags are in memory the filter cannot read) */
	TG_SCF_PRIO_WHO,      /* (which, who) at farg, farg+1 not (PRIO_PROCESS,
				 0): the caller itself stays in the kernel */
	TG_SCF_IOPRIO_WHO,    /* the same with IOPRIO_WHO_PROCESS */
	TG_SCF_RAW_SOCKET,    /* socket(family, type at farg): a type SOCK_RAW
				 (but netlink's) or SOCK_PACKET, or family
				 AF_PACKET, as the kernel reads them */
	TG_SCF_PRLIMIT,	      /* prlimit64: pid (farg) not 0, or resource
				 (farg+1, an unsigned int) RLIMIT_CORE with a
				 new limit (farg+2 not NULL) */
	TG_SCF_RLIMIT_CORE,   /* resource (farg, an unsigned int) RLIMIT_CORE */
	TG_SCF_IOCTL_ATTR,    /* ioctl request (farg, an unsigned int) one
				 that changes an inode's state: flags and
				 attributes, generation, fs-verity, fscrypt
				 (wrappers/sandbox.c lists them) */
	TG_SCF_SOCKOPT_ROUTE, /* setsockopt (level at farg, optname at
				 farg+1, ints) of an option that routes a
				 packet elsewhere than the address decided
				 or from an address not this machine's:
				 IP_OPTIONS, IPV6_RTHDR, IPV6_2292RTHDR,
				 IPV6_2292PKTOPTIONS; IP_TRANSPARENT,
				 IPV6_TRANSPARENT, IP_FREEBIND,
				 IPV6_FREEBIND, SO_MARK */
	TG_SCF_MAX
};

/* Whether a file call acts on a final symlink itself rather than on what it
 * points to (by descriptor, AT_EMPTY_PATH, the /proc link is always
 * followed: the file is the descriptor's). */
enum tg_sc_link {
	TG_SC_FOLLOW,	     /* chmod, chown, truncate, ... */
	TG_SC_ITSELF,	     /* lchown, l*xattr, link, names made or removed */
	TG_SC_ITSELF_IF,     /* ... with AT_SYMLINK_NOFOLLOW */
	TG_SC_ITSELF_UNLESS, /* linkat: unless AT_SYMLINK_FOLLOW */
	TG_SC_LINK_MAX
};

struct tg_syscall {
	int nr;
	const char *name;
	enum tg_sc_family family;
	enum tg_sc_filter filter;
	signed char farg;
	signed char d1, p1, d2, p2, fl, fd;
	unsigned char acc;
	enum tg_sc_link link;
	const char *kind; /* the audit line's */
	const char *verb; /* the refusal line's */
};

#define TG_SC_ARGS_(a, b, c, d, e, f)                                          \
	.d1 = (a), .p1 = (b), .d2 = (c), .p2 = (d), .fl = (e), .fd = (f)
#define TG_SC_FS_(a, l, k, v)                                                  \
	.acc = (a), .link = TG_SC_##l, .kind = k, .verb = v
/* One struct tg_syscall initializer, for X (add the comma of a list). */
#define TG_SC_ENTRY(n, fam, filt, fa, args, fs)                                \
	{                                                                      \
		.nr = __NR_##n, .name = #n, .family = TG_SC_##fam,             \
		.filter = TG_SCF_##filt, .farg = (fa), TG_SC_ARGS_ args,       \
		TG_SC_FS_ fs                                                   \
	}

#define TG_SC_NOFS (0, FOLLOW, NULL, NULL)
#define TG_SC_W TGPA_WRITE
#define TG_SC_C TGPA_CREATE
#define TG_SC_X TGPA_DELETE
#define TG_SC_XA "xattr", "set attributes of"
#define TG_SC_TS "touch", "set the times of"

/* clang-format off */
#define TG_NOTIFIED_SYSCALLS(X)                                                \
	/* execs: decided like the interposer's (scripts, ld.so) */           \
	X(execve,      EXEC, ALWAYS,      -1, (-1, 0, -1, -1, -1, -1), TG_SC_NOFS) \
	X(execveat,    EXEC, ALWAYS,      -1, ( 0, 1, -1, -1,  4, -1), TG_SC_NOFS) \
	/* opens that may write: policyd opens the file as the caller */     \
	X(open,        OPEN, WRITE_FLAGS,  1, (-1, 0, -1, -1,  1, -1), TG_SC_NOFS) \
	X(openat,      OPEN, WRITE_FLAGS,  2, ( 0, 1, -1, -1,  2, -1), TG_SC_NOFS) \
	X(creat,       OPEN, ALWAYS,      -1, (-1, 0, -1, -1, -1, -1), TG_SC_NOFS) \
	X(openat2,     NONE, ANSWER_ENOSYS, -1, ( 0, 1, -1, -1, -1, -1), TG_SC_NOFS) \
	/* names made, removed, renamed or linked */                          \
	X(rename,      FILE, ALWAYS, -1, (-1, 0, -1,  1, -1, -1), (TG_SC_X, ITSELF, "rename", "rename")) \
	X(renameat,    FILE, ALWAYS, -1, ( 0, 1,  2,  3, -1, -1), (TG_SC_X, ITSELF, "rename", "rename")) \
	X(renameat2,   FILE, ALWAYS, -1, ( 0, 1,  2,  3, -1, -1), (TG_SC_X, ITSELF, "rename", "rename")) \
	X(link,        FILE, ALWAYS, -1, (-1, 0, -1,  1, -1, -1), (TG_SC_W, ITSELF, "link", "link")) \
	X(linkat,      FILE, ALWAYS, -1, ( 0, 1,  2,  3,  4, -1), (TG_SC_W, ITSELF_UNLESS, "link", "link")) \
	X(unlink,      FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_X, ITSELF, "delete", "delete")) \
	X(rmdir,       FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_X, ITSELF, "delete", "delete")) \
	X(unlinkat,    FILE, ALWAYS, -1, ( 0, 1, -1, -1, -1, -1), (TG_SC_X, ITSELF, "delete", "delete")) \
	X(mkdir,       FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_C, ITSELF, "create", "create")) \
	X(mknod,       FILE, MKNOD_KINDS, 1, (-1, 0, -1, -1, -1, -1), (TG_SC_C, ITSELF, "create", "create")) \
	X(mkdirat,     FILE, ALWAYS, -1, ( 0, 1, -1, -1, -1, -1), (TG_SC_C, ITSELF, "create", "create")) \
	X(mknodat,     FILE, MKNOD_KINDS, 2, ( 0, 1, -1, -1, -1, -1), (TG_SC_C, ITSELF, "create", "create")) \
	X(symlink,     FILE, ALWAYS, -1, (-1, 1, -1, -1, -1, -1), (TG_SC_C, ITSELF, "create", "create")) \
	X(symlinkat,   FILE, ALWAYS, -1, ( 1, 2, -1, -1, -1, -1), (TG_SC_C, ITSELF, "create", "create")) \
	X(truncate,    FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_W, FOLLOW, "truncate", "truncate")) \
	/* metadata: a write of the file they change */                       \
	X(chmod,       FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_W, FOLLOW, "chmod", "chmod")) \
	X(fchmodat,    FILE, ALWAYS, -1, ( 0, 1, -1, -1, -1, -1), (TG_SC_W, FOLLOW, "chmod", "chmod")) \
	X(fchmodat2,   FILE, ALWAYS, -1, ( 0, 1, -1, -1,  3, -1), (TG_SC_W, ITSELF_IF, "chmod", "chmod")) \
	X(fchmod,      FILE, ALWAYS, -1, (-1, -1, -1, -1, -1, 0), (TG_SC_W, FOLLOW, "chmod", "chmod")) \
	X(chown,       FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_W, FOLLOW, "chown", "chown")) \
	X(lchown,      FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_W, ITSELF, "chown", "chown")) \
	X(fchownat,    FILE, ALWAYS, -1, ( 0, 1, -1, -1,  4, -1), (TG_SC_W, ITSELF_IF, "chown", "chown")) \
	X(fchown,      FILE, ALWAYS, -1, (-1, -1, -1, -1, -1, 0), (TG_SC_W, FOLLOW, "chown", "chown")) \
	X(setxattr,    FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_W, FOLLOW, TG_SC_XA)) \
	X(lsetxattr,   FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_W, ITSELF, TG_SC_XA)) \
	X(removexattr, FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_W, FOLLOW, TG_SC_XA)) \
	X(lremovexattr, FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_W, ITSELF, TG_SC_XA)) \
	X(setxattrat,  FILE, ALWAYS, -1, ( 0, 1, -1, -1,  2, -1), (TG_SC_W, ITSELF_IF, TG_SC_XA)) \
	X(removexattrat, FILE, ALWAYS, -1, ( 0, 1, -1, -1, 2, -1), (TG_SC_W, ITSELF_IF, TG_SC_XA)) \
	X(fsetxattr,   FILE, ALWAYS, -1, (-1, -1, -1, -1, -1, 0), (TG_SC_W, FOLLOW, TG_SC_XA)) \
	X(fremovexattr, FILE, ALWAYS, -1, (-1, -1, -1, -1, -1, 0), (TG_SC_W, FOLLOW, TG_SC_XA)) \
	/* timestamps: decided as a write of the file; utimensat and         \
	 * futimesat with no path are the descriptor's file (policyd's        \
	 * kernel path tells them apart) */                                   \
	X(utimensat,   FILE, ALWAYS, -1, ( 0, 1, -1, -1,  3, -1), (TG_SC_W, ITSELF_IF, TG_SC_TS)) \
	X(futimesat,   FILE, ALWAYS, -1, ( 0, 1, -1, -1, -1, -1), (TG_SC_W, FOLLOW, TG_SC_TS)) \
	X(utimes,      FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_W, FOLLOW, TG_SC_TS)) \
	X(utime,       FILE, ALWAYS, -1, (-1, 0, -1, -1, -1, -1), (TG_SC_W, FOLLOW, TG_SC_TS)) \
	/* sockets: a named Unix socket bound is a file made; connects and   \
	 * sends with an address are decided on it (sendmsg and sendmmsg     \
	 * keep it in memory: always notified) */                             \
	X(bind,        BIND, ALWAYS,      -1, (-1, -1, -1, -1, -1, 0), TG_SC_NOFS) \
	X(connect,     NET,  ALWAYS,      -1, (-1, -1, -1, -1, -1, 0), TG_SC_NOFS) \
	X(sendto,      NET,  NONZERO,      4, (-1, -1, -1, -1, -1, 0), TG_SC_NOFS) \
	X(sendmsg,     NET,  ALWAYS,      -1, (-1, -1, -1, -1, -1, 0), TG_SC_NOFS) \
	X(sendmmsg,    NET,  ALWAYS,      -1, (-1, -1, -1, -1, -1, 0), TG_SC_NOFS) \
	/* other processes: allowed on the caller's own session only      \
	 * (policyd/sv_proc.c); a pid of 0 is the caller (farg: the pid,   \
	 * or the (which, who) pair; fd: a pidfd). A new RLIMIT_CORE, on    \
	 * the caller too: policyd sets it, never above the hard limit     \
	 * (agent-shell's 0: a core file is a file written undecided) */    \
	X(prlimit64,   PROC, PRLIMIT,      0, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(setrlimit,   PROC, RLIMIT_CORE,  0, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(sched_setscheduler, PROC, NONZERO, 0, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(sched_setparam, PROC, NONZERO,   0, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(sched_setaffinity, PROC, NONZERO, 0, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(sched_setattr, PROC, NONZERO,    0, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(setpriority, PROC, PRIO_WHO,     0, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(ioprio_set,  PROC, IOPRIO_WHO,   0, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(migrate_pages, PROC, NONZERO,    0, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(move_pages,  PROC, NONZERO,      0, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(kcmp,        PROC, ALWAYS,      -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(process_madvise, PROC, ALWAYS,  -1, (-1, -1, -1, -1, -1, 0), TG_SC_NOFS) \
	X(process_mrelease, PROC, ALWAYS, -1, (-1, -1, -1, -1, -1, 0), TG_SC_NOFS) \
	X(pidfd_send_signal, PROC, ALWAYS, -1, (-1, -1, -1, -1, -1, 0), TG_SC_NOFS) \
	/* raw and packet sockets: refused unless settings.raw_sockets */    \
	X(socket,      SOCKET, RAW_SOCKET, 1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	/* refused whatever their arguments and whatever the policy says     \
	 * (docs/threat-model.md), notified only to be explained and        \
	 * audited (policyd/sv_refuse.c says why, per call): reaching into   \
	 * other processes (pidfd_getfd copies a descriptor out of one:      \
	 * agent-shell keeps the session's listener, and a listener taken    \
	 * from it would let the session answer its own notifications);      \
	 * kernel interfaces no rule covers; namespaces, mounts, the root;   \
	 * administering the machine (for root sessions: watching or         \
	 * blocking every file access, raw I/O ports, the host's names);     \
	 * inode flags and attributes (chattr: no path rule sees them, and   \
	 * FS_IOC_SETFLAGS works on a read-only descriptor; the GET          \
	 * requests and file_getattr stay: lsattr), and the other inode      \
	 * state a read-only descriptor changes: generation, fs-verity,      \
	 * fscrypt policies and keys; socket options that send a packet    \
	 * to another host than the address decided (source routes) */     \
	X(ptrace,            REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(process_vm_readv,  REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(process_vm_writev, REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(pidfd_getfd,       REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(io_uring_setup,    REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(io_uring_enter,    REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(io_uring_register, REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(bpf,               REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(perf_event_open,   REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(userfaultfd,       REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(unshare,           REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(setns,             REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(mount,             REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(umount2,           REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(fsopen,            REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(fsconfig,          REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(fsmount,           REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(fspick,            REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(move_mount,        REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(open_tree,         REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(mount_setattr,     REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(pivot_root,        REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(chroot,            REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(keyctl,            REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(add_key,           REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(request_key,       REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(kexec_load,        REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(kexec_file_load,   REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(init_module,       REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(finit_module,      REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(delete_module,     REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(open_by_handle_at, REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(name_to_handle_at, REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(lookup_dcookie,    REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(quotactl,          REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(acct,              REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(swapon,            REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(swapoff,           REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(reboot,            REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(settimeofday,      REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(clock_settime,     REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(adjtimex,          REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(clock_adjtime,     REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(syslog,            REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(vhangup,           REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(fanotify_init,     REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(fanotify_mark,     REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(iopl,              REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(ioperm,            REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(sethostname,       REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(setdomainname,     REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(ioctl,             REFUSE, IOCTL_ATTR, 1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(file_setattr,      REFUSE, ALWAYS, -1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS) \
	X(setsockopt,        REFUSE, SOCKOPT_ROUTE, 1, (-1, -1, -1, -1, -1, -1), TG_SC_NOFS)
/* clang-format on */

#endif
