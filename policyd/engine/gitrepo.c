/* SPDX-License-Identifier: MIT */
/*
 * gitrepo: the repository git would use, found as setup.c finds it
 * (GIT_DIR or --git-dir, then .git files and directories and bare
 * repositories from the working directory up, stopping at
 * GIT_CEILING_DIRECTORIES and at file-system boundaries), its common
 * directory (linked worktrees, GIT_COMMON_DIR), HEAD through symrefs,
 * local refs (loose and packed), and the legacy $GIT_DIR/remotes/NAME and
 * $GIT_DIR/branches/NAME files. Everything through gitfs: the caller's
 * view, capped sizes, no FIFOs.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "gitint.h"

static bool path_join(char *out, size_t outsz, const char *dir,
		      const char *name)
{
	int n =
	    snprintf(out, outsz, "%s%s%s", dir,
		     dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	return n > 0 && (size_t)n < outsz;
}

/* get_oid_hex_any: an object name at the start (what follows is not
 * looked at) */
static bool is_hex_oid(const char *s)
{
	size_t n = 0;
	while (n < 64 && isxdigit((unsigned char)s[n]))
		n++;
	return n >= 40;
}

/* validate_headref: HEAD is a symlink into refs/, a "ref: refs/..." file
 * or an object name. */
static bool head_valid(const struct gitfs *fs, const char *gitdir)
{
	char p[TG_PATH_MAX];
	struct stat st;
	if (!path_join(p, sizeof(p), gitdir, "HEAD") ||
	    gitfs_stat(fs, p, false, &st) < 0)
		return false;
	char buf[256];
	if (S_ISLNK(st.st_mode))
		return gitfs_readlink(fs, p, buf, sizeof(buf)) >= 5 &&
		       !strncmp(buf, "refs/", 5);
	/* git reads 255 bytes and looks no further */
	if (gitfs_read_prefix(fs, p, buf, sizeof(buf)) < 0)
		return false;
	if (!strncmp(buf, "ref:", 4)) {
		const char *r = buf + 4;
		while (git_isspace((unsigned char)*r))
			r++;
		return !strncmp(r, "refs/", 5);
	}
	return is_hex_oid(buf);
}

/* get_common_dir_noenv / get_common_dir: 1 where there is a common
 * directory (GIT_COMMON_DIR, a commondir file), 0 where gitdir is its own,
 * -1 when the commondir file is there but unreadable (git dies). */
static int common_dir(const struct gitfs *fs, const char *gitdir, char *out,
		      size_t outsz)
{
	const char *env = gitfs_getenv(fs, "GIT_COMMON_DIR");
	if (env) {
		char cwdless[TG_PATH_MAX];
		if (env[0] != '/' ||
		    tg_path_normalize("/", env, cwdless, sizeof(cwdless)) < 0)
			return -1;
		tg_strlcpy(out, outsz, cwdless);
		return 1;
	}
	char p[TG_PATH_MAX];
	if (!path_join(p, sizeof(p), gitdir, "commondir"))
		return -1;
	_cleanup_free_ char *data = NULL;
	size_t len;
	int r = gitfs_read(fs, p, GIT_FILE_MAX, &data, &len);
	if (r == -ENOENT || r == -ENOTDIR) {
		tg_strlcpy(out, outsz, gitdir);
		return 0;
	}
	if (r < 0 || len == 0)
		return -1;
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		data[--len] = '\0';
	char joined[TG_PATH_MAX];
	if (data[0] == '/')
		tg_strlcpy(joined, sizeof(joined), data);
	else if (!path_join(joined, sizeof(joined), gitdir, data))
		return -1;
	return gitfs_realpath(fs, joined, out, outsz) < 0 ? -1 : 1;
}

/* is_git_directory */
static bool is_git_dir(const struct gitfs *fs, const char *dir)
{
	if (!head_valid(fs, dir))
		return false;
	char cd[TG_PATH_MAX], p[TG_PATH_MAX];
	if (common_dir(fs, dir, cd, sizeof(cd)) < 0)
		return false;
	const char *objdir = gitfs_getenv(fs, "GIT_OBJECT_DIRECTORY");
	if (objdir && objdir[0] == '/') {
		if (gitfs_access(fs, objdir, X_OK) < 0)
			return false;
	} else if (!path_join(p, sizeof(p), cd, "objects") ||
		   gitfs_access(fs, p, X_OK) < 0) {
		return false;
	}
	return path_join(p, sizeof(p), cd, "refs") &&
	       gitfs_access(fs, p, X_OK) == 0;
}

enum gitfile_res { GF_MISSING, GF_DIR, GF_FOUND, GF_ERROR };

/* read_gitfile_gently: path is a "gitdir: X" file naming a repository
 * (out gets X, resolved); a directory; missing; or an error git dies on. */
static enum gitfile_res read_gitfile(const struct gitfs *fs, const char *path,
				     char *out, size_t outsz)
{
	struct stat st;
	int r = gitfs_stat(fs, path, true, &st);
	if (r == -ENOENT || r == -ENOTDIR)
		return GF_MISSING;
	if (r < 0)
		return GF_ERROR;
	if (S_ISDIR(st.st_mode))
		return GF_DIR;
	_cleanup_free_ char *buf = NULL;
	size_t len;
	if (!S_ISREG(st.st_mode) ||
	    gitfs_read(fs, path, GIT_FILE_MAX, &buf, &len) < 0 ||
	    strncmp(buf, "gitdir: ", 8))
		return GF_ERROR;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	if (len < 9)
		return GF_ERROR;
	const char *dir = buf + 8;
	char joined[TG_PATH_MAX];
	if (dir[0] == '/') {
		tg_strlcpy(joined, sizeof(joined), dir);
	} else {
		const char *sl = strrchr(path, '/');
		size_t dl = sl ? (size_t)(sl - path + 1) : 0;
		if (dl + strlen(dir) + 1 > sizeof(joined))
			return GF_ERROR;
		memcpy(joined, path, dl);
		strcpy(joined + dl, dir);
	}
	if (!is_git_dir(fs, joined))
		return GF_ERROR;
	return gitfs_realpath(fs, joined, out, outsz) < 0 ? GF_ERROR : GF_FOUND;
}

/* canonicalize_ceiling_entry + longest_ancestor_length: the length of the
 * longest ceiling that is a proper ancestor of dir, or -1. */
static int ceiling_offset(const struct gitfs *fs, const char *dir)
{
	const char *env = gitfs_getenv(fs, "GIT_CEILING_DIRECTORIES");
	if (!env)
		return -1;
	int best = -1;
	bool empty_seen = false;
	const char *p = env;
	for (;;) {
		const char *e = strchr(p, ':');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		char ent[TG_PATH_MAX], c[TG_PATH_MAX];
		if (l == 0) {
			empty_seen = true; /* later entries: not resolved */
		} else if (l < sizeof(ent) && p[0] == '/') {
			memcpy(ent, p, l);
			ent[l] = '\0';
			int ok = empty_seen
				     ? tg_path_normalize("/", ent, c, sizeof(c))
				     : gitfs_realpath(fs, ent, c, sizeof(c));
			size_t cl = strlen(c);
			if (ok == 0 && !strcmp(c, "/"))
				cl = 0;
			if (ok == 0 && !strncmp(dir, c, cl) && dir[cl] == '/' &&
			    (int)cl > best)
				best = (int)cl;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return best;
}

/* The repository format as setup.c reads it from commondir/config:
 * extensions.worktreeConfig (whether config.worktree is read) and
 * extensions.refStorage, ignored whole without
 * core.repositoryformatversion (read_repository_format: version -1). git's
 * work tree is not computed: no decision depends on it (git finds it after
 * the decision in any case). */
static void read_format(const struct gitfs *fs, struct gitrepo *r)
{
	char p[TG_PATH_MAX];
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (!path_join(p, sizeof(p), r->commondir, "config")) {
		r->unsure = true;
		return;
	}
	int rr = gitfs_read(fs, p, GIT_FILE_MAX, &text, &len);
	if (rr == -ENOENT)
		return;
	struct gitcfg c = {0};
	if (rr < 0 || gitcfg_parse_text(&c, text, len, GITCFG_LOCAL) < 0)
		r->unsure = true;
	bool versioned = false, wtc = false;
	for (size_t i = 0; i < c.n; i++) {
		const char *k = c.v[i].key, *v = c.v[i].value;
		if (!strcmp(k, "core.repositoryformatversion") && v)
			versioned = true;
		else if (!strcmp(k, "extensions.worktreeconfig"))
			wtc = gitcfg_bool_text(v) == 1;
		else if (!strcmp(k, "extensions.refstorage") && v)
			r->reftable = strncmp(v, "files", 5) != 0;
	}
	gitcfg_free(&c);
	r->worktree_config = versioned && wtc;
}

static void read_head(const struct gitfs *fs, struct gitrepo *r)
{
	r->head = GITREPO_HEAD_UNKNOWN;
	char out[TG_PATH_MAX];
	switch (gitrepo_resolve_ref(fs, r, "HEAD", out, sizeof(out), NULL)) {
	case GITREF_FOUND:
		if (!strcmp(out, "HEAD")) {
			r->head = GITREPO_HEAD_DETACHED;
		} else if (!strncmp(out, "refs/heads/", 11) && out[11]) {
			r->head = GITREPO_HEAD_BRANCH;
			tg_strlcpy(r->head_ref, sizeof(r->head_ref), out);
		}
		break;
	case GITREF_MISSING:
	case GITREF_UNKNOWN:
		break;
	default:
		r->unsure = true;
		break;
	}
}

static void found(const struct gitfs *fs, struct gitrepo *r, const char *gitdir)
{
	char real[TG_PATH_MAX];
	if (gitfs_realpath(fs, gitdir, real, sizeof(real)) < 0)
		tg_strlcpy(real, sizeof(real), gitdir);
	tg_strlcpy(r->gitdir, sizeof(r->gitdir), real);
	if (common_dir(fs, r->gitdir, r->commondir, sizeof(r->commondir)) < 0) {
		r->unsure = true;
		tg_strlcpy(r->commondir, sizeof(r->commondir), r->gitdir);
	}
	r->found = true;
	read_format(fs, r);
	read_head(fs, r);
}

void gitrepo_discover(const struct gitfs *fs, const char *cwd,
		      const char *git_dir_opt, struct gitrepo *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->head = GITREPO_HEAD_UNKNOWN;
	if (!fs->root)
		return; /* no files at all (git_ctx.no_files) */
	const char *gd =
	    git_dir_opt ? git_dir_opt : gitfs_getenv(fs, "GIT_DIR");
	char p[TG_PATH_MAX], g[TG_PATH_MAX];
	if (gd) {
		/* relative to cwd as the kernel walks it ("x/.." after a
		 * symlink x is the parent of its target) */
		char joined[TG_PATH_MAX];
		if (!path_join(joined, sizeof(joined), gd[0] == '/' ? "" : cwd,
			       gd[0] == '/' ? gd + 1 : gd) ||
		    (gitfs_realpath(fs, joined, p, sizeof(p)) < 0 &&
		     tg_path_normalize("/", joined, p, sizeof(p)) < 0)) {
			ret->unsure = true;
			return;
		}
		switch (read_gitfile(fs, p, g, sizeof(g))) {
		case GF_FOUND:
			break;
		case GF_DIR:
			tg_strlcpy(g, sizeof(g), p);
			break;
		case GF_MISSING:
		case GF_ERROR:
		default:
			/* git: "not a git repository" */
			return;
		}
		if (is_git_dir(fs, g))
			found(fs, ret, g);
		return;
	}
	char dir[TG_PATH_MAX];
	if (tg_path_normalize("/", cwd, dir, sizeof(dir)) < 0) {
		ret->unsure = true;
		return;
	}
	int ceil = ceiling_offset(fs, dir);
	bool one_fs =
	    gitcfg_env_bool(fs, "GIT_DISCOVERY_ACROSS_FILESYSTEM", 0) != 1;
	struct stat st0, st;
	int sr = gitfs_stat(fs, dir, true, &st0);
	if (sr == -ENOENT || sr == -ENOTDIR)
		return; /* git cannot read its cwd and stops */
	if (sr < 0) {
		ret->unsure = true;
		return;
	}
	for (int guard = 0; guard < TG_PATH_MAX; guard++) {
		if (!path_join(p, sizeof(p), dir, ".git")) {
			ret->unsure = true;
			return;
		}
		switch (read_gitfile(fs, p, g, sizeof(g))) {
		case GF_FOUND:
			found(fs, ret, g);
			return;
		case GF_DIR:
			if (is_git_dir(fs, p)) {
				found(fs, ret, p);
				return;
			}
			break;
		case GF_ERROR:
			/* git dies: nothing it does depends on this */
			ret->unsure = true;
			return;
		case GF_MISSING:
		default:
			break;
		}
		if (is_git_dir(fs, dir)) {
			found(fs, ret, dir); /* bare */
			return;
		}
		if (!strcmp(dir, "/"))
			return;
		char *sl = strrchr(dir, '/');
		size_t off = (size_t)(sl - dir);
		if ((int)off <= ceil)
			return;
		if (off == 0)
			dir[1] = '\0';
		else
			*sl = '\0';
		if (one_fs && (gitfs_stat(fs, dir, true, &st) < 0 ||
			       st.st_dev != st0.st_dev))
			return;
	}
	ret->unsure = true;
}

/* ------------------------------------------------------------------ refs */

/* Per-worktree refs live in the gitdir, the others in the commondir. */
static const char *ref_dir(const struct gitrepo *r, const char *name)
{
	if (!strncmp(name, "refs/", 5) && strncmp(name, "refs/bisect/", 12) &&
	    strncmp(name, "refs/worktree/", 14) &&
	    strncmp(name, "refs/rewritten/", 15))
		return r->commondir;
	return r->gitdir;
}

static bool ref_name_safe(const char *name)
{
	if (!*name || name[0] == '/' || strstr(name, "//") ||
	    strstr(name, "/../") || strstr(name, "/./") ||
	    !strncmp(name, "../", 3) || strlen(name) >= TG_PATH_MAX)
		return false;
	size_t l = strlen(name);
	return !(l >= 3 && !strcmp(name + l - 3, "/.."));
}

struct packed_find {
	const char *name;
	bool hit;
	bool null; /* its object name is the null one */
};

/* Is the object name at s (len bytes, up to the blank or end after it)
 * git's null one, 40 or 64 zeros (SHA-1, SHA-256)? A ref holding it is
 * deleted by a push of it (git resolves the name, then the null object
 * makes the update a deletion). */
bool gitrepo_null_oid(const char *s, size_t len)
{
	if (len != 40 && len != 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] != '0')
			return false;
	return true;
}

/* The blank after a packed-refs line's object name (len bytes), or NULL.
 * Not only a space: git's lookup (cmp_record_to_refname) takes the name
 * one byte after the object name and next_record wants that byte to be
 * isspace, so "<oid>\trefs/heads/x" is a ref for git. */
static const char *packed_sep(const char *l, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (git_isspace((unsigned char)l[i]))
			return l + i;
	return NULL;
}

static int packed_line(void *ud, char *line)
{
	struct packed_find *f = ud;
	if (line[0] == '#' || line[0] == '^')
		return 0;
	const char *sp = packed_sep(line, strlen(line));
	if (sp && !strcmp(sp + 1, f->name)) {
		f->hit = true;
		f->null = gitrepo_null_oid(line, (size_t)(sp - line));
		return 1;
	}
	return 0;
}

void gitrepo_free(struct gitrepo *r)
{
	if (r->packed)
		free(r->packed->text);
	free(r->packed);
	r->packed = NULL;
}

/* Is name in packed-refs? 1, 2 (there, with the null object name), 0, or
 * -errno (unreadable). The file is read once; one larger than
 * GIT_FILE_MAX is scanned line by line each time. */
static int packed_has(const struct gitfs *fs, const struct gitrepo *r,
		      const char *name)
{
	char p[TG_PATH_MAX];
	if (!path_join(p, sizeof(p), r->commondir, "packed-refs"))
		return -ENAMETOOLONG;
	struct gitrepo_packed *pk = r->packed;
	if (!pk) {
		pk = calloc(1, sizeof(*pk));
		if (!pk)
			return -ENOMEM;
		pk->err = gitfs_read(fs, p, GIT_FILE_MAX, &pk->text, &pk->len);
		if (pk->err < 0)
			pk->text = NULL;
		/* the cache belongs to the repository being read */
		((struct gitrepo *)r)->packed = pk;
	}
	if (pk->err == -ENOENT || pk->err == -ENOTDIR)
		return 0;
	if (pk->err == -EFBIG) {
		struct packed_find f = {name, false, false};
		int rr =
		    gitfs_lines(fs, p, GIT_PACKED_REFS_MAX, packed_line, &f);
		return rr < 0 ? rr : f.hit ? 1 + f.null : 0;
	}
	if (pk->err < 0)
		return pk->err;
	/* Lines by length, not as C strings: git's packed-backend.c splits
	 * the file with memchr on '\n' and reads past a NUL byte, so a line
	 * holding one must not end the scan here, or a ref after it (such as
	 * a branch holding the null object name, whose push is a deletion)
	 * goes unseen. A line matches when all of it after the object name
	 * is the name, as git's cmp_record_to_refname compares. */
	size_t nl = strlen(name);
	const char *end = pk->text + pk->len;
	for (const char *l = pk->text; l && l < end;) {
		const char *e = memchr(l, '\n', (size_t)(end - l));
		size_t ll = e ? (size_t)(e - l) : (size_t)(end - l);
		const char *sp = packed_sep(l, ll);
		if (l[0] != '#' && l[0] != '^' && sp &&
		    (size_t)(l + ll - sp - 1) == nl &&
		    !memcmp(sp + 1, name, nl))
			return 1 + gitrepo_null_oid(l, (size_t)(sp - l));
		l = e ? e + 1 : NULL;
	}
	return 0;
}

enum gitref_res gitrepo_resolve_ref(const struct gitfs *fs,
				    const struct gitrepo *r, const char *name,
				    char *out, size_t outsz, bool *ret_null)
{
	if (ret_null)
		*ret_null = false;
	if (!r->found)
		return GITREF_MISSING; /* no repository: git stops */
	if (r->reftable)
		return GITREF_UNKNOWN;
	char cur[TG_PATH_MAX];
	tg_strlcpy(cur, sizeof(cur), name);
	for (int depth = 0; depth <= GIT_SYMREF_DEPTH_MAX; depth++) {
		if (!ref_name_safe(cur))
			return GITREF_UNKNOWN;
		char p[TG_PATH_MAX];
		if (!path_join(p, sizeof(p), ref_dir(r, cur), cur))
			return GITREF_UNKNOWN;
		_cleanup_free_ char *buf = NULL;
		size_t len;
		struct stat st;
		int rr = gitfs_stat(fs, p, false, &st);
		if (rr == 0 && S_ISLNK(st.st_mode)) {
			/* a legacy symlink ref "refs/...": a symref; any
			 * other link is not followed here */
			if (gitfs_readlink(fs, p, cur, sizeof(cur)) < 5 ||
			    strncmp(cur, "refs/", 5))
				return GITREF_UNKNOWN;
			continue;
		}
		if (rr == 0 && S_ISDIR(st.st_mode))
			rr = -ENOENT; /* refs/heads/x/ with refs below */
		else if (rr == 0)
			rr = gitfs_read(fs, p, GIT_FILE_MAX, &buf, &len);
		if (rr == 0) {
			if (!strncmp(buf, "ref:", 4)) {
				const char *t = buf + 4;
				while (git_isspace((unsigned char)*t))
					t++;
				size_t tl = strcspn(t, "\r\n");
				if (tl >= sizeof(cur))
					return GITREF_UNKNOWN;
				memmove(cur, t, tl);
				cur[tl] = '\0';
				continue;
			}
			/* parse_loose_ref_contents: the object name, then
			 * the end or a blank */
			if (ret_null)
				*ret_null = gitrepo_null_oid(
				    buf, strcspn(buf, " \t\r\n"));
			tg_strlcpy(out, outsz, cur);
			return GITREF_FOUND;
		}
		if (rr != -ENOENT && rr != -ENOTDIR)
			return GITREF_UNKNOWN;
		/* not loose: packed-refs (no symrefs there) */
		int hit = packed_has(fs, r, cur);
		if (hit < 0)
			return GITREF_UNKNOWN;
		tg_strlcpy(out, outsz, cur);
		if (ret_null)
			*ret_null = hit == 2;
		if (hit || depth > 0)
			return GITREF_FOUND; /* a symref may dangle */
		return GITREF_MISSING;
	}
	return GITREF_UNKNOWN; /* git: too deep a symref chain */
}

/* ------------------------------------------------------- legacy remotes */

void gitrepo_legacy_free(struct gitrepo_legacy *l)
{
	tg_strv_free(l->url);
	tg_strv_free(l->push);
	memset(l, 0, sizeof(*l));
}

static int strv_add(char ***v, size_t *n, const char *s)
{
	/* NULL-terminated, for tg_strv_free */
	if (*n >= GIT_URLS_MAX * 4)
		return 0;
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	if (!(nv[*n] = strdup(s)))
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

struct remotes_file {
	struct gitrepo_legacy *l;
	int err;
};

static int remotes_line(void *ud, char *line)
{
	struct remotes_file *x = ud;
	size_t n = strlen(line);
	while (n && git_isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
	const char *v = NULL;
	char ***list = NULL;
	size_t *cnt = NULL;
	if (!strncmp(line, "URL:", 4)) {
		v = line + 4;
		list = &x->l->url;
		cnt = &x->l->nurl;
	} else if (!strncmp(line, "Push:", 5)) {
		v = line + 5;
		list = &x->l->push;
		cnt = &x->l->npush;
	}
	if (!v)
		return 0;
	while (git_isspace((unsigned char)*v))
		v++;
	x->err = strv_add(list, cnt, v);
	return x->err ? 1 : 0;
}

int gitrepo_legacy_remote(const struct gitfs *fs, const struct gitrepo *r,
			  const char *name, const char *default_branch,
			  struct gitrepo_legacy *ret)
{
	memset(ret, 0, sizeof(*ret));
	/* valid_remote_nick */
	if (!r->found || !*name || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strchr(name, '/'))
		return 0;
	char d[TG_PATH_MAX], p[TG_PATH_MAX];
	if (!path_join(d, sizeof(d), r->commondir, "remotes") ||
	    !path_join(p, sizeof(p), d, name))
		return -ENAMETOOLONG;
	struct remotes_file x = {ret, 0};
	int rr = gitfs_lines(fs, p, GIT_FILE_MAX, remotes_line, &x);
	if (x.err < 0 || rr == -ENOMEM) {
		gitrepo_legacy_free(ret);
		return -ENOMEM;
	}
	if (rr < 0 && rr != -ENOENT && rr != -ENOTDIR) {
		gitrepo_legacy_free(ret);
		return rr;
	}
	if (ret->nurl)
		return 1;
	/* no URL there: read_branches_file as well, the Push: lines kept
	 * (its HEAD refspec comes after them) */
	if (!path_join(d, sizeof(d), r->commondir, "branches") ||
	    !path_join(p, sizeof(p), d, name)) {
		gitrepo_legacy_free(ret);
		return -ENAMETOOLONG;
	}
	_cleanup_free_ char *buf = NULL;
	size_t len;
	rr = gitfs_read(fs, p, GIT_FILE_MAX, &buf, &len);
	if (rr < 0)
		gitrepo_legacy_free(ret);
	if (rr == -ENOENT || rr == -ENOTDIR)
		return 0;
	if (rr < 0)
		return rr;
	/* the first line, trimmed: URL[#branch] */
	buf[strcspn(buf, "\n")] = '\0';
	char *s = buf;
	while (git_isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && git_isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	if (!n) {
		gitrepo_legacy_free(ret);
		return 0;
	}
	char *frag = strchr(s, '#');
	if (frag)
		*frag++ = '\0';
	struct strbuf push = {0};
	strbuf_printf(&push, "HEAD:refs/heads/%s",
		      frag ? frag : default_branch);
	if (push.oom || strv_add(&ret->url, &ret->nurl, s) < 0 ||
	    strv_add(&ret->push, &ret->npush, push.s) < 0) {
		strbuf_free(&push);
		gitrepo_legacy_free(ret);
		return -ENOMEM;
	}
	strbuf_free(&push);
	return 1;
}
