/* mmap_many.c - many anonymous mappings, holes punched with munmap,
 * mremap shrinking and growing in place, data kept throughout. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
int main(void)
{
	char *m[64];
	for (int i = 0; i < 64; i++) {
		m[i] = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			    0);
		memset(m[i], i, 8 * 4096);
	}
	for (int i = 0; i < 64; i += 2)
		munmap(m[i] + 2 * 4096, 4096);
	long s = 0;
	for (int i = 0; i < 64; i++)
		for (int p = 0; p < 8; p++)
			if (i % 2 || p != 2)
				s += m[i][p * 4096 + 7];
	char *r = mremap(m[1], 8 * 4096, 2 * 4096, 0);
	printf("sum %ld, shrink in place %d, byte %d\n", s, r == m[1], r[4096]);
	char *g = mremap(r, 2 * 4096, 16 * 4096, MREMAP_MAYMOVE);
	g[15 * 4096] = 9;
	printf("grown: old bytes %d, new page %d, fresh page %d\n", g[0], g[15 * 4096],
	       g[10 * 4096]);
	return 0;
}
