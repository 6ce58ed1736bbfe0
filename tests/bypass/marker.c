/* The "denied program" of the bypass suite: says it ran, with its argv.
 * Built twice: static (static_marker, see the Makefile) and dynamic. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("program ran:");
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return 0;
}
