/* SPDX-License-Identifier: MIT */
/*
 * policy_vars: the ${NAME} variables of a policy load. Built-ins (HOME,
 * USER, PWD, TMPDIR) and command-line overrides are literal values; the
 * policy's own `variables:` may refer to other variables. "$$" is a '$'.
 * Not for use outside the engine.
 */
#ifndef TIERGATE_POLICY_VARS_H
#define TIERGATE_POLICY_VARS_H

#include <stdbool.h>

#include "policy_loader.h"

/* Adds the built-ins from vars (defaults where NULL) and the NAME=VALUE
 * overrides; records vars->resolv_conf in L. 0, -EINVAL (reported) or
 * -ENOMEM. */
int vars_add_builtins(struct loader *L, const struct policy_vars *vars);
/* Adds the `variables:` of one file. 0, -EINVAL (reported) or -ENOMEM. */
int vars_collect(struct loader *L, const struct unit *u);
/* The scalar n with its variables expanded (caller frees); NULL when
 * reported (or on OOM). In glob context, literal variables are escaped so
 * that a '*' in $HOME stays a '*'. */
char *vars_expand(struct loader *L, const struct ynode *n, bool glob_ctx);
void vars_free(struct loader *L);

#endif
