/* Attack: fopen(PATH, MODE) and a line written through the stream. glibc
 * reads up to six letters after the mode's first and passes over those it
 * does not know, a ',' among them: "r,+" opens O_RDWR. An interposer that
 * stopped at the ',' checked a read. Prints "written" when the line is
 * in the file. Usage: fopen_mode PATH MODE */
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	FILE *f = fopen(argv[1], argv[2]);
	if (!f) {
		perror("fopen");
		return 1;
	}
	if (fputs("written\n", f) < 0 || fflush(f) != 0) {
		perror("write");
		return 1;
	}
	fclose(f);
	puts("written");
	return 0;
}
