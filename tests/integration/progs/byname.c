/* Looks a name up and connects to it at once, the way clients do: the
 * first connect of a new process right after its getaddrinfo, which is
 * when a host rule depends on policyd having recorded the name first.
 * It reads a file before, as programs do, so that it already has a
 * connection to policyd when it reports the name.
 * Usage: byname HOST PORT [fork|threads|MODE]; prints "byname: connected" or
 * the errno of the last address tried. With "fork", a child made after the
 * lookup connects (the report went on the parent's connection to policyd);
 * with "threads", four threads connect at once after the lookup, and all
 * four must get through. MODE looks the name up with one of the older
 * calls instead of getaddrinfo: gethostbyname, gethostbyname2,
 * gethostbyname_r or gethostbyname2_r (IPv4). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* 0 when some address connects, else the errno of the last one */
static int try_all(const struct addrinfo *res)
{
	int err = 0;
	for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd =
		    socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			close(fd);
			return 0;
		}
		err = errno;
		close(fd);
	}
	return err ? err : -1;
}

static void *connector(void *arg)
{
	return (void *)(long)try_all(arg);
}

/* HOST by one of the struct hostent calls, as an addrinfo list (static) */
static struct addrinfo *by_hostent(const char *mode, const char *host,
				   const char *port)
{
	static struct sockaddr_in sa[8];
	static struct addrinfo ai[8];
	static char buf[8192];
	struct hostent he, *h = NULL;
	int herr;
	if (!strcmp(mode, "gethostbyname"))
		h = gethostbyname(host);
	else if (!strcmp(mode, "gethostbyname2"))
		h = gethostbyname2(host, AF_INET);
	else if (!strcmp(mode, "gethostbyname_r"))
		gethostbyname_r(host, &he, buf, sizeof(buf), &h, &herr);
	else if (!strcmp(mode, "gethostbyname2_r"))
		gethostbyname2_r(host, AF_INET, &he, buf, sizeof(buf), &h,
				 &herr);
	if (!h || h->h_addrtype != AF_INET)
		return NULL;
	int n = 0;
	for (; n < 8 && h->h_addr_list[n]; n++) {
		memset(&sa[n], 0, sizeof(sa[n]));
		sa[n].sin_family = AF_INET;
		sa[n].sin_port = htons((uint16_t)atoi(port));
		memcpy(&sa[n].sin_addr, h->h_addr_list[n], 4);
		memset(&ai[n], 0, sizeof(ai[n]));
		ai[n].ai_family = AF_INET;
		ai[n].ai_socktype = SOCK_STREAM;
		ai[n].ai_addr = (struct sockaddr *)&sa[n];
		ai[n].ai_addrlen = sizeof(sa[n]);
		ai[n].ai_next = n ? &ai[n - 1] : NULL;
	}
	return n ? &ai[n - 1] : NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	FILE *self = fopen(argv[0], "r");
	if (self)
		fclose(self);
	if (argc > 3 && !strncmp(argv[3], "gethostbyname", 13)) {
		struct addrinfo *l = by_hostent(argv[3], argv[1], argv[2]);
		if (!l) {
			printf("byname: lookup failed\n");
			return 1;
		}
		int err = try_all(l);
		if (!err) {
			printf("byname: connected\n");
			return 0;
		}
		printf("byname: refused errno=%d\n", err);
		return 1;
	}
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	int r = getaddrinfo(argv[1], argv[2], &hints, &res);
	if (r != 0) {
		printf("byname: lookup failed: %s\n", gai_strerror(r));
		return 1;
	}
	if (argc > 3 && !strcmp(argv[3], "fork")) {
		pid_t p = fork();
		if (p < 0)
			return 1;
		if (p > 0) {
			int st = 0;
			waitpid(p, &st, 0);
			freeaddrinfo(res);
			return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
		}
	}
	int err;
	if (argc > 3 && !strcmp(argv[3], "threads")) {
		pthread_t t[4];
		int nt = 0;
		for (int i = 0; i < 4; i++)
			if (pthread_create(&t[nt], NULL, connector, res) == 0)
				nt++;
		err = nt == 4 ? 0 : -1;
		for (int i = 0; i < nt; i++) {
			void *rv;
			pthread_join(t[i], &rv);
			if (rv)
				err = (int)(long)rv;
		}
	} else {
		err = try_all(res);
	}
	freeaddrinfo(res);
	if (!err) {
		printf("byname: connected\n");
		return 0;
	}
	printf("byname: refused errno=%d\n", err);
	return 1;
}
