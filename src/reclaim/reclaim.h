/*
 * reclaim.h - page reclaim: the policies that choose which pages to evict
 * (Linux's classic active/inactive LRU aged by the PTE accessed bits, plus
 * clock, FIFO and offline OPT), the work of evicting one page (drop a clean
 * file page, write a dirty one back first, send anonymous and shmem pages
 * to swap), kswapd, and direct reclaim, which page_alloc reaches through
 * the frame pool's slow-path hook.  Mirrors
 * mm/vmscan.c.  docs/RECLAIM.md is the long version.
 *
 * Watermarks (free frames, as Linux's zone watermarks derive from
 * min_free_kbytes): an allocation that leaves fewer than `low` free wakes
 * kswapd, which reclaims until `high` are free (with no kswapd --
 * cfg.no_background_threads -- the allocating thread does that itself,
 * so a single-threaded run is the same every time); an allocation that finds
 * none reclaims itself (direct reclaim) and, when nothing can be
 * reclaimed, fails so that the fault calls the OOM killer.
 */
#ifndef MMK_RECLAIM_H
#define MMK_RECLAIM_H

#include "pages.h"

struct scan_control;
struct isolated;

/* What reclaim decides about one page it isolated (shrink_folio_list's). */
enum verdict {
	PAGE_RECLAIMED, /* freed */
	PAGE_ACTIVATE,	/* referenced, mlocked or unevictable now: the active list */
	PAGE_KEEP,	/* not now: the head of the inactive list */
};

/*
 * A page-replacement policy, as the operations reclaim and the LRU ask of
 * it.  The five (lru, clock, fifo, opt, exact-lru) are rows of reclaim.c's
 * policy_ops[], indexed by MMK_RECLAIM_*; a new policy is a new row (and
 * its number in mmkit.h), not a new `if (policy == ...)`.
 */
struct reclaim_policy_ops {
	const char *name;  /* as mmk_reclaim_policy_name() gives it */
	bool active_lists; /* ages pages through active and inactive lists: a
			      second touch activates (lru_mark_accessed), an
			      activated page goes to the active list, which
			      refills the inactive one (shrink_active) */
	bool needs_refs;   /* evicts by the future: needs cfg.opt_refs (refs.c) */
	/* The first look at an isolated page, under its owner's lock:
	 * PAGE_RECLAIMED to go on evicting it, else where it goes back.  NULL:
	 * every page is evicted as it comes (FIFO, OPT). */
	enum verdict (*check_references)(struct scan_control *sc, struct isolated *iso);
	/* One reclaim run (shrink_node's body): scans until sc's target. */
	void (*shrink)(struct scan_control *sc);
	/* Every access through the MMU to the listed page at pfn (NULL: none
	 * is seen; with one, loads never skip mm->ptl).  Caller holds
	 * mm->ptl. */
	void (*accessed)(struct mmk_system *sys, pfn_t pfn);
};

struct reclaim {
	int policy;				   /* immutable: MMK_RECLAIM_* */
	const struct reclaim_policy_ops *ops;	   /* immutable: the policy's operations */
	struct reclaim_policy_ops user_ops;	   /* immutable: the row of a user's policy
						      (cfg.policy_ops), which ops then names */
	uint64_t wmark_min, wmark_low, wmark_high; /* immutable: free frames */
	struct mmk_mutex run_lock;		   /* held for a kswapd pass and by the invariant
						     checker, so a check sees no reclaim half done;
						     outermost */
	struct mmk_mutex lock;			   /* a leaf: woken, kswapd's wakeup */
	pthread_cond_t cond;
	bool woken;
	atomic_bool stop;    /* kswapd must exit */
	atomic_bool running; /* kswapd is in a pass */
	atomic_int active;   /* reclaim runs in progress (kswapd and direct) */
	atomic_int failures; /* kswapd passes in a row that freed nothing */
	bool started;	     /* immutable after init: kswapd exists */
	pthread_t thread;
};

static inline const struct reclaim_policy_ops *reclaim_ops(struct mmk_system *sys)
{
	return sys->reclaim->ops;
}

/* Sets up reclaim on the subsystems below it (vmstat, LRU, OOM, swap, the
 * reference string, which mmk_system_create builds first): the policy,
 * the watermarks, kswapd, the frame pool's slow-path hook.  0 or -errno
 * (-EINVAL for a bad policy). */
int reclaim_init(struct mmk_system *sys);
/* Stops kswapd (system destruction, before the processes go). */
void reclaim_quiesce(struct mmk_system *sys);
/* Stops and frees reclaim; the subsystems below stay (system.c frees them). */
void reclaim_destroy(struct mmk_system *sys);

/* Keeps kswapd between passes (the invariant checker).  Caller holds no lock. */
void reclaim_pause(struct mmk_system *sys);
void reclaim_resume(struct mmk_system *sys);

#endif
