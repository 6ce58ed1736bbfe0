/* SPDX-License-Identifier: MIT */
/*
 * gitcfgset: what `git config` writes, read as builtin/config.c of git
 * 2.39 reads its command line, so that a rule names the key git will set
 * however it is spelled: git folds the section and the name to lower case
 * (CORE.HOOKSPATH is core.hooksPath), keeps the subsection, and reaches a
 * key without writing it (--rename-section foo core moves every key of
 * [foo] under [core], --edit opens the file in an editor).
 *
 * Options are parse_options with PARSE_OPT_STOP_AT_NON_OPTION (gitopt.c's
 * table): "git config core.x --add" sets core.x to "--add". One action at
 * a time (more: git refuses, nothing is written); none: by the argument
 * count, 1 a get, 2 a set, 3 a set with a value pattern. A write names
 * its key (canonical, or nothing when git refuses the key); a section
 * rename or removal names its sections; --edit and anything the table
 * does not know (an option git refuses, or one of a later git) name any
 * key, since the worst must be assumed. Whether the write succeeds (the
 * file, --blob, a value of the wrong --type) is not read: a refusal of a
 * command git would refuse anyway costs nothing.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "gitint.h"

/* Canonical section of a section name as git writes it on a rename
 * (store_create_section): the part before the first dot folded to lower
 * case, the rest (a subsection) as it is. With check, false when git
 * refuses it as a new name (section_name_is_ok: empty, or a byte before
 * the first dot that is not alphanumeric or '-'). */
static bool canon_section(const char *name, bool check, char *out, size_t outsz)
{
	size_t len = strlen(name);
	if (!len || len + 1 > outsz)
		return false;
	bool dot = false;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '.')
			dot = true;
		if (!dot && c) {
			if (check && c != '-' && !isalnum(c))
				return false;
			c = (unsigned char)tolower(c);
		}
		out[i] = (char)c;
	}
	return true;
}

void gitcfgset_add_key(struct gitevs *out, struct git_event *ev,
		       const char *key)
{
	size_t len = strlen(key);
	char *canon = malloc(len + 1);
	if (!canon) {
		out->oom = true;
		return;
	}
	/* git_config_parse_key: a key git refuses is not written */
	if (gitcfg_canon_key(key, len, canon, len + 1)) {
		gitevs_strv(out, &ev->config_keys, &ev->nconfig_keys, canon);
		/* an includeIf.COND.path is an include.path under a
		 * condition: a rule that names include.path means it too */
		const char *name = strrchr(canon, '.');
		if (!strncmp(canon, "includeif.", 10) && name > canon + 9 &&
		    !strcmp(name, ".path"))
			gitevs_strv(out, &ev->config_keys, &ev->nconfig_keys,
				    "include.path");
	}
	free(canon);
}

/* name: a section as given to --rename-section / --remove-section; check:
 * it is a rename's new name, which git refuses when malformed (the old
 * name of a rename and a removed one are not checked: they match no
 * header when malformed, and are listed as they are). false when git
 * refuses it. */
static bool add_section(struct gitevs *out, struct git_event *ev,
			const char *name, bool check)
{
	size_t len = strlen(name);
	char *canon = malloc(len + 1);
	if (!canon) {
		out->oom = true;
		return false;
	}
	bool ok = canon_section(name, check, canon, len + 1);
	if (ok) {
		gitevs_strv(out, &ev->config_sections, &ev->nconfig_sections,
			    canon);
		/* a section includeIf.COND holds an includeIf.COND.path */
		if (!strncmp(canon, "includeif.", 10))
			gitevs_strv(out, &ev->config_sections,
				    &ev->nconfig_sections, "include");
	}
	free(canon);
	return ok;
}

/* The action's bit, or 0 for the options that are not actions. */
static unsigned action_bit(int id)
{
	return id >= GO_CFG_GET && id <= GO_CFG_GET_COLORBOOL
		   ? 1u << (id - GO_CFG_GET)
		   : 0;
}

#define BIT(id) (1u << ((id)-GO_CFG_GET))

/*
 * git 2.46 and later also take subcommands (`git config set K V`, `unset
 * K`, `rename-section OLD NEW`, `remove-section S`, `edit`). git 2.39 reads
 * them as a key with no section, which it refuses: nothing is written
 * there, so reading them as a later git would costs a 2.39 user nothing and
 * keeps a later git from writing unseen. Every argument that is not an
 * option (each may be the key, whatever the options take) is named. false
 * when args[0] is none of them.
 */
static bool subcommand(const struct gitread *rd, struct gitevs *out,
		       struct git_event *ev)
{
	static const char *const subs[] = {"set", "unset", "rename-section",
					   "remove-section", "edit"};
	const char *sub = rd->nargs ? rd->args[0] : "";
	size_t k = 0;
	while (k < TG_ARRAY_SIZE(subs) && strcmp(sub, subs[k]))
		k++;
	if (k == TG_ARRAY_SIZE(subs))
		return false;
	if (!strcmp(sub, "edit")) {
		ev->config_any = true;
		return true;
	}
	bool sections =
	    !strcmp(sub, "rename-section") || !strcmp(sub, "remove-section");
	bool dashdash = false;
	for (size_t i = 1; i < rd->nargs; i++) {
		const char *a = rd->args[i];
		if (!dashdash && !strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (!dashdash && a[0] == '-' && a[1])
			continue;
		if (sections)
			add_section(out, ev, a, false);
		else
			gitcfgset_add_key(out, ev, a);
	}
	return true;
}

void gitcfgset_events(const struct gitread *rd, struct gitevs *out)
{
	struct git_event *ev = gitevs_add(out, rd->command);
	if (!ev)
		return;
	if (subcommand(rd, out, ev))
		return;
	struct gitopt_result o;
	int r = gitevs_opts(out, gitopt_table("config"), rd,
			    GITOPT_STOP_AT_NON_OPTION, &o);
	if (r == 1)
		gitevs_set(out, &ev->command, "help");
	if (r)
		return;
	if (o.error) {
		/* git 2.39 refuses it and writes nothing; another git may
		 * read it as an option that writes: assume any key */
		gitevs_unsure(out, "a git config option git refuses or reads "
				   "otherwise");
		ev->config_any = true;
		gitopt_result_free(&o);
		return;
	}
	/* OPT_BIT: each action sets its bit, --no-ACTION clears it */
	unsigned actions = 0;
	for (size_t i = 0; i < o.nhits; i++) {
		unsigned bit = action_bit(o.hits[i].id);
		if (o.hits[i].unset)
			actions &= ~bit;
		else
			actions |= bit;
	}
	const char *const *a = o.args;
	size_t n = o.nargs;
	if (!actions) {
		/* ACTION_SET, ACTION_SET_ALL */
		if (n == 2 || n == 3)
			gitcfgset_add_key(out, ev, a[0]);
	} else if (actions & (actions - 1)) {
		/* "only one action at a time": git stops */
	} else if (actions & (BIT(GO_CFG_REPLACE_ALL) | BIT(GO_CFG_ADD))) {
		if (n >= 2)
			gitcfgset_add_key(out, ev, a[0]);
	} else if (actions & (BIT(GO_CFG_UNSET) | BIT(GO_CFG_UNSET_ALL))) {
		if (n >= 1)
			gitcfgset_add_key(out, ev, a[0]);
	} else if (actions & BIT(GO_CFG_RENAME_SECTION)) {
		/* every key of the old section moves under the new name */
		if (n >= 2 && add_section(out, ev, a[1], true))
			add_section(out, ev, a[0], false);
	} else if (actions & BIT(GO_CFG_REMOVE_SECTION)) {
		if (n >= 1)
			add_section(out, ev, a[0], false);
	} else if (actions & BIT(GO_CFG_EDIT)) {
		/* the editor may write anything into the file */
		ev->config_any = true;
	}
	/* the rest (--get*, --list, --get-color*) read */
	gitopt_result_free(&o);
}
