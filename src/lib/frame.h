/*
 * frame.h - the frame pool: the simulated machine's RAM and one struct page
 * per frame, in the spirit of Linux's mem_map / struct page / struct folio.
 *
 * What it owns: the frame bytes (one host mapping of nframes * 4096 bytes,
 * MAP_NORESERVE so a frame costs host RAM only once it is touched), the
 * struct page array (mapped the same way) and the free list.
 *
 * Invariants (checked by frame_pool_check()):
 *  - pfn 0 is the shared zero page: all-zero bytes (the host mapping of it
 *    is read-only, so a stray write crashes at once), PG_reserved | PG_zero |
 *    PG_uptodate, refcount pinned at 1, mapcount 0.  It is never allocated
 *    or freed; frame_get()/frame_put() on it are no-ops, and PTEs mapping it
 *    carry PTE_SPECIAL and do not touch its mapcount (Linux's
 *    vm_normal_page() returning NULL for the zero page).
 *  - A frame is free exactly when its refcount is 0; a free frame has
 *    mapcount 0.
 *  - A frame in use has refcount >= 1 and 0 <= mapcount <= refcount: every
 *    PTE that maps a frame holds one reference to it.
 *  - Frames [fresh, nframes) have never been handed out: their bytes and
 *    their struct page are still the zero fill of the host mapping.
 *
 * Concurrency: frame_alloc() and the freeing half of frame_put() serialise
 * on fp->lock (one O(1) critical section each).  refcount, mapcount and flags
 * are atomics and may be changed from any thread without the lock.
 * refcount and mapcount share one 64-bit word, so that the two changes a
 * PTE brings or takes away (the reference it holds, the mapping it is) can
 * be one atomic operation: page_dup_pte(), page_drop_pte().  fork's copy
 * and the zap of an exiting process make them for every page, and a locked
 * read-modify-write is most of what they cost per page.  The
 * other struct page fields belong to whoever owns the page at that moment
 * (page cache, anon rmap, reclaim) and are protected by that owner's lock.
 */
#ifndef MMK_FRAME_H
#define MMK_FRAME_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "failinj.h"
#include "lock.h"

#define FRAME_SIZE  4096u
#define FRAME_SHIFT 12

typedef uint32_t pfn_t; /* frame number; pfn 0 is the shared zero page */

#define ZERO_PFN ((pfn_t)0)

/*
 * One per frame.  Mirrors Linux's struct page (include/linux/mm_types.h),
 * with mapcount 0-based where Linux's _mapcount starts at -1, and kept in
 * the same word as the refcount (Linux: _refcount and _mapcount are two
 * atomic_t).  Read them with page_refcount() / page_mapcount().
 */
struct page {
	_Atomic uint64_t counts; /* bits 0-31 refcount: PTE mappings + page cache + swap
				    cache + transient gets; bits 32-63 mapcount (signed):
				    PTEs mapping this frame */
	_Atomic uint32_t flags;	 /* PG_* bits, changed with atomic or/and */
	uint32_t lru_prev;	 /* pfn links for LRU lists (owned by reclaim); */
	uint32_t lru_next;	 /* lru_next also links the free list while free */
	uint32_t dirtied_at;	 /* flusher age: tick at which it became dirty */
	void *mapping;		 /* inode-like owner (file page) or anon_vma (anon page) */
	uint64_t index;		 /* page offset in the file, or virtual page number for anon rmap */
	uint64_t private;	 /* swap slot of a swap-cache page (swap.c) */
};
/* 48 bytes: with its PTE, a resident page costs 56 bytes of metadata.  A
 * policy's per-page datum lives beside the array (frame_lru_data). */
_Static_assert(sizeof(struct page) <= 48, "struct page must stay within 48 bytes");

#define PAGE_REF_ONE 1ull	  /* one reference, in page.counts */
#define PAGE_MAP_ONE (1ull << 32) /* one mapping, in page.counts */

enum {
	PG_uptodate = 1u << 0,
	PG_dirty = 1u << 1,
	PG_referenced = 1u << 2,
	PG_anon = 1u << 3,
	PG_locked = 1u << 4,
	PG_lru = 1u << 5,
	PG_active = 1u << 6,
	PG_swapbacked = 1u << 7,
	PG_writeback = 1u << 8,
	PG_zero = 1u << 9,
	PG_reserved = 1u << 10,
};

/* Flags a frame may not carry when its last reference goes (Linux's
 * PAGE_FLAGS_CHECK_AT_FREE): freeing it then would corrupt a list or lose
 * an I/O in flight. */
#define PG_CHECK_AT_FREE (PG_locked | PG_writeback | PG_lru | PG_reserved)

struct frame_pool;

/*
 * Called by frame_put() when a frame's refcount reaches 0, before the frame
 * is checked and returned to the free list (Linux's __folio_put() taking the
 * folio off its LRU).  Runs without fp->lock, with no reference left, so it
 * may only unlink the frame from its owner's lists.
 */
typedef void (*frame_release_fn)(void *arg, struct frame_pool *fp, pfn_t pfn);

/*
 * The allocator's slow path (Linux's __alloc_pages_slowpath(), which is
 * where page allocation reaches reclaim): page_alloc (page_alloc.c) calls
 * it after an allocation that left fewer than the pool's low watermark free
 * (failed false: wake the background reclaimer, the answer is ignored),
 * and after one that found no frame (failed true: reclaim, then true to try
 * the allocation again, false to give up with -ENOMEM).  *retry starts
 * zeroed for each allocation and is the hook's own to keep state in across
 * its calls for that allocation; held is page_alloc's held inode.
 */
struct frame_retry {
	void *held;
	int tries, fruitless, waits;
	bool wake_only; /* the caller never reclaims (readahead): only wake kswapd */
};
typedef bool (*frame_slowpath_fn)(void *arg, struct frame_retry *retry, bool failed);

struct frame_pool {
	uint8_t *mem;		    /* immutable: nframes * FRAME_SIZE bytes, one host mmap */
	_Atomic uint64_t *lru_data; /* NULL, or (frame_pool_enable_lru_data) one datum
				       per frame for the reclaim policy (OPT's next use),
				       0 whenever a frame is taken; relaxed atomics */
	struct page *pages;	    /* immutable: nframes entries, one host mmap */
	uint32_t nframes;	    /* immutable: including the zero page */
	struct mmk_mutex lock;	    /* protects nfree, free_head, fresh, fail_* */
	uint32_t nfree;		    /* lock: frames on the free list + [fresh, nframes) */
	pfn_t free_head;	    /* lock: freed frames linked through page.lru_next; 0 = none */
	pfn_t fresh;		    /* lock: frames [fresh, nframes) never allocated */
	int64_t fail_after;	    /* lock: -1 = off; else allocations that still succeed */
	bool fail_persist;	    /* lock: keep failing once fail_after reached 0 */
	struct failinj *inj;	    /* set before use, then immutable: the system's
				       countdown (failinj.h), or NULL */
	frame_release_fn release;   /* set before use, then immutable; may be NULL */
	void *release_arg;
	frame_slowpath_fn slowpath; /* set before use, then immutable; may be NULL */
	void *slowpath_arg;
	uint32_t wmark_low;		     /* set with slowpath: fewer free calls it */
	atomic_uint_fast64_t alloc_failures; /* page_alloc found no frame to be had */
};

/* Reports a bad pfn and aborts; the out-of-line half of pfn_to_page(). */
_Noreturn void frame_bad_pfn(const struct frame_pool *fp, pfn_t pfn);

static inline struct page *pfn_to_page(struct frame_pool *fp, pfn_t pfn)
{
	if (pfn >= fp->nframes)
		frame_bad_pfn(fp, pfn);
	return &fp->pages[pfn];
}

/* The host address of the frame's bytes. */
static inline void *pfn_to_virt(struct frame_pool *fp, pfn_t pfn)
{
	if (pfn >= fp->nframes)
		frame_bad_pfn(fp, pfn);
	return fp->mem + (size_t)pfn * FRAME_SIZE;
}

static inline pfn_t page_to_pfn(struct frame_pool *fp, const struct page *pg)
{
	return (pfn_t)(pg - fp->pages);
}

/* ---- struct page flag and count helpers (lock-free) ---------------------- */

static inline uint32_t page_flags(struct page *pg)
{
	return atomic_load_explicit(&pg->flags, memory_order_acquire);
}

static inline bool page_test(struct page *pg, uint32_t flag)
{
	return (page_flags(pg) & flag) != 0;
}

/* Sets the bits in @flag; returns the flags as they were (for test-and-set). */
static inline uint32_t page_set(struct page *pg, uint32_t flag)
{
	return atomic_fetch_or_explicit(&pg->flags, flag, memory_order_acq_rel);
}

/* Clears the bits in @flag; returns the flags as they were. */
static inline uint32_t page_clear(struct page *pg, uint32_t flag)
{
	return atomic_fetch_and_explicit(&pg->flags, ~flag, memory_order_acq_rel);
}

static inline uint32_t page_counts_ref(uint64_t counts)
{
	return (uint32_t)counts;
}

static inline int32_t page_counts_map(uint64_t counts)
{
	return (int32_t)(uint32_t)(counts >> 32);
}

static inline uint32_t page_refcount(struct page *pg)
{
	return page_counts_ref(atomic_load_explicit(&pg->counts, memory_order_acquire));
}

static inline int32_t page_mapcount(struct page *pg)
{
	return page_counts_map(atomic_load_explicit(&pg->counts, memory_order_acquire));
}

/* mapcount++ for a new PTE mapping; the caller also holds a reference for it. */
void page_mapcount_inc(struct page *pg);
/* mapcount-- when a PTE mapping goes; returns the new count; aborts below 0. */
int32_t page_mapcount_dec(struct page *pg);

/* Reports the frame page_dup_pte() found free or at the limit, and aborts. */
_Noreturn void page_dup_pte_bad(struct page *pg, uint64_t old);

/*
 * One more PTE maps the frame, which is in use: refcount++ and mapcount++
 * in one atomic operation (fork's copy_present_pte: frame_get() plus
 * page_mapcount_inc()).  Aborts on a free frame or an overflow.  Inline,
 * as is page_drop_pte(): fork and exit make one per page, and a call
 * around the locked operation measured a fifth of fork's time.
 */
static inline void page_dup_pte(struct page *pg)
{
	uint64_t old = atomic_fetch_add_explicit(&pg->counts, PAGE_REF_ONE | PAGE_MAP_ONE,
						 memory_order_relaxed);
	if (page_counts_ref(old) == 0 || page_counts_ref(old) == UINT32_MAX)
		page_dup_pte_bad(pg, old);
}

/*
 * A PTE mapping of the frame goes: mapcount-- and refcount-- in one atomic
 * operation, unless that would take either to 0.  Returns false, having
 * changed nothing, for the frame's last mapping or last reference: the
 * caller then drops them one at a time (page_mapcount_dec(), with what a
 * last mapping implies, then frame_put(), which may free the frame).
 */
static inline bool page_drop_pte(struct page *pg)
{
	uint64_t old = atomic_load_explicit(&pg->counts, memory_order_relaxed);

	do {
		if (page_counts_ref(old) <= 1 || page_counts_map(old) <= 1)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(
	    &pg->counts, &old, old - (PAGE_REF_ONE | PAGE_MAP_ONE), memory_order_acq_rel,
	    memory_order_relaxed));
	return true;
}

/*
 * A PTE mapping of pfn goes and nothing has to happen when it was the
 * frame's last mapping (a page-cache page: Linux's folio_remove_rmap_ptes()
 * of a file folio, then folio_put()): mapcount-- and refcount-- in one
 * atomic operation, and the frame is freed as by frame_put() if that was
 * its last reference.  Aborts on a count already 0; not for the zero page.
 */
void page_unmap_put(struct frame_pool *fp, pfn_t pfn);

/* ---- the pool ------------------------------------------------------------ */

/*
 * Creates a pool of ram_bytes / 4096 frames (the remainder is ignored).
 * Returns 0, -EINVAL for fewer than 2 frames or more than UINT32_MAX frames
 * (pfn_t and nframes are 32 bits), or -ENOMEM when the host refuses the
 * mappings.  O(1): no frame or struct page is touched except the zero page's.
 */
int frame_pool_init(struct frame_pool *fp, uint64_t ram_bytes);

/* Unmaps everything; only after a successful init.  Frames in use are discarded. */
void frame_pool_destroy(struct frame_pool *fp);

/*
 * Sets the hook frame_put() calls when a refcount reaches 0 (see
 * frame_release_fn).  Call before the pool is shared between threads.
 */
void frame_pool_set_release(struct frame_pool *fp, frame_release_fn fn, void *arg);
/* Sets the slow-path hook (frame_slowpath_fn) and the free count below which
 * page_alloc calls it after a success.  Call before the pool is shared. */
void frame_pool_set_slowpath(struct frame_pool *fp, frame_slowpath_fn fn, void *arg,
			     uint32_t wmark_low);

/* Gives every frame a policy datum (before any frame is taken); host memory
 * for it is used only where touched.  0 or -ENOMEM. */
int frame_pool_enable_lru_data(struct frame_pool *fp);

/* The policy datum of frame pfn; the pool's lru_data must be enabled. */
static inline _Atomic uint64_t *frame_lru_data(struct frame_pool *fp, pfn_t pfn)
{
	if (pfn >= fp->nframes)
		frame_bad_pfn(fp, pfn);
	return &fp->lru_data[pfn];
}

/*
 * This pool's own failure injection, for unit tests of a pool without a
 * system (a system's tests use its countdown, fp->inj, which frame_alloc
 * consults first; docs/ARCHITECTURE.md "Allocation failure"):
 * the next @after allocations succeed and the one after fails with -ENOMEM;
 * with @persist every later one fails too, until reset.  @after < 0 turns
 * injection off.
 */
void frame_pool_inject_fail(struct frame_pool *fp, int64_t after, bool persist);

/* Whether this pool's own injection is on (an -ENOMEM then says nothing
 * about the free frames: reclaim and the OOM killer stand aside). */
bool frame_pool_injecting(struct frame_pool *fp);

/*
 * Allocates a frame: refcount 1, mapcount 0, flags 0, mapping NULL, index
 * and private 0.  zeroed != 0: contents zeroed (free for never-used frames);
 * otherwise the contents are stale (poisoned with 0x6b in MMK_DEBUG builds).
 * Returns 0 and *out, or -ENOMEM when no frame is free.  O(1).
 */
int frame_alloc(struct frame_pool *fp, int zeroed, pfn_t *out);

/* refcount++.  No-op on the zero page; aborts on a free frame. */
void frame_get(struct frame_pool *fp, pfn_t pfn);

/*
 * refcount++ unless it is 0 (Linux's folio_try_get): for a finder that
 * holds no reference (reclaim walking its lists), a frame whose last
 * reference is going is left alone.  Returns whether a reference was taken.
 */
bool frame_try_get(struct frame_pool *fp, pfn_t pfn);

/*
 * refcount--.  At 0: calls the release hook, aborts if the frame is still
 * mapped or carries a PG_CHECK_AT_FREE flag, and returns it to the free
 * list.  No-op on the zero page; aborts on underflow.  O(1).
 */
void frame_put(struct frame_pool *fp, pfn_t pfn);

/* Free frames now (the zero page is never counted). */
uint32_t frame_pool_free_count(struct frame_pool *fp);

/*
 * Calls fn(arg, pfn, page) for every frame in use (refcount != 0), in pfn
 * order, zero page excluded; stops at and returns the first nonzero result.
 * Meaningful only while no thread allocates or frees (the invariant checker).
 */
int frame_pool_for_each_used(struct frame_pool *fp,
			     int (*fn)(void *arg, pfn_t pfn, struct page *pg), void *arg);

/*
 * Checks the invariants in this file's header: the zero page, the free list
 * (in range, no duplicates, each free frame refcount 0 and mapcount 0, its
 * length matches nfree) and every used frame's counts.  Returns 0, -EUCLEAN
 * with a message in err, or -ENOMEM.  Call with the pool quiescent.
 */
int frame_pool_check(struct frame_pool *fp, char *err, size_t errlen);

#endif
