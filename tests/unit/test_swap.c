/*
 * test_swap.c - anonymous memory under a RAM limit with a swap area (issue
 * 5): private anonymous pages, copy-on-write copies of file pages and
 * shared anonymous (shmem) pages go to swap and come back as major faults
 * with every byte; fork shares swapped pages and copies them on write;
 * munmap, MADV_DONTNEED, MADV_FREE and exit give the slots back; mincore,
 * smaps (Swap, SwapPss), status (VmSwap) and vmstat (pswpin/pswpout) see
 * it.  Every test ends with the full invariant check, which also checks
 * every swap slot's count against the page tables.
 */
#include <dirent.h>

#include "internal.h"
#include "page_test.h"
#include "reclaim.h"
#include "swap.h"

static int fx_init_swap(struct fixture *fx, uint64_t ram, uint64_t swap)
{
	struct mmk_config c = {.ram_bytes = ram, .swap_bytes = swap};
	return fx_init_cfg(fx, &c);
}

static struct mmk_vmstat vmstat(struct fixture *fx)
{
	struct mmk_vmstat v;
	memset(&v, 0, sizeof(v));
	mmk_vmstat(fx->sys, &v);
	return v;
}

/* The 8 bytes at offset 0 of page p of region r (then the rest of the
 * page is filled from it). */
static uint64_t word(uint64_t r, uint64_t p)
{
	return (r + 1) * 0x9e3779b97f4a7c15ULL ^ (p * 0x100000001b3ULL);
}

static int write_pages(mmk_proc *p, uint64_t addr, uint64_t n, uint64_t r)
{
	uint64_t buf[PS / 8];
	for (uint64_t i = 0; i < n; i++) {
		for (uint64_t j = 0; j < PS / 8; j++)
			buf[j] = word(r, i) + j;
		if (mmk_store(p, addr + i * PS, buf, PS, NULL))
			return -1;
	}
	return 0;
}

/* Number of pages of [addr, addr + n pages) that do not hold region r's
 * words, the page at addr being page `first` of the region. */
static uint64_t bad_pages_from(mmk_proc *p, uint64_t addr, uint64_t first, uint64_t n, uint64_t r)
{
	uint64_t buf[PS / 8], bad = 0;
	for (uint64_t k = 0; k < n; k++) {
		uint64_t i = first + k;
		if (mmk_load(p, addr + k * PS, buf, PS, NULL)) {
			bad++;
			continue;
		}
		for (uint64_t j = 0; j < PS / 8; j++) {
			if (buf[j] != word(r, i) + j) {
				bad++;
				break;
			}
		}
	}
	return bad;
}

static uint64_t bad_pages(mmk_proc *p, uint64_t addr, uint64_t n, uint64_t r)
{
	return bad_pages_from(p, addr, 0, n, r);
}

static long long status_kb(mmk_proc *p, const char *key)
{
	const char *l = status_line(p, key);
	return *l ? atoll(l + strlen(key) + 1) : -1;
}

/* 4x RAM of private anonymous memory written, then read back. */
TEST(anonymous_memory_four_times_ram_round_trips_through_swap)
{
	struct fixture fx;
	CHECK(!fx_init_swap(&fx, 1 * MB, 8 * MB));
	const uint64_t n = 1024;
	int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(write_pages(fx.p, (uint64_t)a, n, 1), 0);
	struct mmk_vmstat v = vmstat(&fx);
	CHECK(v.pswpout >= n / 2);
	CHECK(v.swap_free < v.swap_total);
	reclaim_pause(fx.sys); /* kswapd keeps still while we compare views */
	long long swapped = status_kb(fx.p, "VmSwap");
	long long sm = smaps_kb(fx.p, (uint64_t)a, "Swap:");
	long long smp = smaps_kb(fx.p, (uint64_t)a, "SwapPss:");
	reclaim_resume(fx.sys);
	CHECK(swapped >= (long long)(n / 2) * 4);
	CHECK_EQ(sm, swapped);
	CHECK_EQ(smp, swapped);
	CHECK(resident_pages(fx.p, (uint64_t)a, (int)n) < (int)n);
	CHECK_INV(&fx);
	uint64_t majors = faults_major(fx.p);
	CHECK_EQ(bad_pages(fx.p, (uint64_t)a, n, 1), 0);
	CHECK(faults_major(fx.p) - majors >= n / 2); /* swap-ins are major */
	CHECK(vmstat(&fx).pswpin >= n / 2);
	CHECK_INV(&fx);
	/* Written again: the copies in swap are stale, the new bytes win. */
	CHECK_EQ(write_pages(fx.p, (uint64_t)a, n, 2), 0);
	CHECK_EQ(bad_pages(fx.p, (uint64_t)a, n, 2), 0);
	CHECK_INV(&fx);
	/* munmap gives every slot back. */
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)a, n * PS), 0);
	v = vmstat(&fx);
	CHECK_EQ(v.swap_free, v.swap_total);
	CHECK_EQ(status_kb(fx.p, "VmSwap"), 0);
	CHECK(!fx_done(&fx));
}

/* fork: parent and child share the swapped pages (one slot, count 2) and
 * each still sees its own bytes after the other writes. */
TEST(fork_shares_swapped_pages_copy_on_write)
{
	struct fixture fx;
	CHECK(!fx_init_swap(&fx, 1 * MB, 8 * MB));
	const uint64_t n = 512;
	int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, PA, -1, 0);
	CHECK_EQ(write_pages(fx.p, (uint64_t)a, n, 3), 0);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK_INV(&fx);
	/* Pressure from a third process swaps the shared pages out. */
	mmk_proc *hog;
	CHECK(mmk_spawn(fx.sys, &hog) > 0);
	int64_t h = mmk_mmap(hog, 0, 512 * PS, RW, PA, -1, 0);
	CHECK_EQ(write_pages(hog, (uint64_t)h, 512, 4), 0);
	reclaim_pause(fx.sys);
	long long cs = status_kb(c, "VmSwap");
	long long ps = status_kb(fx.p, "VmSwap");
	long long cpss = smaps_kb(c, (uint64_t)a, "SwapPss:");
	reclaim_resume(fx.sys);
	CHECK(cs > 0);
	CHECK_EQ(ps, cs); /* the same pages, swapped once */
	CHECK_EQ(cpss, cs / 2);
	CHECK_INV(&fx);
	/* The child writes the first half: its own copies. */
	CHECK_EQ(write_pages(c, (uint64_t)a, n / 2, 5), 0);
	CHECK_EQ(bad_pages(c, (uint64_t)a, n / 2, 5), 0);
	CHECK_EQ(bad_pages(fx.p, (uint64_t)a, n, 3), 0);
	CHECK_EQ(bad_pages_from(c, (uint64_t)a + (n / 2) * PS, n / 2, n / 2, 3), 0);
	CHECK_EQ(bad_pages(hog, (uint64_t)h, 512, 4), 0);
	CHECK_INV(&fx);
	mmk_exit(c);
	mmk_exit(hog);
	CHECK_INV(&fx);
	CHECK_EQ(bad_pages(fx.p, (uint64_t)a, n, 3), 0);
	CHECK(!fx_done(&fx));
}

/* A slot named by two processes: the first to fault maps the page from
 * the swap cache read-only; the other's exit lets the page leave the cache
 * and the slot go free, exactly once. */
TEST(swap_cache_page_outlives_the_last_swap_entry)
{
	struct fixture fx;
	CHECK(!fx_init_swap(&fx, 1 * MB, 8 * MB));
	const uint64_t n = 400;
	int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, PA, -1, 0);
	CHECK_EQ(write_pages(fx.p, (uint64_t)a, n, 11), 0);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	mmk_proc *hog;
	CHECK(mmk_spawn(fx.sys, &hog) > 0);
	int64_t h = mmk_mmap(hog, 0, 400 * PS, RW, PA, -1, 0);
	CHECK_EQ(write_pages(hog, (uint64_t)h, 400, 12), 0);
	CHECK(status_kb(c, "VmSwap") > 0);
	CHECK_EQ(bad_pages(fx.p, (uint64_t)a, 64, 11), 0); /* from the swap cache or disk */
	CHECK_INV(&fx);
	mmk_exit(c); /* its swap entries were the last names of those slots */
	CHECK_INV(&fx);
	CHECK_EQ(write_pages(fx.p, (uint64_t)a, 64, 13), 0); /* exclusive now: no copy */
	CHECK_EQ(bad_pages(fx.p, (uint64_t)a, 64, 13), 0);
	CHECK_EQ(bad_pages_from(fx.p, (uint64_t)a + 64 * PS, 64, n - 64, 11), 0);
	mmk_exit(hog);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Exit, MADV_DONTNEED and MADV_FREE free slots; swapped pages are not
 * resident for mincore; mremap moves swap entries with their pages. */
TEST(slots_come_back_and_swap_entries_move)
{
	struct fixture fx;
	CHECK(!fx_init_swap(&fx, 1 * MB, 8 * MB));
	const uint64_t n = 768;
	int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, PA, -1, 0);
	CHECK_EQ(write_pages(fx.p, (uint64_t)a, n, 6), 0);
	CHECK(resident_pages(fx.p, (uint64_t)a, 128) < 128);
	/* DONTNEED on the first 64 pages: zeros, their slots free. */
	reclaim_pause(fx.sys); /* no swap-out in between */
	uint64_t before = vmstat(&fx).swap_free;
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a, 64 * PS, MMK_MADV_DONTNEED), 0);
	uint64_t after = vmstat(&fx).swap_free;
	/* MADV_FREE on swapped pages drops them too. */
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a + 64 * PS, 64 * PS, MMK_MADV_FREE), 0);
	uint64_t after2 = vmstat(&fx).swap_free;
	reclaim_resume(fx.sys);
	CHECK(after > before);
	CHECK(after2 > after);
	CHECK_EQ(peek(fx.p, (uint64_t)a + 5 * PS), 0);
	CHECK_INV(&fx);
	/* mremap the rest somewhere else: the bytes follow. */
	int64_t b = mmk_mremap(fx.p, (uint64_t)a + 128 * PS, (n - 128) * PS, (n - 128) * PS,
			       MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED, 0x500000000000ULL);
	CHECK_EQ(b, 0x500000000000LL);
	CHECK_INV(&fx);
	uint64_t buf[PS / 8];
	for (uint64_t i = 0; i < n - 128; i++) {
		CHECK_EQ(mmk_load(fx.p, (uint64_t)b + i * PS, buf, 8, NULL), 0);
		CHECK_EQ(buf[0], word(6, i + 128));
	}
	/* mprotect over swap entries, then back. */
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)b, (n - 128) * PS, MMK_PROT_READ), 0);
	CHECK_INV(&fx);
	CHECK(poke(fx.p, (uint64_t)b, 1) == SEGV);
	CHECK_EQ(mmk_mprotect(fx.p, (uint64_t)b, (n - 128) * PS, RW), 0);
	CHECK_EQ(poke(fx.p, (uint64_t)b, 1), 0);
	CHECK_INV(&fx);
	/* exit frees everything. */
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	mmk_exit(fx.p);
	fx.p = NULL;
	mmk_exit(c);
	struct mmk_vmstat v = vmstat(&fx);
	CHECK_EQ(v.swap_free, v.swap_total);
	CHECK(!fx_done(&fx));
}

/* The PTE of va in p (0 when there is no table). */
static pte_t pte_of(mmk_proc *p, uint64_t va)
{
	mmk_mutex_lock(&p->mm->ptl);
	pte_t *ptep = pgtable_walk(&p->mm->pt, va, 0);
	pte_t pte = ptep ? *ptep : 0;
	mmk_mutex_unlock(&p->mm->ptl);
	return pte;
}

/* The address in [addr, addr + n pages) whose PTE is swp_pte(slot), or 0. */
static uint64_t find_swap_pte(mmk_proc *p, uint64_t addr, uint64_t n, uint64_t slot)
{
	for (uint64_t i = 0; i < n; i++) {
		pte_t pte = pte_of(p, addr + i * PS);
		if (pte_is_swap(pte) && pte_swp_offset(pte) == slot)
			return addr + i * PS;
	}
	return 0;
}

/*
 * A swap-in fault that read its PTE before another thread swapped the page
 * in (freeing the slot) and reclaim gave the slot to another page: the
 * fault, run here by hand with that stale PTE value, must neither read the
 * other page's data under its own identity nor cache it for the slot
 * (Linux: the swap entry is pinned, then pte_same() checked).
 */
TEST(swap_in_with_a_stale_pte_leaves_a_reused_slot_alone)
{
	struct fixture fx;
	CHECK(!fx_init_swap(&fx, 1 * MB, 8 * MB));
	const uint64_t n = 512;
	int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, PA, -1, 0);
	int64_t b = mmk_mmap(fx.p, 0, n * PS, RW, PA, -1, 0);
	CHECK(a > 0 && b > 0);
	CHECK_EQ(write_pages(fx.p, (uint64_t)a, n, 21), 0);
	uint64_t x = (uint64_t)a;
	while (x < (uint64_t)a + n * PS && !pte_is_swap(pte_of(fx.p, x)))
		x += PS;
	CHECK(x < (uint64_t)a + n * PS);
	pte_t stale = pte_of(fx.p, x);
	uint64_t slot = pte_swp_offset(stale);
	/* "Another thread" swaps x in: the slot is free again ... */
	CHECK_EQ(bad_pages_from(fx.p, x, (x - (uint64_t)a) / PS, 1, 21), 0);
	CHECK_EQ(swap_count(fx.sys, slot), 0);
	/* ... and goes to the next page swapped out, y, which leaves the
	 * swap cache once written. */
	uint64_t y = 0;
	for (uint64_t i = 0; i < n && !(y && !swap_cached(fx.sys, slot)); i++) {
		CHECK_EQ(write_pages(fx.p, (uint64_t)b + i * PS, 1, 22), 0);
		if (!y)
			y = find_swap_pte(fx.p, (uint64_t)a, n, slot);
		if (!y)
			y = find_swap_pte(fx.p, (uint64_t)b, n, slot);
	}
	CHECK(y && y != x && !swap_cached(fx.sys, slot));
	/* The first fault goes on with its stale PTE value. */
	struct mm *mm = fx.p->mm;
	reclaim_pause(fx.sys);
	mmk_rwlock_rdlock(&mm->mmap_lock);
	struct vma *vma = find_vma(mm, x);
	mmk_mutex_lock(&mm->ptl);
	pte_t *ptep = pgtable_walk(&mm->pt, x, 0);
	mmk_mutex_unlock(&mm->ptl);
	bool major = false;
	enum fault_result r =
	    do_swap_page(mm, vma, x, vma_pgoff_of(vma, x), ptep, stale, false, &major);
	mmk_rwlock_unlock(&mm->mmap_lock);
	reclaim_resume(fx.sys);
	CHECK_EQ(r, FAULT_DONE);
	CHECK(!swap_cached(fx.sys, slot));
	/* y comes back as itself. */
	if (y >= (uint64_t)a && y < (uint64_t)a + n * PS)
		CHECK_EQ(bad_pages_from(fx.p, y, (y - (uint64_t)a) / PS, 1, 21), 0);
	else
		CHECK_EQ(bad_pages_from(fx.p, y, 0, 1, 22), 0); /* each written as page 0 */
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/*
 * A page swapped out while something else pins it (a fault that found it
 * in the swap cache a moment before) stays in the cache, its slot named by
 * the one swap PTE.  It was the sole mapper's exclusive page, but it is no
 * longer: a fork makes the child name the slot too, and whichever process
 * then maps it from the cache and writes must copy it, not write into the
 * page the other's swap entry still reads back (Linux's try_to_unmap_one
 * drops PageAnonExclusive with folio_try_share_anon_rmap_pte).
 */
TEST(swapped_out_page_is_not_reused_by_a_child_sharing_its_slot)
{
	struct fixture fx;
	CHECK(!fx_init_swap(&fx, 1 * MB, 8 * MB));
	int64_t a = mmk_mmap(fx.p, 0, PS, RW, PA, -1, 0);
	CHECK(a > 0);
	CHECK_EQ(write_pages(fx.p, (uint64_t)a, 1, 31), 0); /* exclusive, writable */
	pte_t pte = pte_of(fx.p, (uint64_t)a);
	CHECK(pte_present(pte));
	pfn_t pfn = pte_pfn(pte);
	frame_get(&fx.sys->pool, pfn); /* "another fault's" pin */
	/* Pressure from another process swaps it out; the pin keeps it cached. */
	mmk_proc *hog;
	CHECK(mmk_spawn(fx.sys, &hog) > 0);
	int64_t h = mmk_mmap(hog, 0, 1024 * PS, RW, PA, -1, 0);
	CHECK(h > 0);
	for (uint64_t i = 0; i < 1024 && !pte_is_swap(pte_of(fx.p, (uint64_t)a)); i++)
		CHECK_EQ(write_pages(hog, (uint64_t)h + i * PS, 1, 32), 0);
	reclaim_pause(fx.sys);
	pte = pte_of(fx.p, (uint64_t)a);
	CHECK(pte_is_swap(pte));
	uint64_t slot = pte_swp_offset(pte);
	CHECK(swap_cached(fx.sys, slot));
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0); /* the slot is named twice */
	CHECK_EQ(swap_count(fx.sys, slot), 2);
	CHECK_EQ(bad_pages(c, (uint64_t)a, 1, 31), 0); /* the child maps the cached page */
	uint64_t v = 0x5eed;
	CHECK_EQ(mmk_store(c, (uint64_t)a, &v, 8, NULL), 0); /* and copies it */
	frame_put(&fx.sys->pool, pfn);
	reclaim_resume(fx.sys);
	CHECK_EQ(bad_pages(fx.p, (uint64_t)a, 1, 31), 0);
	CHECK_INV(&fx);
	mmk_exit(c);
	mmk_exit(hog);
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}
/* Copy-on-write copies of a private file mapping are anonymous: swapped. */
TEST(private_file_cow_copies_swap)
{
	struct fixture fx;
	CHECK(!fx_init_swap(&fx, 1 * MB, 8 * MB));
	const uint64_t n = 600;
	fx_file(&fx, "f", n * PS, 'f');
	int fd = fx_open(&fx, fx.p, "f", MMK_O_RDONLY);
	int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, MMK_MAP_PRIVATE, fd, 0);
	CHECK(a > 0);
	CHECK_EQ(write_pages(fx.p, (uint64_t)a, n, 7), 0);
	CHECK(vmstat(&fx).pswpout > 0);
	CHECK_INV(&fx);
	CHECK_EQ(bad_pages(fx.p, (uint64_t)a, n, 7), 0);
	CHECK(host_all(&fx, "f", 0, n * PS, 'f')); /* the file never changes */
	CHECK_INV(&fx);
	CHECK(!fx_done(&fx));
}

/* Shared anonymous memory bigger than RAM, written by a parent and read by
 * its child: its pages go to swap through the shmem inode and come back. */
TEST(shared_anonymous_memory_swaps_through_its_inode)
{
	struct fixture fx;
	CHECK(!fx_init_swap(&fx, 1 * MB, 8 * MB));
	const uint64_t n = 768;
	int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, SA, -1, 0);
	CHECK(a > 0);
	mmk_proc *c;
	CHECK(mmk_fork(fx.p, &c) > 0);
	CHECK_EQ(write_pages(fx.p, (uint64_t)a, n, 8), 0);
	CHECK(vmstat(&fx).pswpout > 0);
	reclaim_pause(fx.sys);
	long long sw = smaps_kb(c, (uint64_t)a, "Swap:");
	long long psw = smaps_kb(fx.p, (uint64_t)a, "Swap:");
	reclaim_resume(fx.sys);
	CHECK(sw > 0);
	CHECK_EQ(psw, sw);		     /* the object's, in both */
	CHECK_EQ(status_kb(c, "VmSwap"), 0); /* not the mm's entries */
	CHECK(resident_pages(c, (uint64_t)a, (int)n) < (int)n);
	CHECK_INV(&fx);
	CHECK_EQ(bad_pages(c, (uint64_t)a, n, 8), 0);
	CHECK_EQ(write_pages(c, (uint64_t)a, n / 2, 9), 0);
	CHECK_EQ(bad_pages(fx.p, (uint64_t)a, n / 2, 9), 0);
	CHECK_EQ(bad_pages_from(fx.p, (uint64_t)a + (n / 2) * PS, n / 2, n / 2, 8), 0);
	CHECK_INV(&fx);
	/* MADV_REMOVE punches swapped pages out too. */
	CHECK_EQ(mmk_madvise(fx.p, (uint64_t)a, n * PS, MMK_MADV_REMOVE), 0);
	CHECK_EQ(peek(c, (uint64_t)a + 3 * PS), 0);
	CHECK_INV(&fx);
	mmk_exit(c);
	CHECK_EQ(mmk_munmap(fx.p, (uint64_t)a, n * PS), 0);
	struct mmk_vmstat v = vmstat(&fx);
	CHECK_EQ(v.swap_free, v.swap_total);
	CHECK(!fx_done(&fx));
}

/* A named swap file outside the root, and every policy swapping correctly. */
TEST(swap_file_path_and_every_policy)
{
	char out[] = "/tmp/mmkit-swapout-XXXXXX", path[64];
	CHECK(mkdtemp(out) != NULL);
	snprintf(path, sizeof(path), "%s/swapfile", out);
	for (int policy = MMK_RECLAIM_LRU; policy <= MMK_RECLAIM_FIFO; policy++) {
		struct fixture fx;
		struct mmk_config c = {.ram_bytes = 1 * MB,
				       .swap_bytes = 4 * MB,
				       .swap_path = path,
				       .reclaim_policy = policy};
		CHECK(!fx_init_cfg(&fx, &c));
		struct stat st;
		CHECK(!stat(path, &st) && st.st_size == 4 * (off_t)MB);
		const uint64_t n = 600;
		int64_t a = mmk_mmap(fx.p, 0, n * PS, RW, PA, -1, 0);
		CHECK_EQ(write_pages(fx.p, (uint64_t)a, n, 10 + (uint64_t)policy), 0);
		for (int round = 0; round < 2; round++) {
			for (uint64_t i = 0; i < n; i += 3) {
				uint64_t v = 0;
				CHECK_EQ(mmk_load(fx.p, (uint64_t)a + ((i * 7919) % n) * PS, &v, 8,
						  NULL),
					 0);
				CHECK_EQ(v, word(10 + (uint64_t)policy, (i * 7919) % n));
			}
		}
		CHECK_INV(&fx);
		CHECK(!fx_done(&fx));
	}
	rm_rf(out);
}

/* A system on ROOT with swap at swap_path; 0 or -errno of the creation. */
static int swap_system(const char *root, const char *swap_path)
{
	struct mmk_config c = {
	    .root = root, .ram_bytes = 1 * MB, .swap_bytes = 4 * MB, .swap_path = swap_path};
	mmk_system *sys;
	int err = mmk_system_create(&c, &sys);
	if (!err)
		mmk_system_destroy(sys);
	return err;
}

/* The bytes of host file PATH, compared with want[len]. */
static int host_file_is(const char *path, const char *want, size_t len)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf));
	if (fd >= 0)
		close(fd);
	return n == (ssize_t)len && !memcmp(buf, want, len);
}

/*
 * Issue 2: a swap path is the embedder's host file, never one a link in the
 * root leads to, and never inside the root, where a simulated process could
 * open it and read or forge another process's swapped-out memory.
 */
TEST(swap_path_cannot_escape_or_be_reached)
{
	char base[] = "/tmp/mmkit-swapesc-XXXXXX", root[64], outd[64], p[128];
	CHECK(mkdtemp(base) != NULL);
	snprintf(root, sizeof(root), "%s/root", base);
	snprintf(outd, sizeof(outd), "%s/out", base);
	CHECK(!mkdir(root, 0755) && !mkdir(outd, 0755));
	snprintf(p, sizeof(p), "%s/victim", outd);
	int fd = open(p, O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0 && write(fd, "precious", 8) == 8 && !close(fd));
	snprintf(p, sizeof(p), "%s/swaplink", root);
	CHECK(!symlink("../out/victim", p));
	snprintf(p, sizeof(p), "%s/dl", root);
	CHECK(!symlink("../out", p));
	int cwd = open(".", O_PATH | O_DIRECTORY);
	CHECK(cwd >= 0 && !chdir(root));

	/* A symlink to an outside file, a symlinked directory, a plain name:
	 * all refused, nothing created or touched on either side. */
	CHECK(swap_system(root, "swaplink") < 0);
	snprintf(p, sizeof(p), "%s/victim", outd);
	CHECK(host_file_is(p, "precious", 8));
	CHECK(swap_system(root, "dl/newswap") < 0);
	snprintf(p, sizeof(p), "%s/newswap", outd);
	CHECK(access(p, F_OK) != 0);
	CHECK_EQ(swap_system(root, "swapfile"), -EINVAL);
	CHECK(access("swapfile", F_OK) != 0);
	snprintf(p, sizeof(p), "%s/swapfile", root);
	CHECK_EQ(swap_system(root, p), -EINVAL);
	CHECK(access(p, F_OK) != 0);
	CHECK(!mkdir("sub", 0755));
	snprintf(p, sizeof(p), "%s/sub/swapfile", root);
	CHECK_EQ(swap_system(root, p), -EINVAL);
	CHECK(access(p, F_OK) != 0);
	CHECK(!rmdir("sub"));
	CHECK(!fchdir(cwd) && !close(cwd));

	/* An outside file that also has a name inside the root. */
	snprintf(p, sizeof(p), "%s/victim", outd);
	char hl[128];
	snprintf(hl, sizeof(hl), "%s/hard", root);
	CHECK(!link(p, hl));
	CHECK_EQ(swap_system(root, p), -EINVAL);
	CHECK(host_file_is(p, "precious", 8));
	CHECK(!unlink(hl));

	/* The default swap file has no name: the root holds only what the test
	 * made there, so no simulated path reaches swap. */
	struct mmk_config c = {.root = root, .ram_bytes = 1 * MB, .swap_bytes = 4 * MB};
	mmk_system *sys;
	CHECK_EQ(mmk_system_create(&c, &sys), 0);
	DIR *d = opendir(root);
	int names = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		names += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	CHECK(d && !closedir(d));
	CHECK_EQ(names, 2); /* swaplink, dl */
	CHECK(!mmk_system_destroy(sys));
	rm_rf(base);
}

/* ---- Random operations under pressure against a shadow copy ----------------- */

#define RP_PROCS   3
#define RP_REGIONS 4
#define RP_PAGES   48
#define RP_BASE	   0x600000000000ULL
#define RP_SHARED  0x610000000000ULL

struct rp_proc {
	mmk_proc *p;
	uint64_t val[RP_REGIONS][RP_PAGES]; /* expected word at offset 0 (0: zero page) */
};

static uint64_t rp_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t rp_addr(int r, uint64_t pg)
{
	return RP_BASE + (uint64_t)r * 0x10000000ULL + pg * PS;
}

/* Processes fork, exit, store, load, unmap, remap, drop and move pages at
 * random with 512 KiB of RAM and swap; every load must see what the shadow
 * says, the invariants must hold throughout, and at the end every slot is
 * free.  RP_SEED=N in the environment picks another sequence. */
TEST(random_operations_under_pressure_keep_every_byte)
{
	struct fixture fx;
	CHECK(!fx_init_swap(&fx, getenv("RP_RAM") ? strtoull(getenv("RP_RAM"), NULL, 0) : 512 * KB,
			    16 * MB));
	static struct rp_proc ps[RP_PROCS];
	memset(ps, 0, sizeof(ps));
	static uint64_t shared_val[RP_PAGES];
	memset(shared_val, 0, sizeof(shared_val));
	ps[0].p = fx.p;
	for (int r = 0; r < RP_REGIONS; r++)
		CHECK_EQ(
		    mmk_mmap(fx.p, rp_addr(r, 0), RP_PAGES * PS, RW, PA | MMK_MAP_FIXED, -1, 0),
		    (int64_t)rp_addr(r, 0));
	CHECK_EQ(mmk_mmap(fx.p, RP_SHARED, RP_PAGES * PS, RW, SA | MMK_MAP_FIXED, -1, 0),
		 (int64_t)RP_SHARED);
	uint64_t seed =
	    getenv("RP_SEED") ? strtoull(getenv("RP_SEED"), NULL, 0) : 88172645463325252ULL;
#ifdef MMK_DEBUG
	const int steps = 6000;
#else
	const int steps = 60000;
#endif
	for (int step = 0; step < steps; step++) {
		int i = (int)(rp_rand(&seed) % RP_PROCS);
		if (!ps[i].p)
			continue;
		struct rp_proc *q = &ps[i];
		int r = (int)(rp_rand(&seed) % RP_REGIONS);
		uint64_t pg = rp_rand(&seed) % RP_PAGES;
		uint64_t op = rp_rand(&seed) % 100, v, got;
		if (op < 40) { /* store */
			v = rp_rand(&seed) | 1;
			CHECK_EQ(mmk_store(q->p, rp_addr(r, pg), &v, 8, NULL), 0);
			q->val[r][pg] = v;
		} else if (op < 75) { /* load */
			CHECK_EQ(mmk_load(q->p, rp_addr(r, pg), &got, 8, NULL), 0);
			if (got != q->val[r][pg])
				T_FAIL("step %d proc %d region %d page %llu: %#llx, expected %#llx",
				       step, i, r, (unsigned long long)pg, (unsigned long long)got,
				       (unsigned long long)q->val[r][pg]);
		} else if (op < 82) { /* the shared region */
			if (op & 1) {
				v = rp_rand(&seed) | 1;
				CHECK_EQ(mmk_store(q->p, RP_SHARED + pg * PS, &v, 8, NULL), 0);
				shared_val[pg] = v;
			} else {
				CHECK_EQ(mmk_load(q->p, RP_SHARED + pg * PS, &got, 8, NULL), 0);
				CHECK_EQ(got, shared_val[pg]);
			}
		} else if (op < 86) { /* fork into a free slot */
			for (int j = 0; j < RP_PROCS; j++) {
				if (!ps[j].p) {
					CHECK(mmk_fork(q->p, &ps[j].p) > 0);
					memcpy(ps[j].val, q->val, sizeof(q->val));
					break;
				}
			}
		} else if (op < 88 && i != 0) { /* exit */
			mmk_exit(q->p);
			q->p = NULL;
		} else if (op < 91) { /* MADV_DONTNEED part of a region */
			uint64_t n = 1 + rp_rand(&seed) % (RP_PAGES - pg);
			CHECK_EQ(mmk_madvise(q->p, rp_addr(r, pg), n * PS, MMK_MADV_DONTNEED), 0);
			memset(&q->val[r][pg], 0, n * sizeof(uint64_t));
		} else if (op < 94) { /* swap two regions' places with mremap */
			int r2 = (r + 1) % RP_REGIONS;
			uint64_t tmp = RP_BASE + 0x0f000000ULL;
			CHECK_EQ(mmk_mremap(q->p, rp_addr(r, 0), RP_PAGES * PS, RP_PAGES * PS,
					    MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED, tmp),
				 (int64_t)tmp);
			CHECK_EQ(mmk_mremap(q->p, rp_addr(r2, 0), RP_PAGES * PS, RP_PAGES * PS,
					    MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED, rp_addr(r, 0)),
				 (int64_t)rp_addr(r, 0));
			CHECK_EQ(mmk_mremap(q->p, tmp, RP_PAGES * PS, RP_PAGES * PS,
					    MMK_MREMAP_MAYMOVE | MMK_MREMAP_FIXED, rp_addr(r2, 0)),
				 (int64_t)rp_addr(r2, 0));
			uint64_t t[RP_PAGES];
			memcpy(t, q->val[r], sizeof(t));
			memcpy(q->val[r], q->val[r2], sizeof(t));
			memcpy(q->val[r2], t, sizeof(t));
		} else if (op < 96) { /* mprotect read-only and back */
			CHECK_EQ(mmk_mprotect(q->p, rp_addr(r, 0), RP_PAGES * PS, MMK_PROT_READ),
				 0);
			CHECK_EQ(mmk_load(q->p, rp_addr(r, pg), &got, 8, NULL), 0);
			CHECK_EQ(got, q->val[r][pg]);
			CHECK_EQ(mmk_mprotect(q->p, rp_addr(r, 0), RP_PAGES * PS, RW), 0);
		} else { /* unmap and map a region afresh */
			CHECK_EQ(mmk_munmap(q->p, rp_addr(r, 0), RP_PAGES * PS), 0);
			CHECK_EQ(mmk_mmap(q->p, rp_addr(r, 0), RP_PAGES * PS, RW,
					  PA | MMK_MAP_FIXED, -1, 0),
				 (int64_t)rp_addr(r, 0));
			memset(q->val[r], 0, sizeof(q->val[r]));
		}
		if (step % 500 == 0)
			CHECK_INV(&fx);
	}
	CHECK(vmstat(&fx).pswpout > 0 && vmstat(&fx).pswpin > 0);
	CHECK_INV(&fx);
	for (int j = 1; j < RP_PROCS; j++)
		if (ps[j].p)
			mmk_exit(ps[j].p);
	mmk_exit(fx.p);
	fx.p = NULL;
	struct mmk_vmstat v = vmstat(&fx);
	CHECK_EQ(v.swap_free, v.swap_total);
	CHECK(!fx_done(&fx));
}

T_MAIN
