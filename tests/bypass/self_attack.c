/* Attacks on tiergate's own state by raw system calls (no libc wrapper the
 * interposer could see: the kernel path decides each):
 *   self_attack append FILE     append a forged line (the audit log)
 *   self_attack trunc FILE      truncate and overwrite (a policy, a library)
 *   self_attack rename FROM TO  rename (the run directory, agent.sock)
 *   self_attack cgroup DIR      move itself into cgroup DIR (cgroup v2):
 *                               out of its session's cgroup
 *   self_attack mkdir DIR       make a directory (a cgroup)
 * Prints what it did, or "MODE: refused errno=N" (exit 1); 77 with
 * "unsupported" when the attack cannot work on this machine. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int refused(const char *mode)
{
	printf("%s: refused errno=%d\n", mode, errno);
	return 1;
}

static int write_to(const char *mode, const char *path, int flags,
		    const char *what)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC);
	if (fd < 0)
		return refused(mode);
	ssize_t n = syscall(SYS_write, fd, what, strlen(what));
	syscall(SYS_close, fd);
	if (n != (ssize_t)strlen(what))
		return refused(mode);
	return 0;
}

static int leave_cgroup(const char *dir)
{
	char procs[4096], pid[32], line[4096] = "";
	if (access(dir, F_OK) < 0) {
		printf("unsupported: no cgroup %s\n", dir);
		return 77;
	}
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (write_to("cgroup", procs, O_WRONLY, pid))
		return 1;
	FILE *f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(line, sizeof(line), f) && strncmp(line, "0::", 3))
		;
	if (f)
		fclose(f);
	printf("left the session's cgroup: now in %s", line + 3);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: self_attack MODE PATH [PATH2]\n");
		return 2;
	}
	const char *m = argv[1], *p = argv[2];
	if (!strcmp(m, "append")) {
		if (write_to(m, p, O_WRONLY | O_APPEND, "{\"forged\":1}\n"))
			return 1;
		printf("appended a forged line to %s\n", p);
	} else if (!strcmp(m, "trunc")) {
		if (write_to(m, p, O_WRONLY | O_TRUNC, "overwritten\n"))
			return 1;
		printf("overwrote %s\n", p);
	} else if (!strcmp(m, "rename") && argc > 3) {
		if (syscall(SYS_renameat2, AT_FDCWD, p, AT_FDCWD, argv[3], 0))
			return refused(m);
		printf("renamed %s to %s\n", p, argv[3]);
	} else if (!strcmp(m, "cgroup")) {
		return leave_cgroup(p);
	} else if (!strcmp(m, "mkdir")) {
		if (syscall(SYS_mkdirat, AT_FDCWD, p, 0755))
			return refused(m);
		printf("made directory %s\n", p);
	} else {
		fprintf(stderr, "self_attack: unknown mode %s\n", m);
		return 2;
	}
	return 0;
}
