/*
 * test_pgtable.c - page tables: the address split, walk with and without
 * allocation, used-count upkeep through pgtable_set_pte(), for_each order
 * and speed over a sparse 47-bit range, free_range freeing empty tables but
 * leaving shared ones alone, VmPTE accounting, allocation-failure injection,
 * slab growth and release, racing walkers, a randomized differential test
 * against a sorted model, and loud aborts on misuse.  Also the pieces
 * fork's copy and zap are built on: the per-table walk (pgtable_for_each_table:
 * runs that start and end mid-table, empty tables skipped, across PMD and
 * PUD boundaries), batched used counts (pgtable_add_used), and the slab
 * pool that hands a destroyed pgtable's slabs, all-zero, to the next one.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pgtable.h"
#include "t.h"

#define KiB	 (1ull << 10)
#define MiB	 (1ull << 20)
#define GiB	 (1ull << 30)
#define TiB	 (1ull << 40)
#define PMD_SPAN (2 * MiB)   /* one PTE table */
#define PUD_SPAN (1 * GiB)   /* one PMD table */
#define PGD_SPAN (512 * GiB) /* one PUD table */
#define USER_END (1ull << 47)

#ifndef MMK_DEBUG
#define MMK_DEBUG 0
#endif

static char errbuf[256];

/* The slab pool every pgtable of this program draws from (in the library,
 * one per system). */
static struct pt_pool *pool(void)
{
	static struct pt_pool p;
	static int ready;
	if (!ready) {
		pt_pool_init(&p, 4);
		ready = 1;
	}
	return &p;
}

#define CHECK_PT(pt)                                                                               \
	do {                                                                                       \
		if (pgtable_check((pt), errbuf, sizeof(errbuf)) != 0)                              \
			T_FAIL("pgtable_check: %s", errbuf);                                       \
	} while (0)

/* The tables in use per level, PTE first. */
#define CHECK_LEVELS(pt, pte, pmd, pud)                                                            \
	do {                                                                                       \
		CHECK_EQ(pgtable_nr_level((pt), PT_PTE), (pte));                                   \
		CHECK_EQ(pgtable_nr_level((pt), PT_PMD), (pmd));                                   \
		CHECK_EQ(pgtable_nr_level((pt), PT_PUD), (pud));                                   \
		CHECK_EQ(pgtable_nr_level((pt), PT_PGD), 1);                                       \
		CHECK_EQ(pgtable_nr_tables(pt), 1 + (pte) + (pmd) + (pud));                        \
	} while (0)

static int t_dies(void (*fn)(void *), void *arg)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		fn(arg);
		_exit(0);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Maps @va to a PTE derived from it (present, pfn from va); 0 or -ENOMEM. */
static int map_one(struct pgtable *pt, uint64_t va)
{
	pte_t *p = pgtable_walk(pt, va, 1);
	if (!p)
		return -ENOMEM;
	pgtable_set_pte(pt, p, pfn_pte((pfn_t)(va >> 12), PTE_PRESENT | PTE_USER));
	return 0;
}

static void unmap_one(struct pgtable *pt, uint64_t va)
{
	pte_t *p = pgtable_walk(pt, va, 0);
	if (p)
		pgtable_clear_pte(pt, p);
}

TEST(pte_helpers)
{
	pte_t e = pfn_pte(0xabcdef, PTE_PRESENT | PTE_WRITE | PTE_DIRTY);
	CHECK_EQ(pte_pfn(e), 0xabcdef);
	CHECK(pte_present(e));
	CHECK(!pte_is_swap(e));
	CHECK_EQ(e & ~PTE_PFN_MASK, PTE_PRESENT | PTE_WRITE | PTE_DIRTY);
	CHECK_EQ(pte_pfn(pfn_pte(UINT32_MAX, 0)), UINT32_MAX);
	/* flags overlapping the pfn field are dropped, not merged in */
	CHECK_EQ(pte_pfn(pfn_pte(5, PTE_PFN_MASK | PTE_USER)), 5);
	pte_t s = swp_pte(123456789);
	CHECK(!pte_present(s));
	CHECK(pte_is_swap(s));
	CHECK(!pte_none(s));
	CHECK_EQ(pte_swp_offset(s), 123456789);
	CHECK_EQ(pte_swp_offset(swp_pte((1ull << 40) - 1)), (1ull << 40) - 1);
	CHECK(pte_none(0));
	/* the picture in pgtable.h */
	uint64_t va = (3ull << 39) | (5ull << 30) | (7ull << 21) | (9ull << 12) | 0x123;
	CHECK_EQ(pt_index(va, PT_PGD), 3);
	CHECK_EQ(pt_index(va, PT_PUD), 5);
	CHECK_EQ(pt_index(va, PT_PMD), 7);
	CHECK_EQ(pt_index(va, PT_PTE), 9);
}

TEST(init_and_destroy)
{
	struct pgtable pt;

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	CHECK_LEVELS(&pt, 0, 0, 0);
	CHECK_EQ(pgtable_bytes(&pt), 0);
	CHECK_PT(&pt);
	for (int i = 0; i < PT_ENTRIES; i++)
		CHECK_EQ(pt.pgd[i], 0);
	pgtable_destroy(&pt);
}

TEST(walk_allocates_and_finds)
{
	struct pgtable pt;
	uint64_t va = 0x7f1234567000ull;

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	CHECK(pgtable_walk(&pt, va, 0) == NULL);
	CHECK_LEVELS(&pt, 0, 0, 0);
	pte_t *p = pgtable_walk(&pt, va, 1);
	CHECK(p != NULL);
	CHECK_EQ(*p, 0);
	CHECK_LEVELS(&pt, 1, 1, 1);
	CHECK_EQ(pgtable_bytes(&pt), 3 * 4 * KiB);
	CHECK(pgtable_walk(&pt, va, 0) == p);
	CHECK(pgtable_walk(&pt, va + 0xfff, 0) == p); /* the offset does not matter */
	CHECK(pgtable_walk(&pt, va, 1) == p);
	/* neighbours in the same PTE table: adjacent entries */
	CHECK(pgtable_walk(&pt, va + 4096, 0) == p + 1);
	CHECK(pgtable_walk(&pt, va - 4096, 0) == p - 1);
	CHECK_LEVELS(&pt, 1, 1, 1);
	/* the next 2 MiB needs a new PTE table only; the next 1 GiB a PMD too */
	uint64_t pte_base = va & ~(PMD_SPAN - 1);
	CHECK(pgtable_walk(&pt, pte_base + PMD_SPAN, 1) != NULL);
	CHECK_LEVELS(&pt, 2, 1, 1);
	CHECK(pgtable_walk(&pt, (va & ~(PUD_SPAN - 1)) + PUD_SPAN, 1) != NULL);
	CHECK_LEVELS(&pt, 3, 2, 1);
	CHECK(pgtable_walk(&pt, 0, 1) != NULL);
	CHECK_LEVELS(&pt, 4, 3, 2);
	CHECK(pgtable_walk(&pt, PGTABLE_VA_END - 4096, 1) != NULL); /* top of the 48-bit space */
	CHECK_LEVELS(&pt, 5, 4, 3);
	CHECK_EQ(pgtable_bytes(&pt), 12 * 4 * KiB);
	CHECK_PT(&pt); /* empty tables are fine */
	pgtable_destroy(&pt);
}

TEST(set_pte_keeps_counts)
{
	struct pgtable pt;
	uint64_t va = 0x400000;

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	pte_t *p = pgtable_walk(&pt, va, 1);
	CHECK_EQ(pgtable_set_pte(&pt, p, pfn_pte(7, PTE_PRESENT)), 0);
	CHECK_PT(&pt);
	/* non-zero to non-zero: count unchanged; a plain store of bits is allowed */
	CHECK_EQ(pgtable_set_pte(&pt, p, swp_pte(3)), pfn_pte(7, PTE_PRESENT));
	*p = swp_pte(4);
	CHECK_PT(&pt);
	CHECK_EQ(pgtable_clear_pte(&pt, p), swp_pte(4));
	CHECK_EQ(pgtable_clear_pte(&pt, p), 0); /* clearing a clear PTE is harmless */
	CHECK_PT(&pt);
	/* a zero -> non-zero plain store is the forbidden one: check sees it */
	*p = pfn_pte(1, PTE_PRESENT);
	CHECK_EQ(pgtable_check(&pt, errbuf, sizeof(errbuf)), -EUCLEAN);
	CHECK(strstr(errbuf, "used count"));
	*p = 0;
	CHECK_PT(&pt);
	/* a non-present, non-swap leaf entry is flagged too */
	pgtable_set_pte(&pt, p, PTE_DIRTY);
	CHECK_EQ(pgtable_check(&pt, errbuf, sizeof(errbuf)), -EUCLEAN);
	CHECK(strstr(errbuf, "swap"));
	pgtable_clear_pte(&pt, p);
	CHECK_PT(&pt);
	pgtable_destroy(&pt);
}

struct collect {
	uint64_t va[4096];
	pte_t val[4096];
	int n;
	int stop_at; /* return nonzero at this visit (1-based), 0 = never */
	int clear;   /* clear each visited PTE */
	struct pgtable *pt;
};

static int collect_fn(void *arg, uint64_t va, pte_t *ptep)
{
	struct collect *c = arg;
	if (c->n < 4096) {
		c->va[c->n] = va;
		c->val[c->n] = *ptep;
	}
	c->n++;
	if (c->clear)
		pgtable_clear_pte(c->pt, ptep);
	return c->stop_at && c->n == c->stop_at ? 7 : 0;
}

TEST(for_each_order_and_bounds)
{
	struct pgtable pt;
	uint64_t vas[] = {0,
			  4096,
			  PMD_SPAN - 4096,
			  PMD_SPAN,
			  5 * GiB + 12 * 4096,
			  3 * TiB,
			  USER_END - 4096,
			  PGTABLE_VA_END - 4096};
	int n = sizeof(vas) / sizeof(vas[0]);

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	for (int i = n - 1; i >= 0; i--)
		CHECK_EQ(map_one(&pt, vas[i]), 0);
	static struct collect coll;
	struct collect *c = &coll;
	c->pt = &pt;
	CHECK_EQ(pgtable_for_each(&pt, 0, UINT64_MAX, collect_fn, c), 0);
	CHECK_EQ(c->n, n);
	for (int i = 0; i < n; i++) {
		CHECK_EQ(c->va[i], vas[i]);
		CHECK_EQ(pte_pfn(c->val[i]), (pfn_t)(vas[i] >> 12));
	}
	/* [start, end) with unaligned ends: the page containing start counts, end is exclusive */
	c->n = 0;
	CHECK_EQ(pgtable_for_each(&pt, 4096 + 1, PMD_SPAN, collect_fn, c), 0);
	CHECK_EQ(c->n, 2);
	CHECK_EQ(c->va[0], 4096);
	CHECK_EQ(c->va[1], PMD_SPAN - 4096);
	c->n = 0;
	CHECK_EQ(pgtable_for_each(&pt, PMD_SPAN, PMD_SPAN + 1, collect_fn, c), 0);
	CHECK_EQ(c->n, 1);
	c->n = 0;
	CHECK_EQ(pgtable_for_each(&pt, 5, 5, collect_fn, c), 0);
	CHECK_EQ(pgtable_for_each(&pt, 100, 50, collect_fn, c), 0);
	CHECK_EQ(c->n, 0);
	/* user half only */
	CHECK_EQ(pgtable_for_each(&pt, 0, USER_END, collect_fn, c), 0);
	CHECK_EQ(c->n, n - 1);
	/* a nonzero return stops the walk and is passed back */
	c->n = 0;
	c->stop_at = 3;
	CHECK_EQ(pgtable_for_each(&pt, 0, UINT64_MAX, collect_fn, c), 7);
	CHECK_EQ(c->n, 3);
	/* fn may clear what it visits (zap) */
	c->n = 0;
	c->stop_at = 0;
	c->clear = 1;
	CHECK_EQ(pgtable_for_each(&pt, PMD_SPAN - 4096, 4 * TiB, collect_fn, c), 0);
	CHECK_EQ(c->n, 4);
	CHECK_PT(&pt);
	c->n = 0;
	c->clear = 0;
	CHECK_EQ(pgtable_for_each(&pt, 0, UINT64_MAX, collect_fn, c), 0);
	CHECK_EQ(c->n, n - 4);
	pgtable_destroy(&pt);
}

static int count_fn(void *arg, uint64_t va, pte_t *ptep)
{
	(*(uint64_t *)arg)++;
	return 0;
}

TEST(for_each_sparse_47bit_is_fast)
{
	struct pgtable pt;
	uint64_t s = 42, n = 0;
	enum { M = 2000 };

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	/* M pages scattered over the whole user space: ~M tables per level below the PGD */
	for (int i = 0; i < M; i++)
		CHECK_EQ(map_one(&pt, (rng_next(&s) % USER_END) & ~0xfffull), 0);
	/* and 4000 PTE tables that were filled and emptied again */
	for (uint64_t va = 64 * GiB; va < 64 * GiB + 4000 * PMD_SPAN; va += PMD_SPAN) {
		CHECK_EQ(map_one(&pt, va), 0);
		unmap_one(&pt, va);
	}
	double t0 = now_ms();
	CHECK_EQ(pgtable_for_each(&pt, 0, USER_END, count_fn, &n), 0);
	double full = now_ms() - t0;
	CHECK(n >= M - 2 && n <= M); /* random collisions aside */
	/* an empty 128 TiB walk touches only the PGD */
	struct pgtable empty;
	CHECK_EQ(pgtable_init(&empty, pool()), 0);
	t0 = now_ms();
	for (int i = 0; i < 1000; i++)
		pgtable_for_each(&empty, 0, USER_END, count_fn, &n);
	double e = (now_ms() - t0) / 1000;
	printf("# for_each 47-bit: %d sparse pages %.2f ms, empty %.4f ms\n", M, full, e);
	CHECK(full < 200);
	CHECK(e < 1);
	pgtable_destroy(&empty);
	pgtable_destroy(&pt);
}

TEST(free_range_frees_a_whole_chain)
{
	struct pgtable pt;
	uint64_t va = 0x7ffff7dd3000ull;

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	CHECK_EQ(map_one(&pt, va), 0);
	CHECK_LEVELS(&pt, 1, 1, 1);
	/* still mapped: nothing is freed, even though the tables lie inside the range */
	pgtable_free_range(&pt, 0, USER_END);
	CHECK_LEVELS(&pt, 1, 1, 1);
	unmap_one(&pt, va);
	pgtable_free_range(&pt, va, va + 4096);
	CHECK_LEVELS(&pt, 0, 0, 0);
	CHECK_EQ(pgtable_bytes(&pt), 0);
	CHECK(pgtable_walk(&pt, va, 0) == NULL);
	CHECK_PT(&pt);
	/* and they come back on demand */
	CHECK_EQ(map_one(&pt, va), 0);
	CHECK_LEVELS(&pt, 1, 1, 1);
	CHECK_PT(&pt);
	pgtable_destroy(&pt);
}

TEST(free_range_leaves_shared_tables_alone)
{
	struct pgtable pt;
	uint64_t a = 10 * GiB + 4 * MiB; /* a PTE table of its own */
	uint64_t b = a + PMD_SPAN;	 /* next PTE table, same PMD */
	uint64_t c = a + 4096;		 /* same PTE table as a */

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	CHECK_EQ(map_one(&pt, a), 0);
	CHECK_EQ(map_one(&pt, b), 0);
	CHECK_EQ(map_one(&pt, c), 0);
	CHECK_LEVELS(&pt, 2, 1, 1);

	/* unmap a: its PTE table still holds c, so nothing goes */
	unmap_one(&pt, a);
	pgtable_free_range(&pt, a, a + 4096);
	CHECK_LEVELS(&pt, 2, 1, 1);
	CHECK(pgtable_walk(&pt, c, 0) != NULL && *pgtable_walk(&pt, c, 0) != 0);

	/* unmap c too: that PTE table is now empty and goes; the PMD (shared with b) stays */
	unmap_one(&pt, c);
	pgtable_free_range(&pt, c, c + 4096);
	CHECK_LEVELS(&pt, 1, 1, 1);
	CHECK(pgtable_walk(&pt, a, 0) == NULL);
	CHECK(pgtable_walk(&pt, b, 0) != NULL && *pgtable_walk(&pt, b, 0) != 0);
	CHECK_PT(&pt);

	/* an empty table only partly inside the range is freed too */
	pte_t *p = pgtable_walk(&pt, a, 1); /* allocate an empty PTE table */
	CHECK(p != NULL);
	CHECK_LEVELS(&pt, 2, 1, 1);
	pgtable_free_range(&pt, a + PMD_SPAN - 4096, b + 4096);
	CHECK_LEVELS(&pt, 1, 1, 1);

	/* unmapping b empties everything */
	unmap_one(&pt, b);
	pgtable_free_range(&pt, b, b + 4096);
	CHECK_LEVELS(&pt, 0, 0, 0);
	CHECK_PT(&pt);
	pgtable_destroy(&pt);
}

TEST(free_range_only_touches_the_range)
{
	struct pgtable pt;

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	/* three empty chains in three different 512 GiB regions */
	CHECK(pgtable_walk(&pt, 0, 1));
	CHECK(pgtable_walk(&pt, PGD_SPAN, 1));
	CHECK(pgtable_walk(&pt, 2 * PGD_SPAN, 1));
	CHECK_LEVELS(&pt, 3, 3, 3);
	/* a range that touches only non-empty tables frees nothing */
	pgtable_free_range(&pt, PMD_SPAN, 2 * PMD_SPAN);
	CHECK_LEVELS(&pt, 3, 3, 3);
	/* one touching an empty PTE table frees it, though most of it lies outside */
	pgtable_free_range(&pt, 4096, 8192);
	CHECK_LEVELS(&pt, 2, 2, 2);
	CHECK(pgtable_walk(&pt, 0, 1));
	CHECK_LEVELS(&pt, 3, 3, 3);
	pgtable_free_range(&pt, PGD_SPAN, PGD_SPAN + 1);
	CHECK_LEVELS(&pt, 2, 2, 2);
	CHECK(pgtable_walk(&pt, 0, 0) != NULL);
	CHECK(pgtable_walk(&pt, 2 * PGD_SPAN, 0) != NULL);
	/* empty range */
	pgtable_free_range(&pt, 0, 0);
	CHECK_LEVELS(&pt, 2, 2, 2);
	pgtable_free_range(&pt, 0, UINT64_MAX);
	CHECK_LEVELS(&pt, 0, 0, 0);
	CHECK_PT(&pt);
	pgtable_destroy(&pt);
}

TEST(walk_failure_injection)
{
	struct pgtable pt;
	uint64_t va = 300 * GiB;

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	for (int after = 0; after < 3; after++) {
		pgtable_inject_fail(&pt, after);
		CHECK(pgtable_walk(&pt, va, 1) == NULL);
		/* the tables made before the failure stay, empty and consistent */
		CHECK_EQ(pgtable_nr_tables(&pt), 1 + (uint64_t)after);
		CHECK_PT(&pt);
		pgtable_free_range(&pt, va, va + 4096);
		CHECK_LEVELS(&pt, 0, 0, 0);
	}
	pgtable_inject_fail(&pt, 3);
	CHECK(pgtable_walk(&pt, va, 1) != NULL);
	CHECK(pgtable_walk(&pt, va + PMD_SPAN, 1) == NULL);
	pgtable_inject_fail(&pt, -1);
	CHECK(pgtable_walk(&pt, va + PMD_SPAN, 1) != NULL);
	CHECK_LEVELS(&pt, 2, 1, 1);
	CHECK_PT(&pt);
	pgtable_destroy(&pt);
}

TEST(many_tables_span_slabs)
{
	struct pgtable pt;
	enum { N = 3000 }; /* ~6 slabs of PTE tables */
	uint64_t base = 1 * TiB;

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	for (int i = 0; i < N; i++)
		CHECK_EQ(map_one(&pt, base + (uint64_t)i * PMD_SPAN), 0);
	uint64_t pmds = (N * PMD_SPAN + PUD_SPAN - 1) / PUD_SPAN;
	CHECK_LEVELS(&pt, N, pmds, 1);
	CHECK_EQ(pgtable_bytes(&pt), (N + pmds + 1) * 4 * KiB);
	CHECK(pt.nr_slabs >= (N + 510) / 511);
	CHECK_PT(&pt);
	/* free every other one, then all, checking as we go */
	for (int i = 0; i < N; i += 2)
		unmap_one(&pt, base + (uint64_t)i * PMD_SPAN);
	pgtable_free_range(&pt, base, base + N * PMD_SPAN);
	CHECK_LEVELS(&pt, N / 2, pmds, 1);
	CHECK_PT(&pt);
	/* refill: the freed slots are reused and come back zeroed */
	for (int i = 0; i < N; i += 2) {
		pte_t *p = pgtable_walk(&pt, base + (uint64_t)i * PMD_SPAN + 8192, 1);
		CHECK(p && *p == 0);
	}
	CHECK_PT(&pt);
	for (int i = 1; i < N; i += 2)
		unmap_one(&pt, base + (uint64_t)i * PMD_SPAN);
	pgtable_free_range(&pt, 0, USER_END);
	CHECK_LEVELS(&pt, 0, 0, 0);
	CHECK_PT(&pt);		 /* also: at most one empty slab is kept */
	CHECK(pt.nr_slabs <= 2); /* the PGD's, and one empty one kept */
	pgtable_destroy(&pt);
}

/* ---- per-table walks, batched counts, the slab pool ------------------------ */

struct runs {
	struct pte_run r[16];
	int n;
	int stop_at; /* return 9 at this visit (1-based), 0 = never */
};

static int runs_fn(void *arg, const struct pte_run *run)
{
	struct runs *rs = arg;
	if (rs->n < 16)
		rs->r[rs->n] = *run;
	rs->n++;
	return rs->stop_at && rs->n == rs->stop_at ? 9 : 0;
}

TEST(for_each_table_gives_runs_of_entries)
{
	struct pgtable pt;
	uint64_t t0 = PUD_SPAN - PMD_SPAN;     /* last PTE table below 1 GiB */
	uint64_t t1 = PUD_SPAN;		       /* first one above: another PMD table */
	uint64_t t2 = PUD_SPAN + PMD_SPAN;     /* emptied again: skipped */
	uint64_t t3 = PGD_SPAN + 2 * PMD_SPAN; /* another PUD table */

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	CHECK_EQ(map_one(&pt, t0), 0);
	CHECK_EQ(map_one(&pt, t0 + 5 * 4096), 0);
	CHECK_EQ(map_one(&pt, t0 + 511 * 4096), 0);
	CHECK_EQ(map_one(&pt, t1 + 3 * 4096), 0);
	CHECK_EQ(map_one(&pt, t2 + 9 * 4096), 0);
	unmap_one(&pt, t2 + 9 * 4096);
	CHECK_EQ(map_one(&pt, t3 + 7 * 4096), 0);
	CHECK_LEVELS(&pt, 4, 3, 2);

	static struct runs rs;
	/* From mid-page 5 of t0 to mid-page 7 of t3: both pages count. */
	rs.n = 0;
	CHECK_EQ(pgtable_for_each_table(&pt, t0 + 5 * 4096 + 1, t3 + 7 * 4096 + 1, runs_fn, &rs),
		 0);
	CHECK_EQ(rs.n, 3);
	CHECK_EQ(rs.r[0].base, t0);
	CHECK(rs.r[0].table == pgtable_walk(&pt, t0, 0));
	CHECK_EQ(rs.r[0].first, 5);
	CHECK_EQ(rs.r[0].last, 512);
	CHECK_EQ(rs.r[1].base, t1);
	CHECK_EQ(rs.r[1].first, 0);
	CHECK_EQ(rs.r[1].last, 512);
	CHECK_EQ(rs.r[2].base, t3);
	CHECK(rs.r[2].table == pgtable_walk(&pt, t3, 0));
	CHECK_EQ(rs.r[2].first, 0);
	CHECK_EQ(rs.r[2].last, 8);
	CHECK_EQ(pte_pfn(rs.r[2].table[7]), (pfn_t)((t3 + 7 * 4096) >> 12));
	/* A run inside one table; a range that touches only the empty table. */
	rs.n = 0;
	CHECK_EQ(pgtable_for_each_table(&pt, t0 + 4096, t0 + 6 * 4096, runs_fn, &rs), 0);
	CHECK_EQ(rs.n, 1);
	CHECK_EQ(rs.r[0].first, 1);
	CHECK_EQ(rs.r[0].last, 6);
	rs.n = 0;
	CHECK_EQ(pgtable_for_each_table(&pt, t2, t2 + PMD_SPAN, runs_fn, &rs), 0);
	CHECK_EQ(pgtable_for_each_table(&pt, 7, 7, runs_fn, &rs), 0);
	CHECK_EQ(rs.n, 0);
	/* Everything; a nonzero return stops the walk and is passed back. */
	CHECK_EQ(pgtable_for_each_table(&pt, 0, UINT64_MAX, runs_fn, &rs), 0);
	CHECK_EQ(rs.n, 3);
	rs.n = 0;
	rs.stop_at = 2;
	CHECK_EQ(pgtable_for_each_table(&pt, 0, UINT64_MAX, runs_fn, &rs), 9);
	CHECK_EQ(rs.n, 2);
	rs.stop_at = 0;
	CHECK_PT(&pt);
	pgtable_destroy(&pt);
}

/* What fork's copy and the zap do to a table: plain stores, one count. */
TEST(add_used_counts_a_loop_of_plain_stores)
{
	struct pgtable pt;
	uint64_t base = 7 * GiB;

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	pte_t *t = pgtable_walk(&pt, base, 1);
	CHECK(t != NULL);
	for (int i = 100; i < 300; i++)
		t[i] = pfn_pte((pfn_t)i, PTE_PRESENT);
	pgtable_add_used(&pt, t + 17, 200); /* any entry of the table names it */
	CHECK_PT(&pt);
	struct collect *c = calloc(1, sizeof(*c));
	CHECK_EQ(pgtable_for_each(&pt, 0, USER_END, collect_fn, c), 0);
	CHECK_EQ(c->n, 200);
	CHECK_EQ(c->va[0], base + 100 * 4096);
	free(c);
	for (int i = 150; i < 300; i++)
		t[i] = 0;
	pgtable_add_used(&pt, t, -150);
	CHECK_PT(&pt);
	pgtable_free_range(&pt, 0, USER_END);
	CHECK_LEVELS(&pt, 1, 1, 1);	  /* 50 left */
	t[400] = pfn_pte(1, PTE_PRESENT); /* a store without its count */
	CHECK_EQ(pgtable_check(&pt, errbuf, sizeof(errbuf)), -EUCLEAN);
	CHECK(strstr(errbuf, "used count"));
	pgtable_add_used(&pt, t, 1);
	CHECK_PT(&pt);
	for (int i = 0; i < PT_ENTRIES; i++)
		t[i] = 0;
	pgtable_add_used(&pt, t, -51);
	pgtable_free_range(&pt, 0, USER_END);
	CHECK_LEVELS(&pt, 0, 0, 0);
	CHECK_PT(&pt);
	pgtable_destroy(&pt);
}

TEST(pool_hands_a_destroyed_pgtables_slabs_to_the_next)
{
	struct pt_pool p;
	struct pgtable a, b;
	enum { N = 600 }; /* PTE tables: two slabs' worth */
	uint64_t base = 2 * TiB;

	pt_pool_init(&p, 2);
	CHECK_EQ(pgtable_init(&a, &p), 0);
	CHECK_EQ(p.nr_out, 1);
	for (int i = 0; i < N; i++)
		CHECK_EQ(map_one(&a, base + (uint64_t)i * PMD_SPAN + (uint64_t)(i % 512) * 4096),
			 0);
	CHECK_EQ(a.nr_slabs, 2);
	CHECK_EQ(p.nr_out, 2);
	CHECK_EQ(p.nr_free, 0);
	/* Destroyed with every entry still set: the slabs go back cleared. */
	pgtable_destroy(&a);
	CHECK_EQ(p.nr_out, 0);
	CHECK_EQ(p.nr_free, 2);

	CHECK_EQ(pgtable_init(&b, &p), 0);
	CHECK_EQ(p.nr_free, 1);
	for (int i = 0; i < N; i++) {
		pte_t *e =
		    pgtable_walk(&b, base + (uint64_t)i * PMD_SPAN + (uint64_t)(i % 512) * 4096, 1);
		CHECK(e && *e == 0);
	}
	CHECK_EQ(p.nr_free, 0); /* both reused, nothing mapped anew */
	CHECK_PT(&b);		/* every free slot of both slabs is zero */
	/* Grow past what the pool had, then give it all back: two are kept. */
	for (int i = N; i < 3 * N; i++)
		CHECK_EQ(map_one(&b, base + (uint64_t)i * PMD_SPAN), 0);
	CHECK(b.nr_slabs >= 4);
	CHECK_EQ(p.nr_out, b.nr_slabs);
	CHECK_PT(&b);
	pgtable_destroy(&b);
	CHECK_EQ(p.nr_out, 0);
	CHECK_EQ(p.nr_free, 2);
	pt_pool_destroy(&p);
}

static void do_pool_leak(void *arg)
{
	struct pt_pool p;
	struct pgtable pt;
	pt_pool_init(&p, 1);
	if (pgtable_init(&pt, &p))
		_exit(0);
	if (*(int *)arg)
		pgtable_destroy(&pt);
	pt_pool_destroy(&p); /* aborts while pt still holds a slab */
}

static void do_add_used_misuse(void *arg)
{
	struct pgtable pt;
	if (pgtable_init(&pt, pool()))
		_exit(0);
	pte_t *t = pgtable_walk(&pt, 0x200000, 1);
	switch (*(int *)arg) {
	case 0: /* below zero */
		pgtable_add_used(&pt, t, -1);
		break;
	case 1: /* above 512 */
		pgtable_add_used(&pt, t, 513);
		break;
	case 2: /* an upper-level table */
		pgtable_add_used(&pt, pt.pgd, 1);
		break;
	case 3: /* control */
		t[3] = pfn_pte(3, PTE_PRESENT);
		pgtable_add_used(&pt, t, 1);
		break;
	}
	pgtable_destroy(&pt);
}

TEST(pool_leak_and_add_used_misuse_abort)
{
	int leak = 0, fine = 1;
	CHECK(t_dies(do_pool_leak, &leak));
	CHECK(!t_dies(do_pool_leak, &fine));
	for (int what = 0; what <= 2; what++)
		if (!t_dies(do_add_used_misuse, &what))
			T_FAIL("add_used misuse %d did not abort", what);
	int ok = 3;
	CHECK(!t_dies(do_add_used_misuse, &ok));
}

/* ---- racing walkers -------------------------------------------------- */

struct race {
	struct pgtable *pt;
	pthread_barrier_t *go;
	pte_t *got[256];
};

static uint64_t race_va(int i)
{
	return (uint64_t)i * 37 * GiB + (uint64_t)i * PMD_SPAN;
}

static void *race_thread(void *p)
{
	struct race *r = p;
	pthread_barrier_wait(r->go);
	for (int i = 0; i < 256; i++)
		r->got[i] = pgtable_walk(r->pt, race_va(i), 1);
	return NULL;
}

TEST(racing_walkers_install_one_table)
{
	enum { T = 4 };
	for (int round = 0; round < 20; round++) {
		struct pgtable pt;
		pthread_barrier_t go;
		pthread_t th[T];
		static struct race r[T];

		CHECK_EQ(pgtable_init(&pt, pool()), 0);
		pthread_barrier_init(&go, NULL, T);
		for (int t = 0; t < T; t++) {
			r[t].pt = &pt;
			r[t].go = &go;
			pthread_create(&th[t], NULL, race_thread, &r[t]);
		}
		for (int t = 0; t < T; t++)
			pthread_join(th[t], NULL);
		pthread_barrier_destroy(&go);
		for (int i = 0; i < 256; i++) {
			CHECK(r[0].got[i] != NULL);
			for (int t = 1; t < T; t++)
				CHECK(r[t].got[i] == r[0].got[i]);
			CHECK(pgtable_walk(&pt, race_va(i), 0) == r[0].got[i]);
		}
		CHECK_EQ(pgtable_nr_level(&pt, PT_PTE), 256);
		CHECK_PT(&pt);
		pgtable_destroy(&pt);
	}
}

/* ---- randomized differential test ---------------------------------------- */

/* The model: a sorted array of (va, pte). */
struct model {
	uint64_t va[8192];
	pte_t val[8192];
	int n;
};

static int model_find(const struct model *m, uint64_t va)
{
	int lo = 0, hi = m->n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (m->va[mid] < va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void model_set(struct model *m, uint64_t va, pte_t e)
{
	int i = model_find(m, va);
	int here = i < m->n && m->va[i] == va;
	if (e && here) {
		m->val[i] = e;
	} else if (e) {
		memmove(&m->va[i + 1], &m->va[i], (m->n - i) * sizeof(m->va[0]));
		memmove(&m->val[i + 1], &m->val[i], (m->n - i) * sizeof(m->val[0]));
		m->va[i] = va;
		m->val[i] = e;
		m->n++;
	} else if (here) {
		memmove(&m->va[i], &m->va[i + 1], (m->n - i - 1) * sizeof(m->va[0]));
		memmove(&m->val[i], &m->val[i + 1], (m->n - i - 1) * sizeof(m->val[0]));
		m->n--;
	}
}

/* Addresses clustered so tables are shared at every level, plus far outliers. */
static uint64_t random_va(uint64_t *s)
{
	uint64_t r = rng_next(s);
	switch (r % 4) {
	case 0:
		return (r >> 8) % (64 * 4096) & ~0xfffull; /* one or two PTE tables */
	case 1:
		return (5 * GiB + (r >> 8) % (8 * PMD_SPAN)) & ~0xfffull; /* a few PTE tables */
	case 2:
		return (3 * TiB + (r >> 8) % (4 * PUD_SPAN)) & ~0xfffull; /* a few PMD tables */
	default:
		return (r >> 8) % USER_END & ~0xfffull; /* anywhere */
	}
}

struct cmp_state {
	const struct model *m;
	int i;
	int bad;
};

static int cmp_fn(void *arg, uint64_t va, pte_t *ptep)
{
	struct cmp_state *c = arg;
	if (c->i >= c->m->n || c->m->va[c->i] != va || c->m->val[c->i] != *ptep)
		c->bad = 1;
	c->i++;
	return 0;
}

/* Tables the model's entries need at one level: distinct va >> shift. */
static uint64_t model_tables(const struct model *m, int shift)
{
	uint64_t n = 0;
	for (int i = 0; i < m->n; i++)
		if (i == 0 || (m->va[i] >> shift) != (m->va[i - 1] >> shift))
			n++;
	return n;
}

TEST(randomized_against_model)
{
	struct pgtable pt;
	static struct model m;
	uint64_t s = 0xfeedfacecafebeefull;

	m.n = 0;
	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	for (int op = 0; op < 60000; op++) {
		uint64_t r = rng_next(&s);
		int kind = r % 16;
		if (kind < 7 && m.n < 8000) { /* map or remap */
			uint64_t va = random_va(&s);
			pte_t e = (r >> 20) & 1 ? pfn_pte((pfn_t)(r >> 32), PTE_PRESENT | PTE_USER)
						: swp_pte(r >> 40);
			pte_t *p = pgtable_walk(&pt, va, 1);
			CHECK(p != NULL);
			int i = model_find(&m, va);
			CHECK_EQ(pgtable_set_pte(&pt, p, e),
				 i < m.n && m.va[i] == va ? m.val[i] : 0);
			model_set(&m, va, e);
		} else if (kind < 12 && m.n > 0) { /* unmap a present one */
			int i = (r >> 8) % m.n;
			uint64_t va = m.va[i];
			pte_t *p = pgtable_walk(&pt, va, 0);
			CHECK(p != NULL);
			CHECK_EQ(pgtable_clear_pte(&pt, p), m.val[i]);
			model_set(&m, va, 0);
		} else if (kind < 13) { /* free empty tables somewhere */
			uint64_t a = random_va(&s), b = random_va(&s);
			if (a > b) {
				uint64_t t = a;
				a = b;
				b = t;
			}
			pgtable_free_range(&pt, a, b + 4096);
		} else if (kind < 15) { /* lookup */
			uint64_t va = random_va(&s);
			pte_t *p = pgtable_walk(&pt, va, 0);
			int i = model_find(&m, va);
			pte_t want = i < m.n && m.va[i] == va ? m.val[i] : 0;
			CHECK_EQ(p ? *p : 0, want);
		} else { /* compare a range */
			uint64_t a = random_va(&s), b = random_va(&s);
			if (a > b) {
				uint64_t t = a;
				a = b;
				b = t;
			}
			struct cmp_state c = {&m, model_find(&m, a), 0};
			int last = model_find(&m, b);
			CHECK_EQ(pgtable_for_each(&pt, a, b, cmp_fn, &c), 0);
			CHECK(!c.bad);
			CHECK_EQ(c.i, last);
		}
		if (op % 2000 == 0)
			CHECK_PT(&pt);
	}
	/* everything at once, then the exact table count once empties are gone */
	struct cmp_state c = {&m, 0, 0};
	CHECK_EQ(pgtable_for_each(&pt, 0, USER_END, cmp_fn, &c), 0);
	CHECK(!c.bad);
	CHECK_EQ(c.i, m.n);
	pgtable_free_range(&pt, 0, USER_END);
	CHECK_LEVELS(&pt, model_tables(&m, 21), model_tables(&m, 30), model_tables(&m, 39));
	CHECK_PT(&pt);
	/* zap everything: back to just the PGD */
	for (int i = 0; i < m.n; i++)
		pgtable_clear_pte(&pt, pgtable_walk(&pt, m.va[i], 0));
	pgtable_free_range(&pt, 0, USER_END);
	CHECK_LEVELS(&pt, 0, 0, 0);
	CHECK_PT(&pt);
	pgtable_destroy(&pt);
}

/* ---- misuse aborts ------------------------------------------------------ */

static void do_misuse(void *arg)
{
	int what = *(int *)arg;
	struct pgtable pt;

	if (pgtable_init(&pt, pool()))
		_exit(0);
	pte_t *p = pgtable_walk(&pt, 0x1000, 1);
	switch (what) {
	case 0: /* a non-canonical address */
		pgtable_walk(&pt, PGTABLE_VA_END, 0);
		break;
	case 1: /* set_pte on an upper-level table */
		pgtable_set_pte(&pt, &pt.pgd[3], 1);
		break;
	case 2: /* a zero -> non-zero plain store, then free_range would leak it */
		*p = pfn_pte(9, PTE_PRESENT);
		pgtable_free_range(&pt, 0, USER_END);
		break;
	case 3: /* a pointer into another pgtable (caught in MMK_DEBUG builds) */
	{
		struct pgtable other;
		if (pgtable_init(&other, pool()))
			_exit(0);
		pgtable_set_pte(&pt, pgtable_walk(&other, 0, 1), 1);
		break;
	}
	case 4: /* control: legal use */
		pgtable_set_pte(&pt, p, pfn_pte(9, PTE_PRESENT));
		pgtable_clear_pte(&pt, p);
		pgtable_free_range(&pt, 0, USER_END);
		break;
	}
	pgtable_destroy(&pt);
}

TEST(misuse_aborts)
{
	for (int what = 0; what <= (MMK_DEBUG ? 3 : 2); what++)
		if (!t_dies(do_misuse, &what))
			T_FAIL("misuse %d did not abort", what);
	int ok = 4;
	CHECK(!t_dies(do_misuse, &ok));
}

TEST(walk_is_fast)
{
	struct pgtable pt;
	enum { N = 1 << 16 };
	uint64_t base = 0x7f0000000000ull;

	CHECK_EQ(pgtable_init(&pt, pool()), 0);
	double t0 = now_ms();
	for (int i = 0; i < N; i++)
		CHECK_EQ(map_one(&pt, base + (uint64_t)i * 4096), 0);
	double map = (now_ms() - t0) * 1e6 / N;
	t0 = now_ms();
	uint64_t sum = 0;
	for (int rep = 0; rep < 8; rep++)
		for (int i = 0; i < N; i++)
			sum += *pgtable_walk(&pt, base + (uint64_t)i * 4096, 0);
	double walk = (now_ms() - t0) * 1e6 / (8.0 * N);
	printf("# walk+set %.0f ns, walk %.0f ns (%llx)\n", map, walk,
	       (unsigned long long)(sum & 0xf));
	CHECK_LEVELS(&pt, N / 512, 1, 1);
	CHECK(walk < 500);
	pgtable_destroy(&pt);
}

T_MAIN
