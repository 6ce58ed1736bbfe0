/* Looks a name up and connects to it at once, the way clients do: the
 * first connect of a new process right after its getaddrinfo, which is
 * when a host rule depends on policyd having recorded the name first.
 * It reads a file before, as programs do, so that it already has a
 * connection to policyd when it reports the name.
 * Usage: byname HOST PORT [fork|threads]; prints "byname: connected" or
 * the errno of the last address tried. With "fork", a child made after the
 * lookup connects (the report went on the parent's connection to policyd);
 * with "threads", four threads connect at once after the lookup, and all
 * four must get through. */
#include <errno.h>
#include <netdb.h>
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

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	FILE *self = fopen(argv[0], "r");
	if (self)
		fclose(self);
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
