/* SPDX-License-Identifier: MIT */
/* layers: which enforcement layers this machine and this build provide,
 * detected at run time, each with the reason it is on or off. */
#ifndef TIERGATE_LAYERS_H
#define TIERGATE_LAYERS_H

#include <stdbool.h>

struct layer {
	const char *name;
	bool active;
	char why[1300];
};

struct layer_report {
	struct layer v[16];
	int n;
};

void layers_detect(struct layer_report *r);

#endif
