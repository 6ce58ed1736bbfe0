/* policyd decision latency under concurrent clients: THREADS threads, each
 * with its own connection, send DECIDE requests (a write-open in the
 * workspace, a full policy decision) and time each round trip.
 * Usage (inside a session): bench_latency SOCKET DIR THREADS REQUESTS */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tg_proto.h"

static const char *sock, *dir;
static int per_thread;
static double *lat;

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void *worker(void *arg)
{
	long id = (long)arg;
	int fd = tgp_connect(sock);
	if (fd < 0) {
		perror("connect");
		exit(1);
	}
	uint8_t msg[8192], rb[8192];
	char path[4096];
	for (int i = 0; i < per_thread; i++) {
		snprintf(path, sizeof(path), "%s/out/t%ld-%d.o", dir, id,
			 i % 50);
		struct tgp_enc e;
		tgp_enc_begin(&e, msg, sizeof(msg), TGP_DECIDE, (uint32_t)i);
		tgp_put_u32(&e, TGPT_KIND, TGPK_OPEN);
		tgp_put_str(&e, TGPT_PATH, path);
		tgp_put_u32(&e, TGPT_DIRFD, TGP_AT_FDCWD);
		tgp_put_u32(&e, TGPT_ACCESS, 2 | 4);
		long n = tgp_enc_end(&e);
		double t0 = now_us();
		if (tgp_roundtrip(fd, msg, (size_t)n, rb, sizeof(rb)) < 0) {
			fprintf(stderr, "bench_latency: connection lost\n");
			exit(1);
		}
		lat[id * per_thread + i] = now_us() - t0;
	}
	close(fd);
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	sock = argv[1];
	dir = argv[2];
	int threads = atoi(argv[3]);
	int total = atoi(argv[4]);
	per_thread = total / threads;
	lat = calloc((size_t)threads * per_thread, sizeof(double));
	pthread_t t[64];
	double t0 = now_us();
	for (long i = 0; i < threads; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (long i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	double el = now_us() - t0;
	size_t n = (size_t)threads * per_thread;
	qsort(lat, n, sizeof(double), cmp);
	printf("latency: %d clients, %zu decisions in %.0f ms (%.0f/s): p50 "
	       "%.0f us, p99 %.0f us, max %.0f us\n",
	       threads, n, el / 1000, n / (el / 1e6), lat[n / 2],
	       lat[n * 99 / 100], lat[n - 1]);
	return 0;
}
