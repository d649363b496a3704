/* malloc_heavy.c - many allocations of mixed sizes (brk and mmap'd ones),
 * freed in a shuffled order, with realloc growth; checks every byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	enum { N = 4000 };
	static unsigned char *p[N];
	static size_t len[N];
	unsigned s = 7;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			s = s * 1664525 + 1013904223;
			len[i] = (s >> 8) % (i % 97 == 0 ? 300000 : 2000) + 1;
			p[i] = malloc(len[i]);
			memset(p[i], (unsigned char)(i + round), len[i]);
		}
		for (int i = 0; i < N; i += 3) {
			p[i] = realloc(p[i], len[i] * 2);
			memset(p[i] + len[i], (unsigned char)(i + round), len[i]);
			len[i] *= 2;
		}
		for (int k = 0; k < N; k++) {
			int i = (k * 7919) % N;
			for (size_t j = 0; j < len[i]; j += 97)
				if (p[i][j] != (unsigned char)(i + round)) {
					printf("corrupt block %d\n", i);
					return 1;
				}
			free(p[i]);
		}
	}
	printf("malloc_heavy ok\n");
	return 0;
}
