/*
 * test_access.c - loads, stores, fills, copies and touches through the
 * simulated MMU: byte-exact results across page boundaries, the signal a
 * failed access reports (signo, code, address of the first byte on the
 * failing page) with the bytes of earlier pages done, TLB coherence after
 * munmap/mprotect, a killed process, an exec coming between the pages of
 * an access, and an allocation failure that must leave nothing half done
 * or leaked.
 */
#include "page_test.h"

TEST(store_load_round_trip_across_pages)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	char in[3 * PS], out[3 * PS];
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (char)(i * 7 + 3);
	struct mmk_siginfo si;
	CHECK_EQ(mmk_store(fx.p, a + 100, in, sizeof(in), &si), 0);
	CHECK_EQ(si.signo, 0);
	CHECK_INV(&fx);
	memset(out, 0, sizeof(out));
	CHECK_EQ(mmk_load(fx.p, a + 100, out, sizeof(out), &si), 0);
	CHECK(!memcmp(in, out, sizeof(in)));
	/* Bytes before and after the store are still zero. */
	CHECK_EQ(peek(fx.p, a + 99), 0);
	CHECK_EQ(peek(fx.p, a + 100 + sizeof(in)), 0);
	/* A zero-length access does nothing, even at a bad address. */
	CHECK_EQ(mmk_load(fx.p, 0, out, 0, &si), 0);
	CHECK(!fx_done(&fx));
}

TEST(fill_copy_and_overlapping_copy)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_fill(fx.p, a + 10, 0xab, 2 * PS, NULL), 0);
	CHECK_EQ(peek(fx.p, a + 9), 0);
	CHECK_EQ(peek(fx.p, a + 10), 0xab);
	CHECK_EQ(peek(fx.p, a + 10 + 2 * PS - 1), 0xab);
	CHECK_EQ(peek(fx.p, a + 10 + 2 * PS), 0);
	/* A pattern, then memmove up by 5000 (overlapping) and down by 3000. */
	unsigned char pat[6000], out[6000];
	for (int i = 0; i < 6000; i++)
		pat[i] = (unsigned char)(i % 251);
	CHECK_EQ(mmk_store(fx.p, a, pat, 6000, NULL), 0);
	CHECK_EQ(mmk_copy(fx.p, a + 5000, a, 6000, NULL), 0);
	CHECK_EQ(mmk_load(fx.p, a + 5000, out, 6000, NULL), 0);
	CHECK(!memcmp(pat, out, 6000));
	CHECK_EQ(mmk_copy(fx.p, a + 2000, a + 5000, 6000, NULL), 0);
	CHECK_EQ(mmk_load(fx.p, a + 2000, out, 6000, NULL), 0);
	CHECK(!memcmp(pat, out, 6000));
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(unmapped_access_is_segv_maperr_at_first_byte_of_failing_page)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0x40000000, 2 * PS, RW, PA | MMK_MAP_FIXED, -1, 0);
	CHECK_EQ(a, 0x40000000);
	struct mmk_siginfo si;
	char buf[3 * PS];
	memset(buf, 0x5a, sizeof(buf));
	/* Starts mapped, runs into the hole: the first two pages are stored. */
	CHECK_EQ(mmk_store(fx.p, a + 100, buf, 2 * PS + 50, &si), -EFAULT);
	CHECK_EQ(si.signo, MMK_SIGSEGV);
	CHECK_EQ(si.code, MMK_SEGV_MAPERR);
	CHECK_EQ(si.addr, a + 2 * PS);
	CHECK_EQ(peek(fx.p, a + 100), 0x5a);
	CHECK_EQ(peek(fx.p, a + 2 * PS - 1), 0x5a);
	/* The access address itself when it is on the failing page. */
	CHECK_EQ(mmk_load(fx.p, a + 2 * PS + 123, buf, 4, &si), -EFAULT);
	CHECK_EQ(si.addr, a + 2 * PS + 123);
	CHECK_EQ(si.code, MMK_SEGV_MAPERR);
	/* NULL and addresses beyond the user address space. */
	CHECK_EQ(mmk_load(fx.p, 0, buf, 1, &si), -EFAULT);
	CHECK_EQ(si.addr, 0);
	CHECK_EQ(mmk_load(fx.p, 0xffff800000000000ULL, buf, 1, &si), -EFAULT);
	CHECK_EQ(si.signo, MMK_SIGSEGV);
	CHECK_EQ(mmk_load(fx.p, 0x7ffffffff000ULL - 2, buf, 4, &si), -EFAULT);
	CHECK_EQ(si.addr, 0x7ffffffff000ULL - 2);
	CHECK(!fx_done(&fx));
}

TEST(protection_faults_are_segv_accerr)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t ro = mmk_mmap(fx.p, 0, PS, MMK_PROT_READ, PA, -1, 0);
	int64_t none = mmk_mmap(fx.p, 0, PS, MMK_PROT_NONE, PA, -1, 0);
	int64_t wo = mmk_mmap(fx.p, 0, PS, MMK_PROT_WRITE, PA, -1, 0);
	int64_t xo = mmk_mmap(fx.p, 0, PS, MMK_PROT_EXEC, PA, -1, 0);
	CHECK(ro > 0 && none > 0 && wo > 0 && xo > 0);
	struct mmk_siginfo si;
	char c = 1;
	CHECK_EQ(peek(fx.p, ro), 0);
	CHECK_EQ(mmk_store(fx.p, ro + 5, &c, 1, &si), -EFAULT);
	CHECK_EQ(si.signo, MMK_SIGSEGV);
	CHECK_EQ(si.code, MMK_SEGV_ACCERR);
	CHECK_EQ(si.addr, ro + 5);
	CHECK_EQ(mmk_load(fx.p, none + 7, &c, 1, &si), -EFAULT);
	CHECK_EQ(si.code, MMK_SEGV_ACCERR);
	CHECK_EQ(mmk_touch(fx.p, none, PS, 0, &si), -EFAULT);
	CHECK_EQ(si.addr, none);
	/* x86: write-only and exec-only mappings can be read. */
	CHECK_EQ(poke(fx.p, wo, 9), 0);
	CHECK_EQ(peek(fx.p, wo), 9);
	CHECK_EQ(peek(fx.p, xo), 0);
	CHECK_EQ(poke(fx.p, xo, 1), SEGV);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(tlb_is_flushed_by_munmap_and_mprotect)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(poke(fx.p, a, 42), 0);
	CHECK_EQ(peek(fx.p, a), 42); /* now cached in the TLB, writable */
	CHECK_EQ(mmk_mprotect(fx.p, a, PS, MMK_PROT_READ), 0);
	CHECK_INV(&fx);
	CHECK_EQ(poke(fx.p, a, 43), SEGV);
	CHECK_EQ(peek(fx.p, a), 42);
	CHECK_EQ(mmk_mprotect(fx.p, a, PS, MMK_PROT_NONE), 0);
	CHECK_EQ(peek(fx.p, a), SEGV);
	/* PROT_NONE keeps the page: it is back with its contents. */
	CHECK_EQ(mmk_mprotect(fx.p, a, PS, RW), 0);
	CHECK_EQ(peek(fx.p, a), 42);
	CHECK_EQ(mmk_munmap(fx.p, a, PS), 0);
	CHECK_INV(&fx);
	CHECK_EQ(peek(fx.p, a), SEGV);
	/* Mapped again: a fresh zero page, not the old frame. */
	CHECK_EQ(mmk_mmap(fx.p, a, PS, RW, PA | MMK_MAP_FIXED, -1, 0), a);
	CHECK_EQ(peek(fx.p, a), 0);
	CHECK(!fx_done(&fx));
}

TEST(touch_faults_pages_in_without_changing_bytes)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 8 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_touch(fx.p, a + 1, 4 * PS, 0, NULL), 0);
	/* Read touches map the zero page: nothing resident. */
	CHECK_EQ(present_pages(fx.p, a, 8), 5);
	CHECK(pinfo(fx.p, a).zero);
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), 0);
	CHECK_EQ(poke(fx.p, a + 3 * PS, 77), 0);
	CHECK_EQ(mmk_touch(fx.p, a, 8 * PS, 1, NULL), 0);
	CHECK_EQ(smaps_kb(fx.p, a, "Rss:"), 32);
	CHECK_EQ(smaps_kb(fx.p, a, "Private_Dirty:"), 32);
	CHECK_EQ(peek(fx.p, a + 3 * PS), 77);
	CHECK_EQ(peek(fx.p, a + 5 * PS), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

TEST(copy_reports_the_failing_side)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0x50000000, 2 * PS, RW, PA | MMK_MAP_FIXED, -1, 0);
	int64_t ro = mmk_mmap(fx.p, 0x60000000, 2 * PS, MMK_PROT_READ, PA | MMK_MAP_FIXED, -1, 0);
	CHECK(a > 0 && ro > 0);
	struct mmk_siginfo si;
	CHECK_EQ(mmk_copy(fx.p, a, 0x70000000, 10, &si), -EFAULT);
	CHECK_EQ(si.addr, 0x70000000);
	CHECK_EQ(si.code, MMK_SEGV_MAPERR);
	CHECK_EQ(mmk_copy(fx.p, ro + 8, a, 10, &si), -EFAULT);
	CHECK_EQ(si.addr, ro + 8);
	CHECK_EQ(si.code, MMK_SEGV_ACCERR);
	CHECK(!fx_done(&fx));
}

TEST(killed_process_gets_esrch)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, PS, RW, PA, -1, 0);
	CHECK(a > 0);
	atomic_store(&fx.p->killed, MMK_SIGKILL);
	char c;
	CHECK_EQ(mmk_load(fx.p, a, &c, 1, NULL), -ESRCH);
	CHECK_EQ(mmk_store(fx.p, a, &c, 1, NULL), -ESRCH);
	CHECK_EQ(mmk_touch(fx.p, a, 1, 1, NULL), -ESRCH);
	atomic_store(&fx.p->killed, 0);
	CHECK(!fx_done(&fx));
}

/*
 * No frame for a fault (before the OOM killer exists): the access returns
 * -ENOMEM without a signal; earlier pages are done, the failing page is
 * untouched, nothing leaks, and the access works once memory is back.
 */
TEST(allocation_failure_during_fault_is_enomem_and_leaks_nothing)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(poke(fx.p, a, 1), 0);
	uint64_t used = frames_used(&fx);
	frame_pool_inject_fail(&fx.sys->pool, 1, true);
	char buf[3 * PS];
	memset(buf, 7, sizeof(buf));
	struct mmk_siginfo si;
	/* Page 0 present, page 1 gets the last frame, page 2 fails. */
	CHECK_EQ(mmk_store(fx.p, a, buf, sizeof(buf), &si), -ENOMEM);
	CHECK_EQ(si.signo, 0);
	frame_pool_inject_fail(&fx.sys->pool, -1, false);
	CHECK_EQ(frames_used(&fx), used + 1);
	CHECK_INV(&fx);
	CHECK_EQ(peek(fx.p, a + PS), 7);
	CHECK_EQ(peek(fx.p, a + 2 * PS), 0);
	CHECK_EQ(mmk_store(fx.p, a, buf, sizeof(buf), &si), 0);
	CHECK_EQ(peek(fx.p, a + 2 * PS), 7);
	/* The same for a copy-on-write of a file page. */
	fx_file(&fx, "f", PS, 'f');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	int64_t m = mmk_mmap(fx.p, 0, PS, RW, MMK_MAP_PRIVATE, fd, 0);
	CHECK(m > 0);
	CHECK_EQ(peek(fx.p, m), 'f');
	frame_pool_inject_fail(&fx.sys->pool, 0, true);
	CHECK_EQ(poke(fx.p, m, 'x'), -1000); /* -ENOMEM: no signal */
	frame_pool_inject_fail(&fx.sys->pool, -1, false);
	CHECK_INV(&fx);
	CHECK_EQ(peek(fx.p, m), 'f');
	CHECK_EQ(poke(fx.p, m, 'x'), 0);
	CHECK_EQ(peek(fx.p, m), 'x');
	CHECK(!fx_done(&fx));
}

TEST(page_table_allocation_failure_is_enomem)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0x1000000000ULL, PS, RW, PA | MMK_MAP_FIXED, -1, 0);
	CHECK(a > 0);
	pgtable_inject_fail(&fx.p->mm->pt, 0);
	CHECK_EQ(poke(fx.p, a, 1), -1000);
	pgtable_inject_fail(&fx.p->mm->pt, -1);
	CHECK_INV(&fx);
	CHECK_EQ(poke(fx.p, a, 1), 0);
	CHECK(!fx_done(&fx));
}

/*
 * A walk fills the TLB entries of its neighbours (access.c's fill-around)
 * only where the walker would set no bit: a page whose accessed bit was
 * cleared must still get it back from its own first access, and entries
 * filled for neighbours go with their PTEs.
 */
TEST(tlb_fill_around_keeps_accessed_bits_and_flushes)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	const uint64_t a = 0x10000000; /* one aligned group of 8 pages */
	CHECK_EQ(mmk_mmap(fx.p, a, 8 * PS, RW, PA | MMK_MAP_FIXED, -1, 0), (int64_t)a);
	CHECK_EQ(mmk_touch(fx.p, a, 8 * PS, 1, NULL), 0);
	CHECK_EQ(smaps_kb(fx.p, a, "Referenced:"), 32);
	CHECK_EQ(mmk_madvise(fx.p, a, 8 * PS, MMK_MADV_COLD), 0);
	CHECK_EQ(smaps_kb(fx.p, a, "Referenced:"), 0);
	CHECK_EQ(peek(fx.p, a), 0);
	CHECK_EQ(smaps_kb(fx.p, a, "Referenced:"), 4);
	for (int i = 1; i < 8; i++)
		CHECK_EQ(peek(fx.p, a + (uint64_t)i * PS), 0);
	CHECK_EQ(smaps_kb(fx.p, a, "Referenced:"), 32);

	/* Now one walk fills all eight; each goes with its own PTE. */
	CHECK_EQ(poke(fx.p, a + 3 * PS, 7), 0);
	CHECK_EQ(mmk_madvise(fx.p, a + PS, PS, MMK_MADV_COLD), 0);
	CHECK_EQ(peek(fx.p, a + PS), 0); /* a walk */
	CHECK_EQ(mmk_munmap(fx.p, a + 3 * PS, PS), 0);
	CHECK_EQ(peek(fx.p, a + 3 * PS), SEGV);
	CHECK_EQ(mmk_mprotect(fx.p, a + 5 * PS, PS, MMK_PROT_NONE), 0);
	CHECK_EQ(peek(fx.p, a + 5 * PS), SEGV);
	CHECK_EQ(peek(fx.p, a + 6 * PS), 0);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Not a pass/fail measure: prints what a TLB hit costs. */
TEST(tlb_hit_cost)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 16 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_touch(fx.p, a, 16 * PS, 1, NULL), 0);
	uint64_t v = 0, sum = 0;
	const int n = 1000000;
	double t0 = now_sec();
	for (int i = 0; i < n; i++) {
		mmk_load(fx.p, a + (uint64_t)(i & 15) * PS + 8, &v, 8, NULL);
		sum += v;
	}
	double t1 = now_sec();
	printf("# 8-byte load, TLB hit: %.1f ns\n", (t1 - t0) * 1e9 / n);
	CHECK_EQ(sum, 0);
	CHECK(!fx_done(&fx));
}

/*
 * The exec of the process comes between the pages of an access, made from
 * the trace of the fault on the second page: it bumps mm->exec_gen, then
 * mm->tlb_gen, as mm_tlb_exec does (a real exec there would wait for the
 * fault's mmap_lock, then do the same).
 */
static void exec_at_fault(void *arg, const struct mmk_event *ev)
{
	struct mm **mm = arg;
	if (ev->kind == MMK_EV_FAULT && *mm) {
		atomic_fetch_add(&(*mm)->exec_gen, 1);
		atomic_fetch_add_explicit(&(*mm)->tlb_gen, 1, memory_order_release);
		*mm = NULL;
	}
}

/* An access an exec cuts stops at its first page after the exec with
 * SIGKILL (the thread making it would be killed by de_thread), the pages
 * before it done; its next page is never touched in the new image. */
TEST(an_access_cut_by_exec_stops_with_sigkill)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	struct mm *at_fault = NULL;
	mmk_system_set_trace(fx.sys, exec_at_fault, &at_fault);
	char buf[2 * PS];
	struct mmk_siginfo si;
	for (int load = 0; load < 2; load++) {
		CHECK_EQ(poke(fx.p, (uint64_t)a, 'a'), 0); /* page 1 mapped and in the TLB */
		CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a + PS, PS, MMK_MADV_DONTNEED), 0);
		at_fault = fx.p->mm;
		memset(buf, 'x', sizeof(buf));
		int e = load ? mmk_load(fx.p, (uint64_t)a, buf, sizeof(buf), &si)
			     : mmk_store(fx.p, (uint64_t)a, buf, sizeof(buf), &si);
		CHECK(!at_fault); /* the second page faulted */
		CHECK_EQ(e, -EFAULT);
		CHECK_EQ(si.signo, MMK_SIGKILL);
		CHECK_EQ(peek(fx.p, (uint64_t)a), load ? 'a' : 'x');
		CHECK_EQ(peek(fx.p, (uint64_t)a + PS), 0);
		CHECK_EQ(mmk_proc_killed(fx.p), 0);
	}
	mmk_system_set_trace(fx.sys, NULL, NULL);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

T_MAIN

/* mmk_fetch: an instruction fetch needs PROT_EXEC on every page it
 * touches: SEGV_ACCERR at the first byte on a page without it (where a
 * load succeeds), SEGV_MAPERR where nothing is mapped, the bytes before
 * the failing page fetched. */
TEST(fetch_requires_exec)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 3 * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_fill(fx.p, a, 0x13, 3 * PS, NULL), 0);
	CHECK_EQ(mmk_mprotect(fx.p, a, 2 * PS, MMK_PROT_READ | MMK_PROT_EXEC), 0);
	unsigned char buf[2 * PS];
	struct mmk_siginfo si;
	CHECK_EQ(mmk_fetch(fx.p, a + 8, buf, 4, &si), 0);
	CHECK_EQ(si.signo, 0);
	CHECK_EQ(buf[0], 0x13);
	/* Across into the writable, non-executable third page. */
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(mmk_fetch(fx.p, a + PS + 100, buf, 2 * PS, &si), -EFAULT);
	CHECK_EQ(si.signo, MMK_SIGSEGV);
	CHECK_EQ(si.code, MMK_SEGV_ACCERR);
	CHECK_EQ(si.addr, a + 2 * PS);
	CHECK_EQ(buf[PS - 101], 0x13);
	/* A load of the same bytes is fine. */
	CHECK_EQ(mmk_load(fx.p, a + 2 * PS, buf, 4, &si), 0);
	/* Nothing mapped: MAPERR, as a load. */
	CHECK_EQ(mmk_munmap(fx.p, a + 2 * PS, PS), 0);
	CHECK_EQ(mmk_fetch(fx.p, a + 2 * PS + 4, buf, 4, &si), -EFAULT);
	CHECK_EQ(si.code, MMK_SEGV_MAPERR);
	CHECK_EQ(si.addr, a + 2 * PS + 4);
	CHECK_EQ(mmk_fetch(NULL, a, buf, 4, &si), -EINVAL);
	CHECK_EQ(mmk_fetch(fx.p, a, NULL, 4, &si), -EFAULT);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* mmk_map_gen moves with every change of a translation or protection --
 * mprotect that only adds PROT_EXEC or removes it from a clean read-only
 * page (no PTE changes), munmap, mmap -- and stays put across loads and
 * stores that fault nothing new. */
TEST(map_gen_moves_with_mapping_changes)
{
	struct fixture fx;
	CHECK(!fx_init(&fx));
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, MMK_PROT_READ, PA, -1, 0);
	CHECK(a > 0);
	unsigned char b[8];
	CHECK_EQ(mmk_load(fx.p, a, b, 8, NULL), 0);
	uint64_t g = mmk_map_gen(fx.p);
	CHECK_EQ(mmk_load(fx.p, a, b, 8, NULL), 0);
	CHECK_EQ(mmk_map_gen(fx.p), g);
	CHECK_EQ(mmk_mprotect(fx.p, a, PS, MMK_PROT_READ | MMK_PROT_EXEC), 0);
	CHECK(mmk_map_gen(fx.p) != g);
	g = mmk_map_gen(fx.p);
	CHECK_EQ(mmk_mprotect(fx.p, a, PS, MMK_PROT_READ), 0);
	CHECK(mmk_map_gen(fx.p) != g);
	g = mmk_map_gen(fx.p);
	CHECK_EQ(mmk_munmap(fx.p, a + PS, PS), 0);
	CHECK(mmk_map_gen(fx.p) != g);
	g = mmk_map_gen(fx.p);
	CHECK_EQ(mmk_mmap(fx.p, a + PS, PS, RW, PA | MMK_MAP_FIXED, -1, 0), a + PS);
	CHECK(mmk_map_gen(fx.p) != g);
	CHECK_EQ(mmk_map_gen(NULL), 0);
	CHECK(!fx_done(&fx));
}
