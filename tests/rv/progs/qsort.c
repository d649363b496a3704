/* qsort.c - sorts 100000 pseudo-random integers with qsort and checks the
 * order; prints a checksum. */
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int main(void)
{
	enum { N = 100000 };
	int *v = malloc(N * sizeof(int));
	unsigned s = 12345;
	for (int i = 0; i < N; i++) {
		s = s * 1103515245 + 12345;
		v[i] = (int)(s >> 1);
	}
	qsort(v, N, sizeof(int), cmp);
	long long sum = 0;
	for (int i = 0; i < N; i++) {
		if (i && v[i - 1] > v[i]) {
			printf("not sorted at %d\n", i);
			return 1;
		}
		sum += v[i] % 1000;
	}
	printf("sorted %d, checksum %lld, min %d\n", N, sum, v[0]);
	free(v);
	return 0;
}
