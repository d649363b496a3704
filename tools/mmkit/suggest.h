/*
 * suggest.h - "did you mean" for a mistyped word (suggest.c): the nearest
 * of a set of valid words by Damerau-Levenshtein distance (optimal string
 * alignment: insert, delete, substitute, swap two neighbours), close enough
 * for its length to be a typo rather than another word.
 *
 * Used by every message of `mmkit` that rejects a word: subcommands and
 * options (opts.c), and the script language's statement, operation and
 * flag words (script.c).  Depends on libc only, so the parser's unit test
 * and fuzz harness compile it in.
 */
#ifndef MMKIT_SUGGEST_H
#define MMKIT_SUGGEST_H

#include <stddef.h>

/* The edit distance between a[0..an) and b[0..bn), compared without case;
 * counts past SUGGEST_LEN_MAX bytes are not computed (returns a large
 * number). */
#define SUGGEST_LEN_MAX 64
int suggest_distance(const char *a, size_t an, const char *b, size_t bn);

/* Whether a word of typed length n at distance dist from a valid word is
 * a typo of it: 1 edit for up to 4 bytes, 2 for up to 8, 3 beyond. */
int suggest_close(size_t n, int dist);

/* A search for the nearest word: start with suggest_begin(typed, n), offer
 * each valid word, then read best (NULL when none is close enough).  Ties
 * keep the first word offered. */
struct suggest {
	const char *typed;
	size_t n;
	const char *best;
	int dist;
};
struct suggest suggest_begin(const char *typed, size_t n);
void suggest_offer(struct suggest *sg, const char *word);

#endif
