/*
 * suggest.c - the nearest valid word to a mistyped one (suggest.h).
 *
 * The distance is Damerau-Levenshtein in its "optimal string alignment"
 * form: the classic dynamic programme over a (an+1) x (bn+1) table, plus a
 * swap of two neighbouring bytes as one edit ("wrte" -> "write" is 1,
 * "mpaa" -> "mmap" is 2).  Words are short, so the table is on the stack
 * and longer words are simply not compared.
 */
#include "suggest.h"

#include <ctype.h>
#include <string.h>

static int lower(char c)
{
	return tolower((unsigned char)c);
}

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;
	return m < c ? m : c;
}

int suggest_distance(const char *a, size_t an, const char *b, size_t bn)
{
	int d[SUGGEST_LEN_MAX + 1][SUGGEST_LEN_MAX + 1];

	if (an > SUGGEST_LEN_MAX || bn > SUGGEST_LEN_MAX)
		return 1 << 20;
	for (size_t i = 0; i <= an; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= bn; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= an; i++) {
		for (size_t j = 1; j <= bn; j++) {
			int cost = lower(a[i - 1]) != lower(b[j - 1]);
			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[an][bn];
}

int suggest_close(size_t n, int dist)
{
	int limit = n <= 4 ? 1 : n <= 8 ? 2 : 3;
	return dist > 0 && dist <= limit;
}

struct suggest suggest_begin(const char *typed, size_t n)
{
	return (struct suggest){.typed = typed, .n = n, .best = NULL, .dist = 1 << 20};
}

void suggest_offer(struct suggest *sg, const char *word)
{
	int dist = suggest_distance(sg->typed, sg->n, word, strlen(word));
	if (dist < sg->dist && suggest_close(sg->n, dist)) {
		sg->best = word;
		sg->dist = dist;
	}
}
