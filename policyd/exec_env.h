/* SPDX-License-Identifier: MIT */
/*
 * exec_env: the part of an exec's environment a decision of git depends on
 * (GIT_*, HOME, XDG_CONFIG_HOME, and the variables argv's --config-env
 * names: what the interposer sends as TGPT_ENV), as one SHA-256 digest.
 * The decision keeps the digest of the envp it read from the caller's
 * memory; exec_verify recomputes it from /proc/PID/environ at the exec
 * stop (what the kernel really copied) and kills on a difference.
 */
#ifndef TIERGATE_EXEC_ENV_H
#define TIERGATE_EXEC_ENV_H

#include <stddef.h>
#include <stdint.h>

#define EXEC_ENV_DIGEST_LEN 32

/* The digest of the entries of env ("NAME=VALUE", n of them, in order:
 * git's getenv takes the first of two equal names) that git reads, with
 * argv (argc entries) naming the --config-env variables. */
void exec_env_digest(const char *const *env, size_t n,
		     const char *const *argv, size_t argc,
		     uint8_t out[EXEC_ENV_DIGEST_LEN]);

/* The same digest of NUL-separated blocks as /proc/PID/environ and
 * /proc/PID/cmdline give them (len bytes each). */
void exec_env_digest_blocks(const char *env, size_t envlen, const char *cmd,
			    size_t cmdlen, uint8_t out[EXEC_ENV_DIGEST_LEN]);

#endif
