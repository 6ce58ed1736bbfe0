/* SPDX-License-Identifier: MIT */
/*
 * gitrepo: the file-reading side of git parsing: finds the repository for a
 * directory and answers config and HEAD questions. Every file is opened
 * non-blocking (a FIFO planted as .git/config cannot stall policyd), must be
 * a regular file, and is read up to 1 MiB.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gitparse.h"
#include "util.h"

#define GITFILE_MAX (1u << 20)

static char *read_small(const struct gitrepo_ctx *x, const char *path)
{
	char full[TG_PATH_MAX * 2];
	snprintf(full, sizeof(full), "%s%s", x->root ? x->root : "", path);
	_cleanup_close_ int fd =
	    open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > GITFILE_MAX)
		return NULL;
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return NULL;
	size_t len = 0;
	while (len < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + len, (size_t)st.st_size - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	return buf;
}

static bool is_dir(const struct gitrepo_ctx *x, const char *path)
{
	char full[TG_PATH_MAX * 2];
	struct stat st;
	snprintf(full, sizeof(full), "%s%s", x->root ? x->root : "", path);
	return stat(full, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Finds the git directory for dir into out; false if none. */
static bool find_git_dir(const struct gitrepo_ctx *x, const char *dir,
			 const char *git_dir, char *out, size_t outsz)
{
	if (git_dir)
		return tg_path_normalize(dir, git_dir, out, outsz) == 0;
	char cur[TG_PATH_MAX];
	if (tg_path_normalize("/", dir, cur, sizeof(cur)) < 0)
		return false;
	for (int depth = 0; depth < 128; depth++) {
		char cand[TG_PATH_MAX + 8];
		snprintf(cand, sizeof(cand), "%s%s.git", cur,
			 strcmp(cur, "/") ? "/" : "");
		if (is_dir(x, cand)) {
			if (strlen(cand) >= outsz)
				return false;
			memcpy(out, cand, strlen(cand) + 1);
			return true;
		}
		char *f = read_small(x, cand);
		if (f) {
			bool ok = false;
			if (!strncmp(f, "gitdir:", 7)) {
				char *p = f + 7;
				while (*p == ' ')
					p++;
				p[strcspn(p, "\r\n")] = '\0';
				ok = tg_path_normalize(cur, p, out, outsz) == 0;
			}
			free(f);
			if (ok)
				return true;
		}
		/* a bare repository */
		char head[TG_PATH_MAX + 8], objs[TG_PATH_MAX + 16];
		snprintf(head, sizeof(head), "%s/HEAD", cur);
		snprintf(objs, sizeof(objs), "%s/objects", cur);
		if (is_dir(x, objs)) {
			char *h = read_small(x, head);
			if (h) {
				free(h);
				snprintf(out, outsz, "%s", cur);
				return true;
			}
		}
		if (!strcmp(cur, "/"))
			return false;
		char *slash = strrchr(cur, '/');
		if (slash == cur)
			cur[1] = '\0';
		else
			*slash = '\0';
	}
	return false;
}

/* Parses one config file, updating *val when key is set. */
static void scan_config(const char *text, const char *sec, const char *sub,
			const char *name, char **val)
{
	char cur_sec[128] = "", cur_sub[256] = "";
	bool have_sub = false;
	const char *p = text;
	while (*p) {
		const char *eol = p + strcspn(p, "\n");
		const char *s = p;
		while (s < eol && isspace((unsigned char)*s))
			s++;
		if (s < eol && *s == '[') {
			s++;
			size_t k = 0;
			while (s < eol && *s != ']' && *s != ' ' && *s != '"' &&
			       k + 1 < sizeof(cur_sec))
				cur_sec[k++] =
				    (char)tolower((unsigned char)*s++);
			cur_sec[k] = '\0';
			have_sub = false;
			cur_sub[0] = '\0';
			/* [section.sub] legacy form */
			char *dot = strchr(cur_sec, '.');
			if (dot) {
				*dot = '\0';
				snprintf(cur_sub, sizeof(cur_sub), "%s",
					 dot + 1);
				have_sub = true;
			}
			while (s < eol && *s == ' ')
				s++;
			if (s < eol && *s == '"') {
				s++;
				k = 0;
				while (s < eol && *s != '"' &&
				       k + 1 < sizeof(cur_sub)) {
					if (*s == '\\' && s + 1 < eol)
						s++;
					cur_sub[k++] = *s++;
				}
				cur_sub[k] = '\0';
				have_sub = true;
			}
		} else if (s < eol && (isalpha((unsigned char)*s))) {
			char key[128];
			size_t k = 0;
			while (s < eol &&
			       (isalnum((unsigned char)*s) || *s == '-') &&
			       k + 1 < sizeof(key))
				key[k++] = (char)tolower((unsigned char)*s++);
			key[k] = '\0';
			bool match = !strcmp(cur_sec, sec) &&
				     (sub ? have_sub && !strcmp(cur_sub, sub)
					  : !have_sub) &&
				     !strcasecmp(key, name);
			if (match) {
				while (s < eol && (*s == ' ' || *s == '\t'))
					s++;
				struct strbuf b = {0};
				if (s < eol && *s == '=') {
					s++;
					while (s < eol &&
					       (*s == ' ' || *s == '\t'))
						s++;
					bool q = false;
					for (; s < eol; s++) {
						if (*s == '"') {
							q = !q;
							continue;
						}
						if (!q &&
						    (*s == '#' || *s == ';'))
							break;
						if (*s == '\\' && s + 1 < eol) {
							s++;
							char c =
							    *s == 'n'	? '\n'
							    : *s == 't' ? '\t'
									: *s;
							strbuf_putc(&b, c);
							continue;
						}
						if (*s == '\r')
							continue;
						strbuf_putc(&b, *s);
					}
					while (b.len &&
					       (b.s[b.len - 1] == ' ' ||
						b.s[b.len - 1] == '\t'))
						b.s[--b.len] = '\0';
				} else {
					strbuf_puts(&b, "true");
				}
				char *v = strbuf_steal(&b);
				if (v) {
					free(*val);
					*val = v;
				}
			}
		}
		p = *eol ? eol + 1 : eol;
	}
}

static char *repo_config(void *ud, const char *dir, const char *git_dir,
			 const char *key)
{
	const struct gitrepo_ctx *x = ud;
	char sec[128], sub[256], name[128];
	const char *d1 = strchr(key, '.'), *d2 = strrchr(key, '.');
	if (!d1 || !d2)
		return NULL;
	snprintf(sec, sizeof(sec), "%.*s", (int)(d1 - key), key);
	for (char *s = sec; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	snprintf(name, sizeof(name), "%s", d2 + 1);
	bool has_sub = d1 != d2;
	if (has_sub)
		snprintf(sub, sizeof(sub), "%.*s", (int)(d2 - d1 - 1), d1 + 1);
	char *val = NULL;
	const char *files[3] = {"/etc/gitconfig", NULL, NULL};
	char home_cfg[TG_PATH_MAX], repo_cfg[TG_PATH_MAX + 16], gd[TG_PATH_MAX];
	if (x->home) {
		snprintf(home_cfg, sizeof(home_cfg), "%s/.gitconfig", x->home);
		files[1] = home_cfg;
	}
	if (find_git_dir(x, dir, git_dir, gd, sizeof(gd))) {
		snprintf(repo_cfg, sizeof(repo_cfg), "%s/config", gd);
		files[2] = repo_cfg;
	}
	for (int i = 0; i < 3; i++) {
		if (!files[i])
			continue;
		char *t = read_small(x, files[i]);
		if (!t)
			continue;
		scan_config(t, sec, has_sub ? sub : NULL, name, &val);
		free(t);
	}
	return val;
}

static char *repo_head(void *ud, const char *dir, const char *git_dir)
{
	const struct gitrepo_ctx *x = ud;
	char gd[TG_PATH_MAX], hp[TG_PATH_MAX + 8];
	if (!find_git_dir(x, dir, git_dir, gd, sizeof(gd)))
		return NULL;
	snprintf(hp, sizeof(hp), "%s/HEAD", gd);
	char *h = read_small(x, hp);
	if (!h)
		return NULL;
	char *res = NULL;
	if (!strncmp(h, "ref: refs/heads/", 16)) {
		char *b = h + 16;
		b[strcspn(b, "\r\n")] = '\0';
		if (*b)
			res = strdup(b);
	}
	free(h);
	return res;
}

void gitrepo_lookup(struct gitrepo_ctx *ctx, struct git_lookup *ret)
{
	ret->config = repo_config;
	ret->head = repo_head;
	ret->ud = ctx;
}
