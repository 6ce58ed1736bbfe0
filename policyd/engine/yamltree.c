/* SPDX-License-Identifier: MIT */
#include "yamltree.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "sha256.h"
#include "util.h"

struct builder {
	struct ytree *t;
	size_t cap_all;
	struct ynode *stack[YT_MAX_DEPTH + 1];
	size_t depth;
	int docs;
	bool anchors; /* the document declares an anchor (&name) */
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
			"mapping keys must be plain strings, not a %s: write "
			"the key as a word",
			key->type == YN_SEQ ? "list" : "mapping");
		return -EINVAL;
	}
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *k = map->items[i];
		if (k->len == key->len &&
		    memcmp(k->str, key->str, k->len) == 0) {
			char tmp[160];
			snprintf(tmp, sizeof(tmp),
				 "duplicate key '%.60s' (first at %d:%d): give "
				 "each key once",
				 key->str, k->line, k->col);
			set_err(err, key->line, key->col, "%s", tmp);
			return -EINVAL;
		}
	}
	return 0;
}

static void set_err_mark(struct yerror *e, const yaml_mark_t *m,
			 const char *fmt, const char *arg)
{
	set_err(e, (int)m->line + 1, (int)m->column + 1, fmt, arg);
}

/* Length of the line break at buf[i] (as libyaml counts lines: CR LF, CR,
 * LF, and NEL, LS, PS in UTF-8), or 0. */
static size_t line_break(const char *buf, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)buf + i;
	size_t left = len - i;
	if (u[0] == '\r')
		return left > 1 && u[1] == '\n' ? 2 : 1;
	if (u[0] == '\n')
		return 1;
	if (left > 1 && u[0] == 0xC2 && u[1] == 0x85)
		return 2;
	if (left > 2 && u[0] == 0xE2 && u[1] == 0x80 &&
	    (u[2] == 0xA8 || u[2] == 0xA9))
		return 3;
	return 0;
}

/* The byte offset of (line, col) (0-based, col in characters). */
static size_t mark_offset(const char *buf, size_t len, size_t line, size_t col)
{
	size_t i = 0;
	for (size_t l = 0; l < line && i < len;) {
		size_t b = line_break(buf, len, i);
		i += b ? b : 1;
		l += b != 0;
	}
	for (size_t c = 0; c < col && i < len; c++)
		do
			i++;
		while (i < len && ((unsigned char)buf[i] & 0xC0) == 0x80);
	return i;
}

/*
 * Is an error at (line, col) (0-based, as libyaml marks it) about a tab in
 * the line's indentation? True when the line starts with blanks holding a
 * tab and the error is within them or at the first character after them;
 * *ret_col is then the first tab's column. libyaml says "found character
 * that cannot start any token" or "found a tab character that violates
 * indentation" there, which does not tell an author what to change.
 */
static bool tab_in_indent(const char *buf, size_t len, size_t line, size_t col,
			  size_t *ret_col)
{
	size_t i = mark_offset(buf, len, line, 0);
	size_t start = i, tab = SIZE_MAX;
	for (; i < len && (buf[i] == ' ' || buf[i] == '\t'); i++)
		if (buf[i] == '\t' && tab == SIZE_MAX)
			tab = i - start;
	if (tab == SIZE_MAX || col > i - start)
		return false;
	*ret_col = tab;
	return true;
}

/* libyaml stops on a plain value starting with '*' that is not a valid
 * alias name (**, *.log inside a flow) "while scanning an alias". */
static bool star_value(const yaml_parser_t *parser, const char *buf, size_t len,
		       struct yerror *err)
{
	const yaml_mark_t *m = &parser->context_mark;
	if (!parser->context ||
	    strcmp(parser->context, "while scanning an alias"))
		return false;
	size_t i = mark_offset(buf, len, m->line, m->column);
	if (i >= len || buf[i] != '*')
		return false;
	/* buf is not NUL-terminated: bounded by len */
	size_t w = 0;
	while (i + w < len && buf[i + w] && !strchr(" \t\r\n,]}", buf[i + w]))
		w++;
	char tmp[sizeof(err->msg)];
	snprintf(tmp, sizeof(tmp),
		 "YAML reads a value that starts with '*' as an alias: quote "
		 "it: \"%.*s\"",
		 (int)(w > 80 ? 80 : w), buf + i);
	set_err_mark(err, m, "%s", tmp);
	return true;
}

/* What to change for the syntax errors people make most, keyed by words of
 * libyaml's problem and context. %d:%d, where a hint has it, is where the
 * context began (the collection or the string the error is in). */
static const struct {
	const char *problem, *context, *hint;
	bool line_start; /* only for an error at the line's first character */
} syntax_hints[] = {
    {"mapping values are not allowed", NULL,
     "a value that holds ': ' must be quoted", false},
    {"did not find expected key", "block mapping",
     "check this line's indentation: it must line up with the keys of the "
     "mapping at %d:%d",
     true},
    {"did not find expected key", "block mapping",
     "quote the whole value: text follows a quoted string or a list", false},
    {"did not find expected '-' indicator", "block collection",
     "check this line's indentation: it lines up with no key or entry above "
     "it (the list starts at %d:%d)",
     true},
    {"unexpected end of stream", "quoted scalar",
     "the quoted string that starts at %d:%d is never closed", false},
    {"expected ',' or ']'", "flow sequence",
     "close the list that starts at %d:%d with ']', put ',' between "
     "entries, and quote an entry that holds ': '",
     false},
    {"expected ',' or '}'", "flow mapping",
     "close the mapping that starts at %d:%d with '}', and put ',' "
     "between entries",
     false},
    {"unknown escape character", NULL,
     "in double quotes a backslash starts an escape: write \\\\ for "
     "one, or use single quotes",
     false},
    {"block sequence entries are not allowed", NULL,
     "start the list on the next line, or write it as [a, b]", false},
    {"could not find expected ':'", NULL, "a key needs ': ' after it", false},
};

/* libyaml's words, and what to change when they are ones people meet. */
static void syntax_error(const yaml_parser_t *parser, const char *buf,
			 size_t len, struct yerror *err)
{
	const char *prob = parser->problem ? parser->problem : "parse error";
	const char *ctx = parser->context;
	const yaml_mark_t *m = &parser->problem_mark,
			  *c = &parser->context_mark;
	char hint[160] = "";
	size_t at = mark_offset(buf, len, m->line, m->column);
	size_t bol = mark_offset(buf, len, m->line, 0);
	size_t k = bol;
	while (k < at && k < len && buf[k] == ' ')
		k++;
	bool line_start = k == at;
	for (size_t i = 0; i < TG_ARRAY_SIZE(syntax_hints) && !hint[0]; i++)
		if (strstr(prob, syntax_hints[i].problem) &&
		    (!syntax_hints[i].context ||
		     (ctx && strstr(ctx, syntax_hints[i].context))) &&
		    (!syntax_hints[i].line_start || line_start))
			snprintf(hint, sizeof(hint), syntax_hints[i].hint,
				 (int)c->line + 1, (int)c->column + 1);
	if (!hint[0] && strstr(prob, "cannot start any token") && at < len &&
	    buf[at] && strchr("@`%", buf[at]))
		snprintf(hint, sizeof(hint),
			 "a value that starts with '%c' must be quoted",
			 buf[at]);
	char tmp[sizeof(err->msg)];
	snprintf(tmp, sizeof(tmp), "YAML syntax error: %s%s%s%s%s", prob,
		 ctx ? " " : "", ctx ? ctx : "", hint[0] ? ": " : "", hint);
	set_err_mark(err, m, "%s", tmp);
}

static void parser_error(const yaml_parser_t *parser, const char *buf,
			 size_t len, struct yerror *err)
{
	const yaml_mark_t *m = &parser->problem_mark;
	size_t tab;
	if (star_value(parser, buf, len, err))
		return;
	if (tab_in_indent(buf, len, m->line, m->column, &tab)) {
		set_err(err, (int)m->line + 1, (int)tab + 1,
			"tabs are not allowed for indentation: indent with "
			"spaces%s",
			NULL);
		return;
	}
	syntax_error(parser, buf, len, err);
}

static int new_node_or_err(struct builder *b, enum ynode_type type,
			   const yaml_mark_t *m, struct yerror *err,
			   struct ynode **ret)
{
	struct ynode *n = new_node(b, type, m);
	if (!n) {
		set_err_mark(err, m,
			     "document has more than 200000 nodes: split it "
			     "into included files%s",
			     NULL);
		return -E2BIG;
	}
	*ret = n;
	return 0;
}

static int add_scalar(struct builder *b, const yaml_event_t *ev,
		      struct yerror *err, struct ynode **ret)
{
	const yaml_mark_t *m = &ev->start_mark;
	size_t len = ev->data.scalar.length;
	if (len > YT_MAX_SCALAR) {
		set_err_mark(err, m,
			     "string is longer than the 65536-byte limit%s",
			     NULL);
		return -E2BIG;
	}
	if (memchr(ev->data.scalar.value, '\0', len)) {
		set_err_mark(err, m, "string contains a NUL byte%s", NULL);
		return -EINVAL;
	}
	struct ynode *n;
	int r = new_node_or_err(b, YN_SCALAR, m, err, &n);
	if (r < 0)
		return r;
	n->str = malloc(len + 1);
	if (!n->str)
		return -ENOMEM;
	memcpy(n->str, ev->data.scalar.value, len);
	n->str[len] = '\0';
	n->len = len;
	n->plain =
	    ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    !(ev->data.scalar.tag &&
	      strcmp((const char *)ev->data.scalar.tag, YAML_STR_TAG) == 0);
	*ret = n;
	return 0;
}

static int open_collection(struct builder *b, const yaml_event_t *ev,
			   struct yerror *err, struct ynode **ret)
{
	if (b->depth >= YT_MAX_DEPTH) {
		set_err_mark(err, &ev->start_mark,
			     "nesting is deeper than the limit of 64 levels%s",
			     NULL);
		return -E2BIG;
	}
	return new_node_or_err(
	    b, ev->type == YAML_SEQUENCE_START_EVENT ? YN_SEQ : YN_MAP,
	    &ev->start_mark, err, ret);
}

/* Puts a new node under the open collection (or at the root); a mapping or
 * a list becomes the open collection. */
static int attach(struct builder *b, struct ynode *n, struct yerror *err)
{
	int r = 0;
	if (b->depth > 0) {
		struct ynode *p = b->stack[b->depth - 1];
		if (p->type == YN_MAP && p->n % 2 == 1)
			r = check_dup_key(p, p->items[p->n - 1], err);
	}
	if (r == 0)
		r = add_child(b, n);
	if (r == 0 && n->type != YN_SCALAR)
		b->stack[b->depth++] = n;
	return r;
}

/* An alias (*name). With no anchor declared, it is most likely a plain
 * value that starts with '*' (a glob such as *.log): say how to write it;
 * otherwise the document uses aliases, which policies refuse (no "billion
 * laughs"). */
static void alias_error(const struct builder *b, struct yerror *err,
			const yaml_mark_t *m, const char *anchor)
{
	char tmp[sizeof(err->msg)];
	if (b->anchors)
		snprintf(tmp, sizeof(tmp),
			 "YAML aliases (*%.60s) are not supported in "
			 "policies: write the value out, or use variables:",
			 anchor);
	else
		snprintf(tmp, sizeof(tmp),
			 "YAML aliases (*%.60s) are not supported in "
			 "policies; a value that starts with '*' must be "
			 "quoted: \"*%.60s\"",
			 anchor, anchor);
	set_err_mark(err, m, "%s", tmp);
}

/* One parser event; sets *done at the end of the stream. */
static int handle_event(struct builder *b, const yaml_event_t *ev,
			struct yerror *err, bool *done)
{
	const yaml_mark_t *m = &ev->start_mark;
	struct ynode *n = NULL;
	int r = 0;
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		*done = true;
		break;
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1) {
			set_err_mark(err, m,
				     "a policy file holds one YAML document; "
				     "found a second: remove this '---' line "
				     "(or use include: for another file)%s",
				     NULL);
			r = -EINVAL;
		}
		break;
	case YAML_ALIAS_EVENT:
		alias_error(b, err, m, (const char *)ev->data.alias.anchor);
		r = -EINVAL;
		break;
	case YAML_SCALAR_EVENT:
		b->anchors |= ev->data.scalar.anchor != NULL;
		r = add_scalar(b, ev, err, &n);
		break;
	case YAML_SEQUENCE_START_EVENT:
		b->anchors |= ev->data.sequence_start.anchor != NULL;
		r = open_collection(b, ev, err, &n);
		break;
	case YAML_MAPPING_START_EVENT:
		b->anchors |= ev->data.mapping_start.anchor != NULL;
		r = open_collection(b, ev, err, &n);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth > 0)
			b->depth--;
		break;
	default: /* stream start, document end: nothing to build */
		break;
	}
	if (r == 0 && n)
		r = attach(b, n, err);
	return r;
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
	while (!done && r == 0) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&parser, buf, len, err);
			r = -EINVAL;
			break;
		}
		r = handle_event(&b, &ev, err, &done);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (r < 0) {
		if (r == -ENOMEM && err)
			set_err(err, 1, 1, "out of memory%s", NULL);
		ytree_free(b.t);
		return r;
	}
	tg_sha256(buf, len, b.t->sha256);
	*ret = b.t;
	return 0;
}

int ytree_load_file(const char *path, struct ytree **ret, struct yerror *err)
{
	/* O_NONBLOCK: a FIFO put where a policy, an include or a grants file
	 * is expected must not hold policyd in open() until a writer comes;
	 * it is refused below as not a regular file (a regular file's reads
	 * ignore the flag) */
	_cleanup_close_ int fd =
	    open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
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

bool ynode_is_null(const struct ynode *n)
{
	return n->type == YN_SCALAR && n->plain &&
	       (n->len == 0 || strcmp(n->str, "~") == 0 ||
		strcmp(n->str, "null") == 0 || strcmp(n->str, "Null") == 0 ||
		strcmp(n->str, "NULL") == 0);
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
