/* SPDX-License-Identifier: MIT */
/*
 * policy_settings: the top-level `settings:` and `limits:` of a policy,
 * and their defaults. Not for use outside the engine.
 */
#ifndef TIERGATE_POLICY_SETTINGS_H
#define TIERGATE_POLICY_SETTINGS_H

#include "policy_loader.h"

/* The values a policy has when it does not set them. */
void settings_defaults(struct policy *p);
/* 0 or -EINVAL (reported). A null value sets nothing. */
int settings_compile(struct loader *L, const struct ynode *n);
int settings_limits(struct loader *L, const struct ynode *n);

#endif
