/* SPDX-License-Identifier: MIT */
/*
 * tiergate's own state (common/selfprot.c): which paths the built-in rule
 * tiergate-self covers for which access, the cgroup mounts read from a
 * mounts file, and the messages; and the policy content pins
 * (policyd/self.c) in a scratch run directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "policy.h"
#include "self.h"
#include "selfprot.h"
#include "tg_proto.h"
#include "tmpdir.h"
#include "util.h"

TG_TEST_TMPDIR(top, "/tmp/tg-selfprot-XXXXXX")

static const unsigned W = TGPA_WRITE, C = TGPA_CREATE, X = TGPA_DELETE;

static void put(const char *rel, const char *text)
{
	char p[600];
	snprintf(p, sizeof(p), "%s/%s", top, rel);
	FILE *f = fopen(p, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The entry path is matched to with access, NULL: none. */
static const struct selfprot_entry *
m(const struct selfprot *sp, const char *path, unsigned access, bool *above)
{
	*above = false;
	return selfprot_match(sp, path, access, above);
}

static void test_tiergate_files(void **state)
{
	(void)state;
	struct selfprot sp;
	selfprot_init(&sp);
	assert_int_equal(selfprot_add_tiergate(&sp, "/run/tg",
					       "/var/log/tg/a.jsonl", 2,
					       "/opt/tg/bin"),
			 0);
	bool up;
	const struct selfprot_entry *e = m(&sp, "/run/tg/agent.sock", X, &up);
	assert_non_null(e);
	assert_int_equal(e->kind, SELFPROT_RUNDIR);
	assert_false(up);
	/* the directory itself, renamed or removed */
	assert_non_null(m(&sp, "/run/tg", X, &up));
	assert_false(up);
	/* a directory above it: renaming it moves the state */
	e = m(&sp, "/run", X, &up);
	assert_non_null(e);
	assert_true(up);
	/* a name that only starts the same */
	assert_null(m(&sp, "/run/tg2/x", W, &up));
	assert_null(m(&sp, "/run/tgx", C, &up));
	/* reads and execs are the policy's */
	assert_null(m(&sp, "/run/tg/agent.sock", TGPA_READ, &up));
	/* the log and its rotations by name, not the directory's other files */
	e = m(&sp, "/var/log/tg/a.jsonl", W, &up);
	assert_non_null(e);
	assert_int_equal(e->kind, SELFPROT_AUDIT);
	assert_non_null(m(&sp, "/var/log/tg/a.jsonl.2", C, &up));
	assert_null(m(&sp, "/var/log/tg/a.jsonl.3", C, &up));
	assert_null(m(&sp, "/var/log/tg/other", W, &up));
	e = m(&sp, "/opt/tg/bin/libtiergate-preload.so", W, &up);
	assert_non_null(e);
	assert_int_equal(e->kind, SELFPROT_PROGRAM);
	assert_non_null(
	    m(&sp, "/opt/tg/lib/tiergate/libtiergate-preload.so", W, &up));
	assert_null(m(&sp, "/opt/tg/bin/other-tool", W, &up));
	/* relative: refused */
	assert_int_equal(selfprot_add(&sp, "run/x", false, SELFPROT_RUNDIR),
			 -EINVAL);
	selfprot_free(&sp);
}

static void test_policy_and_grants(void **state)
{
	(void)state;
	struct selfprot sp;
	selfprot_init(&sp);
	const char *files[] = {"/etc/tg/common/inc.yaml", "/etc/tg/pol.yaml"};
	assert_int_equal(selfprot_add_policy(&sp, "/ws/link.yml", files, 2), 0);
	bool up;
	const struct selfprot_entry *e =
	    m(&sp, "/etc/tg/common/inc.yaml", W, &up);
	assert_non_null(e);
	assert_int_equal(e->kind, SELFPROT_POLICY);
	e = m(&sp, "/etc/tg/pol.grants.yaml", C, &up);
	assert_non_null(e);
	assert_int_equal(e->kind, SELFPROT_GRANTS);
	assert_non_null(m(&sp, "/ws/link.grants.yaml", C, &up));
	assert_null(m(&sp, "/etc/tg/common/other.yaml", C, &up));
	assert_non_null(m(&sp, "/etc/tg/common", X, &up));
	assert_true(up);
	selfprot_free(&sp);
}

static void test_symlinked_entry(void **state)
{
	(void)state;
	char real[600], link[600], via[700], got[700];
	snprintf(real, sizeof(real), "%s/real", top);
	snprintf(link, sizeof(link), "%s/link", top);
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink("real", link), 0);
	struct selfprot sp;
	selfprot_init(&sp);
	snprintf(via, sizeof(via), "%s/pol.yaml", link);
	assert_int_equal(selfprot_add(&sp, via, false, SELFPROT_POLICY), 0);
	/* kept as given and as resolved (a missing name: its directory) */
	bool up;
	snprintf(got, sizeof(got), "%s/pol.yaml", real);
	assert_non_null(m(&sp, got, W, &up));
	assert_non_null(m(&sp, via, W, &up));
	selfprot_free(&sp);
}

static void test_cgroup_mounts(void **state)
{
	(void)state;
	put("mounts", "proc /proc proc rw 0 0\n"
		      "tmpfs /sys/fs/cgroup tmpfs rw 0 0\n"
		      "cgroup2 /sys/fs/cgroup/my\\040v2 cgroup2 rw 0 0\n"
		      "cgroup /sys/fs/cgroup/pids cgroup rw,pids 0 0\n");
	char p[600];
	snprintf(p, sizeof(p), "%s/mounts", top);
	struct selfprot sp;
	selfprot_init(&sp);
	assert_int_equal(selfprot_add_cgroups(&sp, p), 0);
	bool up;
	const struct selfprot_entry *e =
	    m(&sp, "/sys/fs/cgroup/my v2/cgroup.procs", W, &up);
	assert_non_null(e);
	assert_int_equal(e->kind, SELFPROT_CGROUP);
	assert_false(up);
	assert_non_null(m(&sp, "/sys/fs/cgroup/pids/x", C, &up));
	/* the tmpfs that holds the mounts is not a cgroup file system, but
	 * its directory holds them: a new name in it is not refused */
	assert_null(m(&sp, "/sys/fs/cgroup/newfile", C, &up));
	assert_null(m(&sp, "/proc/x", W, &up));
	assert_int_equal(selfprot_add_cgroups(&sp, "/nonexistent/mounts"),
			 -ENOENT);
	selfprot_free(&sp);
}

static void test_messages(void **state)
{
	(void)state;
	for (int k = 0; k < SELFPROT_KIND_MAX; k++)
		for (int above = 0; above < 2; above++) {
			struct selfprot_entry e = {(char *)"/x", false,
						   (enum selfprot_kind)k};
			const char *msg = selfprot_message(&e, above);
			assert_non_null(msg);
			assert_true(
			    !strncmp(msg, "tiergate self-protection: ", 26));
		}
	struct selfprot_entry pol = {(char *)"/x", false, SELFPROT_POLICY};
	assert_non_null(
	    strstr(selfprot_message(&pol, false), "policyctl reload"));
}

/* A policy loaded from top/NAME (with what text says). */
static struct policy *load(const char *name, const char *text)
{
	put(name, text);
	char p[600];
	snprintf(p, sizeof(p), "%s/%s", top, name);
	struct policy_vars v = {
	    .home = "/h", .user = "u", .pwd = "/", .tmpdir = "/tmp"};
	struct policy_diags d = {0};
	struct policy *pol = NULL;
	assert_int_equal(policy_load(p, &v, &d, &pol), 0);
	policy_diags_free(&d);
	return pol;
}

static void test_pins(void **state)
{
	(void)state;
	snprintf(D.rd.dir, sizeof(D.rd.dir), "%s", top);
	put("inc.yaml", "version: 1\nrules: []\n");
	struct policy *a = load("p.yaml", "version: 1\ninclude: [inc.yaml]\n"
					  "settings: { default: allow }\n");
	const char *const *files;
	size_t n;
	policy_sources(a, &files, &n);
	assert_int_equal(n, 2);
	assert_non_null(strstr(files[0], "/inc.yaml"));
	assert_non_null(strstr(files[1], "/p.yaml"));
	char err[1024] = "", pin[700];
	/* the first open pins; the same content again is served */
	assert_int_equal(
	    self_pin(4194400, 7, a, "p.yaml", false, err, sizeof(err)), 0);
	snprintf(pin, sizeof(pin), "%s/pins/4194400-7", top);
	assert_int_equal(access(pin, F_OK), 0);
	struct policy *same = load("p.yaml", "version: 1\ninclude: [inc.yaml]\n"
					     "settings: { default: allow }\n");
	assert_int_equal(
	    self_pin(4194400, 7, same, "p.yaml", false, err, sizeof(err)), 0);
	/* an include edited: refused, with both digests named */
	put("inc.yaml", "version: 1\nrules: []\n# edited\n");
	struct policy *b = load("p.yaml", "version: 1\ninclude: [inc.yaml]\n"
					  "settings: { default: allow }\n");
	assert_int_equal(
	    self_pin(4194400, 7, b, "p.yaml", false, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "tiergate self-protection"));
	assert_non_null(strstr(err, "not what this session started with"));
	/* another agent-shell (start time) is another session */
	assert_int_equal(
	    self_pin(4194400, 8, b, "p.yaml", false, err, sizeof(err)), 0);
	/* an operator's reload re-pins */
	assert_int_equal(
	    self_pin(4194400, 7, b, "p.yaml", true, err, sizeof(err)), 0);
	assert_int_equal(
	    self_pin(4194400, 7, b, "p.yaml", false, err, sizeof(err)), 0);
	assert_int_equal(
	    self_pin(4194400, 7, a, "p.yaml", false, err, sizeof(err)), -EPERM);
	/* a pin that is not one: never taken for a match */
	put("pins/4194400-9", "sha256 nothex\n");
	assert_true(self_pin(4194400, 9, a, "p.yaml", false, err, sizeof(err)) <
		    0);
	/* no such agent-shell runs: swept; ended: removed */
	self_pins_sweep();
	assert_int_equal(access(pin, F_OK), -1);
	self_unpin(4194400, 8);
	policy_free(a);
	policy_free(same);
	policy_free(b);
	D.rd.dir[0] = '\0';
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tiergate_files),
	    cmocka_unit_test(test_policy_and_grants),
	    cmocka_unit_test(test_symlinked_entry),
	    cmocka_unit_test(test_cgroup_mounts),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_pins),
	};
	return cmocka_run_group_tests(tests, top_make, top_remove);
}
