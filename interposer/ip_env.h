/* SPDX-License-Identifier: MIT */
/*
 * ip_env: the session's environment variables. agent-shell starts the
 * session with LD_PRELOAD naming this library and TIERGATE_SOCKET,
 * TIERGATE_SESSION, TIERGATE_FAIL and TIERGATE_BACKSTOP, and
 * TIERGATE_SCRATCH when it has a private scratch directory (ip_scratch.h;
 * TMPDIR, which names it too, is the program's and stays). A program must
 * not be able to tell it runs mediated, so at start-up they are taken out
 * of the environment libc gives the program (environ, getenv, main's envp;
 * LD_PRELOAD keeps what else it named), and every exec puts back what the
 * next program's interposer needs: this library first in LD_PRELOAD, and
 * TIERGATE_SOCKET, TIERGATE_FAIL, TIERGATE_BACKSTOP and TIERGATE_SCRATCH
 * (nothing reads TIERGATE_SESSION). The kernel's copy of the environment a
 * program started with (/proc/PID/environ, the initial stack, which Go
 * reads) keeps them.
 */
#ifndef TIERGATE_IP_ENV_H
#define TIERGATE_IP_ENV_H

#include <stdbool.h>
#include <stddef.h>

#pragma GCC visibility push(hidden)

/* entries of the environment an exec gets, and room for an LD_PRELOAD
 * that names this library and the caller's own preloads. On the stack:
 * an exec in a vfork child that succeeds never comes back to give an
 * mmap back (the parent would keep it), so only environments larger than
 * any real one go to an mmap. */
#define IP_ENV_CAP 4096
#define IP_PRELOAD_CAP 8192
struct ip_envbuf {
	char *v[IP_ENV_CAP];
	char preload[IP_PRELOAD_CAP];
	char **big; /* an environment with more entries: mmap'd */
	size_t bigsz;
};

/*
 * Reads the session's variables from environ (lib: this library's path,
 * absolute) and sets ip_sock_path, ip_fail_open and ip_backstop_env;
 * then replaces environ with a copy without them. Returns 0, or -ENOENT
 * when this process is in no session (nothing is changed then).
 */
int ip_env_init(const char *lib);
/* Whether v is ip_env_init's copy of environ kept in static storage
 * (a small one) rather than malloc'd (for its tests, which free it). */
bool ip_env_is_boot_copy(char *const *v);
/* The session's scratch directory as TIERGATE_SCRATCH names it, or NULL
 * (no scratch directory, or no session). */
const char *ip_env_scratch(void);

/*
 * The environment for a new program, in b (the caller's stack: vfork-safe,
 * no malloc; more than IP_ENV_CAP entries go to an mmap, which
 * ip_env_release() gives back): envp without the session's variables, then
 * LD_PRELOAD=<this library> followed by whatever envp's LD_PRELOAD names
 * (when it does not name this library already; if both do not fit, this
 * library alone), TIERGATE_SOCKET, TIERGATE_FAIL, TIERGATE_BACKSTOP,
 * TIERGATE_SESSION and TIERGATE_SCRATCH as the session set them. Returns
 * the array.
 */
char *const *ip_env_for_exec(char *const *envp, struct ip_envbuf *b);
/* After the exec (it failed) or the spawn: the mmap, if any. Keeps
 * errno. */
void ip_env_release(struct ip_envbuf *b);

/* environ with the session's variables for the length of a call that
 * libc runs through its own spawn (system, popen), until the matching
 * ip_env_unlend() (calls in several threads may overlap). Keep errno. */
void ip_env_lend(void);
void ip_env_unlend(void);

/* fork(): the lending's lock, taken in the parent around it */
void ip_env_lock(void);
void ip_env_unlock(void);

#pragma GCC visibility pop

#endif
