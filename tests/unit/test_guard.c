/*
 * test_guard.c - guard regions (MADV_GUARD_INSTALL / MADV_GUARD_REMOVE) and
 * the PTE-kind classifier and zap details they rest on: the marker's
 * encoding, install over present and absent pages (their frames freed),
 * SIGSEGV with SEGV_MAPERR, the markers MADV_DONTNEED keeps and munmap
 * drops (ZAP_FLAG_DROP_MARKER), fork's copy and VM_WIPEONFORK's none, the
 * VMAs that refuse them, and the invariant checker's view of a stray
 * marker.  The scenarios tests/scenarios/guard_*.mm check the same
 * behaviour against the host kernel; these check what only mmkit shows
 * (frames, pagemap, the checker).
 */
#include "page_test.h"
#include "pgtable.h"

#define AP (MMK_MAP_PRIVATE | MMK_MAP_ANONYMOUS)
#define RW (MMK_PROT_READ | MMK_PROT_WRITE)

TEST(pte_kind_classifies_each_encoding)
{
	CHECK_EQ(pte_kind(0), PTE_KIND_NONE);
	CHECK_EQ(pte_kind(pfn_pte(7, PTE_PRESENT | PTE_USER)), PTE_KIND_PRESENT);
	CHECK_EQ(pte_kind(pfn_pte(0, PTE_PRESENT | PTE_SPECIAL)), PTE_KIND_ZERO);
	CHECK_EQ(pte_kind(swp_pte(3)), PTE_KIND_SWAP);
	CHECK_EQ(pte_kind(pte_mkguard()), PTE_KIND_GUARD);
	CHECK_EQ(pte_kind(PTE_MARKER), PTE_KIND_BAD); /* a marker of no kind */
	CHECK_EQ(pte_kind(PTE_DIRTY), PTE_KIND_BAD);
	CHECK(!pte_present(pte_mkguard()) && !pte_none(pte_mkguard()));
	CHECK(!pte_maps_page(pte_mkguard()) && !pte_is_swap(pte_mkguard()));
}

/* Install over present and absent pages: the present ones' frames go,
 * every page faults SIGSEGV/SEGV_MAPERR, pagemap shows the markers, the
 * neighbours keep their data; MADV_DONTNEED keeps the markers; REMOVE
 * leaves empty PTEs (zero-filled memory). */
TEST(install_frees_pages_and_faults)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	int64_t a = mmk_mmap(fx.p, 0, 8 * PS, RW, AP, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_fill(fx.p, a, 'g', 6 * PS, NULL), 0); /* pages 6, 7 absent */
	uint64_t used = frames_used(&fx);
	CHECK_EQ(mmk_madvise(fx.p, a + 2 * PS, 6 * PS, MMK_MADV_GUARD_INSTALL), 0);
	CHECK_INV(&fx);
	CHECK_EQ(frames_used(&fx), used - 4);
	struct mmk_siginfo si;
	unsigned char c;
	for (int i = 2; i < 8; i++) {
		CHECK_EQ(mmk_load(fx.p, a + i * PS, &c, 1, &si), -EFAULT);
		CHECK_EQ(si.signo, MMK_SIGSEGV);
		CHECK_EQ(si.code, MMK_SEGV_MAPERR);
		CHECK_EQ(si.addr, a + i * PS);
		CHECK_EQ(poke(fx.p, a + i * PS + 5, 'x'), SEGV);
		struct mmk_pageinfo pi = pinfo(fx.p, a + i * PS);
		CHECK(pi.guard && !pi.present);
	}
	CHECK_EQ(peek(fx.p, a + PS), 'g');
	CHECK(!pinfo(fx.p, a + PS).guard);
	CHECK_EQ(mmk_madvise(fx.p, a, 8 * PS, MMK_MADV_DONTNEED), 0);
	CHECK_EQ(peek(fx.p, a + 2 * PS), SEGV);
	CHECK_EQ(peek(fx.p, a + PS), 0);
	CHECK_EQ(mmk_madvise(fx.p, a, 8 * PS, MMK_MADV_GUARD_REMOVE), 0);
	CHECK_INV(&fx);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(peek(fx.p, a + i * PS), 0);
	CHECK(fx_done(&fx) == 0);
}

/* munmap drops the markers (unmap_vmas' ZAP_FLAG_DROP_MARKER): a new
 * mapping at the same place is ordinary memory, and no PTE is left behind
 * outside a VMA (which the invariant checker would report). */
TEST(munmap_drops_markers)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, AP, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_madvise(fx.p, a, 4 * PS, MMK_MADV_GUARD_INSTALL), 0);
	CHECK_EQ(mmk_munmap(fx.p, a + PS, 2 * PS), 0);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_mmap(fx.p, a + PS, 2 * PS, RW, AP | MMK_MAP_FIXED, -1, 0), a + PS);
	CHECK_EQ(peek(fx.p, a + PS), 0);
	CHECK_EQ(peek(fx.p, a), SEGV);
	CHECK_EQ(peek(fx.p, a + 3 * PS), SEGV);
	CHECK_INV(&fx);
	CHECK(fx_done(&fx) == 0);
}

/* fork copies the markers; the child's REMOVE leaves the parent's; a
 * VM_WIPEONFORK child gets none. */
TEST(fork_copies_markers)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, AP, -1, 0);
	int64_t w = mmk_mmap(fx.p, 0, 4 * PS, RW, AP, -1, 0);
	CHECK(a > 0 && w > 0);
	CHECK_EQ(mmk_madvise(fx.p, w, 4 * PS, MMK_MADV_WIPEONFORK), 0);
	CHECK_EQ(mmk_madvise(fx.p, a, 2 * PS, MMK_MADV_GUARD_INSTALL), 0);
	CHECK_EQ(mmk_madvise(fx.p, w, 2 * PS, MMK_MADV_GUARD_INSTALL), 0);
	mmk_proc *child;
	CHECK(mmk_fork(fx.p, &child) > 0);
	CHECK_EQ(peek(child, a + PS), SEGV);
	CHECK_EQ(peek(child, a + 2 * PS), 0);
	CHECK_EQ(peek(child, w), 0);
	CHECK_EQ(mmk_madvise(child, a, 4 * PS, MMK_MADV_GUARD_REMOVE), 0);
	CHECK_EQ(peek(child, a), 0);
	CHECK_EQ(peek(fx.p, a), SEGV);
	CHECK_EQ(peek(fx.p, w), SEGV);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_exit(child), 0);
	CHECK(fx_done(&fx) == 0);
}

/* is_valid_guard_vma(): VM_LOCKED refuses INSTALL (not REMOVE); populate
 * and mlock fail on a marker. */
TEST(refusals_and_populate)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	int64_t a = mmk_mmap(fx.p, 0, 4 * PS, RW, AP, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(mmk_mlock(fx.p, a, 4 * PS), 0);
	CHECK_EQ(mmk_madvise(fx.p, a, 4 * PS, MMK_MADV_GUARD_INSTALL), -EINVAL);
	CHECK_EQ(mmk_madvise(fx.p, a, 4 * PS, MMK_MADV_GUARD_REMOVE), 0);
	CHECK_EQ(mmk_munlock(fx.p, a, 4 * PS), 0);
	CHECK_EQ(mmk_madvise(fx.p, a + PS, PS, MMK_MADV_GUARD_INSTALL), 0);
	CHECK_EQ(mmk_madvise(fx.p, a, 4 * PS, MMK_MADV_POPULATE_READ), -EFAULT);
	CHECK_EQ(mmk_madvise(fx.p, a, 4 * PS, MMK_MADV_POPULATE_WRITE), -EFAULT);
	CHECK_EQ(mmk_mlock(fx.p, a, 4 * PS), -ENOMEM);
	CHECK_INV(&fx);
	CHECK(fx_done(&fx) == 0);
}

/* The checker reports a marker where MADV_GUARD_INSTALL never ran (a VMA
 * without VM_MAYBE_GUARD), and accepts it where it did. */
TEST(checker_sees_stray_marker)
{
	struct fixture fx;
	CHECK(fx_init(&fx) == 0);
	int64_t a = mmk_mmap(fx.p, 0, 2 * PS, RW, AP, -1, 0);
	CHECK(a > 0);
	struct mm *mm = fx.p->mm;
	mmk_mutex_lock(&mm->ptl);
	pte_t *ptep = pgtable_walk(&mm->pt, a, 1);
	if (ptep)
		pgtable_set_pte(&mm->pt, ptep, pte_mkguard());
	mmk_mutex_unlock(&mm->ptl);
	CHECK(ptep != NULL);
	char err[512];
	CHECK(mmk_system_check(fx.sys, err, sizeof(err)) != 0);
	CHECK(strstr(err, "guard marker") != NULL);
	mmk_mutex_lock(&mm->ptl);
	pgtable_clear_pte(&mm->pt, ptep);
	mmk_mutex_unlock(&mm->ptl);
	CHECK_INV(&fx);
	CHECK_EQ(mmk_madvise(fx.p, a, PS, MMK_MADV_GUARD_INSTALL), 0);
	CHECK_INV(&fx);
	CHECK(fx_done(&fx) == 0);
}

T_MAIN
