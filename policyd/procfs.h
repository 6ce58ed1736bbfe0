/* SPDX-License-Identifier: MIT */
/*
 * procfs: the kernel's view of a process, read from /proc. Every fact
 * policyd uses about a caller (its working directory, its open files, its
 * parent, its uid, its cgroup, its executable) comes from here, never from
 * what the caller says. Functions return 0 or a negative errno. Paths are
 * resolved as a caller sees them by chase.c, which reads /proc through
 * this module.
 */
#ifndef TIERGATE_PROCFS_H
#define TIERGATE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads go to root/PID/... instead of /proc/PID/... (unit tests: a tree of
 * fake processes); NULL: /proc again. Not thread-safe: set it first. */
void procfs_set_root(const char *root);
/* "/proc/PID/name" (under the root above) into out; -ENAMETOOLONG. */
int procfs_path(pid_t pid, const char *name, char *out, size_t outsz);

struct proc_stat {
	pid_t pid, ppid;
	uint64_t starttime; /* clock ticks since boot: (pid, starttime) names a
			       process */
	char comm[64];
};

int procfs_stat(pid_t pid, struct proc_stat *ret);
/* readlink /proc/PID/<what>, e.g. "cwd", "exe", "fd/3", "root". */
int procfs_link(pid_t pid, const char *what, char *out, size_t outsz);
/* What /proc/PID/status says about credentials and threads. */
struct proc_status {
	pid_t ppid, tgid; /* tgid: the thread group (process) of a thread */
	uid_t ruid, euid, suid, fsuid;
	gid_t rgid, egid, sgid, fsgid;
	uint64_t cap_eff; /* the effective capabilities (CapEff) */
	gid_t groups[64]; /* supplementary groups (the first 64) */
	int ngroups;
	mode_t umask;
	int threads; /* in the thread group */
	int seccomp; /* 0 none, 1 strict, 2 filter */
};
/* /proc/PID/status read; its file stays open for the processes asked
 * about last, so a later call of the same process is one read (a process
 * that ended reads ESRCH and is opened again: never another's). pid may
 * name a thread. */
int procfs_status(pid_t pid, struct proc_status *ret);
/* A pidfd for pid, which may be a thread id; -errno. */
int procfs_pidfd_open(pid_t pid);
/* Is the process behind pidfd alive (signal 0)? EPERM (one policyd may not
 * signal: root, for a policyd in user mode) says it is; a pidfd < 0 (a
 * kernel that gave none) answers yes. */
bool procfs_pidfd_alive(int pidfd);
/* Does the process run under a seccomp filter (Seccomp: 2)? */
bool procfs_seccomp_filtered(pid_t pid);
/*
 * Does any of addrs lie in a shared writable mapping of pid (another process
 * could rewrite it)? 1 yes, 0 no, -errno when it cannot be told. Uses the
 * PROCMAP_QUERY ioctl (Linux 6.11) and falls back to reading maps.
 */
int procfs_shared_writable(pid_t pid, const uint64_t *addrs, size_t n);
/* The same from the text of /proc/PID/maps only (the fallback; tests). */
int procfs_shared_writable_text(pid_t pid, const uint64_t *addrs, size_t n);
/* The process's cgroup v2 path ("/tiergate/s1"), from /proc/PID/cgroup. */
int procfs_cgroup(pid_t pid, char *out, size_t outsz);
/* argv from /proc/PID/cmdline, NUL-separated, into buf; *ret_len bytes. */
int procfs_cmdline(pid_t pid, char *buf, size_t bufsz, size_t *ret_len);
/* The environment from /proc/PID/environ (NAME=VALUE, NUL-separated; the
 * kernel's copy after an exec) into buf; *ret_len bytes. */
int procfs_environ(pid_t pid, char *buf, size_t bufsz, size_t *ret_len);
/* Where cgroup v2 is mounted (from /proc/mounts), or -ENOENT. */
int procfs_cgroup2_mount(char *out, size_t outsz);

/* policyd's own pid (cached; right in a forked child too). */
pid_t procfs_self_pid(void);
/* The name of policyd's own descriptor fd (its /proc/self/fd link, read
 * through a directory descriptor kept open). */
int procfs_self_fd_name(int fd, char *out, size_t outsz);

#endif
