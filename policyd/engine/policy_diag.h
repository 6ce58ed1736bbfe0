/* SPDX-License-Identifier: MIT */
/*
 * policy_diag: the errors and warnings of one policy load, each with the
 * FILE:LINE:COL it is about (struct policy_diags, declared in policy.h;
 * freed with policy_diags_free). Not for use outside the engine.
 */
#ifndef TIERGATE_POLICY_DIAG_H
#define TIERGATE_POLICY_DIAG_H

#include <stdbool.h>

#include "policy.h"

/* Appends one diagnostic (d may be NULL: nothing is kept). One already in
 * the list (same place, severity and text) is neither kept nor counted
 * again. Past POLICY_MAX_DIAGS it is only counted (d->truncated). 0 or
 * -ENOMEM. */
int policy_diag_add(struct policy_diags *d, const char *file, int line, int col,
		    bool warning, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#endif
