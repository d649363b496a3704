/* qsort_strings.c - sorts generated words with strcmp. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
int main(void)
{
	enum { N = 5000 };
	char *w[N];
	unsigned s = 99;
	for (int i = 0; i < N; i++) {
		char buf[12];
		int len = 3 + i % 8;
		for (int j = 0; j < len; j++) {
			s = s * 1103515245 + 12345;
			buf[j] = 'a' + (s >> 16) % 26;
		}
		buf[len] = 0;
		w[i] = strdup(buf);
	}
	qsort(w, N, sizeof(*w), cmp);
	printf("%s %s %s\n", w[0], w[N / 2], w[N - 1]);
	return 0;
}
