/* SPDX-License-Identifier: MIT */
/* Compiled policy structures shared by the loader (policy_load.c and the
 * modules it calls), policy_index.c, policy_decide.c, policy_lint.c and
 * policy_landlock.c. Not for use outside the engine. */
#ifndef TIERGATE_POLICY_INTERNAL_H
#define TIERGATE_POLICY_INTERNAL_H

#include "glob.h"
#include "policy.h"

struct globlist {
	struct glob **v;
	size_t n;
	bool set; /* the field was written (even if empty) */
};

struct argvpat {
	char *src;
	struct glob **tok; /* NULL entry for a "**" token */
	size_t n;
};

struct argvlist {
	struct argvpat *v;
	size_t n;
	bool set;
};

struct portrange {
	uint16_t lo, hi;
};

struct exec_m {
	struct globlist path, not_path, cwd, not_cwd;
	struct argvlist argv, not_argv;
};

struct open_m {
	struct globlist path, not_path;
	unsigned access;     /* POLICY_ACC_* set; all when not written */
	unsigned not_access; /* while loading: taken out of access */
};

struct connect_m {
	bool dest_set; /* host or cidr given: an empty list matches nothing */
	char **host;
	size_t nhost;
	char **not_host;
	size_t nnot_host;
	struct tg_cidr *cidr;
	size_t ncidr;
	struct tg_cidr *not_cidr;
	size_t nnot_cidr;
	struct portrange *port;
	size_t nport;
	struct portrange *not_port;
	size_t nnot_port;
	enum policy_proto proto;
};

/* connect: {unix: [...]}: Unix socket paths ("/run/docker.sock") and
 * abstract names ("@/tmp/dbus-*"), globbed as paths */
struct unix_m {
	struct globlist path, not_path;
};

struct git_m {
	struct globlist command, not_command, remote, not_remote, branch,
	    not_branch;
	/* git config's written keys, canonical (git_event.config_keys) */
	struct globlist config_key, not_config_key;
	struct argvlist args, not_args;
	int force;   /* -1 any, 0 must not, 1 must */
	int delete_; /* same */
};

struct rule {
	char *id;
	enum policy_action action;
	char *message;
	const char *file; /* owned by policy->files */
	int line, col;
	struct exec_m *exec;
	struct open_m *open;
	struct connect_m *connect; /* IP destinations */
	struct unix_m *unix_;	   /* Unix sockets (a connect matcher with
				      unix or not_unix) */
	struct git_m *git;
	uint32_t rank; /* position in (action desc, file order) order */
};

/* Byte trie mapping literal prefixes to rule ranks. */
struct trie_node {
	uint32_t child, sibling; /* 0 = none (node 0 is the root) */
	uint8_t ch;
	uint32_t *ranks;
	uint32_t nranks, capranks;
};

struct trie {
	struct trie_node *nodes;
	size_t n, cap;
};

enum index_id {
	IDX_EXEC_PATH,
	IDX_EXEC_SUFFIX, /* reversed literal suffixes of prefix-less globs */
	IDX_EXEC_ARGV0,
	IDX_OPEN_PATH,
	IDX_OPEN_SUFFIX,
	IDX_HOST,
	IDX_ADDR,
	IDX_GIT,
	IDX_UNIX,
	IDX_MAX,
};

struct policy {
	char *path;
	char **files; /* every file read, for diagnostics and rules */
	size_t nfiles;
	struct policy_settings settings;
	struct policy_limits limits;
	/* where the limits: key is (line 0: none), for diagnostics */
	const char *limits_file;
	int limits_line, limits_col;
	struct rule *rules;
	size_t nrules;
	uint32_t *by_rank; /* rank -> rule index */
	struct trie idx[IDX_MAX];
	size_t words; /* bitset words for nrules */
	struct policy_test *tests;
	size_t ntests;
	/* read fast path */
	char **fp_allow, **fp_sensitive;
	size_t nfp_allow, nfp_sensitive;
	struct glob **fp_allow_g, **fp_sensitive_g;
	bool fp_ok;
	/* exec fast path: silent allow iff both paths match an allow glob,
	 * neither matches a sensitive glob, basename(argv[0]) matches no
	 * sensitive argv0 glob, and the program is not git */
	char **xp_allow, **xp_sens, **xp_sens0;
	size_t nxp_allow, nxp_sens, nxp_sens0;
	bool xp_ok;
	bool exec_cwd; /* some exec rule looks at cwd (set with the above) */
	/* what was read (policy_pin.c): the files, resolved, in load order
	 * (includes before the file naming them), and the SHA-256 pin */
	char **sources;
	size_t nsources;
	uint8_t digest[32];
	/* the programs refusing exec rules name, by content
	 * (policy_decide_ids.c, built with the fast paths) */
	struct policy_ids *ids;
	/* gitlazy.c: bit i set when builtin i of git (gitcmd_builtin_at) is
	 * decided from argv alone (policy_git_argv_decides) */
	uint64_t git_argv_only[4];
};

int policy_index_build(struct policy *p);
void policy_index_free(struct policy *p);
/* Fills bits (p->words words) with candidate ranks for ev. */
void policy_index_candidates(const struct policy *p,
			     const struct policy_event *ev, uint64_t *bits);

/* Warnings for limits: and host rules this host cannot enforce in the
 * kernel (policy_egress.c): never silently ignored. */
void policy_egress_lint(const struct policy *p, struct policy_diags *d);
/* Warnings for rules that can never decide (policy_lint.c). */
void policy_lint(const struct policy *p, struct policy_diags *d);
/* The read and exec fast paths (policy_decide.c); freed by
 * policy_fastpath_free. */
void policy_fastpath_build(struct policy *p);
void policy_fastpath_free(struct policy *p);
/* The files and pin of a load that succeeded (policy_pin.c); freed by
 * policy_pin_free. 0 or -ENOMEM. */
struct loader;
int policy_pin_record(struct loader *L);
void policy_pin_free(struct policy *p);

/* Does every git rule that can match an event whose command is command
 * (its command and not_command) read nothing of that event but its
 * command and its arguments (git_matches: no remote, not_remote, branch,
 * not_branch, config_key, not_config_key, force or delete)? Then two
 * events that agree on command and arguments get the same decision. */
bool policy_git_argv_decides(const struct policy *p, const char *command);
/* gitlazy.c: fills p->git_argv_only (when the policy is loaded). */
void gitlazy_build(struct policy *p);

/* policy_decide_ids.c: built and freed with the fast paths. */
int policy_ids_build(struct policy *p);
void policy_ids_free(struct policy *p);
/* ORs into bits the ranks of rules that know programs by content, for an
 * exec whose file is known (ev->prog). */
void policy_ids_candidates(const struct policy *p,
			   const struct policy_event *ev, uint64_t *bits);
/* The next program of rule ri (from *iter, 0 first) that ev's file is by
 * content: its path (owned by p), or NULL. */
const char *policy_ids_match(const struct policy *p, uint32_t ri,
			     const struct policy_event *ev, size_t *iter);

#endif
