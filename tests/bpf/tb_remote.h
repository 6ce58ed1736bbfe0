/* SPDX-License-Identifier: MIT */
/* The limit tests' remote host (tb_remote.c). */
#ifndef TIERGATE_TB_REMOTE_H
#define TIERGATE_TB_REMOTE_H

#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/types.h>

#define TB_REMOTE_ADDR "10.200.0.2"
#define TB_SINK_PORT 5001

struct tb_remote {
	pid_t pid;
};

/* Dies with the driver. */
static inline void prctl_pdeathsig(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

int tb_remote_start(struct tb_remote *r);
void tb_remote_stop(struct tb_remote *r);
/* Sends bytes to the sink over TCP; *ret_got: what the sink counted,
 * *ret_ns: from its first byte to its last. 0 or an errno. */
int tb_send_bulk(const char *addr, uint64_t bytes, uint64_t *ret_got,
		 uint64_t *ret_ns);

#endif
