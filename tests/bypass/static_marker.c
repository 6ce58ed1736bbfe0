/* Static build of marker.c: says it ran, with its argv. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("program ran:");
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return 0;
}
