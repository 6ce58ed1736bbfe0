/* SPDX-License-Identifier: MIT */
/*
 * yamltree: reads one YAML document into a small tree with 1-based
 * line/column marks, using libyaml's event parser.
 *
 * Lifecycle: ytree_load_file()/ytree_load_buffer() -> walk ->
 * ytree_free(). Hard caps (file size, depth, node count, scalar length)
 * are checked while parsing, so hostile input stops early. Aliases are
 * refused (no "billion laughs"); anchors are accepted and ignored.
 */
#ifndef TIERGATE_YAMLTREE_H
#define TIERGATE_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YT_MAX_FILE (16u << 20)
#define YT_MAX_DEPTH 64
#define YT_MAX_NODES 200000
#define YT_MAX_SCALAR 65536

enum ynode_type {
	YN_SCALAR,
	YN_SEQ,
	YN_MAP,
	YN_MAX,
};

struct ynode {
	enum ynode_type type;
	int line, col;
	/* scalar */
	char *str;
	size_t len;
	bool plain; /* unquoted: may be a number, bool or null */
	/* seq: items[0..n); map: key items[2i], value items[2i+1] */
	struct ynode **items;
	size_t n, cap;
};

struct ytree {
	struct ynode *root; /* NULL for an empty document */
	struct ynode **all; /* every node, for freeing */
	size_t nall;
	uint8_t sha256[32]; /* of the bytes parsed (a policy's pin) */
};

struct yerror {
	int line, col;
	char msg[256];
};

int ytree_load_buffer(const char *buf, size_t len, struct ytree **ret,
		      struct yerror *err);
/* Reads a regular file (O_CLOEXEC, size-capped) then parses it. */
int ytree_load_file(const char *path, struct ytree **ret, struct yerror *err);
void ytree_free(struct ytree *t);

/* Map lookup; NULL when absent or when n is not a map. */
struct ynode *ytree_get(const struct ynode *map, const char *key);
const char *ynode_type_name(const struct ynode *n);
/* A plain empty, "~" or "null" scalar (YAML's null). */
bool ynode_is_null(const struct ynode *n);

#endif
