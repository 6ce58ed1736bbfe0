/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the wire protocol: the decoder policyd runs on every
 * agent-socket message (req_decode), plus a round-trip property: whatever
 * the decoder accepts re-encodes to a message it accepts again with the same
 * fields.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tgp_dec d;
	struct req *q = calloc(1, sizeof(*q));
	struct req *q2 = calloc(1, sizeof(*q2));
	if (!q || !q2)
		abort();
	if (size >= sizeof(struct tgp_hdr))
		(void)tgp_peek_len(data);
	if (req_decode(data, size, &d, q) == 0) {
		static uint8_t buf[TGP_MAX_MSG];
		struct tgp_enc e;
		tgp_enc_begin(&e, buf, sizeof(buf), (enum tgp_type)d.h.type,
			      d.h.id);
		if (q->kind)
			tgp_put_u32(&e, TGPT_KIND, q->kind);
		if (q->has_path)
			tgp_put_str(&e, TGPT_PATH, q->path);
		if (q->has_path2)
			tgp_put_str(&e, TGPT_PATH2, q->path2);
		if (q->has_addr)
			tgp_put(&e, TGPT_ADDR, q->addr, 16);
		if (q->naddrs)
			tgp_put(&e, TGPT_ADDRS, q->addrs, q->naddrs * 16);
		for (size_t i = 0; i < q->argc; i++)
			tgp_put_str(&e, TGPT_ARG, q->argv[i]);
		long n = tgp_enc_end(&e);
		if (n < 0 || req_decode(buf, (size_t)n, &d, q2) != 0)
			abort();
		if (q2->argc != q->argc || q2->kind != q->kind ||
		    strcmp(q2->path, q->path) || strcmp(q2->path2, q->path2) ||
		    (q->has_addr && memcmp(q->addr, q2->addr, 16)) ||
		    q2->naddrs != q->naddrs ||
		    memcmp(q->addrs, q2->addrs, q->naddrs * 16))
			abort();
		for (size_t i = 0; i < q->argc; i++)
			if (strcmp(q->argv[i], q2->argv[i]))
				abort();
	}
	req_free(q);
	req_free(q2);
	free(q);
	free(q2);
	return 0;
}
