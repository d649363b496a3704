/* mincore_resident.c - which pages of a fresh anonymous mapping are
 * resident before and after touching some of them. */
#include <stdio.h>
#include <sys/mman.h>
int main(void)
{
	char *a = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char v[8];
	mincore(a, 8 * 4096, v);
	for (int i = 0; i < 8; i++)
		putchar('0' + (v[i] & 1));
	putchar('\n');
	a[0] = 1;
	a[3 * 4096] = 1;
	a[7 * 4096 + 5] = 1;
	mincore(a, 8 * 4096, v);
	for (int i = 0; i < 8; i++)
		putchar('0' + (v[i] & 1));
	putchar('\n');
	printf("unaligned: %d\n", mincore(a + 1, 4096, v));
	return 0;
}
