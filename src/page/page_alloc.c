/*
 * page_alloc.c - the page allocator the rest of mmkit calls: a frame from
 * the system's pool (frame.c), and on a shortage the pool's slow-path hook
 * (frame_slowpath_fn; reclaim.c sets it: kswapd, direct reclaim), as
 * Linux's __alloc_pages() tries the free lists and then
 * __alloc_pages_slowpath().  An injected failure (failinj.h) is not a
 * shortage: it fails at once, before the slow path, as Linux's
 * should_fail_alloc_page().
 *
 * Locking: none of its own; the caller holds no mm->ptl and no anon_vma
 * lock (direct reclaim trylocks owners, see pages.h).
 */
#include <errno.h>

#include "internal.h"
#include "pages.h"

/* After an allocation that succeeded: if it left fewer than the low
 * watermark free, tells the slow-path hook so without a shortage (failed =
 * false; the hook wakes kswapd), as an allocation below the low watermark
 * on Linux goes to __alloc_pages_slowpath(), whose first step is
 * wake_all_kswapds(). */
static void page_alloc_wake_below_low(struct frame_pool *fp, struct frame_retry *retry)
{
	if (fp->slowpath && frame_pool_free_count(fp) < fp->wmark_low)
		fp->slowpath(fp->slowpath_arg, retry, false);
}

int page_alloc(struct mmk_system *sys, struct mmk_inode *held, int zeroed, pfn_t *out)
{
	struct frame_pool *fp = &sys->pool;
	struct frame_retry retry = {.held = held};
	for (;;) {
		uint64_t injected = failinj_hits(&sys->failinj);
		int err = frame_alloc(fp, zeroed, out);
		if (!err) {
			page_alloc_wake_below_low(fp, &retry);
			return 0;
		}
		/* An injected failure is not a shortage: no reclaim, no retry
		 * (Linux's should_fail_alloc_page() fails before the slow path). */
		if (err != -ENOMEM || frame_pool_injecting(fp) ||
		    failinj_hits(&sys->failinj) != injected)
			return err;
		if (!fp->slowpath || !fp->slowpath(fp->slowpath_arg, &retry, true))
			break;
	}
	atomic_fetch_add(&fp->alloc_failures, 1);
	return -ENOMEM;
}

int page_alloc_noreclaim(struct mmk_system *sys, struct mmk_inode *held, pfn_t *out)
{
	struct frame_pool *fp = &sys->pool;
	struct frame_retry retry = {.held = held, .wake_only = true};
	int err = frame_alloc(fp, 0, out);
	if (!err)
		page_alloc_wake_below_low(fp, &retry);
	return err;
}

uint64_t page_alloc_failures(struct mmk_system *sys)
{
	return atomic_load(&sys->pool.alloc_failures);
}
