/*
 * test_cow_fork.c - fork's copy of the page tables and copy-on-write
 * afterwards (copy_page_range, do_wp_page): private anonymous pages are
 * shared write-protected with mapcount 2, the first store on either side
 * copies, the last one left reuses in place; the zero page is shared;
 * shared and clean private file mappings are not copied but refault;
 * exec drops everything; a truncation reaches COW copies in the child.
 */
#include "page_test.h"

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
	CHECK_EQ(poke(fx.p, m, 'x'), 0);     /* anonymous COW copy */
	CHECK_EQ(peek(fx.p, m + PS), 'o');   /* file page, read-only */
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
	int64_t b = mmk_mremap(fx.p, a, 4 * PS, 4 * PS, MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED,
			       0x20000000);
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

T_MAIN
