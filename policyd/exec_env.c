/* SPDX-License-Identifier: MIT */
#include "exec_env.h"

#include <string.h>

#include "sha256.h"
#include "util.h"

void exec_env_digest(const char *const *env, size_t n,
		     const char *const *argv, size_t argc,
		     uint8_t out[EXEC_ENV_DIGEST_LEN])
{
	struct tg_sha256 c;
	tg_sha256_init(&c);
	for (size_t i = 0; i < n; i++)
		if (tg_git_env(env[i], argv, argc))
			/* with its NUL: "A=b" "C=d" is not "A=bC=d" */
			tg_sha256_update(&c, env[i], strlen(env[i]) + 1);
	tg_sha256_final(&c, out);
}

/* Pointers to the strings of a NUL-separated block, at most max; the
 * count, or max + 1 when there are more. */
static size_t split(const char *b, size_t len, const char **v, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i += strnlen(b + i, len - i) + 1) {
		if (n == max)
			return max + 1;
		v[n++] = b + i;
	}
	return n;
}

#define SPLIT_MAX 16384

/* cmd is the kernel's argv (an interpreter or ld.so may come first): a
 * --config-env anywhere in it counts, and a name too many only makes the
 * check stricter. */
void exec_env_digest_blocks(const char *env, size_t envlen, const char *cmd,
			    size_t cmdlen, uint8_t out[EXEC_ENV_DIGEST_LEN])
{
	/* policyd's one thread: static vectors */
	static const char *ev[SPLIT_MAX], *av[SPLIT_MAX];
	size_t ne = split(env, envlen, ev, SPLIT_MAX);
	size_t na = split(cmd, cmdlen, av, SPLIT_MAX);
	if (ne > SPLIT_MAX || na > SPLIT_MAX) {
		/* more than any decision read: a digest no decision has */
		memset(out, 0xff, EXEC_ENV_DIGEST_LEN);
		return;
	}
	exec_env_digest(ev, ne, av, na, out);
}
