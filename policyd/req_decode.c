/* SPDX-License-Identifier: MIT */
#include "req_decode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One string field appended to *v (*n of them, kept NULL-terminated;
 * *cap: its room; at most max). 0 or -errno. */
static int put_strv(const char ***v, size_t *n, size_t *cap, size_t max,
		    const struct tgp_field *f)
{
	if (*n >= max)
		return -EBADMSG;
	if (*n + 1 >= *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		const char **na = realloc(*v, nc * sizeof(*na));
		if (!na)
			return -ENOMEM;
		*v = na;
		*cap = nc;
	}
	char *s = strndup((const char *)f->v, f->len);
	if (!s)
		return -ENOMEM;
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
	return 0;
}

/* A string field into its buffer in q; 1 when f is not one. */
static int put_str(struct req *q, const struct tgp_field *f)
{
	char *dst;
	size_t cap;
	switch (f->tag) {
	case TGPT_PATH:
		dst = q->path, cap = sizeof(q->path);
		q->has_path = true;
		break;
	case TGPT_PATH2:
		dst = q->path2, cap = sizeof(q->path2);
		q->has_path2 = true;
		break;
	case TGPT_HOST:
		dst = q->host, cap = sizeof(q->host);
		break;
	case TGPT_NAME:
		dst = q->name, cap = sizeof(q->name);
		break;
	case TGPT_POLICY:
		dst = q->policy, cap = sizeof(q->policy);
		break;
	case TGPT_TMPDIR:
		dst = q->tmpdir, cap = sizeof(q->tmpdir);
		break;
	default:
		return 1;
	}
	return tgp_str(f, dst, cap) < 0 ? -EBADMSG : 0;
}

int req_decode(const uint8_t *msg, size_t len, struct tgp_dec *d, struct req *q)
{
	/* only the small fields: the path buffers are written before use */
	q->kind = q->access = q->port = q->proto = q->flags = q->access2 = 0;
	q->pid = 0;
	q->label = NULL; /* these only ever set by the kernel path */
	q->nofollow = q->made = q->made2 = q->symlink = false;
	q->src_fd = q->src_symlink = false;
	q->unheld_fd = false;
	q->has_path = q->has_path2 = q->has_addr = false;
	q->path[0] = q->path2[0] = q->host[0] = '\0';
	memset(q->addr, 0, sizeof(q->addr));
	q->naddrs = 0;
	q->argv = NULL;
	q->argc = 0;
	q->env = NULL;
	q->nenv = 0;
	q->name[0] = q->policy[0] = q->tmpdir[0] = '\0';
	q->dirfd = q->dirfd2 = (int32_t)TGP_AT_FDCWD;
	if (tgp_dec_begin(d, msg, len) < 0)
		return -EBADMSG;
	struct tgp_field f;
	int r;
	size_t cap = 0, ecap = 0;
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
		case TGPT_PID:
			q->pid = tgp_u32(&f);
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
		case TGPT_ADDR:
			memcpy(q->addr, f.v, 16);
			q->has_addr = true;
			break;
		case TGPT_ADDRS: /* the decoder checked the length */
			q->naddrs = (unsigned)(f.len / 16);
			memcpy(q->addrs, f.v, f.len);
			break;
		case TGPT_ARG:
			if ((r = put_strv(&q->argv, &q->argc, &cap,
					  TGP_MAX_ARGS, &f)) < 0)
				return r;
			break;
		case TGPT_ENV:
			if ((r = put_strv(&q->env, &q->nenv, &ecap, TGP_MAX_ENV,
					  &f)) < 0)
				return r;
			break;
		default:
			/* a string, or a tag that has no place in a request */
			if ((r = put_str(q, &f)) != 0)
				return r < 0 ? r : -EBADMSG;
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
	for (size_t i = 0; i < q->nenv; i++)
		free((char *)q->env[i]);
	free(q->env);
	q->env = NULL;
	q->nenv = 0;
}
