/* SPDX-License-Identifier: MIT */
/*
 * policy_tests: compiles one entry of a policy's `tests:` section (an
 * event and the decision it must get) into struct policy_test, for
 * `policyctl test`. Not for use outside the engine.
 */
#ifndef TIERGATE_POLICY_TESTS_H
#define TIERGATE_POLICY_TESTS_H

#include "policy_loader.h"

/* 0, -EINVAL (reported) or -ENOMEM. */
int tests_compile(struct loader *L, const struct ynode *n);
/* Frees what a test holds (not the test itself). */
void tests_free_one(struct policy_test *t);

#endif
