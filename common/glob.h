/* SPDX-License-Identifier: MIT */
/*
 * glob: compiled shell-style globs.
 *
 * Lifecycle: glob_compile() -> glob_match() any number of times, from any
 * thread (a compiled glob is immutable) -> glob_free().
 *
 * GLOB_PATH: '*' and '?' never match '/', classes never match '/'; a double
 * star crosses '/'. A trailing slash-double-star ("DIR" followed by a slash
 * and two stars) matches DIR itself and everything below it; a double star
 * between two slashes (or leading, before a slash) matches zero or more whole
 * directories. "//", "/./" and a trailing "/" are folded, ".."
 * is refused.
 * GLOB_NAME: like GLOB_PATH for wildcards (for branch names and remote URLs)
 * but without folding "//" or "." segments.
 * GLOB_TOKEN: for argv tokens and command names: '*' matches anything.
 * Both: "[...]" classes with ranges and '!' or '^' negation, backslash
 * escapes the next character.
 */
#ifndef TIERGATE_GLOB_H
#define TIERGATE_GLOB_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum glob_mode {
	GLOB_PATH,
	GLOB_NAME,
	GLOB_TOKEN,
	GLOB_MODE_MAX,
};

#define GLOB_MAX_LEN 4096

struct glob;

/*
 * Compiles pat. On error returns -EINVAL and sets *ret_err to a static
 * message and *ret_errpos to the byte offset in pat where it was found.
 */
int glob_compile(const char *pat, enum glob_mode mode, struct glob **ret,
		 const char **ret_err, size_t *ret_errpos);
/* glob_compile into cap bytes at mem (8-byte aligned, at least
 * glob_compile_size(pat)), with no allocation: the glob lives as long as
 * that memory, and glob_free leaves it alone. -ENOSPC when mem is too
 * small or not aligned; else as glob_compile. */
int glob_compile_in(const char *pat, enum glob_mode mode, void *mem, size_t cap,
		    struct glob **ret, const char **ret_err,
		    size_t *ret_errpos);
/* The bytes glob_compile_in needs for pat (a bound; a multiple of 8). */
size_t glob_compile_size(const char *pat);
bool glob_match(const struct glob *g, const char *s);
void glob_free(struct glob *g);

/* The source pattern, as given. */
const char *glob_source(const struct glob *g);
/* Bytes every match starts with (may be ""). */
const char *glob_prefix(const struct glob *g);
/* Bytes every match ends with (may be ""); only for patterns that are
 * neither literal nor trees. */
const char *glob_suffix(const struct glob *g);
/* True when the pattern has no wildcard: it matches exactly one string,
 * returned by glob_prefix(). */
bool glob_is_literal(const struct glob *g);
/* True for tree patterns (PREFIX, slash, two stars): PREFIX and below. */
bool glob_is_tree(const struct glob *g);
/* True for a pattern that matches every string (two stars, alone or
 * after a single slash). */
bool glob_matches_all(const struct glob *g);

/* Could g match s followed by any bytes (s itself included)? May say true
 * where no match exists (a suffix or a class that cannot be satisfied):
 * for a refusing rule against a name known only by its start. */
bool glob_match_prefix(const struct glob *g, const char *s);
/* Does g match s followed by any bytes at all (every one)? May say false
 * where it does: for an allowing rule against such a name. Only the
 * literal-then-star patterns of GLOB_TOKEN ("core.*", "*") and the match
 * of everything are recognised. */
bool glob_match_every_suffix(const struct glob *g, const char *s);
/* Could g match dir or some path below it (dir, a slash, anything)? May
 * say true where no match exists (a suffix, a class that can never be
 * satisfied): for finding the rules that could protect something inside
 * a directory. */
bool glob_match_below(const struct glob *g, const char *dir);
/* Could g match some path below dir that it matches below no directory
 * whose name and place no pattern spells (a fresh top-level one)? Then a
 * symlink named dir, pointing anywhere, would bring what it points to
 * under g: `**` followed by .git/hooks below a .git, a tree or a path
 * rooted below dir, a pattern anchored where dir is, or inside a tree g
 * matches. False where g matches below dir only as it matches below any
 * directory (`**` followed by x: an x below the symlink is below its
 * target too). May say true where no such path exists (a class that
 * excludes the fresh name). */
bool glob_below_by_name(const struct glob *g, const char *dir);
/*
 * A sequence of tokens against n arguments, as argv patterns match
 * (`git push **`): a NULL token ("**") matches any run of arguments, any
 * other one argument, as tok_match(token, j, ctx) says for argument j (the
 * caller decides how: the first argument as a program's basename or other
 * names of it). Greedy with one backtrack point, which is exact for a
 * single kind of star: linear in practice, O(ntok * n) at worst.
 */
bool glob_tokens_match(struct glob *const *tok, size_t ntok, size_t n,
		       bool (*tok_match)(const struct glob *t, size_t j,
					 void *ctx),
		       void *ctx);
/* Appends s to b with every glob metacharacter escaped. */
void glob_escape(struct strbuf *b, const char *s);

#endif
