/* SPDX-License-Identifier: MIT */
/*
 * missing: kernel constants, structures and system-call numbers newer than
 * the oldest headers tiergate builds against (Debian 12: Linux 6.1 UAPI,
 * glibc 2.36). One place for them, each with the kernel version that
 * brought it; every value is kernel ABI, so defining it here is safe
 * wherever the header has not. Header-only; includes nothing of tiergate.
 */
#ifndef TIERGATE_MISSING_H
#define TIERGATE_MISSING_H

#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#if !defined(__x86_64__)
/* the syscall table (syscalls.h), the seccomp filter and policyd's kernel
 * path name x86_64's calls (open, rename, ... have no entry elsewhere) */
#error "tiergate's kernel path is written for x86_64"
#endif

/* ------------------------------------------------ system-call numbers */

#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424 /* 5.1 */
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434 /* 5.3 */
#endif
#ifndef __NR_openat2
#define __NR_openat2 437 /* 5.6 */
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438 /* 5.6 */
#endif
#ifndef __NR_faccessat2
#define __NR_faccessat2 439 /* 5.8 */
#endif
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452 /* 6.6 */
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463 /* 6.13 */
#endif
#ifndef __NR_removexattrat
#define __NR_removexattrat 466 /* 6.13 */
#endif
#ifndef __NR_file_getattr
#define __NR_file_getattr 468 /* 6.17 */
#endif
#ifndef __NR_file_setattr
#define __NR_file_setattr 469 /* 6.17 */
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal __NR_pidfd_send_signal
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* 6.5: a pidfd of the process that connected */
#endif
#ifndef SO_PASSRIGHTS
#define SO_PASSRIGHTS 83 /* 6.16: 0 refuses SCM_RIGHTS to this socket */
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open __NR_pidfd_open
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd __NR_pidfd_getfd
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 __NR_faccessat2
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 __NR_fchmodat2
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat __NR_setxattrat
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat __NR_removexattrat
#endif
#ifndef SYS_file_getattr
#define SYS_file_getattr __NR_file_getattr
#endif
#ifndef SYS_file_setattr
#define SYS_file_setattr __NR_file_setattr
#endif

/* ------------------------------------------------------------ kcmp */

#define TG_KCMP_VM 1 /* linux/kcmp.h: enum kcmp_type's second member */

/* --------------------------------------------------------- seccomp */

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5) /* 5.19 */
#endif
#define TG_SECCOMP_MODE_FILTER 2 /* PR_GET_SECCOMP, "Seccomp:" in status */

/* --------------------------------------------------------- Landlock */

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13) /* ABI 2, 5.19 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14) /* ABI 3, 6.2 */
#endif
/* ABI 6 (6.12): a domain scoped to its own signals and abstract sockets */
#define TG_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define TG_LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
/* struct landlock_ruleset_attr of ABI 6 (handled_access_net: ABI 4) */
struct tg_landlock_ruleset_attr {
	uint64_t handled_access_fs, handled_access_net, scoped;
};

/* ----------------------------------------------------------- pidfd */

/* pidfd_open(2) of a thread (6.9): the flag's value is O_EXCL */
#define TG_PIDFD_THREAD O_EXCL

/* ------------------------------------------------------ /proc/PID/maps */

/* linux/fs.h of 6.11: PROCMAP_QUERY on a maps descriptor */
struct tg_procmap_query {
	uint64_t size, query_flags, query_addr, vma_start, vma_end, vma_flags,
	    vma_page_size, vma_offset, inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
#define TG_PROCMAP_QUERY _IOWR('f', 17, struct tg_procmap_query)
#define TG_PROCMAP_WRITABLE 0x02
#define TG_PROCMAP_SHARED 0x08

/* ---------------------------------------------------- capabilities */

/* capget/capset without libcap: version 3, two 32-bit words */
#define TG_CAP_VERSION_3 0x20080522
#define TG_CAP_SETPCAP 8
#define TG_CAP_SYS_PTRACE 19
struct tg_cap_header {
	uint32_t version;
	int pid;
};
struct tg_cap_data {
	uint32_t effective, permitted, inheritable;
};

#endif
