/* SPDX-License-Identifier: MIT */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jsonw.h"
#include "util.h"

struct audit {
	char *path;
	int fd;
	uint64_t max;
	uint64_t size;
	const char *(*namer)(const char *id);
};

static int open_log(struct audit *a)
{
	int fd =
	    open(a->path,
		 O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if (a->fd >= 0)
		close(a->fd);
	a->fd = fd;
	a->size = (uint64_t)st.st_size;
	return 0;
}

int audit_open(const char *path, uint64_t max_bytes, struct audit **ret)
{
	struct audit *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->fd = -1;
	a->max = max_bytes;
	a->path = strdup(path);
	if (!a->path) {
		free(a);
		return -ENOMEM;
	}
	int r = open_log(a);
	if (r < 0) {
		audit_close(a);
		return r;
	}
	*ret = a;
	return 0;
}

static void rotate(struct audit *a)
{
	char from[TG_PATH_MAX + 8], to[TG_PATH_MAX + 8];
	for (int i = AUDIT_KEEP - 1; i >= 1; i--) {
		snprintf(from, sizeof(from), "%s.%d", a->path, i);
		snprintf(to, sizeof(to), "%s.%d", a->path, i + 1);
		rename(from, to);
	}
	snprintf(to, sizeof(to), "%s.1", a->path);
	rename(a->path, to);
	open_log(a);
}

/* The record being written, and the fields whose strings had to be
 * escaped (named in its "escaped" member). */
struct fmt {
	struct strbuf b;
	const char *escaped[12 + AUDIT_MAX_EXTRA];
	size_t nescaped;
};

/* ,"key": and the string, noting key when it was escaped. */
static void member(struct fmt *f, const char *key, const char *v, size_t cap)
{
	bool esc = false;
	strbuf_printf(&f->b, ",\"%s\":", key);
	jsonw_str(&f->b, v, cap, &esc);
	if (esc && f->nescaped < sizeof(f->escaped) / sizeof(f->escaped[0]))
		f->escaped[f->nescaped++] = key;
}

static void put_argv(struct fmt *f, const char *const *argv, size_t argc)
{
	if (!argv) {
		strbuf_puts(&f->b, ",\"argv\":null");
		return;
	}
	strbuf_puts(&f->b, ",\"argv\":[");
	size_t used = 0;
	bool esc = false;
	for (size_t i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (used + n > AUDIT_MAX_ARGV) {
			strbuf_printf(&f->b, "%s\"...[+%zu args]\"",
				      i ? "," : "", argc - i);
			break;
		}
		used += n;
		if (i)
			strbuf_putc(&f->b, ',');
		jsonw_str(&f->b, argv[i], AUDIT_MAX_FIELD, &esc);
	}
	strbuf_putc(&f->b, ']');
	if (esc && f->nescaped < sizeof(f->escaped) / sizeof(f->escaped[0]))
		f->escaped[f->nescaped++] = "argv";
}

static char *format(const struct audit_rec *r, const char *session_name)
{
	struct fmt f = {0};
	uint64_t ts = r->ts_us ? r->ts_us : tg_now_us();
	time_t secs = (time_t)(ts / 1000000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char tsbuf[64];
	strftime(tsbuf, sizeof(tsbuf), "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_printf(&f.b, "{\"ts\":\"%s.%06uZ\"", tsbuf,
		      (unsigned)(ts % 1000000));
	member(&f, "session", r->session, 128);
	member(&f, "session_name", session_name, 128);
	strbuf_printf(&f.b, ",\"pid\":%d,\"ppid\":%d,\"uid\":%u", (int)r->pid,
		      (int)r->ppid, (unsigned)r->uid);
	member(&f, "exe", r->exe, AUDIT_MAX_FIELD);
	put_argv(&f, r->argv, r->argc);
	member(&f, "cwd", r->cwd, AUDIT_MAX_FIELD);
	member(&f, "kind", r->kind, 32);
	member(&f, "target", r->target, AUDIT_MAX_FIELD);
	member(&f, "rule", r->rule, 128);
	if (r->tier >= 0)
		strbuf_printf(&f.b, ",\"tier\":%d", r->tier);
	else
		strbuf_puts(&f.b, ",\"tier\":null");
	member(&f, "action", r->action, 32);
	member(&f, "decision", r->decision, 32);
	strbuf_printf(&f.b, ",\"latency_us\":%llu",
		      (unsigned long long)r->latency_us);
	if (r->detail)
		member(&f, "detail", r->detail, 1024);
	for (size_t i = 0; i < AUDIT_MAX_EXTRA && r->extra[i].key; i++) {
		const struct audit_extra *x = &r->extra[i];
		if (x->str)
			member(&f, x->key, x->str, AUDIT_MAX_FIELD);
		else
			strbuf_printf(&f.b, ",\"%s\":%lld", x->key, x->num);
	}
	if (f.nescaped) {
		strbuf_puts(&f.b, ",\"escaped\":[");
		for (size_t i = 0; i < f.nescaped; i++)
			strbuf_printf(&f.b, "%s\"%s\"", i ? "," : "",
				      f.escaped[i]);
		strbuf_putc(&f.b, ']');
	}
	strbuf_puts(&f.b, "}\n");
	return strbuf_steal(&f.b);
}

char *audit_format(const struct audit_rec *r)
{
	return format(r, r->session_name);
}

int audit_write(struct audit *a, const struct audit_rec *r)
{
	const char *name = r->session_name;
	if (!name && r->session && a->namer)
		name = a->namer(r->session);
	_cleanup_free_ char *line = format(r, name);
	if (!line)
		return -ENOMEM;
	size_t n = strlen(line);
	if (a->max && a->size + n > a->max && a->size > 0)
		rotate(a);
	if (a->fd < 0 && open_log(a) < 0)
		return -EIO;
	ssize_t w;
	do
		w = write(a->fd, line, n);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	if ((size_t)w != n)
		return -EIO; /* disk full: the kernel wrote a prefix */
	a->size += n;
	return 0;
}

const char *audit_path(const struct audit *a)
{
	return a->path;
}

void audit_set_namer(struct audit *a, const char *(*fn)(const char *id))
{
	a->namer = fn;
}

void audit_set_max(struct audit *a, uint64_t max_bytes)
{
	a->max = max_bytes;
}

void audit_close(struct audit *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	free(a->path);
	free(a);
}
