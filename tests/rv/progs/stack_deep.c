/* stack_deep.c - 4 MiB of stack through recursion: the stack VMA grows
 * down page by page. */
#include <stdio.h>
#include <string.h>
static long down(int n)
{
	unsigned char pad[1024];
	memset(pad, n & 0xff, sizeof(pad));
	return n ? down(n - 1) + pad[n % 1024] : 0;
}
int main(void)
{
	printf("sum %ld\n", down(4000));
	return 0;
}
