/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for globs and git argv parsing: input is
 * "mode byte, pattern NUL subject"; also feeds the subject to the path
 * normaliser, the CIDR parser and (split on spaces) the git parser. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gitparse.h"
#include "glob.h"
#include "netaddr.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2 || size > 8192)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	enum glob_mode mode = (enum glob_mode)(data[0] % GLOB_MODE_MAX);
	const char *pat = buf;
	const char *subj = buf + strlen(buf) + 1 <= buf + size - 1
			       ? buf + strlen(buf) + 1
			       : "";
	if (subj > buf + size - 1)
		subj = "";
	struct glob *g = NULL;
	const char *err;
	size_t pos;
	/* the same pattern compiled in place, into exactly the bytes
	 * glob_compile_size says (ASan sees one past them): it compiles
	 * when glob_compile does, and matches as it does */
	size_t isz = glob_compile_size(pat);
	void *imem = malloc(isz);
	struct glob *ig = NULL;
	int ir = imem ? glob_compile_in(pat, mode, imem, isz, &ig, &err, &pos)
		      : -ENOMEM;
	if (glob_compile(pat, mode, &g, &err, &pos) == 0) {
		if (imem &&
		    (ir != 0 || glob_match(g, subj) != glob_match(ig, subj)))
			abort();
		(void)glob_match(g, subj);
		/* a literal pattern matches exactly its own prefix text */
		if (glob_is_literal(g) && !glob_match(g, glob_prefix(g)))
			abort();
		/* what a symlink's name brings under g is a part of what g
		 * could match below it */
		if (mode == GLOB_PATH && glob_below_by_name(g, subj) &&
		    !glob_match_below(g, subj))
			abort();
		glob_free(g);
	} else if (ir == 0) {
		abort(); /* in place compiles what glob_compile refuses */
	}
	free(imem);
	char out[TG_PATH_MAX];
	(void)tg_path_normalize("/cwd", subj, out, sizeof(out));
	struct tg_cidr c;
	(void)tg_cidr_parse(subj, &c, &err);
	char **words = NULL;
	size_t n = 0;
	if (tg_split_words(subj, false, &words, &n) == 0) {
		struct git_event ge;
		if (n > 0 && git_parse((const char *const *)words, n, "/w",
				       NULL, &ge) >= 0)
			git_event_free(&ge);
		tg_strv_free(words);
	}
	free(buf);
	return 0;
}
