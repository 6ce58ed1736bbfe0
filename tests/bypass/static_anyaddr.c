/* Attack (static): a connect or send to the unspecified address 0.0.0.0,
 * which the kernel sends to the call's source address on the loopback
 * device: the address the socket is bound to, or one an IP_PKTINFO control
 * message names (127.0.0.1 when there is none). Decided as 0.0.0.0, it
 * reached a denied address of this machine.
 *
 *   static_anyaddr MODE ADDR
 *
 * MODE: bound (TCP: bind to ADDR, connect to 0.0.0.0), mapped (the same
 * from an IPv6 socket, ::ffff:ADDR and ::ffff:0.0.0.0), pktinfo (UDP:
 * sendmsg to 0.0.0.0 with an IP_PKTINFO whose ipi_spec_dst is ADDR),
 * unbound (TCP, nothing bound: reaches 127.0.0.1, ADDR unused). Listens on
 * ADDR (127.0.0.1 for unbound) itself. Prints "MODE: reached A" when the
 * listener got the connection or datagram from A, "MODE: refused errno=N"
 * when refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int refused(const char *mode)
{
	printf("%s: refused errno=%d\n", mode, errno);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	const char *mode = argv[1];
	bool udp = !strcmp(mode, "pktinfo"), v6 = !strcmp(mode, "mapped");
	struct sockaddr_in sa = {.sin_family = AF_INET};
	if (inet_pton(AF_INET, strcmp(mode, "unbound") ? argv[2] : "127.0.0.1",
		      &sa.sin_addr) != 1)
		return 2;
	int l = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	socklen_t sl = sizeof(sa);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    (!udp && listen(l, 1) < 0) ||
	    getsockname(l, (struct sockaddr *)&sa, &sl) < 0)
		return 1;
	int c =
	    socket(v6 ? AF_INET6 : AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	struct sockaddr_in src = {.sin_family = AF_INET,
				  .sin_addr = sa.sin_addr};
	struct sockaddr_in6 src6 = {.sin6_family = AF_INET6};
	src6.sin6_addr.s6_addr[10] = src6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(src6.sin6_addr.s6_addr + 12, &sa.sin_addr, 4);
	if (!strcmp(mode, "bound") &&
	    bind(c, (struct sockaddr *)&src, sizeof(src)) < 0)
		return 1;
	if (v6 && bind(c, (struct sockaddr *)&src6, sizeof(src6)) < 0)
		return 1;
	struct sockaddr_in any = {.sin_family = AF_INET,
				  .sin_port = sa.sin_port};
	struct sockaddr_in6 any6 = {.sin6_family = AF_INET6,
				    .sin6_port = sa.sin_port};
	any6.sin6_addr.s6_addr[10] = any6.sin6_addr.s6_addr[11] = 0xff;
	char from[64] = "?";
	if (udp) {
		struct in_pktinfo pi = {.ipi_spec_dst = sa.sin_addr};
		char cbuf[CMSG_SPACE(sizeof(pi))] = {0};
		struct cmsghdr *cm = (struct cmsghdr *)cbuf;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
		struct iovec io = {.iov_base = "tg-any", .iov_len = 6};
		struct msghdr m = {.msg_name = &any,
				   .msg_namelen = sizeof(any),
				   .msg_iov = &io,
				   .msg_iovlen = 1,
				   .msg_control = cbuf,
				   .msg_controllen = sizeof(cbuf)};
		if (sendmsg(c, &m, 0) < 0)
			return refused(mode);
		struct pollfd p = {.fd = l, .events = POLLIN};
		if (poll(&p, 1, 2000) != 1)
			return printf("%s: nothing arrived\n", mode), 1;
		struct sockaddr_in f;
		socklen_t fl = sizeof(f);
		char b[16];
		if (recvfrom(l, b, sizeof(b), 0, (struct sockaddr *)&f, &fl) <
		    0)
			return 1;
	} else if (connect(c,
			   v6 ? (struct sockaddr *)&any6
			      : (struct sockaddr *)&any,
			   v6 ? sizeof(any6) : sizeof(any)) < 0) {
		return refused(mode);
	} else if (accept(l, NULL, NULL) < 0) {
		return 1;
	}
	inet_ntop(AF_INET, &sa.sin_addr, from, sizeof(from));
	printf("%s: reached %s\n", mode, from);
	return 0;
}
