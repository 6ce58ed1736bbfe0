/* SPDX-License-Identifier: MIT */
/*
 * fopenr NAME...: each NAME opened with fopen in the read modes programs
 * use ("r", "re", "rb", "rm", "r,ccs=UTF-8") and with fopen64, its first
 * line and its descriptor's close-on-exec flag printed, or the errno.
 * The interposer answers a read-only fopen from its read fast path
 * (an fdopen'd stream); the output must be the kernel's (native.sh runs
 * it natively, in a session and under the interposer alone).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

static void one(const char *name, const char *mode, int large)
{
	errno = 0;
	FILE *f = large ? fopen64(name, mode) : fopen(name, mode);
	if (!f) {
		printf("%s %s: %s\n", name, mode, strerrorname_np(errno));
		return;
	}
	char line[128] = "";
	if (!fgets(line, sizeof(line), f))
		snprintf(line, sizeof(line), "(nothing: %s)\n",
			 ferror(f) ? strerrorname_np(errno) : "eof");
	int fl = fcntl(fileno(f), F_GETFD);
	printf("%s %s%s: %s%s", name, mode, large ? " (64)" : "",
	       fl >= 0 && (fl & FD_CLOEXEC) ? "cloexec " : "", line);
	if (!strchr(line, '\n'))
		putchar('\n');
	fclose(f);
}

int main(int argc, char **argv)
{
	static const char *const modes[] = {"r", "re", "rb", "rm",
					    "r,ccs=UTF-8"};
	for (int i = 1; i < argc; i++) {
		for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
			one(argv[i], modes[m], 0);
		one(argv[i], "re", 1);
	}
	return 0;
}
