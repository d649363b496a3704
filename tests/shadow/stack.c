/*
 * stack.c - the main stack grows by faults alone: 2.4 MiB of recursion,
 * an mmap (a call shadow compares after), then 6 MiB.  shadow must mirror
 * the growth (docs/SHADOW.md, "Faults") for [stack] and VmStk to agree.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

static int recurse(int n)
{
	volatile char frame[4096];
	memset((char *)frame, n, sizeof(frame));
	return n ? recurse(n - 1) + frame[5] : 0;
}

int main(void)
{
	printf("%d\n", recurse(600));
	mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("%d\n", recurse(1500));
	return 0;
}
