/* SPDX-License-Identifier: MIT */
/*
 * policy_matchers: compiles the exec, open and git matchers of a rule
 * (globs, argv patterns, access sets) and connect's Unix socket matcher;
 * connect to IP destinations is policy_netmatch.c.
 * Each compile function allocates the matcher into *ret even when it
 * reports errors (the rule frees it). Not for use outside the engine.
 */
#ifndef TIERGATE_POLICY_MATCHERS_H
#define TIERGATE_POLICY_MATCHERS_H

#include <stdbool.h>

#include "policy_loader.h"

/* Is n a non-empty mapping? Reports it otherwise ("empty exec matcher"). */
bool matcher_check_map(struct loader *L, const struct ynode *n,
		       const char *kind);

int matcher_exec(struct loader *L, const struct ynode *n, struct exec_m **ret);
int matcher_open(struct loader *L, const struct ynode *n, struct open_m **ret);
int matcher_git(struct loader *L, const struct ynode *n, struct git_m **ret);
/* connect: {unix: [...], not_unix: [...]}: is n one? (else
 * policy_netmatch.c's IP matcher) */
bool matcher_is_unix(const struct ynode *n);
int matcher_unix(struct loader *L, const struct ynode *n, struct unix_m **ret);
void matcher_unix_free(struct unix_m *m);
void matcher_exec_free(struct exec_m *m);
void matcher_open_free(struct open_m *m);
void matcher_git_free(struct git_m *m);

/* An access name or a list of them -> POLICY_ACC_* bits in *ret. */
int matcher_access(struct loader *L, const struct ynode *v, const char *field,
		   unsigned *ret);

#endif
