/* Attack (static): an SCTP association made without connect(). SCTP's
 * sctp_connectx is a setsockopt (SCTP_SOCKOPT_CONNECTX) whose buffer holds
 * the peer's addresses; a send can name more in control messages
 * (SCTP_DSTADDRV4): no address a connect rule decides.
 *
 *   static_sctp MODE ADDR
 *
 * MODE: stream (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)), seqpacket
 * (SOCK_SEQPACKET with protocol 0: the kernel's only such inet protocol
 * is SCTP). Listens on an ephemeral SCTP port of ADDR itself, then
 * associates with it through the setsockopt. Prints "MODE: connected",
 * "MODE: refused errno=N" when the socket or the association is refused;
 * exit 77 with "unsupported" on a kernel without SCTP. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TG_SOL_SCTP 132
#define TG_SCTP_SOCKOPT_CONNECTX 110

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	const char *mode = argv[1];
	int seq = !strcmp(mode, "seqpacket");
	int type = seq ? SOCK_SEQPACKET : SOCK_STREAM;
	int proto = seq ? 0 : IPPROTO_SCTP;
	int c = socket(AF_INET, type, proto);
	if (c < 0 && (errno == EPROTONOSUPPORT || errno == ESOCKTNOSUPPORT)) {
		printf("%s: unsupported (errno=%d)\n", mode, errno);
		return 77;
	}
	if (c < 0) {
		printf("%s: refused errno=%d\n", mode, errno);
		return 1;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET};
	if (inet_pton(AF_INET, argv[2], &sa.sin_addr) != 1)
		return 2;
	socklen_t sl = sizeof(sa);
	int l = socket(AF_INET, type, proto);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&sa, &sl) < 0)
		return 1;
	if (setsockopt(c, TG_SOL_SCTP, TG_SCTP_SOCKOPT_CONNECTX, &sa,
		       sizeof(sa)) < 0) {
		printf("%s: refused errno=%d\n", mode, errno);
		return 1;
	}
	printf("%s: connected\n", mode);
	return 0;
}
