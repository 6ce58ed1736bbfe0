/* A forked child's descriptors are its own: the interposer's pooled
 * connection to policyd, inherited from the parent, must be dropped at the
 * fork, not later, when the child may already have put one of its files at
 * that number. Run in the integration workspace: secret/key is a read that
 * policyd decides (refused), so it leaves a pooled connection behind. */
#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void decided_read(void)
{
	int fd = open("secret/key", O_RDONLY);
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	decided_read();
	int sock = -1;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name);
		struct stat st;
		if (fd > 2 && fd != dirfd(d) && fstat(fd, &st) == 0 &&
		    S_ISSOCK(st.st_mode))
			sock = fd;
	}
	if (d)
		closedir(d);
	if (sock < 0) {
		printf("no pooled connection\n");
		return 2;
	}
	pid_t p = fork();
	if (p == 0) {
		int f = open("out/pool_fork.txt", O_WRONLY | O_CREAT | O_TRUNC,
			     0644);
		if (f < 0)
			_exit(3);
		if (f != sock) { /* (the number is free when the child
				  * no longer holds the parent's connection) */
			if (dup2(f, sock) < 0)
				_exit(3);
			close(f);
		}
		decided_read(); /* the child's own request */
		struct stat st;
		if (fstat(sock, &st) < 0 || !S_ISREG(st.st_mode))
			_exit(1); /* closed, or a new connection there */
		_exit(write(sock, "child wrote\n", 12) == 12 ? 0 : 1);
	}
	int st;
	if (p < 0 || waitpid(p, &st, 0) < 0)
		return 4;
	printf("child %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0
				 ? "kept its descriptor"
				 : "lost its descriptor");
	/* the parent closes every descriptor it does not know (as daemons
	 * do) and puts a file of its own at the connection's number (open
	 * gave it that number when the connection had the lowest free one;
	 * now tiergate keeps its descriptors high, a program does it with
	 * dup2); its next request must not be written into that file */
	close(sock);
	int f = open("out/pool_reuse.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f >= 0 && f != sock) {
		if (dup2(f, sock) < 0)
			return 4;
		close(f);
		f = sock;
	}
	decided_read();
	struct stat fs;
	bool untouched = f == sock && fstat(f, &fs) == 0 &&
			 S_ISREG(fs.st_mode) && fs.st_size == 0;
	if (untouched)
		printf("the program's file is untouched\n");
	else if (f != sock)
		printf("the number was not reused\n");
	else
		printf("the program's file was written to or closed\n");
	return 0;
}
