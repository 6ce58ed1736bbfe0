/* SPDX-License-Identifier: MIT */
/*
 * policy_rules: compiles one entry of `rules:` (id, tier or action,
 * message, matchers) and appends it to the policy. Not for use outside the
 * engine.
 */
#ifndef TIERGATE_POLICY_RULES_H
#define TIERGATE_POLICY_RULES_H

#include "policy_loader.h"

/* 0, -EINVAL (reported), -E2BIG (too many rules: stop) or -ENOMEM. */
int rules_compile(struct loader *L, const struct ynode *n);
/* Frees what a rule holds (not the rule itself). */
void rules_free_one(struct rule *r);

#endif
