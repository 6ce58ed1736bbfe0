/* SPDX-License-Identifier: MIT */
/*
 * The interposer's local read decisions (interposer/ip_reads.c and
 * ip_path.c): path checks, directories seen free of symlinks, the names
 * read before, and whether a read is silent, with real files, directories
 * and symlinks in a scratch directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ip_fastpath.h"
#include "ip_path.h"
#include "ip_reads.h"
#include "ip_state.h"
#include "tg_proto.h"
#include "tmpdir.h"

/* a fresh scratch directory for each test that takes one, holding tree() */
TG_TEST_TMPDIR(dir, "/tmp/tg-ipreads-XXXXXX")
static void tree(void);
static int tree_make(void **state)
{
	memcpy(dir + sizeof(dir) - 7, "XXXXXX", 6);
	if (dir_make(state) < 0)
		return -1;
	tree();
	return 0;
}

static void test_path_is_normal(void **state)
{
	(void)state;
	static const struct {
		const char *p;
		bool normal;
	} cases[] = {
	    {"/", true},       {"/a/b", true},	 {"/a/.b", true},
	    {"/a/..b", true},  {"/a/b.", true},	 {"/a/b...", true},
	    {"/a/", false},    {"/a//b", false}, {"//a", false},
	    {"/a/./b", false}, {"/a/.", false},	 {"/a/../b", false},
	    {"/a/..", false},  {"/.", false},	 {"/..", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (ip_path_is_normal(cases[i].p) != cases[i].normal)
			fail_msg("%s: expected %s", cases[i].p,
				 cases[i].normal ? "normal" : "not normal");
	/* 4,096 bytes and more are never taken as they are */
	static char longp[4200];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[4095] = '\0';
	assert_true(ip_path_is_normal(longp));
	longp[4095] = 'a';
	longp[4096] = '\0';
	assert_false(ip_path_is_normal(longp));
}

static void test_path_join(void **state)
{
	(void)state;
	char out[16];
	assert_true(ip_path_join("/a/b", "../c", out, sizeof(out)));
	assert_string_equal(out, "/a/b/../c");
	assert_true(ip_path_join("/abcdef", "ghijklm", out, sizeof(out)));
	assert_string_equal(out, "/abcdef/ghijklm");
	memcpy(out, "untouched", 10);
	assert_false(ip_path_join("/abcdef", "ghijklmn", out, sizeof(out)));
}

static void mk(const char *rel, const char *symlink_to)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (symlink_to) {
		assert_int_equal(symlink(symlink_to, p), 0);
	} else if (rel[strlen(rel) - 1] == '/') {
		assert_int_equal(mkdir(p, 0700), 0);
	} else {
		int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
}

/*
 * dir/pub/f            a file
 * dir/pub/sub/         a directory
 * dir/secret/k         the file the stricter glob names
 * dir/secret/sub/      its directory
 * dir/pub/link      -> ../secret/k
 * dir/pub/dlink     -> ../secret
 * dir/pub/sublink   -> ../secret/sub   (sublink/.. is secret/, not pub/)
 * dir/pub/sublink2  -> sub             (pub/sub/.. is pub/ again)
 */
static void tree(void)
{
	mk("pub/", NULL);
	mk("pub/f", NULL);
	mk("pub/sub/", NULL);
	mk("secret/", NULL);
	mk("secret/k", NULL);
	mk("secret/sub/", NULL);
	mk("pub/link", "../secret/k");
	mk("pub/dlink", "../secret");
	mk("pub/sublink", "../secret/sub");
	mk("pub/sublink2", "sub");
}

static char *at(const char *rel)
{
	static char bufs[4][512];
	static int i;
	char *b = bufs[i++ % 4];
	snprintf(b, 512, "%s/%s", dir, rel);
	return b;
}

static void test_realpath(void **state)
{
	(void)state;
	char out[4096];
	errno = 1234;
	assert_true(ip_path_realpath(at("pub/link"), out, sizeof(out)));
	assert_string_equal(out, at("secret/k"));
	assert_int_equal(errno, 1234);
	/* ".." after a symlink: the parent of its target */
	assert_true(ip_path_realpath(at("pub/sublink/../k"), out, sizeof(out)));
	assert_string_equal(out, at("secret/k"));
	assert_true(ip_path_realpath(at("pub/dlink/k"), out, sizeof(out)));
	assert_string_equal(out, at("secret/k"));
	/* missing: not resolved here (the caller asks policyd) */
	assert_false(ip_path_realpath(at("pub/none/x"), out, sizeof(out)));
	assert_int_equal(errno, 1234);
}

/* The slot a directory takes in the interposer's table of directories
 * found clean (ip_reads.c dirs_hash: 128 slots, direct-mapped) */
static unsigned dirs_slot(const char *p)
{
	return (unsigned)(uint32_t)(ip_hash(p, strlen(p)) >> 32) % 128;
}

static void test_dir_clean(void **state)
{
	(void)state;
	const char *d = at("pub/sub");
	assert_int_equal(ip_reads_dir_clean("/", 1), 1);
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), 1);
	/* only the first n bytes count */
	const char *f = at("pub/sub/whatever");
	assert_int_equal(ip_reads_dir_clean(f, strlen(d)), 1);
	d = at("pub/dlink");
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), 0);
	d = at("pub/sublink/..");
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), 0);
	/* what the open would have said */
	d = at("pub/none");
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), -ENOENT);
	d = at("pub/f/x");
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), -ENOTDIR);
	/* ".." through real directories is what the fold says */
	d = at("pub/sub/../sub");
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), 1);
	/* remembered per process: a directory found clean and then
	 * replaced by a symlink is not noticed (docs/threat-model.md: reads
	 * are not a boundary). The table is direct-mapped: found clean again
	 * just before, as the walks above may have taken its slot (they did
	 * in about one run in twelve: the fixture's directory is random) */
	d = at("pub/sub");
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), 1);
	assert_int_equal(rmdir(d), 0);
	assert_int_equal(symlink("../secret/sub", d), 0);
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), 1);
	/* never seen before: noticed */
	d = at("pub/sublink2");
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), 0);
	/* the prefixes of a directory found clean are remembered too: only
	 * what follows the longest of them is checked again */
	/* (a name whose directory and subdirectory take two slots: one
	 * walk keeps both) */
	char a[32], ab[40], a0[40], a0c[48], ac[40];
	for (int i = 0;; i++) {
		snprintf(a, sizeof(a), "pub/a%d", i);
		snprintf(ab, sizeof(ab), "%s/b", a);
		if (dirs_slot(at(a)) != dirs_slot(at(ab)))
			break;
	}
	snprintf(a0, sizeof(a0), "%s0", a);
	snprintf(a0c, sizeof(a0c), "%s0/c", a);
	snprintf(ac, sizeof(ac), "%s/c", a);
	assert_int_equal(mkdir(at(a), 0755), 0);
	assert_int_equal(mkdir(at(ab), 0755), 0);
	d = at(ab);
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), 1);
	assert_int_equal(rename(at(a), at(a0)), 0);
	assert_int_equal(mkdir(at(a0c), 0755), 0);
	assert_int_equal(symlink(a0 + 4, at(a)), 0);
	d = at(ac);
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), 1);
	/* and a failed walk keeps what it found clean before the failure */
	assert_int_equal(mkdir(at("pub/e"), 0755), 0);
	d = at("pub/e/none/x");
	assert_int_equal(ip_reads_dir_clean(d, strlen(d)), -ENOENT);
	assert_int_equal(rmdir(at("pub/e")), 0);
	assert_int_equal(symlink("sub", at("pub/e")), 0);
	assert_int_equal(ip_reads_dir_clean(at("pub/e"), strlen(at("pub/e"))),
			 1);
}

/* the set a name falls in (ip_reads.c: 512 sets, top bits of the hash) */
static unsigned set_of(const char *p)
{
	return (unsigned)(ip_hash(p, strlen(p)) >> 55) % 64; /* READS_SETS */
}

static void test_names_read_before(void **state)
{
	(void)state;
	/* two distinct snapshots (the table compares their addresses) */
	static const struct ip_fastpath fp1, fp2;
	const char *p = "/usr/include/stdio.h";
	size_t n = strlen(p);
	uint64_t h = ip_hash(p, n);
	assert_false(ip_reads_seen(&fp1, p, n, h, false));
	ip_reads_remember(&fp1, p, n, h, false);
	assert_true(ip_reads_seen(&fp1, p, n, h, false));
	/* decided under another snapshot (a reload): decided again */
	assert_false(ip_reads_seen(&fp2, p, n, h, false));
	/* the backstop needs entries whose directories were checked */
	assert_false(ip_reads_seen(&fp1, p, n, h, true));
	ip_reads_remember(&fp1, p, n, h, true);
	assert_true(ip_reads_seen(&fp1, p, n, h, true));
	assert_true(ip_reads_seen(&fp1, p, n, h, false));
	/* a prefix of the name, or the same hash with other bytes: no */
	assert_false(ip_reads_seen(&fp1, p, n - 2, ip_hash(p, n - 2), false));
	assert_false(ip_reads_seen(&fp1, "/usr/include/stdio.X", n, h, false));

	/* names of 200 bytes or more are not kept */
	char longp[256];
	memset(longp, 'x', sizeof(longp));
	longp[0] = '/';
	for (size_t len = 199; len <= 200; len++) {
		longp[len] = '\0';
		uint64_t lh = ip_hash(longp, len);
		ip_reads_remember(&fp1, longp, len, lh, false);
		assert_int_equal(ip_reads_seen(&fp1, longp, len, lh, false),
				 len < 200);
		longp[len] = 'x';
	}

	/* four ways per set, the oldest replaced first: five names of one
	 * set, and the first is gone while the other four stay */
	char names[5][64];
	unsigned want = 0, k = 0;
	for (unsigned i = 0; k < 5; i++) {
		char c[64];
		snprintf(c, sizeof(c), "/src/file%u.h", i);
		if (k == 0)
			want = set_of(c);
		if (set_of(c) == want)
			memcpy(names[k++], c, sizeof(c));
	}
	for (k = 0; k < 5; k++)
		ip_reads_remember(&fp2, names[k], strlen(names[k]),
				  ip_hash(names[k], strlen(names[k])), false);
	for (k = 0; k < 5; k++)
		assert_int_equal(
		    ip_reads_seen(&fp2, names[k], strlen(names[k]),
				  ip_hash(names[k], strlen(names[k])), false),
		    k > 0);

	/* the names are packed in a store of 32 KiB that starts over when
	 * full, the table emptied: nothing is answered from bytes another
	 * name left there */
	static const struct ip_fastpath fp3;
	const char *a = "/wrap/first-name.h";
	size_t an = strlen(a);
	uint64_t ah = ip_hash(a, an);
	ip_reads_remember(&fp3, a, an, ah, false);
	assert_true(ip_reads_seen(&fp3, a, an, ah, false));
	char f[160];
	size_t fn = 0;
	for (unsigned i = 0; i < 400; i++) { /* 400 x 146 bytes */
		fn = (size_t)snprintf(f, sizeof(f), "/wrap/%0140u", i);
		ip_reads_remember(&fp3, f, fn, ip_hash(f, fn), false);
	}
	assert_false(ip_reads_seen(&fp3, a, an, ah, false));
	assert_true(ip_reads_seen(&fp3, f, fn, ip_hash(f, fn), false));
	/* the same hash and length, other bytes: only the name kept */
	char b[64];
	memcpy(b, a, an + 1);
	b[an - 1] = 'c';
	ip_reads_remember(&fp3, b, an, ah, false);
	assert_false(ip_reads_seen(&fp3, a, an, ah, false));
	assert_true(ip_reads_seen(&fp3, b, an, ah, false));
}

/* a snapshot allowing reads under dir, but not under dir/secret */
static struct ip_fastpath *snapshot(void)
{
	uint8_t buf[2048];
	char allow[600], sens[600];
	snprintf(allow, sizeof(allow), "%s/**", dir);
	snprintf(sens, sizeof(sens), "%s/secret/**", dir);
	struct tgp_enc e;
	tgp_enc_begin(&e, buf, sizeof(buf), TGP_HELLO_OK, 1);
	tgp_put_u32(&e, TGPT_FASTPATH, 1);
	tgp_put_str(&e, TGPT_ALLOW_GLOB, allow);
	tgp_put_str(&e, TGPT_SENS_GLOB, sens);
	long n = tgp_enc_end(&e);
	struct ip_fastpath *fp = NULL;
	int fail;
	char genfile[8];
	assert_int_equal(ip_fastpath_parse(buf, (size_t)n, &fp, &fail, genfile,
					   sizeof(genfile)),
			 0);
	return fp;
}

struct silent_case {
	const char *rel; /* under dir; "@" prefix: relative to the cwd (dir) */
	bool literal;	 /* silent without resolving (openat2 then refuses a
			  * symlink on the way) */
	bool resolved;	 /* silent with the symlinks followed */
};

static void test_reads_silent(void **state)
{
	(void)state;
	struct ip_fastpath *fp = snapshot();
	static const struct silent_case cases[] = {
	    {"pub/f", true, true},
	    {"pub/./f", true, true},
	    {"pub/sub/../f", true, true},
	    {"secret/k", false, false},
	    {"pub/../secret/k", false, false},
	    {"pub/link", true, false},
	    {"pub/dlink/k", true, false},
	    /* the fold says pub/k; the kernel walks to secret/k */
	    {"pub/sublink/../k", true, false},
	    {"pub/sublink2/../f", true, true},
	    {"@pub/f", true, true},
	    {"@secret/k", false, false},
	    {"@pub/link", true, false},
	};
	char cwd[4096];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	ip_reads_cwd_changed();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct silent_case *c = &cases[i];
		const char *p = c->rel[0] == '@' ? c->rel + 1 : at(c->rel);
		char walked[4096] = "";
		if (ip_reads_silent(fp, AT_FDCWD, p, false, walked,
				    sizeof(walked)) != c->literal)
			fail_msg("%s, as spelled: expected %s", c->rel,
				 c->literal ? "silent" : "not silent");
		if (c->literal)
			assert_string_equal(
			    walked, at(c->rel[0] == '@' ? c->rel + 1 : c->rel));
		if (ip_reads_silent(fp, AT_FDCWD, p, true, NULL, 0) !=
		    c->resolved)
			fail_msg("%s, resolved: expected %s", c->rel,
				 c->resolved ? "silent" : "not silent");
	}
	/* relative to a descriptor: decided on the directory it is (its
	 * name in /proc/self/fd, as policyd names it), as spelled below it;
	 * climbing out of it (..) or a deleted one: policyd decides */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	char walked[4096] = "";
	assert_true(
	    ip_reads_silent(fp, dfd, "pub/f", false, walked, sizeof(walked)));
	assert_string_equal(walked, at("pub/f"));
	assert_false(ip_reads_silent(fp, dfd, "secret/k", false, NULL, 0));
	assert_false(
	    ip_reads_silent(fp, dfd, "pub/../secret/k", false, NULL, 0));
	assert_false(ip_reads_silent(fp, dfd, "pub/../f", false, NULL, 0));
	assert_true(ip_reads_silent(fp, dfd, "pub/link", false, NULL, 0));
	assert_false(ip_reads_silent(fp, dfd, "pub/link", true, NULL, 0));
	int pdfd = open(at("pub"), O_RDONLY | O_DIRECTORY);
	assert_true(pdfd >= 0);
	assert_false(ip_reads_silent(fp, pdfd, "../secret/k", false, NULL, 0));
	close(pdfd);
	assert_int_equal(mkdir(at("gone"), 0700), 0);
	int gfd = open(at("gone"), O_RDONLY | O_DIRECTORY);
	assert_true(gfd >= 0);
	assert_int_equal(rmdir(at("gone")), 0);
	assert_false(ip_reads_silent(fp, gfd, "f", false, NULL, 0));
	close(gfd);
	close(dfd);
	/* under /proc: policyd decides */
	assert_false(
	    ip_reads_silent(fp, AT_FDCWD, "/proc/self/fd/0", false, NULL, 0));
	assert_int_equal(chdir(cwd), 0);
	ip_reads_cwd_changed();
	/* the cwd moved: relative names follow it */
	assert_false(ip_reads_silent(fp, AT_FDCWD, "pub/f", false, NULL, 0));
	ip_fastpath_free(fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path_is_normal),
	    cmocka_unit_test(test_path_join),
	    cmocka_unit_test_setup_teardown(test_realpath, tree_make,
					    dir_remove),
	    cmocka_unit_test_setup_teardown(test_dir_clean, tree_make,
					    dir_remove),
	    cmocka_unit_test(test_names_read_before),
	    cmocka_unit_test_setup_teardown(test_reads_silent, tree_make,
					    dir_remove),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
