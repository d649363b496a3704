/* args_env.c - argv as given, getenv of a variable the test sets. */
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	const char *v = getenv("MMKIT_RV_TEST");
	printf("MMKIT_RV_TEST=%s\n", v ? v : "(unset)");
	return argc;
}
