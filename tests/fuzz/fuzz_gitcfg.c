/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the git config text parser (gitcfgtext.c): any
 * bytes must give entries or a bad-line error, never a crash, leak or
 * hang; every key it gives with a section is in git's canonical form. A
 * text that names an include is also loaded as ~/.gitconfig by
 * gitcfg_load, whose includes are followed inside a scratch directory
 * used as the caller's root (RESOLVE_IN_ROOT: nothing outside it is read,
 * whatever the include paths say).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gitint.h"
#include "scratch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool root_made;

static void root_make(void)
{
	static const char *const dirs[] = {"/home", NULL};
	scratch_make(dirs);
	/* an include target that includes again: the depth cap */
	static const char inc[] = "[core]\n\tbare = false\n[include]\n"
				  "\tpath = inc\n[remote \"o\"]\n\turl = /x\n";
	scratch_put("/home/inc", inc, sizeof(inc) - 1);
	root_made = true;
}

static int check_cb(void *ud, const char *key, const char *value)
{
	const bool *has_nul = ud;
	(void)gitcfg_bool_text(value);
	size_t kl = strlen(key);
	if (!kl)
		abort();
	/* section and name as the parser gives them are already lower case
	 * and valid: canonicalising one changes nothing. Not so when a NUL
	 * in a subsection cuts the key short ("[a \"B\0\"]" gives "a.B"):
	 * git's callbacks see that C string too, and its config set files
	 * it under a hash its canonical lookups never find, as the engine's
	 * exact comparisons do. */
	if (!*has_nul && strchr(key, '.')) {
		char canon[8192];
		if (kl < sizeof(canon) &&
		    gitcfg_canon_key(key, kl, canon, sizeof(canon)) &&
		    strcmp(canon, key))
			abort();
	}
	return 0;
}

static bool names_include(const uint8_t *data, size_t size)
{
	static const char w[] = "include";
	for (size_t i = 0; i + sizeof(w) - 1 <= size; i++)
		if (!strncasecmp((const char *)data + i, w, sizeof(w) - 1))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	const char *text = (const char *)data;
	bool has_nul = memchr(data, '\0', size) != NULL;
	(void)gitcfg_parse_cb(text, size, check_cb, &has_nul);

	struct gitcfg c = {0};
	if (gitcfg_parse_text(&c, text, size, GITCFG_LOCAL) == -ENOMEM)
		abort();
	const char *v;
	if (c.n && !gitcfg_last(&c, c.v[c.n - 1].key, &v))
		abort();
	gitcfg_free(&c);

	if (!names_include(data, size))
		return 0;
	if (!root_made)
		root_make();
	scratch_put("/home/.gitconfig", text, size);
	static const char *const env[] = {"HOME=/home", "GIT_CONFIG_NOSYSTEM=1",
					  "XDG_CONFIG_HOME=/home/xdg"};
	struct git_ctx ctx = {.root = scratch_root,
			      .cwd = "/",
			      .env = env,
			      .nenv = sizeof(env) / sizeof(env[0])};
	struct gitfs fs;
	if (gitfs_open(&fs, &ctx) < 0)
		abort();
	struct gitcfg l = {0};
	(void)gitcfg_load(&l, &fs, NULL, NULL, false);
	gitcfg_free(&l);
	gitfs_close(&fs);
	return 0;
}
