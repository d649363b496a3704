/*
 * test_pcache_index.c - the page-cache radix tree: insert/lookup/erase,
 * keys at every digit boundary up to UINT64_MAX, height growth and shrink,
 * ordered iteration skipping empty subtrees, -ENOMEM leaving the index
 * unchanged at every allocation point, a randomized differential test
 * against a sorted array, and a size/speed sanity check.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "pcache_index.h"
#include "t.h"

static char errbuf[256];

#define CHECK_X(x)                                                                                 \
	do {                                                                                       \
		if (pcache_index_check((x), errbuf, sizeof(errbuf)) != 0)                          \
			T_FAIL("pcache_index_check: %s", errbuf);                                  \
	} while (0)

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

TEST(empty_index)
{
	struct pcache_index x;
	uint32_t v;
	uint64_t k;

	pcache_index_init(&x);
	CHECK_EQ(pcache_index_count(&x), 0);
	CHECK_EQ(pcache_index_lookup(&x, 0, &v), -ENOENT);
	CHECK_EQ(pcache_index_lookup(&x, UINT64_MAX, &v), -ENOENT);
	CHECK_EQ(pcache_index_next(&x, 0, &k, &v), -ENOENT);
	CHECK_EQ(pcache_index_erase(&x, 0, &v), -ENOENT);
	CHECK_X(&x);
	pcache_index_destroy(&x);
	pcache_index_destroy(&x); /* twice is harmless */
}

TEST(insert_lookup_erase)
{
	struct pcache_index x;
	uint32_t v = 0;

	pcache_index_init(&x);
	CHECK_EQ(pcache_index_insert(&x, 10, 100), 0);
	CHECK_EQ(pcache_index_insert(&x, 11, 110), 0);
	CHECK_EQ(pcache_index_insert(&x, 10, 999), -EEXIST);
	CHECK_EQ(pcache_index_count(&x), 2);
	CHECK_EQ(pcache_index_lookup(&x, 10, &v), 0);
	CHECK_EQ(v, 100); /* EEXIST did not overwrite */
	CHECK_EQ(pcache_index_lookup(&x, 11, &v), 0);
	CHECK_EQ(v, 110);
	CHECK_EQ(pcache_index_lookup(&x, 12, &v), -ENOENT);
	CHECK_EQ(pcache_index_erase(&x, 10, &v), 0);
	CHECK_EQ(v, 100);
	CHECK_EQ(pcache_index_erase(&x, 10, &v), -ENOENT);
	CHECK_EQ(pcache_index_erase(&x, 11, NULL), 0);
	CHECK_EQ(pcache_index_count(&x), 0);
	CHECK(x.root == NULL);
	CHECK_EQ(x.height, 0);
	/* value 0 and UINT32_MAX are ordinary values */
	CHECK_EQ(pcache_index_insert(&x, 5, 0), 0);
	CHECK_EQ(pcache_index_insert(&x, 6, UINT32_MAX), 0);
	CHECK_EQ(pcache_index_lookup(&x, 5, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(pcache_index_lookup(&x, 6, &v), 0);
	CHECK_EQ(v, UINT32_MAX);
	CHECK_X(&x);
	pcache_index_destroy(&x);
	CHECK_EQ(pcache_index_count(&x), 0);
}

TEST(height_grows_and_shrinks)
{
	struct pcache_index x;
	uint32_t v;

	pcache_index_init(&x);
	CHECK_EQ(pcache_index_insert(&x, 0, 1), 0);
	CHECK_EQ(x.height, 1);
	CHECK_EQ(pcache_index_insert(&x, 63, 2), 0);
	CHECK_EQ(x.height, 1);
	CHECK_EQ(pcache_index_insert(&x, 64, 3), 0);
	CHECK_EQ(x.height, 2);
	CHECK_EQ(pcache_index_insert(&x, 1ull << 52, 4), 0);
	CHECK_EQ(x.height, 9);
	CHECK_X(&x);
	CHECK_EQ(pcache_index_erase(&x, 1ull << 52, &v), 0);
	CHECK_EQ(x.height, 2);
	CHECK_EQ(pcache_index_erase(&x, 64, &v), 0);
	CHECK_EQ(x.height, 1);
	CHECK_X(&x);
	/* a lone large key sits in a tall tree; erasing it frees everything */
	CHECK_EQ(pcache_index_erase(&x, 0, &v), 0);
	CHECK_EQ(pcache_index_erase(&x, 63, &v), 0);
	CHECK_EQ(pcache_index_insert(&x, UINT64_MAX, 5), 0);
	CHECK_EQ(x.height, 11);
	CHECK_X(&x);
	CHECK_EQ(pcache_index_insert(&x, 0, 6), 0);
	CHECK_EQ(pcache_index_erase(&x, UINT64_MAX, &v), 0);
	CHECK_EQ(v, 5);
	CHECK_EQ(x.height, 1);
	CHECK_EQ(pcache_index_erase(&x, 0, &v), 0);
	CHECK(x.root == NULL);
	CHECK_X(&x);
	pcache_index_destroy(&x);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

TEST(boundary_keys)
{
	struct pcache_index x;
	uint64_t keys[64];
	int n = 0;
	uint32_t v;

	pcache_index_init(&x);
	keys[n++] = 0;
	for (int b = 6; b < 64; b += 6) {
		keys[n++] = (1ull << b) - 1;
		keys[n++] = 1ull << b;
	}
	keys[n++] = (1ull << 52) - 1;
	keys[n++] = 1ull << 52;
	keys[n++] = UINT64_MAX - 1;
	keys[n++] = UINT64_MAX;
	qsort(keys, n, sizeof(keys[0]), cmp_u64);
	for (int i = 0; i < n; i++)
		CHECK_EQ(pcache_index_insert(&x, keys[i], (uint32_t)i), 0);
	CHECK_X(&x);
	CHECK_EQ(pcache_index_count(&x), n);
	for (int i = 0; i < n; i++) {
		CHECK_EQ(pcache_index_lookup(&x, keys[i], &v), 0);
		CHECK_EQ(v, i);
		if (keys[i] + 2 > keys[i] && (i + 1 == n || keys[i + 1] != keys[i] + 1))
			CHECK_EQ(pcache_index_lookup(&x, keys[i] + 1, &v), -ENOENT);
	}
	/* ascending iteration sees them all in order, then stops */
	uint64_t k, from = 0;
	int seen = 0;
	while (pcache_index_next(&x, from, &k, &v) == 0) {
		CHECK(seen < n);
		CHECK_EQ(k, keys[seen]);
		CHECK_EQ(v, seen);
		seen++;
		if (k == UINT64_MAX)
			break;
		from = k + 1;
	}
	CHECK_EQ(seen, n);
	for (int i = n - 1; i >= 0; i--) {
		CHECK_EQ(pcache_index_erase(&x, keys[i], &v), 0);
		CHECK_EQ(v, i);
		if (i % 3 == 0)
			CHECK_X(&x);
	}
	CHECK(x.root == NULL);
	pcache_index_destroy(&x);
}

TEST(next_skips_empty_subtrees)
{
	struct pcache_index x;
	uint64_t k;
	uint32_t v;

	pcache_index_init(&x);
	CHECK_EQ(pcache_index_insert(&x, 5, 50), 0);
	CHECK_EQ(pcache_index_insert(&x, 1ull << 40, 40), 0);
	CHECK_EQ(pcache_index_insert(&x, (1ull << 52) + 7, 52), 0);
	CHECK_EQ(pcache_index_next(&x, 0, &k, &v), 0);
	CHECK_EQ(k, 5);
	CHECK_EQ(v, 50);
	CHECK_EQ(pcache_index_next(&x, 5, &k, &v), 0);
	CHECK_EQ(k, 5);
	CHECK_EQ(pcache_index_next(&x, 6, &k, &v), 0);
	CHECK_EQ(k, 1ull << 40);
	CHECK_EQ(v, 40);
	CHECK_EQ(pcache_index_next(&x, (1ull << 40) + 1, &k, &v), 0);
	CHECK_EQ(k, (1ull << 52) + 7);
	CHECK_EQ(pcache_index_next(&x, (1ull << 52) + 8, &k, &v), -ENOENT);
	CHECK_EQ(pcache_index_next(&x, UINT64_MAX, &k, &v), -ENOENT);
	/* a from beyond the tree's height */
	CHECK_EQ(pcache_index_erase(&x, (1ull << 52) + 7, NULL), 0);
	CHECK_EQ(pcache_index_next(&x, 1ull << 50, &k, &v), -ENOENT);
	CHECK_EQ(pcache_index_next(&x, 1ull << 63, &k, &v), -ENOENT);
	pcache_index_destroy(&x);
}

#define SENTINEL 0xdeadbeefu

/* pcache_index_lookup_range() of [first, first + n) with vals[] pre-filled
 * with SENTINEL; CHECKs that exactly the keys of want (bit i: first + i)
 * came back, each with value val_of(key), and that the others kept SENTINEL. */
static void check_range(const struct pcache_index *x, uint64_t first, unsigned n, uint64_t want,
			uint32_t (*val_of)(uint64_t))
{
	uint32_t vals[64];
	for (unsigned i = 0; i < 64; i++)
		vals[i] = SENTINEL;
	uint64_t got = pcache_index_lookup_range(x, first, n, vals);
	if (got != want)
		T_FAIL("range [%" PRIu64 ", +%u): bitmap %#" PRIx64 ", want %#" PRIx64, first, n,
		       got, want);
	for (unsigned i = 0; i < 64; i++) {
		uint32_t expect = (want >> i) & 1 ? val_of(first + i) : SENTINEL;
		if (vals[i] != expect)
			T_FAIL("range [%" PRIu64 ", +%u): vals[%u] = %#x, want %#x", first, n, i,
			       vals[i], expect);
	}
}

static uint32_t times_ten(uint64_t key)
{
	return (uint32_t)(key * 10);
}

/* Wraps check_range so that a failure inside it ends the calling test. */
#define CHECK_RANGE(x, first, n, want, val_of)                                                     \
	do {                                                                                       \
		check_range((x), (first), (n), (want), (val_of));                                  \
		if (t_failed_now)                                                                  \
			return;                                                                    \
	} while (0)

TEST(lookup_range_within_and_across_leaves)
{
	struct pcache_index x;
	uint32_t vals[64];

	pcache_index_init(&x);
	CHECK_EQ(pcache_index_lookup_range(&x, 0, 64, vals), 0); /* empty index */
	/* leaf 0: 0..3 and 60..63; leaf 1: 64, 66; leaf 3 (192..255): 200 */
	uint64_t keys[] = {0, 1, 2, 3, 60, 61, 62, 63, 64, 66, 200};
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		CHECK_EQ(pcache_index_insert(&x, keys[i], times_ten(keys[i])), 0);
	CHECK_RANGE(&x, 0, 16, 0xf, times_ten);				/* one leaf, aligned */
	CHECK_RANGE(&x, 2, 1, 0x1, times_ten);				/* one key */
	CHECK_RANGE(&x, 4, 1, 0x0, times_ten);				/* one hole */
	CHECK_RANGE(&x, 0, 64, 0xf000000000000000ull | 0xf, times_ten); /* a whole leaf */
	/* 56..71 crosses from leaf 0 into leaf 1: 60..63 are bits 4..7, 64 bit 8, 66 bit 10 */
	CHECK_RANGE(&x, 56, 16, 0x5f0, times_ten);
	/* 62..125: the rest of leaf 0 and most of leaf 1, n = 64 unaligned */
	CHECK_RANGE(&x, 62, 64, 0x1 | 0x2 | 0x4 | 0x10, times_ten);
	/* 120..183: leaf 1's tail and a missing leaf 2 */
	CHECK_RANGE(&x, 120, 64, 0, times_ten);
	/* 190..205: missing leaf 2's tail, then leaf 3 */
	CHECK_RANGE(&x, 190, 16, 1ull << 10, times_ten);
	/* beyond the tree's height (keys < 4096 here) */
	CHECK_RANGE(&x, 1ull << 40, 64, 0, times_ten);
	CHECK_RANGE(&x, 4090, 16, 0, times_ten);
	CHECK_X(&x);
	pcache_index_destroy(&x);
}

static uint32_t low_bits_of(uint64_t key)
{
	return (uint32_t)key;
}

TEST(lookup_range_at_the_top_of_the_key_space)
{
	struct pcache_index x;

	pcache_index_init(&x);
	CHECK_EQ(pcache_index_insert(&x, UINT64_MAX, low_bits_of(UINT64_MAX)), 0);
	CHECK_EQ(pcache_index_insert(&x, UINT64_MAX - 64, low_bits_of(UINT64_MAX - 64)), 0);
	CHECK_EQ(pcache_index_insert(&x, 5, low_bits_of(5)), 0);
	/* the last 16 keys: only UINT64_MAX */
	CHECK_RANGE(&x, UINT64_MAX - 15, 16, 1ull << 15, low_bits_of);
	/* the last 64: one leaf, UINT64_MAX - 63 .. UINT64_MAX */
	CHECK_RANGE(&x, UINT64_MAX - 63, 64, 1ull << 63, low_bits_of);
	/* 65 below the top, across the last two leaves */
	CHECK_RANGE(&x, UINT64_MAX - 64, 64, 1, low_bits_of);
	CHECK_RANGE(&x, UINT64_MAX, 1, 1, low_bits_of);
	CHECK_RANGE(&x, 0, 8, 1ull << 5, low_bits_of);
	pcache_index_destroy(&x);
}

/* Every key in a sorted array is in the index with the value model_val(). */
static uint32_t model_val(uint64_t key)
{
	return (uint32_t)(key * 2654435761u) ^ (uint32_t)(key >> 32);
}

TEST(enomem_leaves_index_unchanged)
{
	/* a tree with keys at a few heights; each new key needs growth and new nodes */
	uint64_t base[] = {0, 1, 70, 5000, 1ull << 30};
	uint64_t newkeys[] = {1ull << 52, 64 * 64 * 64 + 5, 2, 1ull << 31, UINT64_MAX, 4097};

	for (size_t j = 0; j < sizeof(newkeys) / sizeof(newkeys[0]); j++) {
		int succeeded = 0;
		for (int after = 0; after < 20 && !succeeded; after++) {
			struct pcache_index x;
			uint32_t v;
			pcache_index_init(&x);
			for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
				CHECK_EQ(pcache_index_insert(&x, base[i], model_val(base[i])), 0);
			unsigned h = x.height;
			pcache_index_inject_fail(&x, after);
			int rc = pcache_index_insert(&x, newkeys[j], 7);
			pcache_index_inject_fail(&x, -1);
			CHECK_X(&x);
			if (rc == 0) {
				succeeded = 1;
				CHECK_EQ(pcache_index_count(&x), 6);
				CHECK_EQ(pcache_index_lookup(&x, newkeys[j], &v), 0);
			} else {
				CHECK_EQ(rc, -ENOMEM);
				CHECK_EQ(pcache_index_count(&x), 5);
				CHECK_EQ(x.height, h);
				CHECK_EQ(pcache_index_lookup(&x, newkeys[j], &v), -ENOENT);
			}
			for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
				CHECK_EQ(pcache_index_lookup(&x, base[i], &v), 0);
				CHECK_EQ(v, model_val(base[i]));
			}
			pcache_index_destroy(&x); /* LeakSanitizer: nothing left behind */
		}
		CHECK(succeeded);
	}
	/* into an empty index */
	struct pcache_index x;
	pcache_index_init(&x);
	pcache_index_inject_fail(&x, 0);
	CHECK_EQ(pcache_index_insert(&x, 12345, 1), -ENOMEM);
	CHECK(x.root == NULL);
	CHECK_EQ(x.height, 0);
	pcache_index_inject_fail(&x, 1);
	CHECK_EQ(pcache_index_insert(&x, 12345, 1), -ENOMEM);
	CHECK(x.root == NULL);
	CHECK_X(&x);
	pcache_index_inject_fail(&x, -1);
	CHECK_EQ(pcache_index_insert(&x, 12345, 1), 0);
	pcache_index_destroy(&x);
}

/* ---- randomized differential test ---------------------------------------- */

struct model {
	uint64_t *keys;
	int n, cap;
};

static int model_find(const struct model *m, uint64_t key)
{
	int lo = 0, hi = m->n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (m->keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t random_key(uint64_t *s)
{
	uint64_t r = rng_next(s);
	switch (r % 5) {
	case 0:
		return (r >> 8) % 512; /* dense small file */
	case 1:
		return 100000 + (r >> 8) % 100000; /* a sparse middle */
	case 2:
		return (r >> 12) & ((1ull << 52) - 1); /* anywhere up to 2^52 */
	case 3:
		return ((r >> 8) % 64) << ((r >> 32) % 58); /* near digit boundaries */
	default:
		return UINT64_MAX - (r >> 8) % 300; /* the very top */
	}
}

TEST(randomized_against_model)
{
	struct pcache_index x;
	struct model m = {calloc(20000, sizeof(uint64_t)), 0, 20000};
	uint64_t s = 0x0123456789abcdefull;
	uint32_t v;
	uint64_t k;

	CHECK(m.keys != NULL);
	pcache_index_init(&x);
	for (int op = 0; op < 200000; op++) {
		uint64_t r = rng_next(&s);
		int kind = r % 10;
		uint64_t key = random_key(&s);
		int i = model_find(&m, key);
		int here = i < m.n && m.keys[i] == key;
		if (kind < 4 && m.n < m.cap) {
			int rc = pcache_index_insert(&x, key, model_val(key));
			CHECK_EQ(rc, here ? -EEXIST : 0);
			if (!here) {
				memmove(&m.keys[i + 1], &m.keys[i], (m.n - i) * sizeof(uint64_t));
				m.keys[i] = key;
				m.n++;
			}
		} else if (kind < 7) {
			if (m.n && (r >> 40) % 2) { /* erase one that exists */
				i = (r >> 8) % m.n;
				key = m.keys[i];
				here = 1;
			}
			int rc = pcache_index_erase(&x, key, &v);
			CHECK_EQ(rc, here ? 0 : -ENOENT);
			if (here) {
				CHECK_EQ(v, model_val(key));
				memmove(&m.keys[i], &m.keys[i + 1],
					(m.n - i - 1) * sizeof(uint64_t));
				m.n--;
			}
		} else if (kind < 8) {
			int rc = pcache_index_lookup(&x, key, &v);
			CHECK_EQ(rc, here ? 0 : -ENOENT);
			if (here)
				CHECK_EQ(v, model_val(key));
		} else if (kind < 9) {
			/* a range starting at key, compared key by key with the model */
			unsigned n = 1 + (unsigned)((r >> 16) % 64);
			if (key > UINT64_MAX - (n - 1))
				key = UINT64_MAX - (n - 1);
			i = model_find(&m, key);
			uint64_t want = 0;
			for (int j = i; j < m.n && m.keys[j] - key < n; j++)
				want |= 1ull << (m.keys[j] - key);
			CHECK_RANGE(&x, key, n, want, model_val);
		} else {
			int rc = pcache_index_next(&x, key, &k, &v);
			if (i < m.n) {
				CHECK_EQ(rc, 0);
				CHECK_EQ(k, m.keys[i]);
				CHECK_EQ(v, model_val(k));
			} else {
				CHECK_EQ(rc, -ENOENT);
			}
		}
		CHECK_EQ(pcache_index_count(&x), m.n);
		if (op % 5000 == 0)
			CHECK_X(&x);
	}
	/* a full ordered walk */
	uint64_t from = 0;
	int seen = 0;
	while (pcache_index_next(&x, from, &k, &v) == 0) {
		CHECK(seen < m.n);
		CHECK_EQ(k, m.keys[seen]);
		seen++;
		if (k == UINT64_MAX)
			break;
		from = k + 1;
	}
	CHECK_EQ(seen, m.n);
	CHECK_X(&x);
	free(m.keys);
	pcache_index_destroy(&x);
}

TEST(a_million_pages)
{
	struct pcache_index x;
	enum { N = 1 << 20 };
	struct timespec t0, t1;
	uint32_t v;
	uint64_t k;

	pcache_index_init(&x);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < N; i++)
		if (pcache_index_insert(&x, i, i ^ 0x5555) != 0)
			T_FAIL("insert %u", i);
	for (uint32_t i = 0; i < N; i++)
		if (pcache_index_lookup(&x, i, &v) != 0 || v != (i ^ 0x5555))
			T_FAIL("lookup %u", i);
	uint64_t from = 0, n = 0;
	while (pcache_index_next(&x, from, &k, &v) == 0) {
		if (k != n)
			T_FAIL("next gave %llu, want %llu", (unsigned long long)k,
			       (unsigned long long)n);
		n++;
		from = k + 1;
	}
	CHECK_EQ(n, N);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_EQ(pcache_index_count(&x), N);
	CHECK_EQ(x.height, 4); /* 2^20 keys: ceil(20 / 6) levels */
	CHECK_X(&x);
	/* truncate the upper half the way truncate would: next + erase */
	from = N / 2;
	while (pcache_index_next(&x, from, &k, &v) == 0) {
		CHECK_EQ(pcache_index_erase(&x, k, NULL), 0);
		from = k + 1;
	}
	CHECK_EQ(pcache_index_count(&x), N / 2);
	CHECK_X(&x);
	double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# 1M pages insert+lookup+iterate: %.0f ms\n", ms);
	CHECK(ms < 5000);
	pcache_index_destroy(&x);
}

T_MAIN
