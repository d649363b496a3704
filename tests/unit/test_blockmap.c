/*
 * test_blockmap.c - the extent map of a host file's blocks (blockmap.h):
 * additions that merge with one or both neighbours, removals from the
 * middle of an extent, across several and past the end, and a randomized
 * differential test against a plain array of bits.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "blockmap.h"
#include "t.h"

static char errbuf[256];

#define CHECK_MAP(bm)                                                                              \
	do {                                                                                       \
		if (blockmap_check((bm), errbuf, sizeof(errbuf)) != 0)                             \
			T_FAIL("blockmap_check: %s", errbuf);                                      \
	} while (0)

/* The extents as "[a,b) [c,d)" for comparison. */
static const char *extents(const struct blockmap *bm)
{
	static char s[512];
	size_t o = 0;
	s[0] = 0;
	for (size_t i = 0; i < bm->n && o < sizeof(s) - 40; i++)
		o += (size_t)snprintf(s + o, sizeof(s) - o, "%s[%llu,%llu)", i ? " " : "",
				      (unsigned long long)bm->ext[i].first,
				      (unsigned long long)bm->ext[i].last);
	return s;
}

TEST(adding_merges_with_touching_neighbours)
{
	struct blockmap bm = {0};
	CHECK(!blockmap_test(&bm, 0));
	CHECK_EQ(blockmap_add(&bm, 10, 12), 0);
	CHECK_EQ(blockmap_add(&bm, 0, 2), 0);
	CHECK_EQ(blockmap_add(&bm, 20, 30), 0);
	CHECK_STR(extents(&bm), "[0,2) [10,12) [20,30)");
	CHECK_EQ(blockmap_add(&bm, 12, 13), 0); /* touches the one before */
	CHECK_EQ(blockmap_add(&bm, 19, 20), 0); /* touches the one after */
	CHECK_STR(extents(&bm), "[0,2) [10,13) [19,30)");
	CHECK_EQ(blockmap_add(&bm, 13, 19), 0); /* fills the gap: two become one */
	CHECK_STR(extents(&bm), "[0,2) [10,30)");
	CHECK_EQ(blockmap_add(&bm, 1, 40), 0); /* covers everything */
	CHECK_STR(extents(&bm), "[0,40)");
	CHECK_EQ(blockmap_add(&bm, 5, 5), 0);
	CHECK(blockmap_test(&bm, 0) && blockmap_test(&bm, 39) && !blockmap_test(&bm, 40));
	CHECK_MAP(&bm);
	blockmap_destroy(&bm);
	CHECK_EQ(bm.n, 0);
}

TEST(removing_cuts_splits_and_drops_extents)
{
	struct blockmap bm = {0};
	CHECK_EQ(blockmap_add(&bm, 0, 100), 0);
	CHECK_EQ(blockmap_remove(&bm, 40, 50), 0); /* from the middle: two extents */
	CHECK_STR(extents(&bm), "[0,40) [50,100)");
	CHECK(blockmap_test(&bm, 39) && !blockmap_test(&bm, 40) && !blockmap_test(&bm, 49) &&
	      blockmap_test(&bm, 50));
	CHECK_EQ(blockmap_add(&bm, 60, 61), 0);
	CHECK_EQ(blockmap_remove(&bm, 30, 55), 0); /* the tail of one, the head of the next */
	CHECK_STR(extents(&bm), "[0,30) [55,100)");
	CHECK_EQ(blockmap_add(&bm, 200, 210), 0);
	CHECK_EQ(blockmap_remove(&bm, 10, 205), 0); /* across several */
	CHECK_STR(extents(&bm), "[0,10) [205,210)");
	CHECK_EQ(blockmap_remove(&bm, 300, 400), 0);	  /* nothing there */
	CHECK_EQ(blockmap_remove(&bm, 5, UINT64_MAX), 0); /* a truncation */
	CHECK_STR(extents(&bm), "[0,5)");
	CHECK_EQ(blockmap_remove(&bm, 0, 5), 0);
	CHECK_EQ(bm.n, 0);
	CHECK_MAP(&bm);
	blockmap_destroy(&bm);
}

TEST(the_checker_rejects_touching_extents)
{
	struct blockmap_extent e[2] = {{0, 4}, {4, 8}};
	struct blockmap bm = {.ext = e, .n = 2, .cap = 2};
	CHECK(blockmap_check(&bm, errbuf, sizeof(errbuf)) != 0);
	e[1].first = 5;
	CHECK_EQ(blockmap_check(&bm, errbuf, sizeof(errbuf)), 0);
	e[1].last = 5;
	CHECK(blockmap_check(&bm, errbuf, sizeof(errbuf)) != 0);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

TEST(random_changes_agree_with_a_bit_array)
{
	enum { N = 256 };
	bool bits[N + 1];
	struct blockmap bm = {0};
	uint64_t seed = 42;
	memset(bits, 0, sizeof(bits));
	for (int step = 0; step < 20000; step++) {
		uint64_t a = rng_next(&seed) % N, b = a + rng_next(&seed) % 16;
		if (b > N)
			b = N;
		bool add = rng_next(&seed) & 1;
		CHECK_EQ(add ? blockmap_add(&bm, a, b) : blockmap_remove(&bm, a, b), 0);
		for (uint64_t i = a; i < b; i++)
			bits[i] = add;
		CHECK_MAP(&bm);
		for (uint64_t i = 0; i <= N; i++)
			if (blockmap_test(&bm, i) != bits[i])
				T_FAIL("step %d: page %llu is %d in the map, %d in the bits", step,
				       (unsigned long long)i, blockmap_test(&bm, i), bits[i]);
		size_t runs = 0; /* extents are maximal: one per run of set bits */
		for (uint64_t i = 0; i < N; i++)
			runs += bits[i] && (i == 0 || !bits[i - 1]);
		CHECK_EQ(bm.n, runs);
	}
	blockmap_destroy(&bm);
}

T_MAIN
