/* ---- Allocation ---------------------------------------------------------------------------- */

int page_alloc(struct mmk_system *sys, struct mmk_inode *held, int zeroed, pfn_t *out)
{
	struct reclaim *r = sys->reclaim;
	int fruitless = 0, waits = 0;
	for (int tries = 0; tries <= MAX_RECLAIM_RETRIES; tries++) {
		uint64_t injected = failinj_hits(&sys->failinj);
		int err = frame_alloc(&sys->pool, zeroed, out);
		if (!err) {
			if (free_frames(sys) < r->wmark_low)
				kswapd_wake(sys);
			return 0;
		}
		/* An injected failure is not a shortage: no reclaim, no retry
		 * (Linux's should_fail_alloc_page() fails before the slow path). */
		if (err != -ENOMEM || frame_pool_injecting(&sys->pool) ||
		    failinj_hits(&sys->failinj) != injected)
			return err;
		kswapd_wake(sys);
		struct scan_control sc = {.sys = sys, .held = held,
					  .nr_to_reclaim = SWAP_CLUSTER_MAX};
		shrink_node(&sc);
		if (sc.nr_reclaimed) {
			atomic_store(&r->failures, 0);
			fruitless = 0;
			continue;
		}
		/* Other reclaimers may hold the reclaimable pages right now, or
		 * their owners' locks: let them finish. */
		if ((sc.nr_busy || atomic_load(&r->active) || atomic_load(&r->running)) &&
		    waits++ < 10000) {
			sched_yield();
			tries--;
			continue;
		}
		if (++fruitless >= 2)
			break;
	}
	atomic_fetch_add(&r->alloc_failures, 1);
	return -ENOMEM;
}

uint64_t page_alloc_failures(struct mmk_system *sys)
{
	return atomic_load(&sys->reclaim->alloc_failures);
}

