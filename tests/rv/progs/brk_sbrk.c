/* brk_sbrk.c - the program break grows and shrinks with sbrk; memory in
 * the grown part is zero and writable. */
#include <stdio.h>
#include <unistd.h>
int main(void)
{
	/* every sbrk before the first printf, whose buffer malloc may take
	 * from the break */
	char *b0 = sbrk(0);
	char *p = sbrk(3 * 4096 + 100);
	int zero = p[3 * 4096 + 99];
	p[0] = 'a';
	p[3 * 4096 + 99] = 'z';
	long grew = (long)((char *)sbrk(0) - b0);
	sbrk(-(3 * 4096 + 100));
	int back = sbrk(0) == b0;
	char *q = sbrk(4096);
	int rezero = q[0] == 0;
	printf("returned old break: %d\nzero: %d\ngrew by %ld\nback to start: %d\n"
	       "regrown page is zero again: %d\n",
	       p == b0, zero, grew, back, rezero);
	return 0;
}
