/* SPDX-License-Identifier: MIT */
/*
 * egress_test: the eBPF egress layer against the real kernel (root,
 * cgroup v2). Usage: egress_test PROGDIR [SUITE...]. Prints one line per
 * check and ends with "bpf egress: N passed, M failed, K skipped"; what
 * cannot work on this machine (not root, no cgroup v2, a kernel without
 * a hook) is a counted skip with its reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tb.h"

static const struct {
	const char *name;
	void (*fn)(void);
} suites[] = {
    {"rules", t_rules},	    {"sockets", t_sockets},
    {"dns", t_dns},	    {"limits", t_limits},
    {"rate", t_rate},	    {"lifecycle", t_lifecycle},
    {"anyaddr", t_anyaddr}, {"srcroute", t_srcroute},
    {"inbound", t_inbound},
};

static bool wanted(int argc, char **argv, const char *name)
{
	if (argc <= 2)
		return true;
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	char why[512];
	size_t n = sizeof(suites) / sizeof(suites[0]);

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: egress_test PROGDIR [SUITE...]\n");
		return 2;
	}
	snprintf(T.progdir, sizeof(T.progdir), "%s", argv[1]);
	printf("== bpf egress suite\n");
	if (tb_setup(why, sizeof(why)) < 0) {
		for (size_t i = 0; i < n; i++)
			if (wanted(argc, argv, suites[i].name))
				tb_skip("%s: %s", suites[i].name, why);
		goto out;
	}
	if (tb_start(false) < 0) {
		tb_bad("the layer does not start");
		goto out;
	}
	char feat[4096];
	egress_features_format(egress_features(T.e), feat, sizeof(feat));
	printf("features: %s\n", feat);
	for (size_t i = 0; i < n; i++)
		if (wanted(argc, argv, suites[i].name))
			suites[i].fn();
out:
	tb_teardown();
	printf("bpf egress: %d passed, %d failed, %d skipped\n", T.pass, T.fail,
	       T.skip);
	return T.fail ? 1 : 0;
}
