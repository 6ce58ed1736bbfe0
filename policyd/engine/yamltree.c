/* SPDX-License-Identifier: MIT */
#include "yamltree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "util.h"

struct builder {
	struct ytree *t;
	size_t cap_all;
	struct ynode *stack[YT_MAX_DEPTH + 1];
	size_t depth;
	int docs;
};

static void set_err(struct yerror *e, int line, int col, const char *fmt,
		    const char *arg)
{
	if (!e)
		return;
	e->line = line;
	e->col = col;
	snprintf(e->msg, sizeof(e->msg), fmt, arg ? arg : "");
}

static struct ynode *new_node(struct builder *b, enum ynode_type type,
			      const yaml_mark_t *m)
{
	/* nodes are pointers into per-node allocations tracked in "all" so
	 * that growing the arena never moves a node */
	if (b->t->nall >= YT_MAX_NODES)
		return NULL;
	struct ynode *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	if (tg_grow((void **)&b->t->all, &b->cap_all, b->t->nall + 1,
		    sizeof(struct ynode *)) < 0) {
		free(n);
		return NULL;
	}
	b->t->all[b->t->nall++] = n;
	n->type = type;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	return n;
}

static int add_child(struct builder *b, struct ynode *child)
{
	if (b->depth == 0) {
		b->t->root = child;
		return 0;
	}
	struct ynode *parent = b->stack[b->depth - 1];
	if (tg_grow((void **)&parent->items, &parent->cap, parent->n + 1,
		    sizeof(*parent->items)) < 0)
		return -ENOMEM;
	parent->items[parent->n++] = child;
	return 0;
}

static int check_dup_key(const struct ynode *map, const struct ynode *key,
			 struct yerror *err)
{
	/* called when a value is about to be added: key is items[n-1] */
	if (key->type != YN_SCALAR) {
		set_err(err, key->line, key->col,
			"mapping keys must be plain strings%s", NULL);
		return -EINVAL;
	}
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->items[i];
		if (k->len == key->len &&
		    memcmp(k->str, key->str, k->len) == 0) {
			char tmp[80];
			snprintf(tmp, sizeof(tmp), "%.60s", key->str);
			set_err(err, key->line, key->col, "duplicate key '%s'",
				tmp);
			return -EINVAL;
		}
	}
	return 0;
}

int ytree_load_buffer(const char *buf, size_t len, struct ytree **ret,
		      struct yerror *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	struct builder b = {0};
	int r = 0;
	bool done = false;

	if (len > YT_MAX_FILE) {
		set_err(err, 1, 1,
			"file is larger than the 16 MiB limit for policies%s",
			NULL);
		return -EFBIG;
	}
	b.t = calloc(1, sizeof(*b.t));
	if (!b.t)
		return -ENOMEM;
	if (!yaml_parser_initialize(&parser)) {
		free(b.t);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);

	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			const char *prob =
			    parser.problem ? parser.problem : "parse error";
			const yaml_mark_t *m = &parser.problem_mark;
			char tmp[200];
			if (parser.context)
				snprintf(tmp, sizeof(tmp), "%s %s", prob,
					 parser.context);
			else
				snprintf(tmp, sizeof(tmp), "%s", prob);
			set_err(err, (int)m->line + 1, (int)m->column + 1,
				"YAML syntax error: %s", tmp);
			r = -EINVAL;
			break;
		}
		const yaml_mark_t *m = &ev.start_mark;
		struct ynode *n = NULL;
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++b.docs > 1) {
				set_err(err, (int)m->line + 1,
					(int)m->column + 1,
					"a policy file holds one YAML "
					"document; found a second%s",
					NULL);
				r = -EINVAL;
			}
			break;
		case YAML_ALIAS_EVENT:
			set_err(
			    err, (int)m->line + 1, (int)m->column + 1,
			    "YAML aliases (*%s) are not supported in policies",
			    (const char *)ev.data.alias.anchor);
			r = -EINVAL;
			break;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.length > YT_MAX_SCALAR) {
				set_err(err, (int)m->line + 1,
					(int)m->column + 1,
					"string is longer than the 65536-byte "
					"limit%s",
					NULL);
				r = -E2BIG;
				break;
			}
			if (memchr(ev.data.scalar.value, '\0',
				   ev.data.scalar.length)) {
				set_err(err, (int)m->line + 1,
					(int)m->column + 1,
					"string contains a NUL byte%s", NULL);
				r = -EINVAL;
				break;
			}
			n = new_node(&b, YN_SCALAR, m);
			if (!n) {
				r = -E2BIG;
				set_err(err, (int)m->line + 1,
					(int)m->column + 1,
					"document has more than 200000 nodes%s",
					NULL);
				break;
			}
			n->str = malloc(ev.data.scalar.length + 1);
			if (!n->str) {
				r = -ENOMEM;
				break;
			}
			memcpy(n->str, ev.data.scalar.value,
			       ev.data.scalar.length);
			n->str[ev.data.scalar.length] = '\0';
			n->len = ev.data.scalar.length;
			n->plain =
			    ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
			    !(ev.data.scalar.tag &&
			      strcmp((const char *)ev.data.scalar.tag,
				     YAML_STR_TAG) == 0);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (b.depth >= YT_MAX_DEPTH) {
				set_err(err, (int)m->line + 1,
					(int)m->column + 1,
					"nesting is deeper than the limit of "
					"64 levels%s",
					NULL);
				r = -E2BIG;
				break;
			}
			n = new_node(&b,
				     ev.type == YAML_SEQUENCE_START_EVENT
					 ? YN_SEQ
					 : YN_MAP,
				     m);
			if (!n) {
				r = -E2BIG;
				set_err(err, (int)m->line + 1,
					(int)m->column + 1,
					"document has more than 200000 nodes%s",
					NULL);
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (b.depth > 0)
				b.depth--;
			break;
		default:
			break;
		}
		if (r == 0 && n) {
			if (b.depth > 0) {
				struct ynode *p = b.stack[b.depth - 1];
				if (p->type == YN_MAP && p->n % 2 == 1)
					r = check_dup_key(p, p->items[p->n - 1],
							  err);
			}
			if (r == 0)
				r = add_child(&b, n);
			if (r == 0 && n->type != YN_SCALAR)
				b.stack[b.depth++] = n;
		}
		yaml_event_delete(&ev);
		if (r < 0)
			break;
	}
	yaml_parser_delete(&parser);
	if (r < 0) {
		if (r == -ENOMEM && err)
			set_err(err, 1, 1, "out of memory%s", NULL);
		ytree_free(b.t);
		return r;
	}
	*ret = b.t;
	return 0;
}

int ytree_load_file(const char *path, struct ytree **ret, struct yerror *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		set_err(err, 1, 1, "cannot open: %s", strerror(e));
		return -e;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		set_err(err, 1, 1, "cannot stat: %s", strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		set_err(err, 1, 1, "not a regular file%s", NULL);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > YT_MAX_FILE) {
		set_err(err, 1, 1,
			"file is larger than the 16 MiB limit for policies%s",
			NULL);
		return -EFBIG;
	}
	size_t cap = (size_t)st.st_size + 1, len = 0;
	_cleanup_free_ char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			/* the file grew while we read it */
			set_err(err, 1, 1, "file changed while being read%s",
				NULL);
			return -EAGAIN;
		}
		ssize_t k = read(fd, buf + len, cap - len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			set_err(err, 1, 1, "read error: %s", strerror(e));
			return -e;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	return ytree_load_buffer(buf, len, ret, err);
}

void ytree_free(struct ytree *t)
{
	if (!t)
		return;
	struct ynode **all = t->all;
	for (size_t i = 0; i < t->nall; i++) {
		free(all[i]->str);
		free(all[i]->items);
		free(all[i]);
	}
	free(t->all);
	free(t);
}

struct ynode *ytree_get(const struct ynode *map, const char *key)
{
	if (!map || map->type != YN_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (map->items[i]->type == YN_SCALAR &&
		    strcmp(map->items[i]->str, key) == 0)
			return map->items[i + 1];
	return NULL;
}

const char *ynode_type_name(const struct ynode *n)
{
	switch (n->type) {
	case YN_SCALAR:
		return "a scalar";
	case YN_SEQ:
		return "a list";
	case YN_MAP:
		return "a mapping";
	default:
		return "unknown";
	}
}
