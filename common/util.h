/* SPDX-License-Identifier: MIT */
/*
 * util: pure helpers with no side effects on the system (strings, dynamic
 * arrays, path normalisation, unit parsing). Nothing here logs or exits.
 */
#ifndef TIERGATE_UTIL_H
#define TIERGATE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define TG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define TG_PATH_MAX 4096

static inline void tg_freep(void *p)
{
	free(*(void **)p);
}
static inline void tg_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void tg_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_free_ __attribute__((cleanup(tg_freep)))
#define _cleanup_close_ __attribute__((cleanup(tg_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(tg_fclosep)))
#define steal_pointer(pp)                                                      \
	({                                                                     \
		__typeof__(*(pp)) _p = *(pp);                                  \
		*(pp) = NULL;                                                  \
		_p;                                                            \
	})
#define steal_fd(fdp)                                                          \
	({                                                                     \
		int _fd = *(fdp);                                              \
		*(fdp) = -1;                                                   \
		_fd;                                                           \
	})

/* Growable byte buffer, always NUL-terminated once anything was added.
 * Allocation failure sets .oom and makes further appends no-ops. */
struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};
void strbuf_append(struct strbuf *b, const char *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_putc(struct strbuf *b, char c);
__attribute__((format(printf, 2, 3))) void strbuf_printf(struct strbuf *b,
							 const char *fmt, ...);
/* Takes the string out of b (caller frees); NULL on OOM. */
char *strbuf_steal(struct strbuf *b);
void strbuf_free(struct strbuf *b);

/* Grow *v (element size esz) so that it can hold at least want elements. */
int tg_grow(void **v, size_t *cap, size_t want, size_t esz);

/* Levenshtein distance, capped: returns cap+1 when larger. */
unsigned tg_edit_distance(const char *a, const char *b, unsigned cap);

/*
 * Normalise path against cwd: makes it absolute, folds "//", "." and "..",
 * drops a trailing "/". ".." above "/" stays at "/". Result written into
 * out (size outsz). Returns 0, -EINVAL (relative path with no absolute cwd,
 * empty path), or -ENAMETOOLONG.
 */
int tg_path_normalize(const char *cwd, const char *path, char *out,
		      size_t outsz);

/* How a path's last name is spelled, for the kernel's rules about it
 * (tg_path_spelling): "." and ".." as the last name, "/" alone, and
 * slashes after the name ("name/": the kernel then wants a directory).
 * Both paths use it: policyd on the kernel path (sv_fs.c), the interposer
 * (ip_files.c). Pure. */
enum tg_spell {
	TG_SPELL_NAME,	 /* a name */
	TG_SPELL_DOT,	 /* "." */
	TG_SPELL_DOTDOT, /* ".." */
	TG_SPELL_ROOT,	 /* "/" (slashes only) */
};
/* The spelling of p's last name, and in *ret_slash whether slashes follow
 * it. */
enum tg_spell tg_path_spelling(const char *p, bool *ret_slash);

/*
 * Resolves the symlinks of an absolute path component by component. rl
 * reads one link: it returns the target's length (written, NUL-free, into
 * buf), -EINVAL for "not a link", or another -errno. No allocation, no
 * system calls of its own (the interposer uses it in vfork children).
 * A missing component (-ENOENT): with missing_ok the rest of the path is
 * appended as it is, otherwise -ENOENT. Returns 0, -ELOOP after 40 links,
 * -ENAMETOOLONG, or rl's error.
 */
typedef long (*tg_readlink_fn)(void *ctx, const char *path, char *buf,
			       size_t bufsz);
int tg_resolve_links(const char *abs, tg_readlink_fn rl, void *ctx,
		     bool missing_ok, char *out, size_t outsz);

/* Basename without allocation: pointer into s after the last '/'. */
const char *tg_basename(const char *s);
/* Copies src into dst (cap > 0 bytes), cut to fit, always terminated: what
 * snprintf(dst, cap, "%s", src) does, without the format machinery (a
 * decision copies paths several times). Returns strlen(src). */
size_t tg_strlcpy(char *dst, size_t cap, const char *src);

/* Parsers for policy units. All return 0 or -EINVAL/-ERANGE. */
int tg_parse_duration_ms(const char *s, uint64_t *ret_ms);
int tg_parse_size(const char *s, uint64_t *ret_bytes);
/* "10MiB/s" (bytes per second) or "50/s" (count per second): ret_per_sec. */
int tg_parse_rate(const char *s, bool bytes, uint64_t *ret_per_sec);
int tg_parse_u64(const char *s, uint64_t max, uint64_t *ret);

/* Shell-like split of a pattern or command line into tokens: whitespace
 * separates, '...' and "..." quote, backslash escapes. Tokens are returned
 * raw-unquoted in a NULL-terminated array (free with tg_strv_free). When
 * keep_escapes is set, backslashes are kept (for glob patterns) and quoted
 * glob metacharacters are escaped. */
int tg_split_words(const char *s, bool keep_escapes, char ***ret_v,
		   size_t *ret_n);
void tg_strv_free(char **v);
/* A NULL-terminated copy of the n strings of v; NULL on OOM. */
char **tg_strv_dup(const char *const *v, size_t n);
/* Appends a copy of s to the array *v of *n strings (not NULL-terminated);
 * with unique, an equal string already there is not added again. */
int tg_strv_push(char ***v, size_t *n, const char *s, bool unique);

/*
 * Is e ("NAME=VALUE" of an exec's environment) a variable git reads:
 * GIT_* (GIT_CONFIG_COUNT/KEY_n/VALUE_n, GIT_CONFIG_PARAMETERS, GIT_DIR,
 * ...), HOME, XDG_CONFIG_HOME, or one that a --config-env of argv (argc
 * entries) names? The interposer sends these with an exec (TGPT_ENV);
 * policyd checks them again at the exec stop (exec_env.h).
 */
bool tg_git_env(const char *e, const char *const *argv, size_t argc);

/*
 * Writes argv (argc strings) into out as a shell would need them typed, for
 * a refusal line: words of plain characters as they are, others in '...'
 * (a ' as '\''), words with control characters (a terminal escape, a
 * newline) in $'...' with \n \t \xHH escapes, "" as ''. A command line
 * longer than cap is cut at a whole escape, the quote closed, and marked
 * "..." and " [+N more arguments]" when whole arguments were left out.
 * Always NUL-terminated (cap >= 64, else out is ""); returns the length.
 * No allocation, no stdio, no locale: the interposer calls it between vfork
 * and exec.
 */
size_t tg_argv_quote(char *out, size_t cap, const char *const *argv,
		     size_t argc);

/* Clock helpers. */
uint64_t tg_now_us(void);
uint64_t tg_mono_ns(void);

#endif
