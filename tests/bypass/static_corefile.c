/* Attack: a core file written by the kernel, undecided. Raises its own
 * RLIMIT_CORE (MODE prlimit: prlimit64(0, ...); setrlimit: the older
 * call), chdir()s into DIR and has a child crash there (SIGSEGV): with a
 * core_pattern naming a file ("core"), the kernel writes DIR/core with no
 * decision and no audit line. Usage: static_corefile MODE DIR. Prints
 * "raised" or "raise refused errno=N", then "core written in DIR" or "no
 * core"; "unsupported: ..." (exit 77) where core_pattern names no file
 * relative to the crash (a pipe to systemd-coredump, an absolute path).
 * Static: only the kernel sees it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	char pat[256] = "";
	FILE *f = fopen("/proc/sys/kernel/core_pattern", "re");
	if (!f || !fgets(pat, sizeof(pat), f)) {
		printf("unsupported: core_pattern unreadable\n");
		return 77;
	}
	fclose(f);
	pat[strcspn(pat, "\n")] = '\0';
	if (pat[0] == '|' || pat[0] == '/' || pat[0] == '@' ||
	    strchr(pat, '%') || strchr(pat, '/')) {
		printf(
		    "unsupported: core_pattern '%s' is not a file name in the "
		    "crash's directory\n",
		    pat);
		return 77;
	}
	struct rlimit want = {RLIM_INFINITY, RLIM_INFINITY};
	long r;
	if (!strcmp(argv[1], "setrlimit"))
		r = syscall(SYS_setrlimit, RLIMIT_CORE, &want);
	else
		r = syscall(SYS_prlimit64, 0, RLIMIT_CORE, &want, NULL);
	if (r < 0)
		printf("raise refused errno=%d\n", errno);
	else
		printf("raised\n");
	if (chdir(argv[2]) < 0) {
		printf("chdir: errno=%d\n", errno);
		return 2;
	}
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		_exit(0);
	}
	int st = 0;
	waitpid(c, &st, 0);
	char alt[64];
	snprintf(alt, sizeof(alt), "%s.%d", pat, (int)c);
	if (access(pat, F_OK) == 0 || access(alt, F_OK) == 0)
		printf("core written in %s\n", argv[2]);
	else
		printf("no core (%s)\n", WIFSIGNALED(st) && WCOREDUMP(st)
					     ? "dumped elsewhere"
					     : "not dumped");
	return 0;
}
