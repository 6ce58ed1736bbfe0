/* One try of the write-open race attacks (static_procfd_race,
 * static_path_race): what the caller opened for appending at path is
 * written to only when it is the protected file itself. */
#ifndef TG_BYPASS_PROTECTED_H
#define TG_BYPASS_PROTECTED_H

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* 1: path opened the file want describes, and "pwned" went into it (said
 * on stdout with the try's number); 0: anything else (closed again) */
static inline int wrote_protected(const char *path, const struct stat *want,
				  int try)
{
	int fd = open(path, O_WRONLY | O_APPEND);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_ino == want->st_ino &&
	    st.st_dev == want->st_dev && write(fd, "pwned\n", 6) == 6) {
		printf("wrote the protected file (try %d)\n", try);
		return 1;
	}
	if (fd >= 0)
		close(fd);
	return 0;
}

#endif
