/* SPDX-License-Identifier: MIT */
/*
 * policy_include: reads the files of a policy: the top-level one and,
 * depth first, the files it includes (relative to the including file).
 * Each file becomes a unit of the loader, recorded after its includes so
 * that included rules come first; a file included twice is read once; a
 * cycle is an error. Not for use outside the engine.
 */
#ifndef TIERGATE_POLICY_INCLUDE_H
#define TIERGATE_POLICY_INCLUDE_H

#include <stddef.h>

#include "policy_loader.h"

/* The policy file at path, and its includes. */
int include_load_file(struct loader *L, const char *path);
/* A policy held in memory, named name (its includes are refused). */
int include_load_buffer(struct loader *L, const char *name, const char *buf,
			size_t len);

#endif
