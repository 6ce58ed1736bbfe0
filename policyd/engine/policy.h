/* SPDX-License-Identifier: MIT */
/*
 * policy: the tier-policy engine (load, validate, decide).
 *
 * Lifecycle: policy_load() compiles a YAML policy (and its includes) for one
 * set of variables (a session's HOME, USER, PWD, TMPDIR) -> policy_decide()
 * any number of times from any thread (a loaded policy is immutable) ->
 * policy_free().
 *
 * Decisions: every rule whose matcher matches the event is a candidate; the
 * strictest action wins (deny > prompt > log > allow) and, among the
 * strictest, the first rule in file order (includes come before the file
 * that includes them). No candidate: settings.default.
 */
#ifndef TIERGATE_POLICY_H
#define TIERGATE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

enum policy_action {
	POLICY_ALLOW,
	POLICY_LOG,
	POLICY_PROMPT,
	POLICY_DENY,
	POLICY_ACTION_MAX,
};

enum policy_kind {
	POLICY_EV_EXEC,
	POLICY_EV_OPEN,
	POLICY_EV_CONNECT,
	POLICY_EV_GIT,
	POLICY_EV_MAX,
};

enum policy_access {
	POLICY_ACC_READ = 1u << 0,
	POLICY_ACC_WRITE = 1u << 1,
	POLICY_ACC_CREATE = 1u << 2,
	POLICY_ACC_DELETE = 1u << 3,
	POLICY_ACC_EXEC = 1u << 4,
	POLICY_ACC_ALL = (1u << 5) - 1,
};

enum policy_proto {
	POLICY_PROTO_ANY,
	POLICY_PROTO_TCP,
	POLICY_PROTO_UDP,
	POLICY_PROTO_MAX,
};

enum policy_fail {
	POLICY_FAIL_CLOSED,
	POLICY_FAIL_OPEN,
	POLICY_FAIL_MAX,
};

/* What policyd does when an exec caller could rewrite argv after it was
 * read (several threads, or argv in shared writable memory). */
enum policy_exec_race {
	POLICY_RACE_REFUSE, /* argv-dependent allows become refusals */
	POLICY_RACE_VERIFY, /* allow, re-check /proc/PID/cmdline, kill on
			       mismatch */
	POLICY_RACE_IGNORE, /* trust argv (documented residual risk) */
	POLICY_RACE_MAX,
};

/* Hard caps on what a policy may contain. */
#define POLICY_MAX_RULES 10000
#define POLICY_MAX_INCLUDE_DEPTH 16
#define POLICY_MAX_FILES 256
#define POLICY_MAX_PATTERNS 4096 /* per field */
#define POLICY_MAX_DIAGS 200

/* A parsed git invocation (see gitparse.h for how it is produced). */
struct git_event {
	char *command;	  /* subcommand after alias expansion */
	char *remote;	  /* remote name, or NULL when a URL was given */
	char *remote_url; /* resolved URL or path, NULL when unknown */
	char **branches;  /* target branches (push, fetch, pull, reset, ...) */
	size_t nbranches;
	char **args; /* arguments after the subcommand */
	size_t nargs;
	bool force;	   /* --force, +refspec, --mirror, -D, --hard ... */
	bool delete_refs;  /* --delete, :refspec, --prune, branch -d */
	bool all_branches; /* --all, --mirror, or the branch is unknown */
	bool shell_alias;  /* alias starting with '!' */
	/* git config: the keys it writes (sets, adds, replaces, unsets), in
	 * git's canonical form: section and name lower case, subsection as
	 * written ("core.hookspath", "remote.Origin.url"); an includeIf.*.path
	 * write also lists "include.path". Reads list none. */
	char **config_keys;
	size_t nconfig_keys;
	/* ... and every key of these sections, canonical ("core",
	 * "remote.Origin"): --rename-section (both names), --remove-section */
	char **config_sections;
	size_t nconfig_sections;
	bool config_any; /* any key: --edit, or an option not understood */
};

struct progid_file;

struct policy_event {
	enum policy_kind kind;
	/* exec: the resolved executable; open: the file. Absolute and
	 * normalised (tg_path_normalize). */
	const char *path;
	const char *const *argv; /* exec */
	size_t argc;
	/* exec: the program's path as spelled and as resolved; the first
	 * token of an argv pattern matches argv[0] or any of these */
	const char *const *names;
	size_t nnames;
	const char *cwd;
	unsigned access; /* open: POLICY_ACC_* bits */
	/* connect */
	/* a connect to a Unix socket: its path resolved (as the kernel
	 * resolves it), or "@NAME" for an abstract name (tgp_unix_abstract's
	 * spelling); NULL for an IP destination. A named socket is also
	 * `path`: the open rules with `write` access decide it too */
	const char *unix_path;
	const char *host; /* normalised name or NULL */
	const struct tg_addr *addr;
	uint16_t port;
	enum policy_proto proto;
	/* git events, or an exec of git (decided together with it) */
	const struct git_event *git;
	/* exec: the program's file when it can be read (progid.h), so that
	 * refusing exec rules know it by content under any name; NULL: by
	 * its names only */
	struct progid_file *prog;
};

struct policy_decision {
	enum policy_action action;
	int rule;	     /* index into the policy's rules, -1 for default */
	const char *rule_id; /* "default" when no rule matched */
	const char *message; /* the rule's message, or NULL */
	enum policy_kind matched; /* the matcher kind that decided */
};

struct policy_diag {
	char *file;
	int line, col;
	bool warning;
	char *msg;
};

struct policy_diags {
	struct policy_diag *v;
	size_t n, cap;
	size_t nerrors, nwarnings;
	bool truncated;
};

struct policy_vars {
	const char *home, *user, *pwd, *tmpdir;
	/* where the `nameservers` CIDR entry comes from (NULL:
	 * /etc/resolv.conf; tests point it elsewhere) */
	const char *resolv_conf;
	/* "NAME=VALUE" overrides, applied over built-ins and the policy's
	 * own variables */
	const char *const *overrides;
	size_t noverrides;
};

struct policy_settings {
	enum policy_action default_action;
	uint64_t prompt_timeout_ms;
	enum policy_action on_timeout;
	enum policy_fail fail;
	bool audit_allow;
	enum policy_exec_race exec_race;
	bool exec_unnamed; /* allow execs of memfds and deleted files */
	bool raw_sockets;  /* allow raw and packet sockets (socket()) */
	/* scratch: private: the session gets a scratch directory of its own
	 * (TMPDIR), where names are made and removed under Landlock without a
	 * round trip (tg_proto.h TG_SCRATCH_FD; docs/policy-language.md) */
	bool scratch_private;
	uint64_t audit_max_bytes;
	unsigned max_pending_prompts;
	struct policy_notify *notify; /* settings.notify; NULL: none */
};

/* settings.notify: each prompt of the policy's sessions, and its outcome,
 * sent to a webhook and/or given to a command (policyd/notify.c). */
struct policy_notify {
	char *webhook;	   /* http:// or https:// URL, or NULL */
	bool slack;	   /* format: slack */
	char **command;	   /* argv (absolute program), NULL-terminated, or NULL */
	uint64_t timeout_ms; /* per webhook attempt; the command's run */
	char *user;	   /* system mode: the account the command runs as */
};
void policy_notify_free(struct policy_notify *n);

struct policy_limits {
	uint64_t egress_rate, egress_burst, egress_total, ingress_total;
	uint64_t connect_rate;
	/* 0 = not set */
};

struct policy;

/*
 * Loads and compiles the policy at path. Errors and warnings are appended to
 * diags (which the caller owns; free with policy_diags_free). Returns 0 and
 * sets *ret when there was no error, else a negative errno and leaves *ret
 * untouched. Warnings alone do not fail a load.
 */
int policy_load(const char *path, const struct policy_vars *vars,
		struct policy_diags *diags, struct policy **ret);
/* Same, from memory (used by the fuzzer); includes are refused. */
int policy_load_buffer(const char *name, const char *buf, size_t len,
		       const struct policy_vars *vars,
		       struct policy_diags *diags, struct policy **ret);
void policy_free(struct policy *p);
void policy_diags_free(struct policy_diags *d);

/* Does any exec rule look at the caller's cwd? (If not, policyd need not
 * read it to decide an exec.) */
bool policy_exec_uses_cwd(const struct policy *p);

/* Does a host (or not_host) pattern of some connect rule match this
 * normalised name? If none does, the name cannot change a connect's
 * decision, and policyd has no reason to look it up (a name the agent
 * chose, resolved by policyd, would carry data out through DNS). */
bool policy_host_named(const struct policy *p, const char *host);

/* Could another argv (same program, same cwd) get a stricter decision than
 * d, or did d itself depend on argv? Used for callers that can rewrite
 * argv after policyd read it (settings.exec_race). */
bool policy_exec_argv_dependent(const struct policy *p,
				const struct policy_event *ev,
				const struct policy_decision *d);
/* Is a stricter than b? By action (deny > prompt > log > allow); on the
 * same action the rule ranked first, a rule before the default. */
bool policy_decision_stricter(const struct policy *p,
			      const struct policy_decision *a,
			      const struct policy_decision *b);
/* The programs that refusing exec rules name by content (their device,
 * inode and size; one each): what the interposer must not allow on its
 * own (a file of one of these sizes may be a copy). Returns how many
 * there are, filling at most max. */
struct sys_git_id;
size_t policy_ids_export(const struct policy *p, struct sys_git_id *out,
			 size_t max);
/* The strictest rule (ret->rule; -1 and allow when none) among the open
 * rules for any of access and the Unix-socket connect rules whose path
 * could match dir or a path below it: what may protect something a
 * rename of dir moves. Rules only: the default is not one. */
void policy_below(const struct policy *p, const char *dir, unsigned access,
		  struct policy_decision *ret);
/* The same among the rules that could match below dir only because of
 * dir's name or place (glob_below_by_name): what a symlink named dir,
 * pointing anywhere, would bring under a rule. */
void policy_below_by_name(const struct policy *p, const char *dir,
			  unsigned access, struct policy_decision *ret);
/* Decides ev. Never allocates; safe from many threads at once. */
void policy_decide(const struct policy *p, const struct policy_event *ev,
		   struct policy_decision *ret);

/* Calls cb for every rule that matches ev, in file order (for explain). */
typedef void (*policy_match_cb)(const struct policy *p, int rule,
				enum policy_kind matched, void *ud);
size_t policy_match_all(const struct policy *p, const struct policy_event *ev,
			policy_match_cb cb, void *ud);

const struct policy_settings *policy_settings(const struct policy *p);
/* The files the policy was read from: absolute, symlinks resolved, in load
 * order (includes before the file that names them: the main file last);
 * none for a policy loaded from memory. */
void policy_sources(const struct policy *p, const char *const **ret,
		    size_t *ret_n);
/* The policy's pin: SHA-256 over each file read (its resolved path, a NUL,
 * the SHA-256 of the bytes parsed), in load order. Equal pins: the same
 * files with the same bytes. */
void policy_digest(const struct policy *p, uint8_t out[32]);
/* limits: (enforced by the eBPF egress layer where it is active) */
const struct policy_limits *policy_limits(const struct policy *p);
/*
 * The connect rules for the eBPF egress layer (policy_egress.c). A part
 * is one (CIDR, port range) of a rule; a rule without a destination has
 * cidr ::/0 (plen 0: both families); exclude marks a not_cidr block (or,
 * from policy_host_parts, a not_host name), where the rule does not
 * apply at all. Ports are the rule's less its not_port ranges.
 */
struct policy_net_part {
	int rule;
	enum policy_action action;
	enum policy_proto proto;
	bool exclude;
	struct tg_cidr cidr;
	uint16_t port_lo, port_hi;
};
/* Every CIDR part of every connect rule (host-only rules give none), in
 * a malloc'd array. 0, -ENOMEM, or -E2BIG (too many not_port splits). */
int policy_net_parts(const struct policy *p, struct policy_net_part **ret,
		     size_t *ret_n);
/* The parts an address of the normalised name adds: every rule whose
 * host matches it (cidr unset), and exclusions for its not_host rules. */
int policy_host_parts(const struct policy *p, const char *name,
		      struct policy_net_part **ret, size_t *ret_n);
/* May the name be looked up (DNS forwarder)? POLICY_DENY (*ret_rule the
 * rule, or -1) when a rule denies every connect to it, or when no rule
 * names it and no rule nor the default could let a connect through;
 * else POLICY_ALLOW. */
enum policy_action policy_host_lookup(const struct policy *p, const char *name,
				      int *ret_rule);
/*
 * What of the policy only the eBPF egress layer enforces in the kernel,
 * with where it is written, for `policyctl check`: the limits: key
 * (rule -1) when a limit is set, then each connect rule that names hosts
 * (a program that bypasses the interposer and the seccomp path is held to
 * them only there). Fills up to max; returns how many there are.
 */
struct policy_egress_need {
	int rule; /* -1: limits: */
	const char *file;
	int line, col;
};
size_t policy_egress_needs(const struct policy *p,
			   struct policy_egress_need *out, size_t max);

size_t policy_rule_count(const struct policy *p);
const char *policy_rule_id(const struct policy *p, int rule);
enum policy_action policy_rule_action(const struct policy *p, int rule);
const char *policy_rule_message(const struct policy *p, int rule);
/* Where the rule was written: file and line. */
void policy_rule_where(const struct policy *p, int rule, const char **file,
		       int *line);

/*
 * Read fast path for the interposer: a read-only open of path may be
 * allowed without asking policyd iff policy_read_is_silent() is true.
 * It is true only when the full decision would be a silent Tier 1 allow
 * (no audit line) for every process in the session.
 */
bool policy_read_is_silent(const struct policy *p, const char *path);
/* The glob sources that decide silence, for shipping to the interposer:
 * allow globs (a read must match one) and sensitive globs (a read must
 * match none). fastpath_ok is false when reads can never be decided
 * locally (e.g. audit_allow is set). */
void policy_read_fastpath(const struct policy *p, const char *const **allow,
			  size_t *nallow, const char *const **sensitive,
			  size_t *nsensitive, bool *fastpath_ok);

/* Exec fast path, the same idea for execs: a silent allow iff the resolved
 * and the literal path both match an allow glob, neither matches a
 * sensitive glob, basename(argv[0]) matches none of the sensitive argv0
 * token globs, and the program is not git. ok is false when execs can never
 * be decided locally. */
void policy_exec_fastpath(const struct policy *p, const char *const **allow,
			  size_t *nallow, const char *const **sens,
			  size_t *nsens, const char *const **sens0,
			  size_t *nsens0, bool *ok);

/* What Landlock can enforce for this policy (see policy_landlock.c):
 * directory trees where writes / execs may be allowed; *_all when the
 * policy may allow them anywhere (then Landlock must not restrict them). */
struct policy_landlock {
	char **write, **exec;
	size_t nwrite, nexec;
	bool write_all, exec_all;
};
int policy_landlock_plan(const struct policy *p, struct policy_landlock *ret);
void policy_landlock_free(struct policy_landlock *l);

/* What the kernel deny-read layer can enforce for this policy (see
 * policy_denyread.c): paths every read of which a deny rule refuses
 * (path: one file or directory itself; tree: a directory and everything
 * below it), and the deny-read globs it cannot mask (wildcards, "**").
 * _free accepts a zeroed struct. 0 or -ENOMEM (*ret untouched). */
struct policy_denyread {
	char **path, **tree, **globs;
	size_t npath, ntree, nglobs;
};
int policy_denyread_plan(const struct policy *p, struct policy_denyread *ret);
void policy_denyread_free(struct policy_denyread *d);

const char *policy_action_name(enum policy_action a);
int policy_action_from_name(const char *s, enum policy_action *ret);
const char *policy_kind_name(enum policy_kind k);
int policy_access_from_name(const char *s, unsigned *ret_bit);
/* "read,write" style; buf at least 40 bytes. */
void policy_access_format(unsigned access, char *buf, size_t bufsz);
const char *policy_proto_name(enum policy_proto p);
/* "tcp", "udp" or "any". 0 or -EINVAL. */
int policy_proto_from_name(const char *s, enum policy_proto *ret);
/* Tier of an action: allow 1, log 2, prompt 3, deny 0 (no tier). */
int policy_action_tier(enum policy_action a);

/* Test cases from the policy's tests: section (for policyctl test). */
struct policy_test {
	int line, col;
	char *file;
	char *name; /* optional */
	enum policy_kind kind;
	char **argv; /* exec / git */
	size_t argc;
	char *path; /* exec: explicit resolved exe; open: file */
	char *cwd;
	unsigned access;
	char *host;	 /* connect */
	char *unix_path; /* connect to a Unix socket: "/PATH" or "@NAME" */
	struct tg_addr addr;
	bool has_addr;
	uint16_t port;
	enum policy_proto proto;
	enum policy_action expect;
	char *expect_rule; /* optional */
};
size_t policy_test_count(const struct policy *p);
const struct policy_test *policy_test_get(const struct policy *p, size_t i);

#endif
