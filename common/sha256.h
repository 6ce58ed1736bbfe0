/* SPDX-License-Identifier: MIT */
/*
 * sha256: SHA-256 (FIPS 180-4), for pinning a policy's content at session
 * start (a policyd restarted for the session loads only the same bytes).
 * Pure: no allocation, no system calls.
 *
 * Lifecycle: tg_sha256_init() -> tg_sha256_update() any number of times ->
 * tg_sha256_final(); or tg_sha256() for one buffer.
 */
#ifndef TIERGATE_SHA256_H
#define TIERGATE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define TG_SHA256_LEN 32
#define TG_SHA256_HEX (2 * TG_SHA256_LEN + 1) /* hex digits and a NUL */

struct tg_sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[64];
	size_t nbuf;
};

void tg_sha256_init(struct tg_sha256 *c);
void tg_sha256_update(struct tg_sha256 *c, const void *data, size_t n);
void tg_sha256_final(struct tg_sha256 *c, uint8_t out[TG_SHA256_LEN]);
void tg_sha256(const void *data, size_t n, uint8_t out[TG_SHA256_LEN]);
/* The digest in lower-case hex (TG_SHA256_HEX bytes). */
void tg_sha256_hex(const uint8_t d[TG_SHA256_LEN], char out[TG_SHA256_HEX]);

#endif
