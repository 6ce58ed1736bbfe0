/* SPDX-License-Identifier: MIT */
/*
 * policy_loader: the state of one policy load (struct loader) and the
 * readers every part of the loader uses to take typed values out of the
 * YAML tree, reporting what is wrong at the value's FILE:LINE:COL.
 *
 * A load (policy_load.c): the files are read and their includes followed
 * (policy_include.c), variables are collected from every file
 * (policy_vars.c), then each file is compiled: settings and limits
 * (policy_settings.c), rules and their matchers (policy_rules.c,
 * policy_matchers.c, policy_netmatch.c), tests (policy_tests.c).
 * Not for use outside the engine.
 */
#ifndef TIERGATE_POLICY_LOADER_H
#define TIERGATE_POLICY_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "policy_internal.h"
#include "yamltree.h"

struct var; /* policy_vars.c */

/* One file of the policy, parsed. */
struct unit {
	const char *file; /* display name, owned by policy->files */
	char *real;	  /* realpath, for cycle detection (NULL: buffer) */
	struct ytree *tree;
};

struct loader {
	struct policy *p;
	struct policy_diags *d;
	struct unit *units;
	size_t nunits, capunits;
	const char *stack[POLICY_MAX_INCLUDE_DEPTH + 1];
	size_t depth;
	struct var *vars;
	size_t nvars, capvars;
	const char *cur_file;
	size_t capfiles;
	size_t caprules;
	bool allow_include;
	const char *resolv_conf; /* the `nameservers` entry's source */
};

/* An error at node (1:1 when node is NULL) of the current file. */
void loader_err(struct loader *L, const struct ynode *node, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));
/* A warning there. */
void loader_warn(struct loader *L, const struct ynode *node, const char *fmt,
		 ...) __attribute__((format(printf, 3, 4)));

/* Keeps a copy of a file name for the policy's lifetime (rules and
 * diagnostics point to it). NULL on OOM. */
const char *loader_intern_file(struct loader *L, const char *name);

/* Reports every key of map not in allowed (NULL-terminated), with the
 * nearest allowed key as a suggestion. False if there was one. */
bool loader_check_keys(struct loader *L, const struct ynode *map,
		       const char *const *allowed, const char *what);

/* The string of a non-null scalar, else reported and NULL. */
const char *loader_scalar(struct loader *L, const struct ynode *n,
			  const char *field);
/* true/yes/True or false/no/False. 0 or -EINVAL (reported). */
int loader_bool(struct loader *L, const struct ynode *n, const char *field,
		bool *ret);
/* One of a fixed set of words (NULL-terminated) -> its index in *ret. */
int loader_word(struct loader *L, const struct ynode *n, const char *field,
		const char *str, const char *const *words, int *ret);
/* The entries of a field written as a string or a list of strings. */
struct yitems {
	const struct ynode *const *v;
	size_t n;
	const struct ynode *one; /* v points here for a single string */
};
/* n (a string or a non-empty list of strings) -> its entries in *ret.
 * 0 or -EINVAL (reported). */
int loader_list(struct loader *L, const struct ynode *n, const char *field,
		struct yitems *ret);
/* The same, and a zeroed array of as many elements of esz bytes in *ret_v
 * for what the entries compile to. 0, -EINVAL (reported) or -ENOMEM. */
int loader_list_alloc(struct loader *L, const struct ynode *n,
		      const char *field, struct yitems *ret, size_t esz,
		      void **ret_v);

#endif
