/*
 * test_cow_fork.c - fork's copy of the page tables and copy-on-write
 * afterwards (copy_page_range, do_wp_page): private anonymous pages are
 * shared write-protected with mapcount 2, the first store on either side
 * copies, the last one left reuses in place; the zero page is shared;
 * shared and clean private file mappings are not copied but refault;
 * exec drops everything; a truncation reaches COW copies in the child.
 * The copy and the zap go a PTE table at a time (copy_pte_range,
 * zap_pte_range): tables with holes, empty tables, the zero page, swap
 * entries between present pages, VMAs that start and end mid-table, share
 * a table with a neighbour, or cross PMD and PUD boundaries, and partial
 * unmaps after the fork are all checked page by page against the parent.
 */
#include "page_test.h"
#include "reclaim.h"

#define TWO_MB (2 * MB)
#define ONE_GB (1024 * MB)

/* A byte that differs per page and per writer. */
static int pattern(uint64_t page, int who)
{
	return (int)((page * 7 + (uint64_t)who * 31) % 251) + 1;
}

/* The number in p's /proc/PID/status line KEY (kB), or -1. */
static long long status_num(mmk_proc *p, const char *key)
{
	const char *l = status_line(p, key);
	return *l ? atoll(l + strlen(key) + 1) : -1;
}

/* Whether every page of [a, a + n pages) has the same mapping in p and c:
 * present, zero page and frame alike, and for a present frame mapped twice
 * (parent and child) and writable in neither.  Prints the first mismatch. */
static int same_mapping(mmk_proc *p, mmk_proc *c, uint64_t a, uint64_t n)
{
	struct mmk_pageinfo *pp = calloc(n, sizeof(*pp)), *cp = calloc(n, sizeof(*cp));
	int ok = !mmk_proc_pagemap(p, a, n, pp) && !mmk_proc_pagemap(c, a, n, cp);
	for (uint64_t i = 0; ok && i < n; i++) {
		ok = pp[i].present == cp[i].present && pp[i].zero == cp[i].zero &&
		     pp[i].pfn == cp[i].pfn;
		if (ok && pp[i].present && !pp[i].zero)
			ok = pp[i].mapcount == 2 && !pp[i].writable && !cp[i].writable;
		if (!ok)
			printf("# page %llu at %#llx: parent present %u pfn %llu mapcount %u, "
			       "child present %u pfn %llu\n",
			       (unsigned long long)i, (unsigned long long)(a + i * PS),
			       pp[i].present, (unsigned long long)pp[i].pfn, pp[i].mapcount,
			       cp[i].present, (unsigned long long)cp[i].pfn);
	}
	free(pp);
	free(cp);
	return ok;
}

TEST(fork_shares_anonymous_pages_copy_on_write)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(poke(fx.p, a, 'P'), 0);
	CHECK_EQ(peek(fx.p, a + PS), 0); /* the zero page */
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK_INV(&fx);
	struct mmk_pageinfo pp = pinfo(fx.p, a), cp = pinfo(c, a);
	CHECK_EQ(pp.pfn, cp.pfn);
	CHECK(!pp.writable && !cp.writable && !pp.exclusive);
	CHECK_EQ(pp.mapcount, 2);
	CHECK_EQ(pp.refcount, 2);
	CHECK(pinfo(c, a + PS).zero);
	/* Shared and dirty: Pss halves. */
	CHECK_EQ(smaps_kb(fx.p, a, "Shared_Dirty:"), 4);
	CHECK_EQ(smaps_kb(fx.p, a, "Pss:"), 2);
	CHECK_EQ(smaps_kb(c, a, "Referenced:"), 0); /* the child's PTE starts old */
	/* The child writes: its own copy; the parent keeps the original. */
	CHECK_EQ(poke(c, a, 'C'), 0);
	CHECK_INV(&fx);
	CHECK_EQ(peek(fx.p, a), 'P');
	CHECK_EQ(peek(c, a), 'C');
	CHECK(pinfo(c, a).pfn != pp.pfn);
	/* The parent is the last user now: its write reuses the frame. */
	CHECK_EQ(pinfo(fx.p, a).refcount, 1);
	CHECK_EQ(poke(fx.p, a, 'Q'), 0);
	CHECK_EQ(pinfo(fx.p, a).pfn, pp.pfn);
	CHECK(pinfo(fx.p, a).exclusive && pinfo(fx.p, a).writable);
	CHECK_EQ(peek(c, a), 'C');
	CHECK_EQ(poke(c, a + PS, 'z'), 0); /* COW of the zero page */
	CHECK_EQ(peek(fx.p, a + PS), 0);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_exit(c), 0);
	CHECK(!fx_done(&fx));
}

TEST(child_reuses_once_parent_exits)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, PS, RW, PA, -1, 0);
	CHECK_EQ(poke(fx.p, a, 1), 0);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	uint64_t pfn = pinfo(c, a).pfn;
	CHECK_EQ(mmk_exit(fx.p), 0);
	fx.p = c;
	CHECK_INV(&fx);
	CHECK_EQ(poke(c, a, 2), 0);
	CHECK_EQ(pinfo(c, a).pfn, pfn);
	CHECK_EQ(peek(c, a), 2);
	CHECK(!fx_done(&fx));
}

TEST(fork_inherits_mappings_exec_destroys_them)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 2 * PS, 'f');
	int fd = fx_open(&fx, fx.p, "f", 0);
	int64_t s = mmk_mmap(fx.p, 0, 2 * PS, RW, MMK_MAP_SHARED, fd, 0);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, PA, -1, 0);
	CHECK(s > 0 && a > 0);
	CHECK_EQ(peek(fx.p, s), 'f');
	CHECK_EQ(poke(fx.p, a, 'a'), 0);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK_STR(fx_maps(c), fx_maps(fx.p));
	/* A shared file mapping is not copied: the child refaults into the
	 * same page cache page. */
	CHECK(!pinfo(c, s).present);
	CHECK_EQ(peek(c, s), 'f');
	CHECK_EQ(pinfo(c, s).pfn, pinfo(fx.p, s).pfn);
	CHECK_EQ(poke(c, s + 1, 'c'), 0);
	CHECK_EQ(peek(fx.p, s + 1), 'c');
	CHECK_EQ(peek(c, a), 'a');
	uint64_t used = frames_used(&fx);
	CHECK_EQ(mmk_exec(c), 0);
	CHECK_STR(fx_maps(c), "");
	CHECK_EQ(peek(c, a), SEGV);
	CHECK_INV(&fx);
	CHECK(frames_used(&fx) <= used);
	CHECK_EQ(peek(fx.p, a), 'a');
	CHECK_EQ(pinfo(fx.p, a).mapcount, 1);
	CHECK_EQ(mmk_exit(c), 0);
	CHECK(!fx_done(&fx));
}

TEST(private_file_mapping_with_cow_pages_is_copied_at_fork)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	fx_file(&fx, "f", 3 * PS, 'o');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	int64_t m = mmk_mmap(fx.p, 0, 3 * PS, RW, MMK_MAP_PRIVATE, fd, 0);
	CHECK(m > 0);
	CHECK_EQ(poke(fx.p, m, 'x'), 0);   /* anonymous COW copy */
	CHECK_EQ(peek(fx.p, m + PS), 'o'); /* file page, read-only */
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK_INV(&fx);
	CHECK(pinfo(c, m).anon && pinfo(c, m + PS).file); /* copied: the VMA has an anon_vma */
	CHECK_EQ(peek(c, m), 'x');
	CHECK_EQ(poke(c, m, 'y'), 0);
	CHECK_EQ(peek(fx.p, m), 'x');
	/* Truncation zaps the COW copies in both processes (even_cows). */
	int wfd = fx_open(&fx, fx.p, "f", MMK_O_RDWR);
	CHECK_EQ(mmk_ftruncate(fx.p, wfd, 0), 0);
	CHECK_INV(&fx);
	CHECK_EQ(peek(c, m), BUS);
	CHECK_EQ(peek(fx.p, m), BUS);
	CHECK_EQ(smaps_kb(c, m, "Rss:"), 0);
	CHECK_EQ(mmk_exit(c), 0);
	CHECK(!fx_done(&fx));
}

TEST(many_generations_of_fork_keep_counts_exact)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 8 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_fill(fx.p, a, 1, 8 * PS, NULL), 0);
	mmk_proc *gen[5];
	mmk_proc *parent = fx.p;
	for (int g = 0; g < 5; g++) {
		CHECK(mmk_fork(parent, &gen[g]) > 0);
		CHECK_EQ(poke(gen[g], a + (uint64_t)g * PS, 10 + g), 0);
		parent = gen[g];
		CHECK_INV(&fx);
	}
	CHECK_EQ(pinfo(fx.p, a + 7 * PS).mapcount, 6);
	/* gen[4] shares page g with generations g..4 (mapcount 5 - g), pages
	 * 5..7 with everyone (6); only its own page 4 is private. */
	CHECK_EQ(smaps_kb(gen[4], a, "Shared_Dirty:"), 28);
	CHECK_EQ(smaps_kb(gen[4], a, "Private_Dirty:"), 4);
	/* Pss in bytes << 12: 4096 << 12 divided by 5, 4, 3, 2, 1, 6, 6, 6,
	 * each truncated: 3355443 + 4194304 + 5592405 + 8388608 + 16777216 +
	 * 3 * 2796202 = 46696582, >> 12 = 11400 bytes, >> 10 = 11 kB. */
	CHECK_EQ(smaps_kb(gen[4], a, "Pss:"), 11);
	for (int g = 0; g < 5; g++) {
		CHECK_EQ(peek(gen[4], a + (uint64_t)g * PS), 10 + g);
		CHECK_EQ(peek(fx.p, a + (uint64_t)g * PS), 1);
	}
	for (int g = 4; g >= 0; g--) {
		CHECK_EQ(mmk_exit(gen[g]), 0);
		CHECK_INV(&fx);
	}
	CHECK_EQ(pinfo(fx.p, a).mapcount, 1);
	CHECK(!fx_done(&fx));
}

TEST(fork_after_mremap_and_mprotect)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, PA, -1, 0);
	CHECK_EQ(mmk_fill(fx.p, a, 'r', 4 * PS, NULL), 0);
	int64_t b =
	    mmk_mremap(fx.p, a, 4 * PS, 4 * PS, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED, 0x20000000);
	CHECK_EQ(b, 0x20000000);
	CHECK_EQ(mmk_mprotect(fx.p, b, PS, MMK_PROT_READ), 0);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK_INV(&fx);
	CHECK_EQ(poke(c, b, 'x'), SEGV);
	CHECK_EQ(poke(c, b + PS, 'x'), 0);
	CHECK_EQ(peek(fx.p, b + PS), 'r');
	CHECK_EQ(mmk_mprotect(fx.p, b, 4 * PS, RW), 0);
	/* Still shared with the child: write permission must not come back. */
	CHECK(!pinfo(fx.p, b).writable);
	CHECK_EQ(poke(fx.p, b, 'p'), 0);
	CHECK_EQ(peek(c, b), 'r');
	CHECK_INV(&fx);
	CHECK_EQ(mmk_exit(c), 0);
	CHECK(!fx_done(&fx));
}

/* Page i's byte in the next test's layout before the fork: pages i % 3 ==
 * 1 are holes, i % 3 == 2 read the zero page before the table at `third`,
 * and that table is dropped whole; the rest hold pattern(i, 0). */
static int holes_orig(uint64_t i, uint64_t third)
{
	if (i % 3 == 1 || (i >= third && i < third + 512) || (i % 3 == 2 && i < third))
		return 0;
	return pattern(i, 0);
}

/* One VMA from 5 pages before a 2 MiB boundary to 11 pages past the next
 * but one, across the 3 GiB (PUD) boundary, so its tables are: a partial
 * one it shares with a read-only neighbour VMA, a full one with holes and
 * zero-page reads, a full one emptied by MADV_DONTNEED (an empty table the
 * copy skips), and a partial last one.  The child maps exactly what the
 * parent maps, RSS and VmPTE agree, stores on either side stay there, and
 * the child's exit gives every frame and mapcount back. */
TEST(fork_copies_tables_with_holes_across_pmd_and_pud_boundaries)
{
	struct fixture fx;
	CHECK(!fx_init_ram(&fx, 64 * MB));
	const uint64_t start = 3 * ONE_GB - TWO_MB - 5 * PS;
	const uint64_t n = 5 + 2 * 512 + 11; /* pages */
	const uint64_t nb = 10;		     /* the neighbour's pages, just below */
	int64_t nbr = mmk_mmap(fx.p, start - nb * PS, nb * PS, RW, PA | MMK_MAP_FIXED, -1, 0);
	int64_t a = mmk_mmap(fx.p, start, n * PS, RW, PA | MMK_MAP_FIXED, -1, 0);
	CHECK_EQ(nbr, (int64_t)(start - nb * PS));
	CHECK_EQ(a, (int64_t)start);
	CHECK_EQ(mmk_fill(fx.p, start - nb * PS, 'n', nb * PS, NULL), 0);
	CHECK_EQ(mmk_mprotect(fx.p, start - nb * PS, nb * PS, MMK_PROT_READ), 0);
	CHECK_EQ(count_vmas(fx.p), 2);
	/* Pages i % 3 == 1 stay holes, i % 3 == 2 in the first two tables read
	 * the zero page; the third table is written, then dropped entirely. */
	const uint64_t third = 5 + 512; /* first page of the table at 3 GiB */
	for (uint64_t i = 0; i < n; i++) {
		if (i % 3 == 1)
			continue;
		if (i % 3 == 2 && i < third)
			CHECK_EQ(peek(fx.p, start + i * PS), 0);
		else
			CHECK_EQ(poke(fx.p, start + i * PS, pattern(i, 0)), 0);
	}
	CHECK_EQ(mmk_madvise(fx.p, 3 * ONE_GB, TWO_MB, MMK_MADV_DONTNEED), 0);
	CHECK_EQ(present_pages(fx.p, 3 * ONE_GB, 512), 0);
	CHECK_INV(&fx);
	uint64_t used = frames_used(&fx);

	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK_INV(&fx);
	CHECK(same_mapping(fx.p, c, start - nb * PS, nb + n));
	CHECK_EQ(status_num(c, "VmRSS"), status_num(fx.p, "VmRSS"));
	CHECK_EQ(status_num(c, "RssAnon"), status_num(fx.p, "RssAnon"));
	/* The emptied table is not copied (as before: only tables with
	 * something to copy are made in the child). */
	CHECK_EQ(status_num(c, "VmPTE"), status_num(fx.p, "VmPTE") - 4);
	CHECK_EQ(smaps_kb(c, start, "Rss:"), smaps_kb(fx.p, start, "Rss:"));
	CHECK_EQ(smaps_kb(c, start, "Shared_Dirty:"), smaps_kb(c, start, "Rss:"));
	CHECK_EQ(smaps_kb(c, start - nb * PS, "Rss:"), (long long)(nb * 4));
	CHECK_EQ(frames_used(&fx), used); /* nothing copied yet */
	for (uint64_t i = 0; i < nb; i++)
		CHECK_EQ(peek(c, start - (nb - i) * PS), 'n');
	for (uint64_t i = 0; i < n; i++)
		CHECK_EQ(peek(c, start + i * PS), holes_orig(i, third));
	/* Stores: the child on even pages, the parent on pages i % 4 == 1. */
	for (uint64_t i = 0; i < n; i += 2)
		CHECK_EQ(poke(c, start + i * PS, pattern(i, 1)), 0);
	for (uint64_t i = 1; i < n; i += 4)
		CHECK_EQ(poke(fx.p, start + i * PS, pattern(i, 2)), 0);
	CHECK_INV(&fx);
	for (uint64_t i = 0; i < n; i++) {
		int orig = holes_orig(i, third);
		CHECK_EQ(peek(c, start + i * PS), i % 2 == 0 ? pattern(i, 1) : orig);
		CHECK_EQ(peek(fx.p, start + i * PS), i % 4 == 1 ? pattern(i, 2) : orig);
	}
	CHECK_EQ(mmk_exit(c), 0);
	CHECK_INV(&fx);
	/* What remains added: the parent's stores into pages it had no frame
	 * for (its copies of shared pages replace originals the child freed). */
	uint64_t added = 0;
	for (uint64_t i = 1; i < n; i += 4)
		added += holes_orig(i, third) == 0;
	CHECK_EQ(frames_used(&fx), used + added);
	struct mmk_pageinfo *pi = calloc(n, sizeof(*pi));
	CHECK_EQ(mmk_proc_pagemap(fx.p, start, n, pi), 0);
	for (uint64_t i = 0; i < n; i++)
		if (pi[i].present && !pi[i].zero && pi[i].mapcount != 1)
			T_FAIL("page %llu still mapped %u times", (unsigned long long)i,
			       pi[i].mapcount);
	free(pi);
	CHECK(!fx_done(&fx));
}

/* Six VMAs side by side in one PTE table, each copied (or not) by its own
 * rule: private (copied, COW), read-only private (copied), shared anonymous
 * (not copied: refaults into the same pages), MADV_DONTFORK (absent),
 * MADV_WIPEONFORK (present, empty), mlocked (copied; the lock is not
 * inherited). */
TEST(fork_of_neighbouring_vmas_in_one_table)
{
	struct fixture fx;
	CHECK(!fx_init_ram(&fx, 32 * MB));
	const uint64_t base = 0x40000000ULL + 64 * PS; /* mid-table */
	const uint64_t k = 8;			       /* pages per VMA */
	enum { PRIV, RO, SHARED, DONTFORK, WIPE, LOCKED, NV };
	for (int v = 0; v < NV; v++) {
		int flags = (v == SHARED ? SA : PA) | MMK_MAP_FIXED;
		uint64_t at = base + (uint64_t)v * k * PS;
		CHECK_EQ(mmk_mmap(fx.p, at, k * PS, RW, flags, -1, 0), (int64_t)at);
		CHECK_EQ(mmk_fill(fx.p, at, 'a' + v, k * PS, NULL), 0);
	}
	uint64_t at[NV];
	for (int v = 0; v < NV; v++)
		at[v] = base + (uint64_t)v * k * PS;
	CHECK_EQ(mmk_mprotect(fx.p, at[RO], k * PS, MMK_PROT_READ), 0);
	CHECK_EQ(mmk_madvise(fx.p, at[DONTFORK], k * PS, MMK_MADV_DONTFORK), 0);
	CHECK_EQ(mmk_madvise(fx.p, at[WIPE], k * PS, MMK_MADV_WIPEONFORK), 0);
	CHECK_EQ(mmk_mlock(fx.p, at[LOCKED], k * PS), 0);
	CHECK_EQ(count_vmas(fx.p), NV);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK_INV(&fx);
	CHECK_EQ(count_vmas(c), NV - 1);
	CHECK(same_mapping(fx.p, c, at[PRIV], k));
	CHECK(same_mapping(fx.p, c, at[RO], k));
	CHECK(same_mapping(fx.p, c, at[LOCKED], k));
	CHECK_EQ(present_pages(c, at[SHARED], (int)k), 0);
	CHECK_EQ(present_pages(c, at[DONTFORK], (int)k), 0);
	CHECK_EQ(present_pages(c, at[WIPE], (int)k), 0);
	CHECK_EQ(smaps_kb(c, at[LOCKED], "Locked:"), 0);
	/* Locked is the Pss of a locked VMA: shared with the child, half. */
	CHECK_EQ(smaps_kb(fx.p, at[LOCKED], "Locked:"), (long long)(k * 4 / 2));
	for (uint64_t i = 0; i < k; i++) {
		CHECK_EQ(peek(c, at[PRIV] + i * PS), 'a' + PRIV);
		CHECK_EQ(peek(c, at[RO] + i * PS), 'a' + RO);
		CHECK_EQ(peek(c, at[SHARED] + i * PS), 'a' + SHARED);
		CHECK_EQ(peek(c, at[DONTFORK] + i * PS), SEGV);
		CHECK_EQ(peek(c, at[WIPE] + i * PS), 0);
		CHECK_EQ(peek(c, at[LOCKED] + i * PS), 'a' + LOCKED);
	}
	CHECK_EQ(pinfo(c, at[SHARED]).pfn, pinfo(fx.p, at[SHARED]).pfn);
	CHECK_EQ(poke(c, at[SHARED] + 3, 'S'), 0);
	CHECK_EQ(poke(c, at[PRIV] + 3, 'P'), 0);
	CHECK_EQ(poke(c, at[LOCKED] + 3, 'L'), 0);
	CHECK_EQ(poke(c, at[RO] + 3, 'R'), SEGV);
	CHECK_EQ(peek(fx.p, at[SHARED] + 3), 'S');
	CHECK_EQ(peek(fx.p, at[PRIV] + 3), 'a' + PRIV);
	CHECK_EQ(peek(fx.p, at[LOCKED] + 3), 'a' + LOCKED);
	CHECK_EQ(peek(fx.p, at[WIPE]), 'a' + WIPE);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_exit(c), 0);
	CHECK_INV(&fx);
	CHECK_EQ(pinfo(fx.p, at[PRIV] + PS).mapcount, 1);
	CHECK(!fx_done(&fx));
}

/* After the fork the child unmaps and MADV_DONTNEEDs ranges that start and
 * end mid-table and cross table boundaries (zap_pte_range's first/last
 * bounds): exactly those pages leave the child, the parent keeps all. */
TEST(zap_after_fork_of_ranges_that_start_and_end_mid_table)
{
	struct fixture fx;
	CHECK(!fx_init_ram(&fx, 32 * MB));
	const uint64_t start = 0x80000000ULL - 3 * PS; /* 3 pages before a 2 MiB boundary */
	const uint64_t n = 3 * 512;
	CHECK_EQ(mmk_mmap(fx.p, start, n * PS, RW, PA | MMK_MAP_FIXED, -1, 0), (int64_t)start);
	for (uint64_t i = 0; i < n; i++)
		CHECK_EQ(poke(fx.p, start + i * PS, pattern(i, 0)), 0);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	/* munmap pages [2, 600): the end of one table, into the next. */
	CHECK_EQ(mmk_munmap(c, start + 2 * PS, 598 * PS), 0);
	/* DONTNEED pages [1000, 1100): across the next table boundary (1027). */
	CHECK_EQ(mmk_madvise(c, start + 1000 * PS, 100 * PS, MMK_MADV_DONTNEED), 0);
	CHECK_INV(&fx);
	struct mmk_pageinfo *pp = calloc(n, sizeof(*pp)), *cp = calloc(n, sizeof(*cp));
	CHECK_EQ(mmk_proc_pagemap(fx.p, start, n, pp), 0);
	CHECK_EQ(mmk_proc_pagemap(c, start, n, cp), 0);
	uint64_t child_rss = 0;
	for (uint64_t i = 0; i < n; i++) {
		int gone = (i >= 2 && i < 600) || (i >= 1000 && i < 1100);
		child_rss += !gone;
		if (!pp[i].present || cp[i].present == gone || pp[i].mapcount != (gone ? 1u : 2u))
			T_FAIL("page %llu: parent present %u mapcount %u, child present %u",
			       (unsigned long long)i, pp[i].present, pp[i].mapcount, cp[i].present);
	}
	free(pp);
	free(cp);
	CHECK_EQ(status_num(c, "RssAnon"), (long long)child_rss * 4);
	for (uint64_t i = 0; i < n; i += 7) {
		CHECK_EQ(peek(fx.p, start + i * PS), pattern(i, 0));
		int gone = (i >= 2 && i < 600) || (i >= 1000 && i < 1100);
		CHECK_EQ(peek(c, start + i * PS), (i >= 2 && i < 600) ? SEGV
						  : gone	      ? 0
								      : pattern(i, 0));
	}
	CHECK_EQ(mmk_exit(c), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Swap entries between present PTEs in the same tables: the copy
 * duplicates each slot (swap_duplicate; the invariant check counts every
 * slot's references against the page tables), both processes read every
 * byte back, and stores stay on their side. */
TEST(fork_copies_swap_entries_between_present_ptes)
{
	struct fixture fx;
	struct mmk_config cfg = {.ram_bytes = 1 * MB, .swap_bytes = 8 * MB};
	CHECK(!fx_init_cfg(&fx, &cfg));
	const uint64_t n = 3 * 256; /* 3 MiB in 1 MiB of RAM */
	int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t w[2] = {i, ~i};
		CHECK_EQ(mmk_store(fx.p, (uint64_t)a + i * PS, w, sizeof(w), NULL), 0);
	}
	/* Bring every fifth page back, so present and swap PTEs alternate. */
	for (uint64_t i = 0; i < n; i += 5)
		CHECK(peek(fx.p, (uint64_t)a + i * PS) >= 0);
	int present = present_pages(fx.p, (uint64_t)a, (int)n);
	CHECK(present > 0 && present < (int)n);
	CHECK_INV(&fx);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK_INV(&fx);
	reclaim_pause(fx.sys); /* kswapd may swap more out meanwhile */
	long long cs = status_num(c, "VmSwap"), ps = status_num(fx.p, "VmSwap");
	reclaim_resume(fx.sys);
	CHECK(cs > 0);
	CHECK_EQ(cs, ps); /* the same slots, each named by both */
	for (uint64_t i = 0; i < n; i++) {
		uint64_t w[2];
		CHECK_EQ(mmk_load(c, (uint64_t)a + i * PS, w, sizeof(w), NULL), 0);
		CHECK(w[0] == i && w[1] == ~i);
		if (i % 2 == 0) {
			w[0] = i + 1000000;
			CHECK_EQ(mmk_store(c, (uint64_t)a + i * PS, w, sizeof(w), NULL), 0);
		}
	}
	CHECK_INV(&fx);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t w[2];
		CHECK_EQ(mmk_load(fx.p, (uint64_t)a + i * PS, w, sizeof(w), NULL), 0);
		CHECK(w[0] == i && w[1] == ~i);
		CHECK_EQ(mmk_load(c, (uint64_t)a + i * PS, w, sizeof(w), NULL), 0);
		CHECK(w[0] == (i % 2 == 0 ? i + 1000000 : i) && w[1] == ~i);
	}
	CHECK_EQ(mmk_exit(c), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* The page-table slabs of an exited child go back to the system's pool and
 * the next child takes them from there: fork after fork, no slab is lost
 * and the pool stays within its bound. */
TEST(page_table_slabs_return_to_the_pool)
{
	struct fixture fx;
	CHECK(!fx_init_ram(&fx, 32 * MB));
	int64_t a = mmk_mmap(fx.p, 0, 8 * MB, RW, PA, -1, 0);
	CHECK_EQ(mmk_fill(fx.p, (uint64_t)a, 1, 8 * MB, NULL), 0);
	struct pt_pool *pool = &fx.sys->pt_pool;
	uint64_t out = pool->nr_out;
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK(pool->nr_out > out);
	CHECK_EQ(mmk_exit(c), 0);
	CHECK_EQ(pool->nr_out, out);
	uint32_t kept = pool->nr_free;
	CHECK(kept > 0);
	for (int i = 0; i < 20; i++) {
		CHECK(mmk_fork(fx.p, &c) > 0);
		CHECK_EQ(pool->nr_free, kept - (uint32_t)(pool->nr_out - out));
		CHECK_EQ(peek(c, (uint64_t)a + (uint64_t)i * 100 * PS), 1);
		CHECK_EQ(mmk_exit(c), 0);
		CHECK_EQ(pool->nr_out, out);
		CHECK_EQ(pool->nr_free, kept);
	}
	CHECK(pool->nr_free <= pool->max_free);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Anonymous and shared anonymous memory: once every process has exited,
 * every frame but the zero page is free (file pages would stay cached). */
TEST(all_frames_return_when_every_process_exits)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 16 * PS, RW, PA, -1, 0);
	int64_t s = mmk_mmap(fx.p, 0, 8 * PS, RW, SA, -1, 0);
	CHECK(a > 0 && s > 0);
	CHECK_EQ(mmk_fill(fx.p, a, 1, 16 * PS, NULL), 0);
	CHECK_EQ(mmk_fill(fx.p, s, 2, 8 * PS, NULL), 0);
	mmk_proc *c1, *c2;
	CHECK(mmk_fork(fx.p, &c1) > 0);
	CHECK(mmk_fork(c1, &c2) > 0);
	CHECK_EQ(mmk_fill(c2, a, 3, 4 * PS, NULL), 0);
	CHECK_EQ(mmk_exec(c1), 0);
	CHECK_EQ(mmk_mmap(c1, 0, 4 * PS, RW, PA | MMK_MAP_POPULATE, -1, 0) > 0, 1);
	CHECK_INV(&fx);
	CHECK(frames_used(&fx) >= 16 + 8 + 4 + 4);
	CHECK_EQ(mmk_exit(fx.p), 0);
	CHECK_EQ(mmk_exit(c2), 0);
	CHECK_EQ(mmk_exit(c1), 0);
	fx.p = NULL;
	CHECK_EQ(mmk_frames_free(fx.sys), mmk_frames_total(fx.sys) - 1);
	CHECK(!fx_done(&fx));
}

/* exec empties the address space in place (other threads may be inside
 * calls on the process): what is left must be exactly a new process's. */
TEST(exec_leaves_what_a_new_process_has)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	mmk_proc *fresh;
	CHECK(mmk_spawn(fx.sys, &fresh) > 0);
	int64_t a = mmk_mmap(fx.p, 0, 64 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_fill(fx.p, a, 7, 64 * PS, NULL), 0);
	CHECK_EQ(mmk_munmap(fx.p, a, 32 * PS), 0); /* VmPeak, VmHWM stay high */
	CHECK(mmk_brk(fx.p, mmk_brk(fx.p, 0) + 8 * PS) > 0);
	CHECK_EQ(mmk_mlockall(fx.p, MMK_MCL_CURRENT | MMK_MCL_FUTURE), 0);
	CHECK(mmk_mremap(fx.p, a + 32 * PS, 4 * PS, 4 * PS,
			 MMK_MREMAP_MAYMOVE | MMK_MREMAP_DONTUNMAP, 0) > 0); /* locked_vm_extra */
	CHECK_EQ(mmk_exec(fx.p), 0);
	char got[4096], want[4096];
	CHECK(mmk_proc_status(fx.p, got, sizeof(got)) > 0);
	CHECK(mmk_proc_status(fresh, want, sizeof(want)) > 0);
	CHECK_STR(got, want);
	CHECK_EQ(mmk_brk(fx.p, 0), mmk_brk(fresh, 0));
	/* Placement starts over, and mlockall(MCL_FUTURE) is gone. */
	int64_t b = mmk_mmap(fx.p, 0, 4 * PS, RW, PA, -1, 0);
	CHECK_EQ(b, mmk_mmap(fresh, 0, 4 * PS, RW, PA, -1, 0));
	CHECK_EQ(mmk_fill(fx.p, b, 1, 4 * PS, NULL), 0);
	CHECK_EQ(mmk_fill(fresh, b, 1, 4 * PS, NULL), 0);
	CHECK(mmk_proc_status(fx.p, got, sizeof(got)) > 0);
	CHECK(mmk_proc_status(fresh, want, sizeof(want)) > 0);
	CHECK_STR(got, want);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_exit(fresh), 0);
	CHECK(!fx_done(&fx));
}

T_MAIN
