/* Threads doing opens (allowed and refused) and fork/execs at once.
 * Usage: mt DIR THREADS ITERATIONS [SECRET]. With SECRET (a file reads of
 * which are refused), every thread also reads the same sixteen allowed
 * files (DIR/out/r0..r15, made here) and SECRET, over and over: the names
 * the interposer remembers are shared by the threads. Prints counts; exit
 * 0 when every call got the answer it should. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir, *secret;
static int iters;
static int errors;
static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what)
{
	pthread_mutex_lock(&lk);
	errors++;
	fprintf(stderr, "mt: unexpected result: %s (errno %d)\n", what, errno);
	pthread_mutex_unlock(&lk);
}

static void *worker(void *arg)
{
	long id = (long)arg;
	char ok[4200], no[4200];
	snprintf(ok, sizeof(ok), "%s/out/t%ld", dir, id);
	snprintf(no, sizeof(no), "%s/protected/t%ld", dir, id);
	for (int i = 0; i < iters; i++) {
		int fd = open(ok, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			fail("allowed open refused");
		else
			close(fd);
		fd = open(no, O_WRONLY | O_CREAT, 0644);
		if (fd >= 0 || errno != EACCES) {
			fail("protected open not refused");
			if (fd >= 0)
				close(fd);
		}
		for (int r = 0; secret && r < 16; r++) {
			char rd[4200];
			snprintf(rd, sizeof(rd), "%s/out/r%d", dir,
				 (int)((r + id) % 16));
			fd = open(rd, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				fail("allowed read refused");
			else
				close(fd);
			fd = open(secret, O_RDONLY | O_CLOEXEC);
			if (fd >= 0 || errno != EACCES) {
				fail("denied read not refused");
				if (fd >= 0)
					close(fd);
			}
		}
		if (i % 10 == 0) {
			pid_t p = fork();
			if (p == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(99);
			}
			int st;
			if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) ||
			    WEXITSTATUS(st))
				fail("exec of /bin/true");
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 4)
		return 2;
	dir = argv[1];
	int n = atoi(argv[2]);
	iters = atoi(argv[3]);
	secret = argc > 4 ? argv[4] : NULL;
	for (int r = 0; secret && r < 16; r++) {
		char rd[4200];
		snprintf(rd, sizeof(rd), "%s/out/r%d", dir, r);
		int fd =
		    open(rd, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			fail("making a file to read");
			return 1;
		}
		close(fd);
	}
	pthread_t t[64];
	for (long i = 0; i < n && i < 64; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (long i = 0; i < n && i < 64; i++)
		pthread_join(t[i], NULL);
	printf("mt: %d threads x %d iterations, %d errors\n", n, iters, errors);
	return errors ? 1 : 0;
}
