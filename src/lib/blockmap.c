/*
 * blockmap.c - the pages of a host file that have blocks (blockmap.h):
 * a sorted array of extents.
 */
#include "blockmap.h"
#include "failinj.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void blockmap_destroy(struct blockmap *bm)
{
	struct failinj *inj = bm->inj;
	free(bm->ext);
	memset(bm, 0, sizeof(*bm));
	bm->inj = inj;
}

/* The index of the first extent whose last > idx (n if none). */
static size_t blockmap_find(const struct blockmap *bm, uint64_t idx)
{
	size_t lo = 0, hi = bm->n;
	if (hi && bm->ext[hi - 1].last <= idx)
		return hi;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (bm->ext[mid].last <= idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool blockmap_test(const struct blockmap *bm, uint64_t idx)
{
	size_t i = blockmap_find(bm, idx);
	return i < bm->n && bm->ext[i].first <= idx;
}

static int blockmap_reserve(struct blockmap *bm, size_t n)
{
	if (n <= bm->cap)
		return 0;
	size_t cap = bm->cap ? bm->cap * 2 : 4;
	while (cap < n)
		cap *= 2;
	struct blockmap_extent *e =
	    failinj_should_fail(bm->inj) ? NULL : realloc(bm->ext, cap * sizeof(*e));
	if (!e)
		return -ENOMEM;
	bm->ext = e;
	bm->cap = cap;
	return 0;
}

int blockmap_add(struct blockmap *bm, uint64_t first, uint64_t last)
{
	if (first >= last)
		return 0;
	/* extents [i, j) touch or overlap [first, last) and merge with it */
	size_t i = first ? blockmap_find(bm, first - 1) : 0;
	size_t j = i;
	while (j < bm->n && bm->ext[j].first <= last)
		j++;
	if (i == j) {
		if (blockmap_reserve(bm, bm->n + 1))
			return -ENOMEM;
		memmove(&bm->ext[i + 1], &bm->ext[i], (bm->n - i) * sizeof(bm->ext[0]));
		bm->ext[i] = (struct blockmap_extent){first, last};
		bm->n++;
		return 0;
	}
	if (bm->ext[i].first < first)
		first = bm->ext[i].first;
	if (bm->ext[j - 1].last > last)
		last = bm->ext[j - 1].last;
	bm->ext[i] = (struct blockmap_extent){first, last};
	memmove(&bm->ext[i + 1], &bm->ext[j], (bm->n - j) * sizeof(bm->ext[0]));
	bm->n -= j - i - 1;
	return 0;
}

int blockmap_remove(struct blockmap *bm, uint64_t first, uint64_t last)
{
	if (first >= last)
		return 0;
	size_t i = blockmap_find(bm, first);
	if (i == bm->n || bm->ext[i].first >= last)
		return 0;
	struct blockmap_extent *e = &bm->ext[i];
	if (e->first < first && e->last > last) { /* a hole inside one extent */
		if (blockmap_reserve(bm, bm->n + 1))
			return -ENOMEM;
		e = &bm->ext[i];
		memmove(e + 1, e, (bm->n - i) * sizeof(*e));
		bm->n++;
		e[0].last = first;
		e[1].first = last;
		return 0;
	}
	if (e->first < first) { /* keep the head of the first extent */
		e->last = first;
		i++;
	}
	size_t j = i;
	while (j < bm->n && bm->ext[j].last <= last)
		j++;
	if (j < bm->n && bm->ext[j].first < last)
		bm->ext[j].first = last; /* keep the tail of the last one */
	memmove(&bm->ext[i], &bm->ext[j], (bm->n - j) * sizeof(bm->ext[0]));
	bm->n -= j - i;
	return 0;
}

int blockmap_check(const struct blockmap *bm, char *err, size_t errlen)
{
	for (size_t i = 0; i < bm->n; i++) {
		const struct blockmap_extent *e = &bm->ext[i];
		if (e->first >= e->last || (i && bm->ext[i - 1].last >= e->first)) {
			snprintf(err, errlen,
				 "block map extent %zu [%#llx, %#llx) is empty, "
				 "out of order or touches the one before",
				 i, (unsigned long long)e->first, (unsigned long long)e->last);
			return -1;
		}
	}
	return 0;
}
