/*
 * frame.c - the frame pool: allocation, reference counting and freeing of
 * the simulated machine's frames.  See frame.h for the invariants.
 *
 * Free frames come from two places, both under fp->lock:
 *  - the free list: frames that were used and freed, linked through
 *    page.lru_next (Linux threads free pages through page->lru the same way);
 *  - the fresh region [fresh, nframes): frames never handed out.  Taking
 *    frames from here in order keeps init O(1) and means a pool far bigger
 *    than what a workload touches costs no host RAM.
 * Recycled frames are preferred, so a steady workload keeps reusing the same
 * host memory instead of touching new pages.
 */
#include "frame.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bug.h"

#ifndef MMK_DEBUG
#define MMK_DEBUG 0
#endif

#define FRAME_POISON 0x6b /* SLUB's POISON_FREE */

_Noreturn void frame_bad_pfn(const struct frame_pool *fp, pfn_t pfn)
{
	MMK_BUG("pfn %u out of range (pool has %u frames)", pfn, fp->nframes);
}

void page_mapcount_inc(struct page *pg)
{
	atomic_fetch_add_explicit(&pg->counts, PAGE_MAP_ONE, memory_order_relaxed);
}

int32_t page_mapcount_dec(struct page *pg)
{
	int32_t old = page_counts_map(
	    atomic_fetch_sub_explicit(&pg->counts, PAGE_MAP_ONE, memory_order_acq_rel));

	if (old <= 0)
		MMK_BUG("mapcount underflow (was %d, flags %#x)", old, page_flags(pg));
	return old - 1;
}

void page_dup_pte_bad(struct page *pg, uint64_t old)
{
	MMK_BUG("PTE duplicated on a frame with refcount %u (flags %#x)", page_counts_ref(old),
		page_flags(pg));
}

/* An anonymous host mapping of @bytes that costs RAM only where touched. */
static void *frame_host_map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static size_t frame_pages_bytes(uint32_t nframes)
{
	size_t bytes = (size_t)nframes * sizeof(struct page);

	return (bytes + FRAME_SIZE - 1) & ~(size_t)(FRAME_SIZE - 1);
}

/* Sets up pfn 0 (the zero page): pinned, flagged, and write-protected on the host. */
static int frame_zero_page_init(struct frame_pool *fp)
{
	struct page *zp = &fp->pages[ZERO_PFN];

	atomic_store(&zp->counts, PAGE_REF_ONE);
	atomic_store(&zp->flags, PG_reserved | PG_zero | PG_uptodate);
	if (mprotect(fp->mem, FRAME_SIZE, PROT_READ) != 0)
		return -ENOMEM;
	return 0;
}

/* Releases the host mappings of a pool (either may be missing). */
static void frame_pool_unmap(struct frame_pool *fp)
{
	if (fp->mem)
		munmap(fp->mem, (size_t)fp->nframes * FRAME_SIZE);
	if (fp->pages)
		munmap(fp->pages, frame_pages_bytes(fp->nframes));
	if (fp->lru_data)
		munmap(fp->lru_data, (size_t)fp->nframes * sizeof(*fp->lru_data));
	fp->mem = NULL;
	fp->pages = NULL;
	fp->lru_data = NULL;
}

int frame_pool_init(struct frame_pool *fp, uint64_t ram_bytes)
{
	uint64_t n = ram_bytes / FRAME_SIZE;

	memset(fp, 0, sizeof(*fp));
	if (n < 2 || n > UINT32_MAX)
		return -EINVAL;
	if (n > SIZE_MAX / FRAME_SIZE)
		return -ENOMEM;
	fp->nframes = (uint32_t)n;
	fp->mem = frame_host_map((size_t)n * FRAME_SIZE);
	fp->pages = frame_host_map(frame_pages_bytes(fp->nframes));
	if (!fp->mem || !fp->pages || frame_zero_page_init(fp) != 0) {
		frame_pool_unmap(fp);
		return -ENOMEM;
	}
	mmk_mutex_init(&fp->lock, LOCK_FRAME);
	fp->nfree = fp->nframes - 1;
	fp->free_head = 0;
	fp->fresh = 1;
	fp->fail_after = -1;
	return 0;
}

void frame_pool_destroy(struct frame_pool *fp)
{
	frame_pool_unmap(fp);
	mmk_mutex_destroy(&fp->lock);
	memset(fp, 0, sizeof(*fp));
}

void frame_pool_set_release(struct frame_pool *fp, frame_release_fn fn, void *arg)
{
	fp->release = fn;
	fp->release_arg = arg;
}

void frame_pool_set_slowpath(struct frame_pool *fp, frame_slowpath_fn fn, void *arg,
			     uint32_t wmark_low)
{
	fp->slowpath = fn;
	fp->slowpath_arg = arg;
	fp->wmark_low = wmark_low;
}

int frame_pool_enable_lru_data(struct frame_pool *fp)
{
	if (!fp->lru_data)
		fp->lru_data = frame_host_map((size_t)fp->nframes * sizeof(*fp->lru_data));
	return fp->lru_data ? 0 : -ENOMEM;
}

void frame_pool_inject_fail(struct frame_pool *fp, int64_t after, bool persist)
{
	mmk_mutex_lock(&fp->lock);
	fp->fail_after = after < 0 ? -1 : after;
	fp->fail_persist = persist;
	mmk_mutex_unlock(&fp->lock);
}

bool frame_pool_injecting(struct frame_pool *fp)
{
	mmk_mutex_lock(&fp->lock);
	bool on = fp->fail_after >= 0;
	mmk_mutex_unlock(&fp->lock);
	return on;
}

/* Whether this allocation is the injected failure.  Caller holds fp->lock. */
static bool frame_fail_now_locked(struct frame_pool *fp)
{
	lock_assert_held(&fp->lock);
	if (failinj_should_fail(fp->inj))
		return true;
	if (fp->fail_after < 0)
		return false;
	if (fp->fail_after > 0) {
		fp->fail_after--;
		return false;
	}
	if (!fp->fail_persist)
		fp->fail_after = -1;
	return true;
}

/*
 * Takes a free frame off the free list, else from the fresh region.
 * Returns its pfn and sets *pristine when it was never used, or 0 when
 * none is free.  Caller holds fp->lock.
 */
static pfn_t frame_take_locked(struct frame_pool *fp, bool *pristine)
{
	lock_assert_held(&fp->lock);
	pfn_t pfn;

	if (fp->free_head != 0) {
		pfn = fp->free_head;
		fp->free_head = fp->pages[pfn].lru_next;
		*pristine = false;
	} else if (fp->fresh < fp->nframes) {
		pfn = fp->fresh++;
		*pristine = true;
	} else {
		return 0;
	}
	fp->nfree--;
	return pfn;
}

/* Puts a frame whose refcount reached 0 on the free list.  Caller holds fp->lock. */
static void frame_give_locked(struct frame_pool *fp, pfn_t pfn)
{
	lock_assert_held(&fp->lock);
	fp->pages[pfn].lru_next = fp->free_head;
	fp->free_head = pfn;
	fp->nfree++;
}

/* Resets a just-taken frame's struct page to the state frame_alloc() promises. */
static void frame_page_reset(struct page *pg)
{
	atomic_store_explicit(&pg->flags, 0, memory_order_relaxed);
	pg->lru_prev = pg->lru_next = 0;
	pg->dirtied_at = 0;
	pg->mapping = NULL;
	pg->index = 0;
	pg->private = 0;
	atomic_store_explicit(&pg->counts, PAGE_REF_ONE, memory_order_release); /* mapcount 0 */
}

int frame_alloc(struct frame_pool *fp, int zeroed, pfn_t *out)
{
	bool pristine = false;
	pfn_t pfn = 0;

	mmk_mutex_lock(&fp->lock);
	if (!frame_fail_now_locked(fp))
		pfn = frame_take_locked(fp, &pristine);
	mmk_mutex_unlock(&fp->lock);
	if (pfn == 0)
		return -ENOMEM;

	struct page *pg = &fp->pages[pfn];
	if (page_counts_ref(atomic_load_explicit(&pg->counts, memory_order_relaxed)) != 0)
		MMK_BUG("free frame %u has refcount %u", pfn, page_refcount(pg));
	frame_page_reset(pg);
	if (fp->lru_data)
		atomic_store_explicit(&fp->lru_data[pfn], 0, memory_order_relaxed);
	if (zeroed && !pristine)
		memset(pfn_to_virt(fp, pfn), 0, FRAME_SIZE);
	*out = pfn;
	return 0;
}

void frame_get(struct frame_pool *fp, pfn_t pfn)
{
	if (pfn == ZERO_PFN)
		return;
	struct page *pg = pfn_to_page(fp, pfn);
	uint32_t old = page_counts_ref(
	    atomic_fetch_add_explicit(&pg->counts, PAGE_REF_ONE, memory_order_relaxed));

	if (old == 0)
		MMK_BUG("get on free frame %u", pfn);
	if (old == UINT32_MAX)
		MMK_BUG("refcount overflow on frame %u", pfn);
}

bool frame_try_get(struct frame_pool *fp, pfn_t pfn)
{
	if (pfn == ZERO_PFN)
		return true;
	struct page *pg = pfn_to_page(fp, pfn);
	uint64_t old = atomic_load_explicit(&pg->counts, memory_order_relaxed);
	do {
		if (page_counts_ref(old) == 0)
			return false;
		if (page_counts_ref(old) == UINT32_MAX)
			MMK_BUG("refcount overflow on frame %u", pfn);
	} while (!atomic_compare_exchange_weak_explicit(
	    &pg->counts, &old, old + PAGE_REF_ONE, memory_order_acquire, memory_order_relaxed));
	return true;
}

/* Checks a frame whose last reference just went (Linux's free_page_is_bad()). */
static void frame_check_at_free(struct frame_pool *fp, pfn_t pfn)
{
	struct page *pg = &fp->pages[pfn];
	int32_t mc = page_mapcount(pg);
	uint32_t flags = page_flags(pg);

	if (mc != 0)
		MMK_BUG("freeing frame %u still mapped %d times", pfn, mc);
	if (flags & PG_CHECK_AT_FREE)
		MMK_BUG("freeing frame %u with flags %#x (bad: %#x)", pfn, flags,
			flags & PG_CHECK_AT_FREE);
}

/* The last reference to pfn has gone: unlink it from its owner's lists,
 * check it and give it back (the freeing half of frame_put()). */
static void frame_free_last(struct frame_pool *fp, pfn_t pfn)
{
	struct page *pg = &fp->pages[pfn];

	if (fp->release)
		fp->release(fp->release_arg, fp, pfn);
	frame_check_at_free(fp, pfn);
	atomic_store_explicit(&pg->flags, 0, memory_order_relaxed);
	pg->mapping = NULL;
	if (MMK_DEBUG)
		memset(pfn_to_virt(fp, pfn), FRAME_POISON, FRAME_SIZE);
	mmk_mutex_lock(&fp->lock);
	frame_give_locked(fp, pfn);
	mmk_mutex_unlock(&fp->lock);
}

void frame_put(struct frame_pool *fp, pfn_t pfn)
{
	if (pfn == ZERO_PFN)
		return;
	struct page *pg = pfn_to_page(fp, pfn);
	uint32_t old = page_counts_ref(
	    atomic_fetch_sub_explicit(&pg->counts, PAGE_REF_ONE, memory_order_acq_rel));

	if (old == 0)
		MMK_BUG("refcount underflow on frame %u", pfn);
	if (old == 1)
		frame_free_last(fp, pfn);
}

void page_unmap_put(struct frame_pool *fp, pfn_t pfn)
{
	struct page *pg = pfn_to_page(fp, pfn);
	uint64_t old = atomic_fetch_sub_explicit(&pg->counts, PAGE_REF_ONE | PAGE_MAP_ONE,
						 memory_order_acq_rel);

	if (page_counts_map(old) <= 0 || page_counts_ref(old) == 0)
		MMK_BUG("PTE dropped from frame %u with refcount %u, mapcount %d", pfn,
			page_counts_ref(old), page_counts_map(old));
	if (page_counts_ref(old) == 1)
		frame_free_last(fp, pfn);
}

uint32_t frame_pool_free_count(struct frame_pool *fp)
{
	mmk_mutex_lock(&fp->lock);
	uint32_t n = fp->nfree;
	mmk_mutex_unlock(&fp->lock);
	return n;
}

int frame_pool_for_each_used(struct frame_pool *fp,
			     int (*fn)(void *arg, pfn_t pfn, struct page *pg), void *arg)
{
	mmk_mutex_lock(&fp->lock);
	pfn_t end = fp->fresh;
	mmk_mutex_unlock(&fp->lock);
	for (pfn_t pfn = 1; pfn < end; pfn++) {
		struct page *pg = &fp->pages[pfn];

		if (page_refcount(pg) == 0)
			continue;
		int r = fn(arg, pfn, pg);
		if (r)
			return r;
	}
	return 0;
}

static bool frame_bit_test(const uint64_t *bits, pfn_t pfn)
{
	return (bits[pfn / 64] >> (pfn % 64)) & 1;
}

static void frame_bit_set(uint64_t *bits, pfn_t pfn)
{
	bits[pfn / 64] |= 1ull << (pfn % 64);
}

static int frame_check_zero_page(struct frame_pool *fp, char *err, size_t errlen)
{
	struct page *zp = &fp->pages[ZERO_PFN];
	const uint8_t *b = fp->mem;
	uint32_t want = PG_reserved | PG_zero | PG_uptodate;

	MMK_CHECK(page_refcount(zp) == 1, err, errlen, "zero page refcount %u", page_refcount(zp));
	MMK_CHECK(page_mapcount(zp) == 0, err, errlen, "zero page mapcount %d", page_mapcount(zp));
	MMK_CHECK(page_flags(zp) == want, err, errlen, "zero page flags %#x", page_flags(zp));
	for (size_t i = 0; i < FRAME_SIZE; i++)
		MMK_CHECK(b[i] == 0, err, errlen, "zero page byte %zu is %#x", i, b[i]);
	return 0;
}

/*
 * Walks the free list, marking each frame in @seen: in range, below fresh,
 * no duplicates, refcount and mapcount 0, length matches nfree.
 * Caller holds fp->lock.
 */
static int frame_check_free_list_locked(struct frame_pool *fp, uint64_t *seen, char *err,
					size_t errlen)
{
	lock_assert_held(&fp->lock);
	uint64_t listed = 0;

	for (pfn_t pfn = fp->free_head; pfn != 0; pfn = fp->pages[pfn].lru_next) {
		MMK_CHECK(pfn < fp->fresh, err, errlen, "free list holds pfn %u beyond fresh %u",
			  pfn, fp->fresh);
		MMK_CHECK(!frame_bit_test(seen, pfn), err, errlen,
			  "free list holds pfn %u twice (or a cycle)", pfn);
		frame_bit_set(seen, pfn);
		struct page *pg = &fp->pages[pfn];
		MMK_CHECK(page_refcount(pg) == 0, err, errlen, "free frame %u has refcount %u", pfn,
			  page_refcount(pg));
		MMK_CHECK(page_mapcount(pg) == 0, err, errlen, "free frame %u has mapcount %d", pfn,
			  page_mapcount(pg));
		listed++;
	}
	uint64_t want = listed + (fp->nframes - fp->fresh);
	MMK_CHECK(want == fp->nfree, err, errlen, "nfree %u but %llu free frames found", fp->nfree,
		  (unsigned long long)want);
	return 0;
}

/* Every frame below fresh and off the free list is in use: sane counts. */
static int frame_check_used(struct frame_pool *fp, const uint64_t *seen, pfn_t end, char *err,
			    size_t errlen)
{
	for (pfn_t pfn = 1; pfn < end; pfn++) {
		if (frame_bit_test(seen, pfn))
			continue;
		struct page *pg = &fp->pages[pfn];
		uint32_t ref = page_refcount(pg);
		int32_t mc = page_mapcount(pg);
		MMK_CHECK(ref != 0, err, errlen, "frame %u has refcount 0 but is not free (leaked)",
			  pfn);
		MMK_CHECK(mc >= 0 && (uint32_t)mc <= ref, err, errlen,
			  "frame %u mapcount %d out of [0, refcount %u]", pfn, mc, ref);
		MMK_CHECK(!(page_flags(pg) & PG_reserved), err, errlen, "frame %u is PG_reserved",
			  pfn);
	}
	return 0;
}

int frame_pool_check(struct frame_pool *fp, char *err, size_t errlen)
{
	int r = frame_check_zero_page(fp, err, errlen);

	if (r)
		return r;
	mmk_mutex_lock(&fp->lock);
	pfn_t end = fp->fresh;
	uint64_t *seen = calloc((size_t)end / 64 + 1, sizeof(uint64_t));
	if (!seen) {
		mmk_mutex_unlock(&fp->lock);
		snprintf(err, errlen, "out of memory checking the frame pool");
		return -ENOMEM;
	}
	r = frame_check_free_list_locked(fp, seen, err, errlen);
	mmk_mutex_unlock(&fp->lock);
	if (!r)
		r = frame_check_used(fp, seen, end, err, errlen);
	free(seen);
	return r;
}
