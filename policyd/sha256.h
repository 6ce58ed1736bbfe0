/* SPDX-License-Identifier: MIT */
/*
 * sha256: SHA-256 (FIPS 180-4), for naming in the audit log exactly which
 * policy text a session was given (reload records).
 */
#ifndef TIERGATE_SHA256_H
#define TIERGATE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX 65 /* 64 hex digits and NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
/* The digest as lowercase hex into hex (SHA256_HEX bytes). */
void sha256_hex(struct sha256 *c, char hex[SHA256_HEX]);
/* The digest of a regular file of at most max_bytes: 0, or -errno (-EFBIG
 * when larger, -EINVAL when not a regular file); hex untouched then. */
int sha256_file(const char *path, uint64_t max_bytes, char hex[SHA256_HEX]);

#endif
