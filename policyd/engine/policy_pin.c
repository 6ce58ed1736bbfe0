/* SPDX-License-Identifier: MIT */
/*
 * policy_pin: what a load read, kept with the compiled policy: the files
 * (for tiergate's protection of the policy in force, and for explain) and
 * a digest of their bytes (a session's policy is pinned at its start: a
 * policyd restarted for the session compares, docs/threat-model.md).
 */
#include <errno.h>
#include <string.h>

#include "policy_loader.h"
#include "sha256.h"

int policy_pin_record(struct loader *L)
{
	struct policy *p = L->p;
	struct tg_sha256 c;
	tg_sha256_init(&c);
	for (size_t i = 0; i < L->nunits; i++) {
		const struct unit *u = &L->units[i];
		if (!u->real)
			continue; /* from memory: no file */
		if (tg_strv_push(&p->sources, &p->nsources, u->real, false) < 0)
			return -ENOMEM;
		tg_sha256_update(&c, u->real, strlen(u->real) + 1);
		tg_sha256_update(&c, u->tree->sha256, sizeof(u->tree->sha256));
	}
	tg_sha256_final(&c, p->digest);
	return 0;
}

void policy_pin_free(struct policy *p)
{
	for (size_t i = 0; i < p->nsources; i++)
		free(p->sources[i]);
	free(p->sources);
	p->sources = NULL;
	p->nsources = 0;
}

void policy_sources(const struct policy *p, const char *const **ret,
		    size_t *ret_n)
{
	*ret = (const char *const *)p->sources;
	*ret_n = p->nsources;
}

void policy_digest(const struct policy *p, uint8_t out[32])
{
	memcpy(out, p->digest, sizeof(p->digest));
}
