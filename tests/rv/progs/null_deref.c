/* null_deref.c - a store through NULL with no handler: SIGSEGV kills the
 * process (status 139). */
#include <stdio.h>
int main(void)
{
	printf("storing through NULL\n");
	fflush(stdout);
	*(volatile int *)0 = 1;
	return 0;
}
