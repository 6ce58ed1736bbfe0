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
#define TB_SOURCE_PORT 5002 /* sends the number of bytes asked for */

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

/* Asks the source for bytes and reads for up to timeout_ms; what came
 * in *ret_got. 0 or an errno (of the connect). */
int tb_fetch(const char *addr, uint64_t bytes, int timeout_ms,
	     uint64_t *ret_got);

#endif
