/* Attack (static): a TCP connection by another protocol number. An MPTCP
 * socket (socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)) connects to any TCP
 * server: the server sees plain TCP (MPTCP falls back to it), but the
 * socket's protocol is not IPPROTO_TCP, so a rule with `proto: tcp` might
 * not see it as TCP.
 *
 *   static_mptcp ADDR [tcp]
 *
 * Listens on an ephemeral TCP port of ADDR itself, then connects to it by
 * MPTCP (by plain TCP with "tcp"). Prints "connected" when the connection
 * is accepted, "connect: refused errno=N" when refused; exit 77 with
 * "unsupported" on a kernel without MPTCP. */
#include <string.h>

#include "loopconn.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	int proto = argc > 2 && !strcmp(argv[2], "tcp") ? 0 : IPPROTO_MPTCP;
	return loop_connect(argv[1], proto);
}
