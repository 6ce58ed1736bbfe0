/* SPDX-License-Identifier: MIT */
/*
 * gitint: what the git*.c files of the engine share (not for other modules;
 * gitparse.h is the interface). The layers, each using only those above it:
 *
 *   gitfs.c      files as the caller sees them (root, size caps, no FIFOs)
 *   gitwild.c    git's wildmatch (includeIf conditions)
 *   gitconfig.c  config files, includes and command-line config, as git
 *                reads them (config.c)
 *   gitrepo.c    finding the repository (setup.c), HEAD, local refs, the
 *                legacy remotes/ and branches/ files
 *   gitopt.c     git's parse-options, with the option tables of the
 *                commands tiergate looks into
 *   gitpush.c    what a push sends where: remotes, URLs, refspecs
 *   gitcfgset.c  which config keys `git config` writes
 *   gitnewrepo.c which keys a new repository starts with (clone -c, a
 *                template's config)
 *   gitparse.c   argv to a struct git_op: global options, aliases, the
 *                command, then gitpush for everything that updates a remote
 */
#ifndef TIERGATE_GITINT_H
#define TIERGATE_GITINT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "gitparse.h"
#include "util.h"

/* git's isspace (ctype.c's sane_ctype): space, tab, newline, carriage
 * return. Not the C library's, which adds vertical tab and form feed:
 * every blank git skips or splits on in what policyd reads as git reads
 * it (config values, GIT_CONFIG_PARAMETERS, aliases, HEAD, the remotes/
 * and branches/ files, wildmatch's [:space:]) is this one. */
static inline bool git_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Caps on what the caller controls. Beyond one of them the operation is
 * "unsure" and decided as the worst case (see struct git_op). */
#define GIT_FILE_MAX (1u << 20)		/* one config or ref file */
#define GIT_CFG_BYTES_MAX (1u << 20)	/* all config files of one load */
#define GIT_CFG_ENTRIES_MAX 20000	/* config entries of one load */
#define GIT_CFG_FILES_MAX 32		/* config files of one load */
#define GIT_INCLUDE_DEPTH_MAX 10	/* git's own MAX_INCLUDE_DEPTH */
#define GIT_CFG_COUNT_MAX 1000		/* GIT_CONFIG_COUNT */
#define GIT_ALIAS_STEPS_MAX 32		/* alias expansions of one command */
#define GIT_READINGS_MAX 16		/* alternative readings of argv */
#define GIT_URLS_MAX 16			/* url / pushurl values per remote */
#define GIT_REFSPECS_MAX 256		/* refspecs of one push */
#define GIT_REMOTES_MAX 64		/* remotes compared by URL */
#define GIT_KNOWN_URLS_MAX 128		/* their URLs, in all */
#define GIT_PACKED_REFS_MAX (64u << 20) /* packed-refs scanned */
#define GIT_SYMREF_DEPTH_MAX 5		/* git's SYMREF_MAXDEPTH */
#define GIT_WITNESS_MAX 256		/* paths one witness keeps (gitwit.h) */

/* ------------------------------------------------------------ gitfs.c */

/* The caller's view of the file system and its environment. */
struct gitfs {
	const char *root;	     /* "" or "/proc/PID/root" */
	int rootfd;		     /* O_PATH descriptor of root, or -1 */
	char root_name[TG_PATH_MAX]; /* root's path for policyd, "" for "/" */
	bool root_foreign;	     /* root has no name for policyd */
	const char *const *env;
	size_t nenv;
	bool have_env;	  /* env is the caller's (else: none, home below) */
	const char *home; /* HOME when !have_env */
	/* what gitfs_read found, by path, for this decision (git's own
	 * discovery reads HEAD, config and the global files several times:
	 * each read is 6 system calls); NULL: no memory for it */
	struct gitfs_memo *memo;
	/* every lookup noted here (struct git_ctx's wit), or NULL */
	struct git_witness *wit;
};

int gitfs_open(struct gitfs *fs, const struct git_ctx *ctx);
void gitfs_close(struct gitfs *fs);
/* path looked up in the caller's view (O_PATH, the last component's
 * symlink not followed with nofollow) and its fstat in *ret: 0 or -errno.
 * The witness's own lookup: noted nowhere. */
int gitfs_probe(const struct gitfs *fs, const char *path, bool nofollow,
		struct stat *ret);
/* The witness (gitwit.h) of one decision's lookups: gitfs notes them,
 * gitwit.c checks them */
struct git_witness {
	size_t n, cap;
	bool full;
	struct git_witness_path {
		char *path;
		bool nofollow;
		int r; /* 0, or the lookup's -errno */
		struct stat st;
	} * v; /* grown as paths come, up to GIT_WITNESS_MAX */
};

/* The value of NAME in the caller's environment, or NULL. */
const char *gitfs_getenv(const struct gitfs *fs, const char *name);
/* Reads the regular file path (absolute, in the caller's view) whole, at
 * most max bytes: 0 and a malloc'd NUL-terminated *ret (len in *ret_len),
 * the same (a copy) when read again before gitfs_close: one decision sees
 * one content of each file,
 * -ENOENT/-ENOTDIR when it is not there, -EFBIG when larger, -EISDIR,
 * -EINVAL (not a regular file), other -errno. Never blocks on a FIFO. */
int gitfs_read(const struct gitfs *fs, const char *path, size_t max, char **ret,
	       size_t *ret_len);
/* Calls cb on each line of path (no newline, NUL-terminated) until it
 * returns non-zero (which is returned); at most max bytes are read:
 * -EFBIG beyond. -errno as gitfs_read. */
int gitfs_lines(const struct gitfs *fs, const char *path, size_t max,
		int (*cb)(void *ud, char *line), void *ud);
/* The first bufsz - 1 bytes of a regular file, NUL-terminated: the
 * length, or -errno. */
int gitfs_read_prefix(const struct gitfs *fs, const char *path, char *buf,
		      size_t bufsz);
/* readlink in the caller's view: the length (buf NUL-terminated), -EINVAL
 * when path is not a symlink, or -errno. */
long gitfs_readlink(const struct gitfs *fs, const char *path, char *buf,
		    size_t bufsz);
/* stat (follow) / lstat of path in the caller's view: 0 or -errno. */
int gitfs_stat(const struct gitfs *fs, const char *path, bool follow,
	       struct stat *ret);
/* access(path, mode) with the current (file-system) credentials. */
int gitfs_access(const struct gitfs *fs, const char *path, int mode);
/* Symlinks resolved (in the caller's view) and the result normalised;
 * a missing tail is kept as it is. 0 or -errno. */
int gitfs_realpath(const struct gitfs *fs, const char *path, char *out,
		   size_t outsz);

/* ------------------------------------------------------------ gitwild.c */

#define GITWILD_PATHNAME 1u /* '*' and '?' do not match '/' */
#define GITWILD_CASEFOLD 2u
#define GITWILD_PATTERN_MAX 1024
/* git's wildmatch(): 1 when text matches pattern, 0 when not, -1 when the
 * pattern is longer than GITWILD_PATTERN_MAX (or memory ran out). */
int gitwild_match(const char *pattern, const char *text, unsigned flags);

/* ------------------------------------------------------------ gitrepo.c */

enum gitrepo_head {
	GITREPO_HEAD_UNKNOWN, /* unreadable, reftable, a symref loop */
	GITREPO_HEAD_BRANCH,  /* head_ref is refs/heads/NAME */
	GITREPO_HEAD_DETACHED,
	GITREPO_HEAD_MAX,
};

struct gitrepo {
	bool found;
	char gitdir[TG_PATH_MAX];    /* absolute, the caller's view */
	char commondir[TG_PATH_MAX]; /* differs for a linked worktree */
	bool worktree_config;	     /* extensions.worktreeConfig */
	bool reftable;		     /* refs not in files: not read */
	enum gitrepo_head head;
	char head_ref[TG_PATH_MAX];    /* HEAD fully resolved */
	bool unsure;		       /* discovery met something odd */
	struct gitrepo_packed *packed; /* packed-refs, read once */
};

/* packed-refs as read once per parse */
struct gitrepo_packed {
	char *text; /* NULL: too large to keep (scanned each time) */
	size_t len;
	int err; /* 0, -ENOENT (none), -EFBIG, other -errno */
};

/* Finds the repository git would use from cwd (absolute, after -C) with
 * the caller's GIT_DIR, GIT_COMMON_DIR, GIT_WORK_TREE and
 * GIT_CEILING_DIRECTORIES, as setup.c does; git_dir_opt is --git-dir (NULL:
 * none). Always fills *ret (found false when there is none). */
void gitrepo_discover(const struct gitfs *fs, const char *cwd,
		      const char *git_dir_opt, struct gitrepo *ret);
void gitrepo_free(struct gitrepo *r);

enum gitref_res {
	GITREF_MISSING,
	GITREF_FOUND,	/* *ret is the name the ref resolves to */
	GITREF_UNKNOWN, /* refs could not be read */
	GITREF_MAX,
};
/* Resolves the full ref name (refs/..., HEAD) through symrefs: out gets
 * the final name (which may not exist: an unborn branch); *ret_null (may
 * be NULL) whether it holds the null object name (gitrepo_null_oid). */
enum gitref_res gitrepo_resolve_ref(const struct gitfs *fs,
				    const struct gitrepo *r, const char *name,
				    char *out, size_t outsz, bool *ret_null);
/* Is s (len bytes) the null object name: 40 or 64 zeros? */
bool gitrepo_null_oid(const char *s, size_t len);

/* One remote read from $GIT_DIR/remotes/NAME or $GIT_DIR/branches/NAME. */
struct gitrepo_legacy {
	char **url; /* in file order */
	size_t nurl;
	char **push; /* push refspecs */
	size_t npush;
};
/* 1 (filled; free with gitrepo_legacy_free), 0 (no such file), -errno. */
int gitrepo_legacy_remote(const struct gitfs *fs, const struct gitrepo *r,
			  const char *name, const char *default_branch,
			  struct gitrepo_legacy *ret);
void gitrepo_legacy_free(struct gitrepo_legacy *l);

/* ------------------------------------------------------------ gitconfig.c */

enum gitcfg_scope {
	GITCFG_SYSTEM,
	GITCFG_GLOBAL,
	GITCFG_LOCAL,
	GITCFG_WORKTREE,
	GITCFG_COMMAND,
	GITCFG_SCOPE_MAX,
};

struct gitcfg_entry {
	char *key;   /* canonical: section and name lower case */
	char *value; /* NULL: the key alone ("[core] bare", "-c x.y") */
	enum gitcfg_scope scope;
};

/* The config git sees, in the order it reads it (last one wins for single
 * values; multi-valued keys in this order). */
struct gitcfg {
	struct gitcfg_entry *v;
	size_t n, cap;
	size_t bytes, files;
	bool unsure; /* git would fail, or a cap was reached */
	char why[128];
};

/* Command-line config (-c, --config-env), in argv order, as "key=value"
 * texts (git's own form: the first '=' splits; none: the key alone). */
struct gitcfg_cmdline {
	char **v;
	size_t n;
};

/* Loads every config source for the caller: system, global, the
 * repository's (r may be NULL or not found), the worktree's, then
 * GIT_CONFIG_COUNT/KEY/VALUE, GIT_CONFIG_PARAMETERS and cmdline, following
 * include.path and includeIf. early: what git's read_early_config sees
 * (its alias and help.autocorrect lookups, made before the repository is
 * set up): includeIf "onbranch:" false and no config.worktree. Failures
 * set c->unsure; -ENOMEM only. */
int gitcfg_load(struct gitcfg *c, const struct gitfs *fs,
		const struct gitrepo *r, const struct gitcfg_cmdline *cmdline,
		bool early);
void gitcfg_free(struct gitcfg *c);
/* gitcfgtext.c. Calls fn for each entry of a config text as
 * git_parse_source does: 0; -1 on a bad line (git dies), fn's negative
 * result as it is. */
typedef int (*gitcfg_entry_fn)(void *ud, const char *key, const char *value);
int gitcfg_parse_cb(const char *text, size_t len, gitcfg_entry_fn fn, void *ud);
/* Appends an entry (0, or -ENOMEM; past GIT_CFG_ENTRIES_MAX: unsure). */
int gitcfg_add(struct gitcfg *c, const char *key, const char *value,
	       enum gitcfg_scope scope);
/* git's git_env_bool: unset -> def; 1/0/-1 (-1: not a boolean). */
int gitcfg_env_bool(const struct gitfs *fs, const char *name, int def);
/* Parses one config file text without includes (for the repository
 * format); entries appended to c. 0, or -EINVAL (a bad line; the entries
 * before it stay). */
int gitcfg_parse_text(struct gitcfg *c, const char *text, size_t len,
		      enum gitcfg_scope scope);
/* The last value of key: true when set (*ret_value may then be NULL: the
 * key alone). key must be canonical. */
bool gitcfg_last(const struct gitcfg *c, const char *key,
		 const char **ret_value);
/* git_parse_maybe_bool_text: 1, 0, or -1 (not a boolean). NULL is true. */
int gitcfg_bool_text(const char *v);
/* Canonical form of a key written by a user ("Remote.origin.URL" ->
 * "remote.origin.url"); false when git refuses the key. */
bool gitcfg_canon_key(const char *key, size_t len, char *out, size_t outsz);
void gitcfg_set_unsure(struct gitcfg *c, const char *why);
/* git's interpolate_path in the caller's view: "~/" (HOME; real_home: its
 * real path), "~user/" (the caller's /etc/passwd), "%(prefix)/" (/usr);
 * other paths copied. A malloc'd path, or NULL when it cannot be expanded
 * (no HOME, no such user, out of memory: git reports an error). */
char *gitcfg_interpolate_path(const struct gitfs *fs, const char *path,
			      bool real_home);

/* ------------------------------------------------------------ gitopt.c */

enum gitopt_kind {
	GITOPT_FLAG,   /* takes no value; --no-X unsets */
	GITOPT_VALUE,  /* needs a value: --x=V, --x V, -xV, -x V */
	GITOPT_OPTARG, /* optional value, attached only: --x or --x=V */
	GITOPT_KIND_MAX,
};

struct gitopt {
	char short_name; /* 0: none */
	const char *long_name;
	enum gitopt_kind kind;
	bool noneg; /* --no-X is not accepted */
	int id;	    /* what the command does with it */
};

/* One option as parsed: its id, whether it was negated, and its value
 * (NULL when none). */
struct gitopt_hit {
	int id;
	bool unset;
	const char *value;
};

struct gitopt_result {
	struct gitopt_hit *hits; /* in argv order */
	size_t nhits;
	const char **args; /* the non-option arguments, in order */
	size_t nargs;
	bool help;  /* -h, --help, --help-all: git prints usage, no action */
	bool error; /* unknown or ambiguous option, missing value */
};

#define GITOPT_STOP_AT_NON_OPTION 1u /* PARSE_OPT_STOP_AT_NON_OPTION */

/* Parses args as parse_options(..., flags) does with table (terminated
 * by an entry with no names): options anywhere (with
 * GITOPT_STOP_AT_NON_OPTION: up to the first non-option), "--" and
 * "--end-of-options" end them, unique abbreviations of long options,
 * bundled short options, --no-X. The strings in *ret point into args.
 * 0 or -ENOMEM. */
int gitopt_parse(const struct gitopt *table, const char *const *args,
		 size_t nargs, unsigned flags, struct gitopt_result *ret);
void gitopt_result_free(struct gitopt_result *r);
/* The option table of a command tiergate looks into, or NULL. */
const struct gitopt *gitopt_table(const char *command);

/* Option ids (gitopt.c tables, read by gitpush.c and gitparse.c). */
enum {
	GO_IGNORE,
	GO_REPO,
	GO_ALL,
	GO_MIRROR,
	GO_DELETE,
	GO_TAGS,
	GO_FORCE,
	GO_FORCE_LEASE,
	GO_FORCE_INCLUDES,
	GO_PRUNE,
	GO_STDIN,
	GO_STATELESS,
	GO_HELPER_STATUS,
	GO_REMOTE,
	GO_MULTIPLE,
	GO_BRANCH,
	GO_HARD,
	GO_FORCE_DELETE, /* branch -D */
	GO_FORCE_MOVE,	 /* branch -M / -C */
	GO_FORCE_CREATE, /* checkout -B, switch -C */
	GO_DRY_RUN,
	/* git config's actions (ACTION_*) */
	GO_CFG_GET,
	GO_CFG_GET_ALL,
	GO_CFG_GET_REGEXP,
	GO_CFG_GET_URLMATCH,
	GO_CFG_REPLACE_ALL,
	GO_CFG_ADD,
	GO_CFG_UNSET,
	GO_CFG_UNSET_ALL,
	GO_CFG_RENAME_SECTION,
	GO_CFG_REMOVE_SECTION,
	GO_CFG_LIST,
	GO_CFG_EDIT,
	GO_CFG_GET_COLOR,
	GO_CFG_GET_COLORBOOL,
	GO_NEWREPO_CONFIG, /* clone -c/--config KEY=VALUE */
	GO_TEMPLATE,	   /* clone, init --template DIR */
	GO_ID_MAX,
};

/* ------------------------------------------------- gitevs.c, gitpush.c */

/* What gitparse hands on to describe one reading of the command line. */
struct gitread {
	const struct gitfs *fs;
	const struct gitrepo *repo;
	const struct gitcfg *cfg;
	const char *cwd;	 /* after -C */
	const char *command;	 /* the builtin (push, send-pack, fetch...) */
	const char *const *args; /* after the command */
	size_t nargs;
};

/* Events under construction. */
struct gitevs {
	struct git_event *v;
	size_t n, cap;
	/* the argument lists the events point to (one per reading of the
	 * command line), NULL-terminated, owned here */
	char ***sets;
	size_t nsets, capsets;
	bool oom;
	bool unsure;
	char why[128];
};

/* gitevs.c */
void gitevs_unsure(struct gitevs *e, const char *why);
/* A new event for command (zeroed otherwise); NULL on OOM (e->oom). */
struct git_event *gitevs_add(struct gitevs *e, const char *command);
/* Appends name to ev's branches unless there (e->oom on failure). */
void gitevs_branch(struct gitevs *e, struct git_event *ev, const char *name);
/* Appends a copy of s to the NULL-terminated list *v of *n unless there
 * (e->oom on failure). */
void gitevs_strv(struct gitevs *e, char ***v, size_t *n, const char *s);
/* *field = a copy of value (NULL allowed); false on OOM. */
bool gitevs_set(struct gitevs *e, char **field, const char *value);
/* Gives the events from index `from` on a copy of args (their args). */
void gitevs_args(struct gitevs *e, size_t from, const char *const *args,
		 size_t nargs);
/* A command's options parsed (gitopt_parse with table and flags over
 * rd's arguments) for its events: 0, *o to be freed by the caller; 1 when
 * git would only print the usage (o freed: the caller's event is "help");
 * -1 out of memory (out->oom set). */
int gitevs_opts(struct gitevs *out, const struct gitopt *table,
		const struct gitread *rd, unsigned flags,
		struct gitopt_result *o);
void gitevs_event_free(struct git_event *ev);
void gitevs_free(struct gitevs *e);

/* A push (push, send-pack, http-push, remote helpers) into events. */
void gitpush_events(const struct gitread *rd, struct gitevs *out);
/* gitcfgset.c: git config: the keys it writes (git_event.config_*), as
 * builtin/config.c of git 2.39 reads its command line: one event. */
void gitcfgset_events(const struct gitread *rd, struct gitevs *out);
/* Names key (as a user wrote it) among the keys ev writes, canonical
 * (git_config_parse_key; none when git refuses it), with include.path for
 * an includeIf.COND.path. */
void gitcfgset_add_key(struct gitevs *out, struct git_event *ev,
		       const char *key);
/* gitnewrepo.c: the config a new repository starts with. clone: its
 * -c/--config keys and its template's config, from the options o parsed
 * with clone's table (into ev). init, init-db: one event, the template's
 * config. A template directory holding a config file writes keys
 * policyd cannot name (config_any). */
void gitnewrepo_clone(const struct gitread *rd, const struct gitopt_result *o,
		      struct gitevs *out, struct git_event *ev);
void gitnewrepo_init_events(const struct gitread *rd, struct gitevs *out);
/* gitlocal.c: fetch, pull, ls-remote, clone (the remote and its URL)
 * and the commands that change local refs or the work tree (reset,
 * branch, tag, checkout, switch, clean, rebase, merge): one event. */
void gitlocal_events(const struct gitread *rd, struct gitevs *out);


/* gitcmds.c: git.c's builtin commands; the deprecated ones an alias may
 * override; whether a program git-NAME could run for name (git's exec
 * path, then PATH: the exec's own, else the usual directories; true when
 * unsure) */
bool gitcmd_builtin(const char *name);
/* the builtins by index, for autocorrect: 0 .. gitcmd_nbuiltins() - 1 */
size_t gitcmd_nbuiltins(void);
const char *gitcmd_builtin_at(size_t i);
/* gitparse.c: the global options without a value that only change
 * git's environment (global_opt), for gitlazy.c to read them alike */
extern const char *const gitparse_env_flags[];
extern const size_t gitparse_nenv_flags;
/* name's index among them, or -1 when it is no builtin */
int gitcmd_builtin_index(const char *name);
bool gitcmd_deprecated(const char *name);
/* a builtin of some of the git versions tiergate reads as only: in the
 * others an alias, a program or an autocorrection answers for the name */
bool gitcmd_some_versions(const char *name);
bool gitcmd_program_may_exist(const struct gitfs *fs, const struct git_ctx *ctx,
			      const char *cmd);

#endif
