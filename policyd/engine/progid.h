/* SPDX-License-Identifier: MIT */
/*
 * progid: the content identity of a program (size + SHA-256 of its bytes),
 * as fapolicyd's trust database keeps it, so that rules and known
 * programs (git, ld.so) recognise a program by what it is rather than by
 * the name it is run under: a copy or a hard link of a denied program is
 * the denied program.
 *
 * Hashes are cached by (device, inode, size, mtime, ctime): a file that
 * changes gets another ctime, which its owner cannot set back. Only files
 * whose ctime has settled are cached (progid_ctime_settled). Thread-safe.
 *
 * A struct progid_file is a program being decided: its stat is taken by
 * the caller, its bytes are read only when a rule needs them (a rule's
 * identity of the same size, or a sha256: entry), so silent allows of
 * other programs never read a byte.
 */
#ifndef TIERGATE_PROGID_H
#define TIERGATE_PROGID_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "sha256.h"

/* programs larger than this are not hashed (-EFBIG): unknown content */
#define PROGID_MAX_BYTES (1ll << 31)

/* An identity a rule or a known-program set holds. */
struct progid {
	uint64_t dev, ino; /* the file it was taken from; 0/0: none */
	int64_t size;	   /* -1: any size (a sha256: entry) */
	uint8_t sha[TG_SHA256_LEN];
};

/* The program an exec runs. */
struct progid_file {
	const char *path; /* where policyd reads it (its own view of it) */
	struct stat st;	  /* its stat, taken when it was decided on */
	int hashed;	  /* 0 not yet; 1 sha holds its hash; -errno: its
			     bytes cannot be read */
	uint8_t sha[TG_SHA256_LEN];
};

/* Has st's ctime settled (sys_ctime_settled, which is this)? Only then
 * may an answer about the file be kept: kernels without fine-grained
 * timestamps stamp every change in one clock tick alike. */
bool progid_ctime_settled(const struct stat *st);

/* Hashes f once (cached): 0, or -errno (then f->hashed says so). */
int progid_file_hash(struct progid_file *f);

/*
 * Is f the program id names: the same file (device and inode), or one of
 * the same size (any size for a sha256: entry) with the same bytes? When
 * the bytes are needed and cannot be read, the answer is unknown_is.
 */
bool progid_file_is(struct progid_file *f, const struct progid *id,
		    bool unknown_is);

/* The identity of the regular file at path now (its stat and bytes). 0,
 * -ENOENT..., -EFBIG, -EINVAL (not a regular file). */
int progid_of_path(const char *path, struct progid *ret);

#endif
