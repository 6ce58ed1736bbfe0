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

#include "util.h"

struct audit {
	char *path;
	int fd;
	uint64_t max;
	uint64_t size;
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

static void put_str(struct strbuf *b, const char *s, size_t cap)
{
	if (!s) {
		strbuf_puts(b, "null");
		return;
	}
	strbuf_putc(b, '"');
	size_t n = strlen(s), lim = n > cap ? cap : n;
	for (size_t i = 0; i < lim; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"':
			strbuf_puts(b, "\\\"");
			break;
		case '\\':
			strbuf_puts(b, "\\\\");
			break;
		case '\n':
			strbuf_puts(b, "\\n");
			break;
		case '\t':
			strbuf_puts(b, "\\t");
			break;
		case '\r':
			strbuf_puts(b, "\\r");
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_printf(b, "\\u%04x", c);
			else
				strbuf_putc(b, (char)c);
		}
	}
	if (n > lim)
		strbuf_printf(b, "...[+%zu bytes]", n - lim);
	strbuf_putc(b, '"');
}

char *audit_format(const struct audit_rec *r)
{
	struct strbuf b = {0};
	uint64_t ts = r->ts_us ? r->ts_us : tg_now_us();
	time_t secs = (time_t)(ts / 1000000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char tsbuf[64];
	strftime(tsbuf, sizeof(tsbuf), "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_printf(&b, "{\"ts\":\"%s.%06uZ\",\"session\":", tsbuf,
		      (unsigned)(ts % 1000000));
	put_str(&b, r->session, 128);
	strbuf_printf(&b, ",\"pid\":%d,\"ppid\":%d,\"uid\":%u,\"exe\":",
		      (int)r->pid, (int)r->ppid, (unsigned)r->uid);
	put_str(&b, r->exe, AUDIT_MAX_FIELD);
	strbuf_puts(&b, ",\"argv\":");
	if (r->argv) {
		strbuf_putc(&b, '[');
		size_t used = 0;
		for (size_t i = 0; i < r->argc; i++) {
			size_t n = strlen(r->argv[i]);
			if (used + n > AUDIT_MAX_ARGV) {
				strbuf_printf(&b, "%s\"...[+%zu args]\"",
					      i ? "," : "", r->argc - i);
				break;
			}
			used += n;
			if (i)
				strbuf_putc(&b, ',');
			put_str(&b, r->argv[i], AUDIT_MAX_FIELD);
		}
		strbuf_putc(&b, ']');
	} else {
		strbuf_puts(&b, "null");
	}
	strbuf_puts(&b, ",\"cwd\":");
	put_str(&b, r->cwd, AUDIT_MAX_FIELD);
	strbuf_puts(&b, ",\"kind\":");
	put_str(&b, r->kind, 32);
	strbuf_puts(&b, ",\"target\":");
	put_str(&b, r->target, AUDIT_MAX_FIELD);
	strbuf_puts(&b, ",\"rule\":");
	put_str(&b, r->rule, 128);
	if (r->tier >= 0)
		strbuf_printf(&b, ",\"tier\":%d", r->tier);
	else
		strbuf_puts(&b, ",\"tier\":null");
	strbuf_puts(&b, ",\"action\":");
	put_str(&b, r->action, 32);
	strbuf_puts(&b, ",\"decision\":");
	put_str(&b, r->decision, 32);
	strbuf_printf(&b, ",\"latency_us\":%llu",
		      (unsigned long long)r->latency_us);
	if (r->detail) {
		strbuf_puts(&b, ",\"detail\":");
		put_str(&b, r->detail, 1024);
	}
	strbuf_puts(&b, "}\n");
	return strbuf_steal(&b);
}

int audit_write(struct audit *a, const struct audit_rec *r)
{
	_cleanup_free_ char *line = audit_format(r);
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
