/* The outcome of an attack's socket call that failed (static_srcroute,
 * static_transparent): "MODE: unsupported (errno=N)" and 77 when this
 * kernel takes no such option at all (ENOPROTOOPT, EINVAL), "MODE:
 * refused errno=N" and 1 otherwise. */
#ifndef TG_BYPASS_SOCKOPT_REFUSED_H
#define TG_BYPASS_SOCKOPT_REFUSED_H

#include <errno.h>
#include <stdio.h>

static inline int refused(const char *mode, int e)
{
	if (e == ENOPROTOOPT || e == EINVAL) {
		printf("%s: unsupported (errno=%d)\n", mode, e);
		return 77;
	}
	printf("%s: refused errno=%d\n", mode, e);
	return 1;
}

#endif
