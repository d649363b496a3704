/* fib_recursion.c - deep integer recursion and 64-bit arithmetic. */
#include <stdio.h>
static long fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}
int main(void)
{
	unsigned long h = 1469598103934665603ul;
	for (int i = 0; i < 1000000; i++)
		h = (h ^ (unsigned)i) * 1099511628211ul;
	printf("fib(27) = %ld, fnv = %lx\n", fib(27), h);
	return 0;
}
