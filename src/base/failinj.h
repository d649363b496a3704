/*
 * failinj.h - the system's allocation-failure countdown (SQLite's
 * sqlite3FaultSim / SQLITE_TESTCTRL_FAULT_INSTALL idea, Linux's
 * failslab + fail_page_alloc with one shared "times" counter).
 *
 * One struct failinj lives in each struct mmk_system (no global state).
 * Every internal allocation of that system consults it before allocating:
 * the library's mallocs (alloc.h), the VMA slab (slab.c), frames
 * (frame.c), page-table pages (pgtable.c), page-cache index nodes
 * (pcache_index.c) and anon_vmas / their chains (anon.c).  Armed with
 * @after = N, the next N allocations succeed and the one after fails as if
 * the host were out of memory; then the countdown disarms itself (one-shot)
 * or keeps failing every later allocation (persist).
 *
 * Only the allocations of the thread that armed the countdown count (as
 * Linux's /proc/<tid>/fail-nth counts the calls of one task): kswapd, the
 * flusher and other threads of the embedder allocate as usual, so a run is
 * deterministic -- the Nth allocation of a call is the same one each time.
 *
 * Invariant: after < 0 means off; hits counts the failures injected since
 * the countdown was last armed.  Lock-free: the countdown is an atomic;
 * owner is written before after is armed, and read after it is seen armed.
 */
#ifndef MMK_FAILINJ_H
#define MMK_FAILINJ_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct failinj {
	_Atomic int64_t after; /* -1 off; else allocations that still succeed */
	_Atomic bool persist;  /* keep failing once after reached 0 */
	_Atomic uint64_t hits; /* failures injected since last armed */
	pthread_t owner;       /* the thread whose allocations count */
};

/* Arms the countdown for the calling thread: @after of its allocations succeed, then one fails
 * (every later one too when @persist).  @after < 0 disarms it. */
static inline void failinj_arm(struct failinj *f, int64_t after, bool persist)
{
	atomic_store(&f->after, -1);
	atomic_store(&f->hits, 0);
	atomic_store(&f->persist, persist);
	f->owner = pthread_self();
	atomic_store(&f->after, after < 0 ? -1 : after);
}

/* Whether a test is using the countdown: armed, or a failure injected since
 * it was armed.  A failed fault then does not call the OOM killer: the
 * -ENOMEM may be the injected one (page_alloc() itself tells an injected
 * frame failure from a shortage by failinj_hits(), and does not reclaim
 * for it, as Linux's should_fail_alloc_page() fails before the slow path).
 * NULL: never. */
static inline bool failinj_active(struct failinj *f)
{
	return f && (atomic_load_explicit(&f->after, memory_order_relaxed) >= 0 ||
		     atomic_load_explicit(&f->hits, memory_order_relaxed) > 0);
}

/* Failures injected since the countdown was last armed.  NULL: 0. */
static inline uint64_t failinj_hits(struct failinj *f)
{
	return f ? atomic_load_explicit(&f->hits, memory_order_relaxed) : 0;
}

/* One step of the countdown: true when this allocation must fail.  Every
 * allocation site calls it exactly once per allocation.  NULL: never. */
static inline bool failinj_should_fail(struct failinj *f)
{
	if (!f)
		return false;
	/* acquire: pairs with failinj_arm's store, so owner is the armer's */
	int64_t a = atomic_load_explicit(&f->after, memory_order_acquire);
	if (a < 0 || !pthread_equal(f->owner, pthread_self()))
		return false;
	for (;;) {
		if (a < 0)
			return false;
		int64_t next = a > 0 ? a - 1 : (atomic_load(&f->persist) ? 0 : -1);
		if (atomic_compare_exchange_weak(&f->after, &a, next))
			break;
	}
	if (a > 0)
		return false;
	atomic_fetch_add(&f->hits, 1);
	return true;
}

#endif
