/* SPDX-License-Identifier: MIT */
/*
 * gitparse: table-driven. Each row is a command line, an environment and
 * the files git would read (a fresh directory @T per row: @T/home is
 * HOME, @T/repo a repository), and the events git_parse_op must give:
 * "command|remote|url|branches|flags" ('-' for none, branches comma
 * separated with '*' for every branch, flags 'f' force, 'd' delete, '!'
 * shell alias). Every attack of issue 21 section 5 is a row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tmpdir.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gitint.h"
#include "gitparse.h"
#include "policy.h"
#include "util.h"

TG_TEST_TMPDIR(tmp, "/tmp/tg-gitparse-XXXXXX")

struct row {
	const char *name;
	const char *argv[24];
	const char *env[8];	 /* before the defaults: they win */
	const char *files[24];	 /* see put_file */
	const char *cwd;	 /* under @T; NULL: repo */
	const char *want[16];	 /* events that must be there */
	const char *not_want[6]; /* events that must not */
	int nev;		 /* the exact count, or 0: not checked */
	int helper;		 /* 1 / 0, or -1: not checked */
	int unsure;		 /* 1 / 0, or -1 */
	bool as_nobody;		 /* parse with fsuid/fsgid 65534 (as root) */
	/* the config keys the events write ("k1,k2", "S.*" for a section,
	 * "*" for any, "-" for none); NULL: not checked */
	const char *keys;
};

static char T[600];

/* "@T" -> the row's directory */
static char *subst(const char *s)
{
	char *r = tg_test_at_dir(s, T);
	assert_non_null(r);
	return r;
}

static void mkdirs(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	mkdir(buf, 0755);
}

static void write_file(const char *path, const char *content)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* A repository's bones: HEAD on branch, objects/, refs/heads/. */
static void make_repo(const char *gitdir, const char *branch)
{
	char p[4096], h[300];
	snprintf(p, sizeof(p), "%s/objects", gitdir);
	mkdirs(p);
	snprintf(p, sizeof(p), "%s/refs/heads", gitdir);
	mkdirs(p);
	snprintf(p, sizeof(p), "%s/HEAD", gitdir);
	snprintf(h, sizeof(h), "ref: refs/heads/%s\n", branch);
	write_file(p, h);
}

/* "PATH=CONTENT" a file; "NUL:PATH=CONTENT" the same with each '|' a NUL
 * byte; "REPO:GITDIR[@BRANCH]" a repository; "FIFO:PATH";
 * "LINK:PATH=TARGET"; "DIR:PATH"; "MODE000:PATH". */
static void put_file(const char *spec)
{
	char *s = subst(spec);
	char path[4096];
	if (!strncmp(s, "REPO:", 5)) {
		char *at = strchr(s + 5, '@');
		if (at)
			*at++ = '\0';
		snprintf(path, sizeof(path), "%s/%s", T, s + 5);
		make_repo(path, at ? at : "main");
	} else if (!strncmp(s, "FIFO:", 5)) {
		snprintf(path, sizeof(path), "%s/%s", T, s + 5);
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s", path);
		*strrchr(dir, '/') = '\0';
		mkdirs(dir);
		assert_int_equal(mkfifo(path, 0600), 0);
	} else if (!strncmp(s, "LINK:", 5)) {
		char *eq = strchr(s, '=');
		*eq = '\0';
		snprintf(path, sizeof(path), "%s/%s", T, s + 5);
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s", path);
		*strrchr(dir, '/') = '\0';
		mkdirs(dir);
		assert_int_equal(symlink(eq + 1, path), 0);
	} else if (!strncmp(s, "DIR:", 4)) {
		snprintf(path, sizeof(path), "%s/%s", T, s + 4);
		mkdirs(path);
	} else if (!strncmp(s, "NUL:", 4)) {
		char *eq = strchr(s, '=');
		assert_non_null(eq);
		*eq = '\0';
		snprintf(path, sizeof(path), "%s/%s", T, s + 4);
		size_t n = strlen(eq + 1);
		for (char *c = eq + 1; *c; c++)
			if (*c == '|')
				*c = '\0';
		FILE *f = fopen(path, "we");
		assert_non_null(f);
		assert_int_equal(fwrite(eq + 1, 1, n, f), n);
		fclose(f);
	} else if (!strncmp(s, "MODE000:", 8)) {
		snprintf(path, sizeof(path), "%s/%s", T, s + 8);
		assert_int_equal(chmod(path, 0), 0);
	} else {
		char *eq = strchr(s, '=');
		assert_non_null(eq);
		*eq = '\0';
		snprintf(path, sizeof(path), "%s/%s", T, s);
		write_file(path, eq + 1);
	}
	free(s);
}

/* The config keys e writes, appended to b: "k1,k2", "S.*" for a
 * section, "*" for any key. */
static void keys_of(const struct git_event *e, struct strbuf *b)
{
	for (size_t k = 0; k < e->nconfig_keys; k++)
		strbuf_printf(b, "%s%s", b->s ? "," : "", e->config_keys[k]);
	for (size_t k = 0; k < e->nconfig_sections; k++)
		strbuf_printf(b, "%s%s.*", b->s ? "," : "",
			      e->config_sections[k]);
	if (e->config_any)
		strbuf_printf(b, "%s*", b->s ? "," : "");
}

static void render(const struct git_event *e, char *out, size_t outsz)
{
	struct strbuf b = {0};
	strbuf_printf(&b, "%s|%s|%s|", e->command, e->remote ? e->remote : "-",
		      e->remote_url ? e->remote_url : "-");
	for (size_t i = 0; i < e->nbranches; i++)
		strbuf_printf(&b, "%s%s", i ? "," : "", e->branches[i]);
	if (e->all_branches)
		strbuf_printf(&b, "%s*", e->nbranches ? "," : "");
	strbuf_printf(&b, "|%s%s%s", e->force ? "f" : "",
		      e->delete_refs ? "d" : "", e->shell_alias ? "!" : "");
	tg_strlcpy(out, outsz, b.s ? b.s : "");
	strbuf_free(&b);
}

static void dump(const char *name, const struct git_op *op)
{
	fprintf(stderr, "row %s: command %s helper %d unsure %d (%s)\n", name,
		op->command, op->helper, op->unsure, op->why);
	for (size_t i = 0; i < op->nev; i++) {
		char r[2048];
		render(&op->ev[i], r, sizeof(r));
		fprintf(stderr, "  %s\n", r);
	}
}

static bool has_event(const struct git_op *op, const char *want)
{
	for (size_t i = 0; i < op->nev; i++) {
		char r[2048];
		render(&op->ev[i], r, sizeof(r));
		if (!strcmp(r, want))
			return true;
	}
	return false;
}

static void run_row(const struct row *rw, const char *table, size_t idx)
{
	snprintf(T, sizeof(T), "%s/%s%zu", tmp, table, idx);
	mkdirs(T);
	char p[4096];
	snprintf(p, sizeof(p), "%s/home", T);
	mkdirs(p);
	bool own_repo = false;
	for (size_t i = 0; rw->files[i]; i++)
		if (!strcmp(rw->files[i], "REPO:repo/.git") ||
		    !strncmp(rw->files[i], "REPO:repo/.git@", 15))
			own_repo = true;
	if (!own_repo) {
		snprintf(p, sizeof(p), "%s/repo/.git", T);
		make_repo(p, "main");
	}
	for (size_t i = 0; rw->files[i]; i++)
		put_file(rw->files[i]);
	const char *env[16];
	char *owned[16];
	size_t ne = 0, no = 0;
	for (size_t i = 0; rw->env[i]; i++)
		env[ne++] = owned[no++] = subst(rw->env[i]);
	static const char *const defaults[] = {
	    "HOME=@T/home", "GIT_CONFIG_SYSTEM=@T/etc/gitconfig",
	    "XDG_CONFIG_HOME=@T/xdg"};
	for (size_t i = 0; i < TG_ARRAY_SIZE(defaults); i++)
		env[ne++] = owned[no++] = subst(defaults[i]);
	const char *argv[24];
	char *oargv[24];
	size_t argc = 0;
	for (; rw->argv[argc]; argc++)
		argv[argc] = oargv[argc] = subst(rw->argv[argc]);
	char cwd[4096];
	snprintf(cwd, sizeof(cwd), "%s/%s", T, rw->cwd ? rw->cwd : "repo");
	struct git_ctx ctx = {.root = "", .cwd = cwd, .env = env, .nenv = ne};
	struct git_op op;
	/* policyd parses with the caller's file-system credentials: a file
	 * the caller cannot read is skipped, as git skips it */
	bool drop = rw->as_nobody && geteuid() == 0;
	if (drop) {
		assert_int_equal(chmod(tmp, 0755), 0);
		syscall(SYS_setfsgid, 65534);
		syscall(SYS_setfsuid, 65534);
	}
	int pr = git_parse_op(argv, argc, &ctx, &op);
	if (drop) {
		syscall(SYS_setfsuid, 0);
		syscall(SYS_setfsgid, 0);
	}
	assert_int_equal(pr, 0);
	bool ok = true;
	for (size_t i = 0; rw->want[i]; i++) {
		char *w = subst(rw->want[i]);
		if (!has_event(&op, w)) {
			fprintf(stderr, "row %s: missing %s\n", rw->name, w);
			ok = false;
		}
		free(w);
	}
	for (size_t i = 0; rw->not_want[i]; i++) {
		char *w = subst(rw->not_want[i]);
		if (has_event(&op, w)) {
			fprintf(stderr, "row %s: unexpected %s\n", rw->name, w);
			ok = false;
		}
		free(w);
	}
	if (rw->nev && (size_t)rw->nev != op.nev) {
		fprintf(stderr, "row %s: %zu events, want %d\n", rw->name,
			op.nev, rw->nev);
		ok = false;
	}
	if (rw->helper >= 0 && op.helper != (rw->helper == 1)) {
		fprintf(stderr, "row %s: helper %d\n", rw->name, op.helper);
		ok = false;
	}
	if (rw->unsure >= 0 && op.unsure != (rw->unsure == 1)) {
		fprintf(stderr, "row %s: unsure %d (%s)\n", rw->name, op.unsure,
			op.why);
		ok = false;
	}
	if (rw->keys) {
		char *want = subst(rw->keys);
		struct strbuf b = {0};
		for (size_t e = 0; e < op.nev; e++)
			keys_of(&op.ev[e], &b);
		if (strcmp(b.s ? b.s : "-", want)) {
			fprintf(stderr, "row %s: keys %s, want %s\n", rw->name,
				b.s ? b.s : "-", want);
			ok = false;
		}
		strbuf_free(&b);
		free(want);
	}
	if (!ok)
		dump(rw->name, &op);
	git_op_free(&op);
	for (size_t i = 0; i < no; i++)
		free(owned[i]);
	for (size_t i = 0; i < argc; i++)
		free(oargv[i]);
	if (!ok)
		fail_msg("row %s", rw->name);
}

#define ORIGIN                                                                 \
	"repo/.git/config=[remote \"origin\"]\n"                               \
	"\turl = https://github.com/acme/app.git\n"
#define GH "https://github.com/acme/app.git"
#define A100                                                                   \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
	"a"                                                                    \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define LONG1100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100 A100
/* a branch name of 1,213 bytes in components a file system takes */
#define LONGREF                                                                \
	A100 "/" A100 "/" A100 "/" A100 "/" A100 "/" A100 "/" A100 "/" A100    \
	     "/" A100 "/" A100 "/" A100 "/" A100 "/x"
#define ROW(...)                                                               \
	{                                                                      \
		__VA_ARGS__                                                    \
	}
#define NOCHECK .helper = -1, .unsure = -1

/* Options as parse-options reads them. */
static const struct row option_rows[] = {
    ROW(.name = "plain", .argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|"}, .nev = 1,
	.helper = 0, .unsure = 0),
    ROW(.name = "--del abbreviates --delete",
	.argv = {"git", "push", "--del", "origin", "main"}, .files = {ORIGIN},
	.want = {"push|origin|" GH "|main|d"}, .nev = 1, NOCHECK),
    ROW(.name = "--mirro abbreviates --mirror",
	.argv = {"git", "push", "--mirro", "origin"}, .files = {ORIGIN},
	.want = {"push|origin|" GH "|*|fd"}, .nev = 1, NOCHECK),
    ROW(.name = "--forc is ambiguous (git refuses)",
	.argv = {"git", "push", "--forc", "origin", "main"}, .files = {ORIGIN},
	.want = {"push|origin|" GH "|main,*|fd"}, .helper = -1, .unsure = 1),
    ROW(.name = "-qd bundles --delete",
	.argv = {"git", "push", "-qd", "origin", "main"}, .files = {ORIGIN},
	.want = {"push|origin|" GH "|main|d"}, .nev = 1, NOCHECK),
    ROW(.name = "-fu bundles --force",
	.argv = {"git", "push", "-fu", "origin", "main"}, .files = {ORIGIN},
	.want = {"push|origin|" GH "|main|f"}, .nev = 1, NOCHECK),
    ROW(.name = "-ooption takes the rest of the bundle",
	.argv = {"git", "push", "-fo", "ci.skip", "origin", "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|f"}, .nev = 1,
	NOCHECK),
    ROW(.name = "--recurse-submodules VAL takes the next argument",
	.argv = {"git", "push", "--recurse-submodules", "check", "origin",
		 "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "--push-option X, -o X, --receive-pack X, --exec X",
	.argv = {"git", "push", "--push-option", "a", "-o", "b",
		 "--receive-pack", "/bin/x", "--exec", "y", "origin", "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "--repo X, the first argument still wins",
	.argv = {"git", "push", "--repo", "elsewhere", "origin", "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "--repo X alone", .argv = {"git", "push", "--repo=origin"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "--force-with-lease never takes the next argument",
	.argv = {"git", "push", "--force-with-lease", "origin", "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|f"}, .nev = 1,
	NOCHECK),
    ROW(.name = "--no-force undoes --force",
	.argv = {"git", "push", "--force", "--no-force", "origin", "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "--no-mirror clears the force --mirror set",
	.argv = {"git", "push", "--force", "--no-mirror", "origin", "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "options after the refspecs",
	.argv = {"git", "push", "origin", "main", "--force"}, .files = {ORIGIN},
	.want = {"push|origin|" GH "|main|f"}, .nev = 1, NOCHECK),
    ROW(.name = "-- ends the options",
	.argv = {"git", "push", "--", "origin", "--force"}, .files = {ORIGIN},
	.want = {"push|origin|" GH "|--force|"}, .nev = 1, NOCHECK),
    ROW(.name = "--help anywhere prints usage",
	.argv = {"git", "push", "origin", "--help"}, .files = {ORIGIN},
	.want = {"help|-|-||"}, .nev = 1, NOCHECK),
    ROW(.name = "git push --help is git help push",
	.argv = {"git", "push", "--help"}, .want = {"help|-|-||"}, .nev = 1,
	NOCHECK),
    ROW(.name = "--all and its newer name --branches",
	.argv = {"git", "push", "--bra", "origin"}, .files = {ORIGIN},
	.want = {"push|origin|" GH "|*|"}, .nev = 1, NOCHECK),
    ROW(.name = "--prune with --all deletes",
	.argv = {"git", "push", "--all", "--prune", "origin"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|*|d"}, .nev = 1,
	NOCHECK),
    ROW(.name = "--delete tag X",
	.argv = {"git", "push", "--delete", "origin", "tag", "v1"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|refs/tags/v1|d"},
	.nev = 1, NOCHECK),
    ROW(.name = "--tags reaches no branch",
	.argv = {"git", "push", "--tags", "origin"}, .files = {ORIGIN},
	.want = {"push|origin|" GH "|refs/tags/*|"}, .nev = 1, NOCHECK),
};

/* Refspecs as git expands them. */
static const struct row refspec_rows[] = {
    /* the null object name as a source deletes (git 2.39.5:
     * "-	:refs/heads/main	[deleted]"), written out or held by a
     * local ref, loose or packed */
    ROW(.name = "40 zeros as the source delete",
	.argv = {"git", "push", "origin",
		 "0000000000000000000000000000000000000000:main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|d"}, .nev = 1,
	NOCHECK),
    ROW(.name = "64 zeros (SHA-256) as the source delete",
	.argv = {"git", "push", "origin",
		 "0000000000000000000000000000000000000000000000000000000000000"
		 "000:main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|d"}, .nev = 1,
	NOCHECK),
    ROW(.name = "39 zeros are no object name (git: no such source)",
	.argv = {"git", "push", "origin",
		 "000000000000000000000000000000000000000:main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "a loose ref holding zeros deletes",
	.argv = {"git", "push", "origin", "zz:main"},
	.files = {ORIGIN, "repo/.git/refs/heads/"
			  "zz=0000000000000000000000000000000000000000\n"},
	.want = {"push|origin|" GH "|main|d"}, .nev = 1, NOCHECK),
    ROW(.name = "a loose ref holding zeros, pushed alone, deletes",
	.argv = {"git", "push", "origin", "zz"},
	.files = {ORIGIN, "repo/.git/refs/heads/"
			  "zz=0000000000000000000000000000000000000000\n"},
	.want = {"push|origin|" GH "|zz|d"}, .nev = 1, NOCHECK),
    ROW(.name = "a packed ref holding zeros deletes",
	.argv = {"git", "push", "origin", "pz:main"},
	.files =
	    {ORIGIN,
	     "repo/.git/packed-refs=0000000000000000000000000000000000000000 "
	     "refs/heads/pz\n"},
	.want = {"push|origin|" GH "|main|d"}, .nev = 1, NOCHECK),
    /* found by fuzz_gitop: a NUL byte in packed-refs ended the scan */
    ROW(.name = "a packed ref holding zeros after a NUL line deletes",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN,
		  "NUL:repo/.git/packed-refs=# pack-refs with: peeled\n"
		  "1111111111111111111111111111111111111111 refs/heads/a|x\n"
		  "0000000000000000000000000000000000000000 refs/heads/main\n"},
	.want = {"push|origin|" GH "|main|d"}, .nev = 1, NOCHECK),
    /* git takes any blank after the object name; a tab hid it */
    ROW(.name = "a packed ref holding zeros after a tab deletes",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN, "repo/.git/packed-refs=# pack-refs with: peeled\n"
			  "0000000000000000000000000000000000000000\t"
			  "refs/heads/main\n"},
	.want = {"push|origin|" GH "|main|d"}, .nev = 1, NOCHECK),
    ROW(.name = "remote.NAME.push with zeros deletes",
	.argv = {"git", "-c",
		 "remote.origin.push=0000000000000000000000000000000000000000:"
		 "refs/heads/main",
		 "push", "origin"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|d"}, NOCHECK),
    ROW(.name = "send-pack with zeros deletes",
	.argv = {"git", "send-pack", "/srv/x.git",
		 "0000000000000000000000000000000000000000:refs/heads/main"},
	.want = {"push|-|/srv/x.git|main|d"}, NOCHECK),
    ROW(.name = ":heads/main deletes main",
	.argv = {"git", "push", "origin", ":heads/main"}, .files = {ORIGIN},
	.want = {"push|origin|" GH "|main|d",
		 "push|origin|" GH "|heads/main|d"},
	.nev = 2, NOCHECK),
    ROW(.name = "+main forces", .argv = {"git", "push", "origin", "+main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|f"}, .nev = 1,
	NOCHECK),
    ROW(.name = "+feature:main and a plain one: each its own force",
	.argv = {"git", "push", "origin", "+feature:main", "topic"},
	.files = {ORIGIN},
	.want = {"push|origin|" GH "|main|f", "push|origin|" GH "|topic|"},
	.nev = 2, NOCHECK),
    ROW(.name = "the last colon splits",
	.argv = {"git", "push", "origin", "a:b:refs/heads/main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "main:refs/heads/other",
	.argv = {"git", "push", "origin", "main:refs/heads/other"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|other|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "HEAD is the current branch",
	.argv = {"git", "push", "origin", "HEAD"},
	.files = {ORIGIN, "REPO:repo/.git@feature"},
	.want = {"push|origin|" GH "|feature|"}, .nev = 1, NOCHECK),
    ROW(.name = "@ is HEAD", .argv = {"git", "push", "origin", "@"},
	.files = {ORIGIN, "REPO:repo/.git@topic"},
	.want = {"push|origin|" GH "|topic|"}, .nev = 1, NOCHECK),
    ROW(.name = "HEAD detached: every branch",
	.argv = {"git", "push", "origin", "HEAD"},
	.files = {ORIGIN,
		  "repo/.git/HEAD=0123456789012345678901234567890123456789\n"},
	.want = {"push|origin|" GH "|*|"}, .nev = 1, NOCHECK),
    ROW(.name = "refs/heads/*:refs/heads/*",
	.argv = {"git", "push", "origin", "refs/heads/*:refs/heads/*"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|*|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "matching, forced", .argv = {"git", "push", "origin", "+:"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|*|f"}, .nev = 1,
	NOCHECK),
    ROW(.name = "a symref pushes where it points",
	.argv = {"git", "push", "origin", "safe"},
	.files = {ORIGIN, "repo/.git/refs/heads/safe=ref: refs/heads/main\n",
		  "repo/.git/refs/heads/main="
		  "0123456789012345678901234567890123456789\n"},
	.want = {"push|origin|" GH "|main|"},
	.not_want = {"push|origin|" GH "|safe|"}, NOCHECK),
    ROW(.name = "a packed ref is a local ref",
	.argv = {"git", "push", "origin", "heads/rel"},
	.files = {ORIGIN, "repo/.git/packed-refs=# pack-refs with: peeled\n"
			  "0123456789012345678901234567890123456789 "
			  "refs/heads/rel\n"},
	.want = {"push|origin|" GH "|rel|"}, .nev = 1, NOCHECK),
    ROW(.name = "remote.origin.push maps a branch, with its +",
	.argv = {"git", "push", "origin", "feature"},
	.files = {ORIGIN "\tpush = +refs/heads/feature:refs/heads/main\n",
		  "repo/.git/refs/heads/feature="
		  "0123456789012345678901234567890123456789\n"},
	.want = {"push|origin|" GH "|main|f"}, .nev = 1, NOCHECK),
    ROW(.name = "push.default=upstream with a bare `git push`",
	.argv = {"git", "push"},
	.files = {ORIGIN "[push]\n\tdefault = upstream\n"
			 "[branch \"feature\"]\n\tremote = origin\n"
			 "\tmerge = refs/heads/main\n",
		  "REPO:repo/.git@feature"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "push.default=upstream maps a named branch",
	.argv = {"git", "-c", "push.default=upstream", "push", "origin",
		 "feature"},
	.files = {ORIGIN "[branch \"feature\"]\n\tmerge = refs/heads/main\n",
		  "repo/.git/refs/heads/feature="
		  "0123456789012345678901234567890123456789\n"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "push.default=matching", .argv = {"git", "push"},
	.files = {ORIGIN "[push]\n\tdefault = matching\n"},
	.want = {"push|origin|" GH "|*|"}, .nev = 1, NOCHECK),
    ROW(.name = "remote.origin.push used when no refspec",
	.argv = {"git", "push", "origin"},
	.files = {ORIGIN "\tpush = refs/heads/a:refs/heads/release/1\n"},
	.want = {"push|origin|" GH "|release/1|"}, .nev = 1, NOCHECK),
    ROW(.name = "a named ref is mapped by remote.origin.push",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN "\tpush = refs/heads/main:refs/heads/feature\n",
		  "repo/.git/refs/heads/main="
		  "0123456789012345678901234567890123456789\n"},
	.want = {"push|origin|" GH "|feature|"}, .nev = 1, NOCHECK),
    /* count_refspec_match("+main") names no ref: pushed as written */
    ROW(.name = "+main is not mapped by remote.origin.push",
	.argv = {"git", "push", "origin", "+main"},
	.files = {ORIGIN "\tpush = refs/heads/main:refs/heads/feature\n",
		  "repo/.git/refs/heads/main="
		  "0123456789012345678901234567890123456789\n"},
	.want = {"push|origin|" GH "|main|f"}, .nev = 1, NOCHECK),
    ROW(.name = "remote.origin.mirror", .argv = {"git", "push", "origin"},
	.files = {ORIGIN "\tmirror = true\n"},
	.want = {"push|origin|" GH "|*|fd"}, .nev = 1, NOCHECK),
};

/* Remotes and URLs as git resolves them. */
static const struct row remote_rows[] = {
    ROW(.name = "every pushurl", .argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN "\tpushurl = /srv/a.git\n\tpushurl = /srv/b.git\n"},
	.want = {"push|origin|/srv/a.git|main|",
		 "push|origin|/srv/b.git|main|"},
	.not_want = {"push|origin|" GH "|main|"}, .nev = 2, NOCHECK),
    ROW(.name = "every url when there is no pushurl",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN "\turl = /srv/second.git\n"},
	.want = {"push|origin|" GH "|main|",
		 "push|origin|/srv/second.git|main|"},
	.nev = 2, NOCHECK),
    /* git 2.39's add_url appends an empty one (later git empties the
     * list): git pushes to /srv/a.git, then fails on "" */
    ROW(.name = "an empty pushurl is one more",
	.argv = {"git", "-c", "remote.origin.pushurl=", "push", "origin",
		 "main"},
	.files = {ORIGIN "\tpushurl = /srv/a.git\n"},
	.want = {"push|origin|/srv/a.git|main|"},
	.not_want = {"push|origin|" GH "|main|"}, NOCHECK),
    ROW(.name = "an empty url keeps the shared one before it",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN "\turl =\n\turl = /srv/local.git\n"},
	.want = {"push|origin|" GH "|main|"}, NOCHECK),
    ROW(.name = "[url \"\"] insteadOf: an empty base",
	.argv = {"git", "push", "origin", "main"},
	.files = {"repo/.git/config=[remote \"origin\"]\n"
		  "\turl = /tmp/x" GH "\n[url \"\"]\n\tinsteadOf = /tmp/x\n"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "a branch name past 1200 bytes keeps its pushRemote",
	.argv = {"git", "push"},
	.files = {"repo/.git/HEAD=ref: refs/heads/" LONGREF "\n",
		  "repo/.git/config=[branch \"" LONGREF "\"]\n"
		  "\tpushremote = " GH "\n"},
	.want = {"push|-|" GH "|" LONGREF "|"}, NOCHECK),
    ROW(.name = "a remote name past 1024 bytes keeps its config",
	.argv = {"git", "push", "./" LONG1100, "main"},
	.files = {"repo/.git/config=[remote \"./" LONG1100 "\"]\n"
		  "\turl = /srv/local.git\n\tpushurl = " GH "\n"},
	.want = {"push|./" LONG1100 "|" GH "|main|"},
	.not_want = {"push|./" LONG1100 "|/srv/local.git|main|"}, NOCHECK),
    ROW(.name = "pushInsteadOf turns a local-looking URL into origin's",
	.argv = {"git", "push", "/srv/backup.git", "main"},
	.files = {ORIGIN "[url \"" GH
			 "\"]\n\tpushInsteadOf = /srv/backup.git\n"},
	.want = {"push|-|" GH "|main|", "push|origin|" GH "|main|"},
	.not_want = {"push|-|/srv/backup.git|main|"}, .nev = 2, NOCHECK),
    ROW(.name = "insteadOf, the longest prefix wins",
	.argv = {"git", "push", "gh:acme/app.git", "main"},
	.files = {ORIGIN
		  "[url \"/srv/short/\"]\n\tinsteadOf = gh:\n"
		  "[url \"https://github.com/\"]\n\tinsteadOf = gh:acme\n"},
	.want = {"push|-|https://github.com//app.git|main|"}, NOCHECK),
    ROW(.name = "insteadOf rewrites pushurls, pushInsteadOf does not",
	.argv = {"git", "push", "origin", "main"},
	.files = {"repo/.git/config=[remote \"origin\"]\n"
		  "\turl = x:a\n\tpushurl = x:b\n"
		  "[url \"/srv/in/\"]\n\tinsteadOf = x:\n"
		  "[url \"/srv/push/\"]\n\tpushInsteadOf = x:\n"},
	.want = {"push|origin|/srv/in/b|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "pushInsteadOf adds push URLs when there is no pushurl",
	.argv = {"git", "push", "origin", "main"},
	.files = {"repo/.git/config=[remote \"origin\"]\n"
		  "\turl = x:a\n\turl = y:b\n"
		  "[url \"/srv/push/\"]\n\tpushInsteadOf = x:\n"},
	.want = {"push|origin|/srv/push/a|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "a push by URL equal to origin's is origin",
	.argv = {"git", "push", "git@github.com:acme/app", "main"},
	.files = {ORIGIN},
	.want = {"push|-|git@github.com:acme/app|main|",
		 "push|origin|" GH "|main|"},
	.nev = 2, NOCHECK),
    ROW(.name = "ssh:// and file:// forms",
	.argv = {"git", "push", "ssh://git@GitHub.com:22/acme/app.git/",
		 "main"},
	.files = {ORIGIN "[remote \"local\"]\n\turl = /srv/x.git\n"},
	.want = {"push|origin|" GH "|main|"}, NOCHECK),
    ROW(.name = "file:///srv/x is the local remote",
	.argv = {"git", "push", "file:///srv/x", "main"},
	.files = {ORIGIN "[remote \"local\"]\n\turl = /srv/x.git\n"},
	.want = {"push|local|/srv/x.git|main|"}, NOCHECK),
    ROW(.name = "a second name for origin's URL is origin too",
	.argv = {"git", "push", "safe", "main"},
	.files = {ORIGIN "[remote \"safe\"]\n\turl = " GH "\n"},
	.want = {"push|safe|" GH "|main|", "push|origin|" GH "|main|"},
	.nev = 2, NOCHECK),
    ROW(.name = "a remote named like a path is also its URL alone",
	.argv = {"git", "push", "./x", "main"},
	.files = {"repo/.git/config=[remote \"./x\"]\n\turl = " GH "\n"},
	.want = {"push|./x|" GH "|main|", "push|-|" GH "|main|"}, .nev = 2,
	NOCHECK),
    ROW(.name = "$GIT_DIR/remotes/NAME", .argv = {"git", "push", "old"},
	.files = {"repo/.git/remotes/old=URL: /srv/old.git\n"
		  "Push: refs/heads/a:refs/heads/main\n"},
	.want = {"push|old|/srv/old.git|main|"}, .nev = 1, NOCHECK),
    /* read_remotes_file: skip_spaces and strbuf_rtrim are git's blanks;
     * a form feed stays in the URL, which is then no absolute path (git
     * 2.39.5: "'\f/srv/old.git' does not appear to be a git repository") */
    ROW(.name = "remotes/NAME: a form feed is no blank to git",
	.argv = {"git", "push", "old", "main"},
	.files = {"repo/.git/remotes/old=URL:\f/srv/old.git\v\n"},
	.want = {"push|old|\f/srv/old.git\v|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "branches/NAME: a form feed is no blank to git",
	.argv = {"git", "push", "cog"},
	.files = {"repo/.git/branches/cog=\f/srv/cog.git#stable\n",
		  "REPO:repo/.git@work"},
	.want = {"push|cog|\f/srv/cog.git|stable|"}, .nev = 1, NOCHECK),
    /* remotes/NAME with Push: lines and no URL: git reads branches/NAME
     * too and keeps them (a force push of main the old reading missed) */
    ROW(.name = "remotes/NAME's Push: lines with branches/NAME's URL",
	.argv = {"git", "push", "up"},
	.files =
	    {"repo/.git/remotes/up=Push: +refs/heads/main:refs/heads/main\n",
	     "repo/.git/branches/up=/srv/up.git#side\n"},
	.want = {"push|up|/srv/up.git|main|f"}, NOCHECK),
    ROW(.name = "remote.NAME.vcs: the helper decides where: unsure",
	.argv = {"git", "push", "origin", "main"},
	.files = {"repo/.git/config=[remote \"origin\"]\n"
		  "\turl = /usr/bin/ssh evil.test %S r.git\n\tvcs = ext\n"},
	.helper = -1, .unsure = 1),
    ROW(.name = "$GIT_DIR/branches/NAME", .argv = {"git", "push", "cog"},
	.files = {"repo/.git/branches/cog=/srv/cog.git#stable\n",
		  "REPO:repo/.git@work"},
	.want = {"push|cog|/srv/cog.git|stable|"}, .nev = 1, NOCHECK),
    ROW(.name = "a name that is no remote is a path",
	.argv = {"git", "push", "../other", "main"},
	.want = {"push|-|../other|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "default remote: branch.B.pushRemote", .argv = {"git", "push"},
	.files = {ORIGIN "[remote \"fork\"]\n\turl = /srv/fork.git\n"
			 "[branch \"main\"]\n\tpushRemote = fork\n"},
	.want = {"push|fork|/srv/fork.git|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "default remote: remote.pushDefault", .argv = {"git", "push"},
	.files = {ORIGIN "[remote \"fork\"]\n\turl = /srv/fork.git\n"
			 "[remote]\n\tpushDefault = fork\n"},
	.want = {"push|fork|/srv/fork.git|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "a remote group: each member (newer git)",
	.argv = {"git", "push", "all", "main"},
	.files = {ORIGIN "[remote \"fork\"]\n\turl = /srv/fork.git\n"
			 "[remotes]\n\tall = origin fork\n"},
	.want = {"push|origin|" GH "|main|", "push|fork|/srv/fork.git|main|"},
	NOCHECK),
};

/* Config as the caller's git reads it. */
static const struct row config_rows[] = {
    ROW(.name = "-c remote.origin.url",
	.argv = {"git", "-c", "remote.origin.url=https://evil.test/x", "push",
		 "origin", "main"},
	.files = {ORIGIN},
	.want = {"push|origin|" GH "|main|",
		 "push|origin|https://evil.test/x|main|"},
	.nev = 2, NOCHECK),
    ROW(.name = "-c Remote.origin.PushURL: sections and names fold case",
	.argv = {"git", "-c", "Remote.origin.PushURL=/srv/p", "push", "origin",
		 "main"},
	.files = {ORIGIN}, .want = {"push|origin|/srv/p|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "GIT_CONFIG_COUNT", .argv = {"git", "push", "origin", "main"},
	.env = {"GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=remote.origin.pushurl",
		"GIT_CONFIG_VALUE_0=https://evil.test/y"},
	.files = {ORIGIN}, .want = {"push|origin|https://evil.test/y|main|"},
	.nev = 1, .helper = -1, .unsure = 0),
    ROW(.name = "GIT_CONFIG_COUNT too large",
	.argv = {"git", "push", "origin", "main"},
	.env = {"GIT_CONFIG_COUNT=100000"}, .files = {ORIGIN},
	.want = {"push|-|-|*|fd"}, .helper = -1, .unsure = 1),
    ROW(.name = "GIT_CONFIG_PARAMETERS",
	.argv = {"git", "push", "origin", "main"},
	.env = {"GIT_CONFIG_PARAMETERS='remote.origin.pushurl'='/srv/q' "
		"'x.y=z'"},
	.files = {ORIGIN}, .want = {"push|origin|/srv/q|main|"}, .nev = 1,
	.helper = -1, .unsure = 0),
    ROW(.name = "--config-env",
	.argv = {"git", "--config-env=remote.origin.pushurl=EVIL", "push",
		 "origin", "main"},
	.env = {"EVIL=https://evil.test/z"}, .files = {ORIGIN},
	.want = {"push|origin|https://evil.test/z|main|"}, .nev = 1, NOCHECK),
    /* git splits --config-env at the last '=': the key is
     * remote.a=b.pushurl (remote "a=b"); policyd does not rebuild it */
    ROW(.name = "--config-env with '=' in the key is unsure",
	.argv = {"git", "--config-env=remote.a=b.pushurl=EVIL", "push", "a=b",
		 "main"},
	.env = {"EVIL=https://evil.test/z"},
	.files = {"repo/.git/config=[remote \"a=b\"]\n\turl = /srv/l.git\n"},
	.helper = -1, .unsure = 1),
    /* parse_value: each unquoted blank inside a value is a space; git's
     * blanks are space, tab, CR and LF only (git config --get, 2.39.5) */
    ROW(.name = "a tab inside a value is a space",
	.argv = {"git", "push", "origin", "main"},
	.files = {"repo/.git/config=[remote \"origin\"]\n\turl = /srv/a\tb\n"
		  "[url \"https://evil.test/\"]\n\tinsteadOf = \"/srv/a b\"\n"},
	.want = {"push|origin|https://evil.test/|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "a vertical tab is no blank",
	.argv = {"git", "push", "origin", "main"},
	.files = {"repo/.git/config=[remote \"origin\"]\n\turl = \v/srv/l\n"
		  "[url \"https://evil.test\"]\n\tinsteadOf = \"\v\"\n"},
	.want = {"push|origin|https://evil.test/srv/l|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "~/.gitconfig include.path",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN, "home/.gitconfig=[include]\n\tpath = inc/more\n",
		  "home/inc/more=[remote \"origin\"]\n\tpushurl = /srv/inc\n"},
	.want = {"push|origin|/srv/inc|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "$XDG_CONFIG_HOME/git/config",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN, "xdg/git/config=[url \"/srv/x/\"]\n"
			  "\tpushInsteadOf = https://github.com/\n"},
	.want = {"push|origin|/srv/x/acme/app.git|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "GIT_CONFIG_GLOBAL replaces ~/.gitconfig",
	.argv = {"git", "push", "origin", "main"},
	.env = {"GIT_CONFIG_GLOBAL=@T/g"},
	.files = {ORIGIN,
		  "home/.gitconfig=[remote \"origin\"]\n"
		  "\tpushurl = /srv/home\n",
		  "g=[remote \"origin\"]\n\tpushurl = /srv/g\n"},
	.want = {"push|origin|/srv/g|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "system config, unless GIT_CONFIG_NOSYSTEM",
	.argv = {"git", "push", "origin", "main"},
	.env = {"GIT_CONFIG_NOSYSTEM=1"},
	.files = {ORIGIN, "etc/gitconfig=[remote \"origin\"]\n"
			  "\tpushurl = /srv/sys\n"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "includeIf gitdir:", .argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN,
		  "home/.gitconfig=[includeIf \"gitdir:@T/\"]\n"
		  "\tpath = @T/w.cfg\n",
		  "w.cfg=[remote \"origin\"]\n\tpushurl = /srv/w\n"},
	.want = {"push|origin|/srv/w|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "includeIf gitdir: that does not match",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN,
		  "home/.gitconfig=[includeIf \"gitdir:/nowhere/\"]\n"
		  "\tpath = @T/w.cfg\n",
		  "w.cfg=[remote \"origin\"]\n\tpushurl = /srv/w\n"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    /* git 2.39 knows no worktree: condition: unknown ones are false */
    ROW(.name = "includeIf worktree: is not a condition git knows",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN "[includeIf \"worktree:**\"]\n\tpath = @T/w.cfg\n"
			 "[includeIf \"worktree/i:**\"]\n\tpath = @T/w.cfg\n",
		  "w.cfg=[remote \"origin\"]\n\tpushurl = /srv/w\n"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "includeIf onbranch:",
	.argv = {"git", "push", "origin", "HEAD"},
	.files = {ORIGIN "[includeIf \"onbranch:feat/\"]\n\tpath = @T/b.cfg\n",
		  "b.cfg=[remote \"origin\"]\n\tpushurl = /srv/b\n",
		  "REPO:repo/.git@feat/x"},
	.want = {"push|origin|/srv/b|feat/x|"}, .nev = 1, NOCHECK),
    ROW(.name = "includeIf hasconfig:remote.*.url:",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN "[includeIf \"hasconfig:remote.*.url:https://"
			 "github.com/**\"]\n\tpath = @T/h.cfg\n",
		  "h.cfg=[url \"/srv/h/\"]\n\tpushInsteadOf = https://\n"},
	.want = {"push|origin|/srv/h/github.com/acme/app.git|main|"}, .nev = 1,
	NOCHECK),
    ROW(.name = "include depth past git's limit",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN "[include]\n\tpath = @T/loop\n",
		  "loop=[include]\n\tpath = @T/loop\n"},
	.want = {"push|-|-|*|fd"}, .helper = -1, .unsure = 1),
    ROW(.name = "a FIFO as config does not block",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN, "FIFO:home/.gitconfig"}, .want = {"push|-|-|*|fd"},
	.helper = -1, .unsure = 1),
    ROW(.name = "a device as config is not opened: git stops, worst case",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN "[include]\n\tpath = /dev/zero\n"},
	.want = {"push|-|-|*|fd"}, .helper = -1, .unsure = 1),
    ROW(.name = "GIT_CONFIG_GLOBAL=/dev/null reads as empty",
	.argv = {"git", "push", "origin", "main"},
	.env = {"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|"}, .nev = 1,
	.helper = -1, .unsure = 0),
    ROW(.name = "an unreadable global file is skipped, as git does",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN,
		  "home/.gitconfig=[remote \"origin\"]\n"
		  "\tpushurl = /srv/hidden\n",
		  "MODE000:home/.gitconfig"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, .helper = -1,
	.unsure = 0, .as_nobody = true),
    ROW(.name = "a bad config line: git stops, worst case",
	.argv = {"git", "push", "origin", "main"}, .files = {ORIGIN "[bad\n"},
	.want = {"push|-|-|*|fd"}, .helper = -1, .unsure = 1),
    ROW(.name = "quotes, escapes, comments, continuations",
	.argv = {"git", "push", "origin", "main"},
	.files = {"repo/.git/config=[remote \"origin\"] url = \"/srv/a b\" "
		  "# c\n\tpushurl = /srv/\\\n cont ; c\n[Remote.Origin]\n"},
	.want = {"push|origin|/srv/ cont|main|"}, .nev = 1, NOCHECK),
};

/* The repository git uses. */
static const struct row repo_rows[] = {
    ROW(.name = "GIT_DIR elsewhere", .argv = {"git", "push", "origin", "main"},
	.env = {"GIT_DIR=@T/other.git"},
	.files = {ORIGIN, "REPO:other.git",
		  "other.git/config=[remote \"origin\"]\n\turl = /srv/other\n"},
	.want = {"push|origin|/srv/other|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "--git-dir, relative to -C",
	.argv = {"git", "--git-dir=x.git", "-C", "@T", "push", "origin",
		 "main"},
	.files = {ORIGIN, "REPO:x.git",
		  "x.git/config=[remote \"origin\"]\n\turl = /srv/xdir\n"},
	.want = {"push|origin|/srv/xdir|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "-C into another repository",
	.argv = {"git", "-C", "../two", "push", "origin", "main"},
	.files = {ORIGIN, "REPO:two/.git",
		  "two/.git/config=[remote \"origin\"]\n\turl = /srv/two\n"},
	.want = {"push|origin|/srv/two|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "a subdirectory finds the repository above",
	.argv = {"git", "push", "origin", "main"}, .cwd = "repo/a/b",
	.files = {ORIGIN, "DIR:repo/a/b"}, .want = {"push|origin|" GH "|main|"},
	.nev = 1, NOCHECK),
    ROW(.name = "GIT_CEILING_DIRECTORIES stops the search",
	.argv = {"git", "push", "origin", "main"}, .cwd = "repo/a",
	.env = {"GIT_CEILING_DIRECTORIES=@T/repo"},
	.files = {ORIGIN, "DIR:repo/a"}, .want = {"push|-|origin|main|"},
	.nev = 1, NOCHECK),
    ROW(.name = "a linked worktree: HEAD its own, config the common one",
	.argv = {"git", "push"}, .cwd = "wt",
	.files = {ORIGIN "[branch \"feature\"]\n\tpushRemote = fork\n"
			 "[remote \"fork\"]\n\turl = /srv/fork\n",
		  "wt/.git=gitdir: ../repo/.git/worktrees/wt\n",
		  "REPO:repo/.git/worktrees/wt@feature",
		  "repo/.git/worktrees/wt/commondir=../..\n"},
	.want = {"push|fork|/srv/fork|feature|"}, .nev = 1, NOCHECK),
    ROW(.name = "a worktree's config.worktree",
	.argv = {"git", "push", "origin", "main"}, .cwd = "wt",
	.files = {ORIGIN "[core]\n\trepositoryformatversion = 0\n"
			 "[extensions]\n\tworktreeConfig = true\n",
		  "wt/.git=gitdir: ../repo/.git/worktrees/wt\n",
		  "REPO:repo/.git/worktrees/wt@feature",
		  "repo/.git/worktrees/wt/commondir=../..\n",
		  "repo/.git/worktrees/wt/config.worktree=[remote \"origin\"]\n"
		  "\tpushurl = /srv/wtcfg\n"},
	.want = {"push|origin|/srv/wtcfg|main|"}, .nev = 1, NOCHECK),
    /* read_repository_format: no core.repositoryformatversion, no
     * extensions (git 2.39 reads no config.worktree then) */
    ROW(.name = "config.worktree unread without a format version",
	.argv = {"git", "push", "origin", "main"}, .cwd = "wt",
	.files = {ORIGIN "[extensions]\n\tworktreeConfig = true\n",
		  "wt/.git=gitdir: ../repo/.git/worktrees/wt\n",
		  "REPO:repo/.git/worktrees/wt@feature",
		  "repo/.git/worktrees/wt/commondir=../..\n",
		  "repo/.git/worktrees/wt/config.worktree=[remote \"origin\"]\n"
		  "\tpushurl = /srv/wtcfg\n"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "a fake .git below with no objects is not a repository",
	.argv = {"git", "push", "origin", "main"}, .cwd = "repo/sub",
	.files =
	    {ORIGIN, "repo/sub/.git/HEAD=ref: refs/heads/main\n",
	     "DIR:repo/sub/.git/refs",
	     "repo/sub/.git/config=[remote \"origin\"]\n\turl = /srv/fake\n"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    /* validate_headref skips git's blanks after "ref:" (space, tab, LF,
     * CR), not \v or \f: such a HEAD is no repository, and git goes on
     * to the one above (checked with git 2.39.5) */
    ROW(.name = "HEAD \"ref:\\v...\" below is no repository",
	.argv = {"git", "push", "origin", "main"}, .cwd = "repo/sub",
	.files = {ORIGIN, "REPO:repo/sub/.git",
		  "repo/sub/.git/HEAD=ref:\vrefs/heads/main\n",
		  "repo/sub/.git/config=[remote \"origin\"]\n"
		  "\turl = /srv/local\n"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "HEAD \"ref:\\t...\" below is a repository",
	.argv = {"git", "push", "origin", "main"}, .cwd = "repo/sub",
	.files = {ORIGIN, "REPO:repo/sub/.git",
		  "repo/sub/.git/HEAD=ref:\trefs/heads/main\n",
		  "repo/sub/.git/config=[remote \"origin\"]\n"
		  "\turl = /srv/local\n"},
	.want = {"push|origin|/srv/local|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "a bare repository", .argv = {"git", "push", "origin", "main"},
	.cwd = "bare.git",
	.files = {"REPO:bare.git",
		  "bare.git/config=[remote \"origin\"]\n\turl = /srv/bare\n"},
	.want = {"push|origin|/srv/bare|main|"}, .nev = 1, NOCHECK),
};

/* Commands that update a remote besides push, aliases, autocorrect. */
static const struct row command_rows[] = {
    ROW(.name = "send-pack",
	.argv = {"git", "send-pack", "--force", "host:repo.git", "main"},
	.want = {"push|-|host:repo.git|main|f"}, .nev = 1, .helper = 0,
	.unsure = 0),
    ROW(.name = "send-pack --all",
	.argv = {"git", "send-pack", "--all", "/srv/x.git"},
	.want = {"push|-|/srv/x.git|*|"}, .nev = 1, NOCHECK),
    ROW(.name = "send-pack run by a remote helper: refs on stdin",
	.argv = {"git", "send-pack", "--stateless-rpc", "--helper-status",
		 "--thin", "--progress", GH "/", "--stdin"},
	.files = {ORIGIN},
	.want = {"push|-|" GH "/|*|fd", "push|origin|" GH "|*|fd"}, .helper = 1,
	.unsure = 0),
    ROW(.name = "http-push",
	.argv = {"git", "http-push", "--force", "https://dav.test/r/", "main"},
	.want = {"push|-|https://dav.test/r/|main|f"}, .nev = 1, NOCHECK),
    ROW(.name = "http-push -D",
	.argv = {"git", "http-push", "-D", "https://dav.test/r/", "main"},
	.want = {"push|-|https://dav.test/r/|main|d"}, .nev = 1, NOCHECK),
    ROW(.name = "remote-ext run by hand",
	.argv = {"git", "remote-ext", "origin", "ssh host git-receive-pack r"},
	.files = {ORIGIN},
	.want = {"push|origin|ext::ssh host git-receive-pack r|*|fd"},
	.helper = 1, .unsure = 0),
    ROW(.name = "remote-fd", .argv = {"git", "remote-fd", "x", "3,4"},
	.want = {"push|-|fd::3,4|*|fd"}, .helper = 1, .unsure = 0),
    ROW(.name = "argv[0] git-push runs push",
	.argv = {"/usr/lib/git-core/git-push", "--force", "origin", "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|f"}, .nev = 1,
	NOCHECK),
    ROW(.name = "argv[0] git-send-pack",
	.argv = {"git-send-pack", "/srv/x.git", "+a:main"},
	.want = {"push|-|/srv/x.git|main|f"}, .nev = 1, NOCHECK),
    ROW(.name = "svn dcommit sends commits", .argv = {"git", "svn", "dcommit"},
	.files = {"repo/.git/config=[svn-remote \"svn\"]\n"
		  "\turl = https://svn.test/r\n"},
	.want = {"push|svn|https://svn.test/r|*|"}, NOCHECK),
    ROW(.name = "lfs push", .argv = {"git", "lfs", "push", "origin"},
	.want = {"push|lfs|-|*|"}, NOCHECK),
    ROW(.name = "an alias for push", .argv = {"git", "pf", "origin", "main"},
	.files = {ORIGIN "[alias]\n\tpf = push --force\n"},
	.want = {"push|origin|" GH "|main|f"}, .not_want = {"pf|-|-||"},
	NOCHECK),
    /* split_cmdline splits on git's blanks: "push\f--force" is one word,
     * no command ("expansion of alias 'pf' failed" in git 2.39.5) */
    ROW(.name = "an alias split on git's blanks only",
	.argv = {"git", "pf", "origin", "main"},
	.files = {ORIGIN "[alias]\n\tpf = push\f--force\n"},
	.not_want = {"push|origin|" GH "|main|f"}, NOCHECK),
    ROW(.name = "an alias and a program git-NAME in PATH: both readings",
	.argv = {"git", "pf", "origin", "main"}, .env = {"PATH=@T/bin"},
	.files = {ORIGIN "[alias]\n\tpf = push --force\n",
		  "bin/git-pf=#!/bin/sh\n"},
	.want = {"push|origin|" GH "|main|f", "pf|-|-||"}, NOCHECK),
    ROW(.name = "aliases are case-insensitive, chains expand",
	.argv = {"git", "P", "main"},
	.files = {ORIGIN "[alias]\n\tpf = push --force\n\tp = pf origin\n"},
	.want = {"push|origin|" GH "|main|f"}, NOCHECK),
    ROW(.name = "[alias \"x\"] command (newer git)",
	.argv = {"git", "x", "origin", "main"},
	.files = {ORIGIN "[alias \"x\"]\n\tcommand = push --delete\n"},
	.want = {"push|origin|" GH "|main|d"}, NOCHECK),
    ROW(.name = "an alias's own -c applies",
	.argv = {"git", "up", "origin", "main"},
	.files = {ORIGIN "[alias]\n\tup = -c remote.origin.pushurl=/srv/evil "
			 "push\n"},
	.want = {"push|origin|/srv/evil|main|"},
	.not_want = {"push|origin|" GH "|main|"}, NOCHECK),
    ROW(.name = "an alias with -C makes git stop",
	.argv = {"git", "up", "origin", "main"},
	.files = {ORIGIN "[alias]\n\tup = -C /tmp push\n"},
	.want = {"up|-|-||"}, .not_want = {"push|origin|" GH "|main|"},
	.nev = 1, NOCHECK),
    ROW(.name = "an alias cannot shadow push",
	.argv = {"git", "push", "origin", "main"},
	.files = {ORIGIN "[alias]\n\tpush = status\n"},
	.want = {"push|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "an alias loop: git stops", .argv = {"git", "a"},
	.files = {"repo/.git/config=[alias]\n\ta = b\n"
		  "\tb = a\n"},
	/* no program git-a or git-b: the name where the loop closed is
	 * the reading left (git runs nothing) */
	.want = {"b|-|-||"}, NOCHECK),
    ROW(.name = "a shell alias is decided as what the shell runs",
	.argv = {"git", "sh", "x"},
	.files = {"repo/.git/config=[alias]\n\tsh = !git push --force\n"},
	.want = {"sh|-|-||!"}, NOCHECK),
    ROW(.name = "help.autocorrect runs the closest command",
	.argv = {"git", "-c", "help.autocorrect=1", "pusj", "--force", "origin",
		 "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main|f"}, NOCHECK),
    /* a builtin from git 2.44: git 2.39 guesses replace (its replay is
     * a reading too, for a newer git) */
    ROW(.name = "a builtin of newer git only is autocorrected by older ones",
	.argv = {"git", "-c", "help.autocorrect=1", "replay", "B", "A"},
	.want = {"replay|-|-||", "replace|-|-||"}, .nev = 2, NOCHECK),
    ROW(.name = "no autocorrect unless asked",
	.argv = {"git", "pusj", "--force", "origin", "main"}, .files = {ORIGIN},
	.want = {"pusj|-|-||"}, .nev = 1, NOCHECK),
    ROW(.name = "reset --har abbreviates --hard",
	.argv = {"git", "reset", "--har", "HEAD~3"},
	.want = {"reset|-|-|HEAD~3|f"}, .nev = 1, NOCHECK),
    /* whatever the work tree holds when policyd looks: git finds its work
     * tree later, and a symlink or directory swapped meanwhile is another
     * (a review of 2026-12-07 did so through GIT_TRACE2's FIFO) */
    ROW(.name = "reset --hard of an empty work tree with no index",
	.argv = {"git", "reset", "--hard"}, .want = {"reset|-|-|main|f"},
	.nev = 1, NOCHECK),
    ROW(.name = "branch -D", .argv = {"git", "branch", "-qD", "old"},
	.want = {"branch|-|-|old|fd"}, .nev = 1, NOCHECK),
    ROW(.name = "clean -fd", .argv = {"git", "clean", "-fd"},
	.want = {"clean|-|-||f"}, .nev = 1, NOCHECK),
    ROW(.name = "fetch reads url, not pushurl",
	.argv = {"git", "fetch", "--depth", "1", "origin", "main"},
	.files = {ORIGIN "\tpushurl = /srv/p\n"},
	.want = {"fetch|origin|" GH "|main|"}, .nev = 1, NOCHECK),
    ROW(.name = "clone", .argv = {"git", "clone", "-b", "dev", GH, "d"},
	.want = {"clone|origin|" GH "|dev|"}, .nev = 1, NOCHECK),
    ROW(.name = "commit -m with push words",
	.argv = {"git", "commit", "-m", "push --force origin main"},
	.want = {"commit|-|-||"}, .nev = 1, NOCHECK),
    ROW(.name = "an unknown global option: git stops, worst case",
	.argv = {"git", "--frobnicate", "push", "origin", "main"},
	.files = {ORIGIN}, .want = {"push|origin|" GH "|main,*|fd"},
	.helper = -1, .unsure = 1),
};

/* The config a new repository starts with: clone -c/--config (as
 * git_config_parse_parameter reads it), a template's config (init, clone:
 * --template, GIT_TEMPLATE_DIR, init.templateDir from protected config). */
#define TMPL "tmpl/config=[core]\n\tpager = touch /tmp/x\n"
#define CLONE_NR(...) .argv = {"git", "clone", __VA_ARGS__, GH, "d"}
static const struct row newrepo_rows[] = {
    ROW(.name = "clone -c, trimmed and folded",
	CLONE_NR("-c", " Core.Pager =less"), .keys = "core.pager", NOCHECK),
    ROW(.name = "clone -cKEY=VAL", CLONE_NR("-cAlias.x=!id"), .keys = "alias.x",
	NOCHECK),
    ROW(.name = "clone --config=, a subsection with dots",
	CLONE_NR("--config=Filter.A.b.Clean=x=y"), .keys = "filter.A.b.clean",
	NOCHECK),
    ROW(.name = "clone --con, the key alone",
	CLONE_NR("--con", "credential.helper"), .keys = "credential.helper",
	NOCHECK),
    ROW(.name = "clone --no-config empties the list so far",
	CLONE_NR("-c", "core.pager=x", "--no-config", "-c", "user.name=y"),
	.keys = "user.name", NOCHECK),
    ROW(.name = "clone -c, keys git refuses",
	CLONE_NR("-c", " =x", "-c", "nosection=1", "-c", "core.1x=1"),
	.keys = "-", NOCHECK),
    ROW(.name = "clone -c includeIf",
	CLONE_NR("-c", "includeIf.gitdir:/x/.path=/f"),
	.keys = "includeif.gitdir:/x/.path,include.path", NOCHECK),
    ROW(.name = "clone, an option git refuses: any key",
	CLONE_NR("--frob", "-c", "user.name=y"), .keys = "user.name,*",
	NOCHECK),
    ROW(.name = "clone --template with a config",
	CLONE_NR("--template=@T/tmpl"), .files = {TMPL}, .keys = "*", NOCHECK),
    ROW(.name = "clone --template relative, from the working directory",
	CLONE_NR("--template", "../tmpl"), .files = {TMPL}, .keys = "*",
	NOCHECK),
    ROW(.name = "clone --template without a config",
	CLONE_NR("--template=@T/tmpl"), .files = {"tmpl/hooks/x=#!/bin/sh\n"},
	.keys = "-", NOCHECK),
    ROW(.name = "clone --template= copies nothing", CLONE_NR("--template="),
	.env = {"GIT_TEMPLATE_DIR=@T/tmpl"}, .files = {TMPL}, .keys = "-",
	NOCHECK),
    ROW(.name = "clone --no-template: GIT_TEMPLATE_DIR",
	CLONE_NR("--template=", "--no-template"),
	.env = {"GIT_TEMPLATE_DIR=@T/tmpl"}, .files = {TMPL}, .keys = "*",
	NOCHECK),
    ROW(.name = "init --template", .argv = {"git", "init", "--templ=../tmpl"},
	.files = {TMPL}, .keys = "*", NOCHECK),
    ROW(.name = "init-db --template",
	.argv = {"git", "init-db", "--template", "@T/tmpl", "x"},
	.files = {TMPL}, .keys = "*", NOCHECK),
    ROW(.name = "init: a config that is a dangling symlink",
	.argv = {"git", "init", "--template=@T/tmpl"},
	.files = {"LINK:tmpl/config=nowhere"}, .keys = "*", NOCHECK),
    ROW(.name = "init: GIT_TEMPLATE_DIR", .argv = {"git", "init", "x"},
	.env = {"GIT_TEMPLATE_DIR=@T/tmpl"}, .files = {TMPL}, .keys = "*",
	NOCHECK),
    ROW(.name = "init: GIT_TEMPLATE_DIR relative (to the new directory)",
	.argv = {"git", "init", "x"}, .env = {"GIT_TEMPLATE_DIR=tmpl"},
	.keys = "*", NOCHECK),
    ROW(.name = "init: GIT_TEMPLATE_DIR empty wins over the config",
	.argv = {"git", "init", "x"}, .env = {"GIT_TEMPLATE_DIR="},
	.files = {TMPL, "home/.gitconfig=[init]\ntemplateDir = @T/tmpl\n"},
	.keys = "-", NOCHECK),
    ROW(.name = "init: init.templateDir ~/ in the global config",
	.argv = {"git", "init", "x"},
	.files = {"home/" TMPL,
		  "home/.gitconfig=[init]\ntemplateDir = ~/tmpl\n"},
	.keys = "*", NOCHECK),
    ROW(.name = "init: init.templateDir in the system config",
	.argv = {"git", "init", "x"},
	.files = {TMPL, "etc/gitconfig=[init]\ntemplateDir = @T/tmpl\n"},
	.keys = "*", NOCHECK),
    ROW(.name = "init: git -c init.templateDir",
	.argv = {"git", "-c", "init.templateDir=@T/tmpl", "init", "x"},
	.files = {TMPL}, .keys = "*", NOCHECK),
    ROW(.name = "init: the key alone resets init.templateDir",
	.argv = {"git", "-c", "init.templateDir", "init", "x"},
	.files = {TMPL, "home/.gitconfig=[init]\ntemplateDir = @T/tmpl\n"},
	.keys = "-", NOCHECK),
    ROW(.name = "init: a repository's init.templateDir is not read",
	.argv = {"git", "init", "x"},
	.files = {TMPL, "repo/.git/config=[init]\n\ttemplateDir = @T/tmpl\n"},
	.keys = "-", NOCHECK),
    ROW(.name = "init: init.templateDir ~nosuchuser/ (git dies)",
	.argv = {"git", "init", "x"},
	.files = {"home/.gitconfig=[init]\ntemplateDir = ~nosuchuser9/t\n"},
	.keys = "*", NOCHECK),
    ROW(.name = "init: git's own templates", .argv = {"git", "init", "x"},
	.keys = "-", .nev = 1, NOCHECK),
    ROW(.name = "init: an option git refuses", .argv = {"git", "init", "--x"},
	.keys = "*", NOCHECK),
};

#define RUN(tbl)                                                               \
	static void test_##tbl(void **state)                                   \
	{                                                                      \
		(void)state;                                                   \
		for (size_t i = 0; i < TG_ARRAY_SIZE(tbl); i++)                \
			run_row(&tbl[i], #tbl, i);                             \
	}

RUN(option_rows)
RUN(refspec_rows)
RUN(remote_rows)
RUN(config_rows)
RUN(repo_rows)
RUN(command_rows)
RUN(newrepo_rows)

/* git_op_decide: every event is decided, the strictest wins (a push to
 * two URLs is refused if one of them is). */
static void test_decide_strictest(void **state)
{
	(void)state;
	static const char pol[] =
	    "version: 1\n"
	    "settings: { default: allow }\n"
	    "rules:\n"
	    "  - { id: local, tier: 2, git: { command: push, remote: "
	    "['/**'] } }\n"
	    "  - { id: shared, tier: 3, git: { command: push, not_remote: "
	    "['/**'] } }\n"
	    "  - { id: force-main, action: deny, git: { command: push, "
	    "branch: [main], force: true } }\n"
	    "  - { id: no-origin, action: deny, git: { command: push, remote: "
	    "[origin] } }\n";
	struct policy_diags d = {0};
	struct policy *p = NULL;
	struct policy_vars v = {
	    .home = "/h", .user = "u", .pwd = "/w", .tmpdir = "/tmp"};
	assert_int_equal(
	    policy_load_buffer("t.yaml", pol, sizeof(pol) - 1, &v, &d, &p), 0);
	struct {
		const char *argv[8];
		const char *cfg;
		const char *rule;
	} cases[] = {
	    /* two push URLs, one shared: the shared one decides */
	    {{"git", "push", "backup", "topic"},
	     "[remote \"backup\"]\n\turl = /srv/b.git\n"
	     "\tpushurl = /srv/b.git\n\tpushurl = https://x.test/b\n",
	     "shared"},
	    /* only local ones */
	    {{"git", "push", "backup", "topic"},
	     "[remote \"backup\"]\n\turl = /srv/b.git\n",
	     "local"},
	    /* +topic is forced, main is not: no force to main */
	    {{"git", "push", "/srv/b.git", "+topic", "main"}, "", "local"},
	    /* +topic:main is */
	    {{"git", "push", "/srv/b.git", "+topic:main"}, "", "force-main"},
	    /* a URL equal to origin's is origin */
	    {{"git", "push", "/srv/o", "topic"},
	     "[remote \"origin\"]\n\turl = /srv/o.git\n",
	     "no-origin"},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(cases); i++) {
		snprintf(T, sizeof(T), "%s/decide%zu", tmp, i);
		char path[4096];
		snprintf(path, sizeof(path), "%s/repo/.git", T);
		make_repo(path, "main");
		snprintf(path, sizeof(path), "%s/repo/.git/config", T);
		write_file(path, cases[i].cfg);
		char cwd[4096], home[4096];
		snprintf(cwd, sizeof(cwd), "%s/repo", T);
		snprintf(home, sizeof(home), "HOME=%s", T);
		const char *env[] = {home, "GIT_CONFIG_NOSYSTEM=1"};
		struct git_ctx ctx = {
		    .root = "", .cwd = cwd, .env = env, .nenv = 2};
		size_t argc = 0;
		while (cases[i].argv[argc])
			argc++;
		struct git_op op;
		assert_int_equal(git_parse_op(cases[i].argv, argc, &ctx, &op),
				 0);
		struct policy_event ev = {.kind = POLICY_EV_GIT};
		struct policy_decision dec;
		size_t which = 99;
		git_op_decide(p, &ev, &op, &dec, &which);
		assert_true(which < op.nev);
		if (strcmp(dec.rule_id, cases[i].rule)) {
			dump("decide", &op);
			fail_msg("case %zu: %s, want %s", i, dec.rule_id,
				 cases[i].rule);
		}
		git_op_free(&op);
	}
	policy_free(p);
	policy_diags_free(&d);
}

/* git_parse (the one-event interface): the merge of the events. */
static void test_compat_merge(void **state)
{
	(void)state;
	const char *argv[] = {"git", "push", "origin", "+a:main", "b"};
	struct git_event g;
	assert_int_equal(git_parse(argv, 5, "/nonexistent", NULL, &g), 0);
	assert_string_equal(g.command, "push");
	assert_null(g.remote); /* no such remote: git reads it as a path */
	assert_string_equal(g.remote_url, "origin");
	assert_int_equal(g.nbranches, 2);
	assert_true(g.force);
	assert_int_equal(g.nargs, 3);
	git_event_free(&g);
}

/* git config: the keys it writes, as git 2.39's builtin/config.c reads
 * its command line ("-": none; "SECTION.*" every key of a section; "*"
 * any key). */
static void test_config_writes(void **state)
{
	(void)state;
	static const struct {
		const char *argv[8];
		const char *keys;
	} c[] = {
	    /* git folds section and name, keeps the subsection */
	    {{"git", "config", "CORE.HOOKSPATH", "/tmp/x"}, "core.hookspath"},
	    {{"git", "config", "core.sshcommand", "x"}, "core.sshcommand"},
	    {{"git", "config", "Credential.Helper", "!sh -c id"},
	     "credential.helper"},
	    {{"git", "config", "Credential.HTTPS://X.Helper", "h"},
	     "credential.HTTPS://X.helper"},
	    {{"git", "config", "Core.FSMonitor", "x", "re"}, "core.fsmonitor"},
	    {{"git", "config", "--add", "foo.hooksPath", "X"}, "foo.hookspath"},
	    {{"git", "config", "--replace-all", "core.hooksPath", "X"},
	     "core.hookspath"},
	    {{"git", "config", "--unset-all", "Core.HooksPath"},
	     "core.hookspath"},
	    {{"git", "config", "--file", "f", "-z", "--type=path",
	      "core.hooksPath", "x"},
	     "core.hookspath"},
	    /* options stop at the first non-option: a value */
	    {{"git", "config", "core.hooksPath", "--unset"}, "core.hookspath"},
	    /* a section: both names of a rename, new name checked */
	    {{"git", "config", "--rename-section", "foo", "CORE"},
	     "core.*,foo.*"},
	    {{"git", "config", "--rename", "foo", "Remote.Or"},
	     "remote.Or.*,foo.*"},
	    {{"git", "config", "--rename-section", "foo", "c_re"}, "-"},
	    {{"git", "config", "--remove-section", "Core"}, "core.*"},
	    /* includes */
	    {{"git", "config", "include.path", "f"}, "include.path"},
	    {{"git", "config", "includeIf.gitdir:/.path", "f"},
	     "includeif.gitdir:/.path,include.path"},
	    {{"git", "config", "--rename-section", "x", "includeIf.gitdir:/"},
	     "includeif.gitdir:/.*,include.*,x.*"},
	    /* the editor: anything */
	    {{"git", "config", "-e"}, "*"},
	    {{"git", "config", "--global", "--edit"}, "*"},
	    {{"git", "config", "--ed"}, "*"},
	    /* an option git refuses: the worst */
	    {{"git", "config", "--bogus", "core.x", "y"}, "*"},
	    /* reads, refusals, no-ops */
	    {{"git", "config", "core.hooksPath"}, "-"},
	    {{"git", "config", "--get", "core.hooksPath", "x"}, "-"},
	    {{"git", "config", "--get-all", "core.hooksPath"}, "-"},
	    {{"git", "config", "-l"}, "-"},
	    {{"git", "config", "--get-regexp", "core"}, "-"},
	    {{"git", "config", "--add", "--get", "core.hooksPath", "x"}, "-"},
	    {{"git", "config", "--add", "--no-add", "core.hooksPath"}, "-"},
	    {{"git", "config", "--no-edit", "core.hooksPath", "x"},
	     "core.hookspath"},
	    {{"git", "config", "hookspath", "x"}, "-"},
	    {{"git", "config", "core.1x", "x"}, "-"},
	    {{"git", "config", "a", "b", "c", "d"}, "-"},
	    /* git 2.46's subcommands (git 2.39 refuses the key "set") */
	    {{"git", "config", "set", "--global", "CORE.hooksPath", "x"},
	     "core.hookspath"},
	    {{"git", "config", "unset", "--all", "Credential.helper"},
	     "credential.helper"},
	    {{"git", "config", "rename-section", "foo", "Core"},
	     "foo.*,core.*"},
	    {{"git", "config", "edit", "--global"}, "*"},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(c); i++) {
		size_t n = 0;
		while (n < 8 && c[i].argv[n])
			n++;
		struct git_ctx ctx = {.cwd = "/nonexistent", .no_files = true};
		struct git_op op;
		assert_int_equal(git_parse_op(c[i].argv, n, &ctx, &op), 0);
		struct strbuf b = {0};
		for (size_t e = 0; e < op.nev; e++)
			if (!strcmp(op.ev[e].command, "config"))
				keys_of(&op.ev[e], &b);
		const char *got = b.s ? b.s : "-";
		if (strcmp(got, c[i].keys))
			fail_msg("case %zu (%s): %s, not %s", i, c[i].argv[2],
				 got, c[i].keys);
		strbuf_free(&b);
		git_op_free(&op);
	}
}

static void test_url_equal(void **state)
{
	(void)state;
	assert_true(git_url_equal("https://github.com/acme/app.git",
				  "git@github.com:acme/app", "/"));
	assert_true(git_url_equal("https://github.com/acme/app.git",
				  "https://github.com/acme/app.git/", "/"));
	assert_true(git_url_equal("file:///srv/x.git", "/srv/x", "/"));
	assert_true(git_url_equal("../x.git", "/w/x", "/w/repo"));
	assert_false(git_url_equal("https://github.com/acme/app",
				   "https://github.com/acme/other", "/"));
	assert_false(git_url_equal("/srv/x", "x:/srv/x", "/"));
	char buf[200];
	struct git_event e = {.command = "push",
			      .remote = "origin",
			      .all_branches = true,
			      .force = true};
	git_event_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "push remote=origin url=- branches=* "
				 "force=yes delete=no");
}

/* wildmatch as includeIf uses it */
static void test_wildmatch(void **state)
{
	(void)state;
	const unsigned P = GITWILD_PATHNAME;
	struct {
		const char *pat, *text;
		unsigned flags;
		int want;
	} c[] = {
	    {"**/repo/**", "/home/u/repo/.git", P, 1},
	    {"/home/*/.git", "/home/u/.git", P, 1},
	    {"/home/*/.git", "/home/u/v/.git", P, 0},
	    {"/home/**/.git", "/home/.git", P, 1},
	    {"/home/**", "/home/a/b", P, 1},
	    {"/home/a**", "/home/ab/c", P, 0},
	    {"feat/**", "feat/x/y", P, 1},
	    {"feat/*", "feat/x/y", P, 0},
	    {"ma?n", "main", P, 1},
	    {"[a-c]x", "bx", P, 1},
	    {"[!a-c]x", "bx", P, 0},
	    {"[[:upper:]]X", "AX", P, 1},
	    {"/Home/**", "/home/x", P | GITWILD_CASEFOLD, 1},
	    {"/Home/**", "/home/x", P, 0},
	    {"a\\*b", "a*b", P, 1},
	    {"a\\*b", "axb", P, 0},
	    {"https://github.com/**", "https://github.com/a/b", P, 1},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(c); i++)
		if (gitwild_match(c[i].pat, c[i].text, c[i].flags) != c[i].want)
			fail_msg("%s ~ %s", c[i].pat, c[i].text);
	/* hostile: long patterns are refused, many stars stay fast */
	char pat[2048], text[600];
	memset(pat, '*', sizeof(pat) - 1);
	pat[sizeof(pat) - 1] = '\0';
	assert_int_equal(gitwild_match(pat, "x", P), -1);
	for (size_t i = 0; i < 300; i += 2) {
		pat[i] = '*';
		pat[i + 1] = 'a';
	}
	pat[300] = 'b';
	pat[301] = '\0';
	memset(text, 'a', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(gitwild_match(pat, text, 0), 0);
}

/* parse-options: abbreviations, negations, bundles, values */
static void test_options(void **state)
{
	(void)state;
	const struct gitopt *t = gitopt_table("push");
	struct {
		const char *args[6];
		int ids[4]; /* GO_ID_MAX ends */
		bool unset0, error, help;
		size_t nargs;
	} c[] = {
	    {{"--del", "o", "x"},
	     {GO_DELETE, GO_ID_MAX},
	     false,
	     false,
	     false,
	     2},
	    {{"--no-del", "o"}, {GO_DELETE, GO_ID_MAX}, true, false, false, 1},
	    {{"--fo"}, {GO_ID_MAX}, false, true, false, 0},
	    {{"-dfq"},
	     {GO_DELETE, GO_FORCE, GO_IGNORE, GO_ID_MAX},
	     false,
	     false,
	     false,
	     0},
	    {{"-o"}, {GO_ID_MAX}, false, true, false, 0},
	    {{"--repo", "r", "x"},
	     {GO_REPO, GO_ID_MAX},
	     false,
	     false,
	     false,
	     1},
	    {{"--force-with-lease", "o"},
	     {GO_FORCE_LEASE, GO_ID_MAX},
	     false,
	     false,
	     false,
	     1},
	    {{"--force=x"}, {GO_ID_MAX}, false, true, false, 0},
	    {{"--no-ipv4"}, {GO_ID_MAX}, false, true, false, 0},
	    {{"--verify"}, {GO_IGNORE, GO_ID_MAX}, true, false, false, 0},
	    {{"-fh"}, {GO_FORCE, GO_ID_MAX}, false, false, true, 0},
	    {{"--end-of-options", "--force"},
	     {GO_ID_MAX},
	     false,
	     false,
	     false,
	     1},
	};
	for (size_t i = 0; i < TG_ARRAY_SIZE(c); i++) {
		size_t n = 0;
		while (n < 6 && c[i].args[n])
			n++;
		struct gitopt_result r;
		assert_int_equal(gitopt_parse(t, c[i].args, n, 0, &r), 0);
		size_t k = 0;
		for (; c[i].ids[k] != GO_ID_MAX; k++) {
			if (k >= r.nhits || r.hits[k].id != c[i].ids[k])
				fail_msg("case %zu: option %zu", i, k);
		}
		if (k != r.nhits)
			fail_msg("case %zu: %zu options", i, r.nhits);
		if (k && r.hits[0].unset != c[i].unset0)
			fail_msg("case %zu: unset", i);
		if (r.error != c[i].error || r.help != c[i].help ||
		    r.nargs != c[i].nargs)
			fail_msg("case %zu: error %d help %d nargs %zu", i,
				 r.error, r.help, r.nargs);
		gitopt_result_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_option_rows),
	    cmocka_unit_test(test_refspec_rows),
	    cmocka_unit_test(test_remote_rows),
	    cmocka_unit_test(test_config_rows),
	    cmocka_unit_test(test_repo_rows),
	    cmocka_unit_test(test_command_rows),
	    cmocka_unit_test(test_newrepo_rows),
	    cmocka_unit_test(test_decide_strictest),
	    cmocka_unit_test(test_compat_merge),
	    cmocka_unit_test(test_config_writes),
	    cmocka_unit_test(test_wildmatch),
	    cmocka_unit_test(test_url_equal),
	    cmocka_unit_test(test_options),
	};
	return cmocka_run_group_tests(tests, tmp_make, tmp_remove);
}
