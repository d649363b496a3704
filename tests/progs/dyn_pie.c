/* dyn_pie.c - a dynamic PIE whose interpreter is /ld-linux-x86-64.so.2,
 * at the run directory's root (README.md). */
#include <stdio.h>

int counter = 7;

int main(int argc, char **argv)
{
	printf("%s %d\n", argv[0], argc + counter);
	return 0;
}
