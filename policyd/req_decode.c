/* SPDX-License-Identifier: MIT */
#include "req_decode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int req_decode(const uint8_t *msg, size_t len, struct tgp_dec *d, struct req *q)
{
	/* only the small fields: the path buffers are written before use */
	q->kind = q->access = q->port = q->proto = q->flags = q->access2 = 0;
	q->label = NULL; /* these only ever set by the kernel path */
	q->nofollow = false;
	q->unheld_fd = false;
	q->has_path = q->has_path2 = q->has_addr = false;
	q->path[0] = q->path2[0] = q->host[0] = '\0';
	memset(q->addr, 0, sizeof(q->addr));
	q->naddrs = 0;
	q->argv = NULL;
	q->argc = 0;
	q->name[0] = q->policy[0] = q->tmpdir[0] = '\0';
	q->dirfd = q->dirfd2 = (int32_t)TGP_AT_FDCWD;
	if (tgp_dec_begin(d, msg, len) < 0)
		return -EBADMSG;
	struct tgp_field f;
	int r;
	size_t cap = 0;
	while ((r = tgp_dec_next(d, &f)) == 1) {
		switch (f.tag) {
		case TGPT_KIND:
			q->kind = tgp_u32(&f);
			break;
		case TGPT_ACCESS:
			q->access = tgp_u32(&f);
			break;
		case TGPT_PORT:
			q->port = tgp_u32(&f);
			break;
		case TGPT_PROTO:
			q->proto = tgp_u32(&f);
			break;
		case TGPT_FLAGS:
			q->flags = tgp_u32(&f);
			break;
		case TGPT_DIRFD:
			q->dirfd = (int32_t)tgp_u32(&f);
			break;
		case TGPT_DIRFD2:
			q->dirfd2 = (int32_t)tgp_u32(&f);
			break;
		case TGPT_PATH:
			if (tgp_str(&f, q->path, sizeof(q->path)) < 0)
				return -EBADMSG;
			q->has_path = true;
			break;
		case TGPT_PATH2:
			if (tgp_str(&f, q->path2, sizeof(q->path2)) < 0)
				return -EBADMSG;
			q->has_path2 = true;
			break;
		case TGPT_HOST:
			if (tgp_str(&f, q->host, sizeof(q->host)) < 0)
				return -EBADMSG;
			break;
		case TGPT_ADDR:
			memcpy(q->addr, f.v, 16);
			q->has_addr = true;
			break;
		case TGPT_ADDRS: /* the decoder checked the length */
			q->naddrs = (unsigned)(f.len / 16);
			memcpy(q->addrs, f.v, f.len);
			break;
		case TGPT_NAME:
			if (tgp_str(&f, q->name, sizeof(q->name)) < 0)
				return -EBADMSG;
			break;
		case TGPT_POLICY:
			if (tgp_str(&f, q->policy, sizeof(q->policy)) < 0)
				return -EBADMSG;
			break;
		case TGPT_TMPDIR:
			if (tgp_str(&f, q->tmpdir, sizeof(q->tmpdir)) < 0)
				return -EBADMSG;
			break;
		case TGPT_ARG: {
			if (q->argc >= TGP_MAX_ARGS)
				return -EBADMSG;
			if (q->argc + 1 >= cap) {
				size_t nc = cap ? cap * 2 : 16;
				const char **na =
				    realloc(q->argv, nc * sizeof(*na));
				if (!na)
					return -ENOMEM;
				q->argv = na;
				cap = nc;
			}
			char *s = strndup((const char *)f.v, f.len);
			if (!s)
				return -ENOMEM;
			q->argv[q->argc++] = s;
			q->argv[q->argc] = NULL;
			break;
		}
		default:
			return -EBADMSG; /* a tag that has no place in a request
					  */
		}
	}
	return r < 0 ? -EBADMSG : 0;
}

void req_free(struct req *q)
{
	for (size_t i = 0; i < q->argc; i++)
		free((char *)q->argv[i]);
	free(q->argv);
	q->argv = NULL;
	q->argc = 0;
}
