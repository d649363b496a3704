/*
 * reclaim.c - choosing pages to evict and evicting them (see reclaim.h),
 * mirroring mm/vmscan.c: shrink_node -> shrink_lruvec (scan counts from
 * the list sizes, the priority and swappiness) -> shrink_active_list /
 * shrink_inactive_list -> shrink_folio_list (folio_check_references, then
 * pageout/swap-out and __remove_mapping); kswapd's balance_pgdat (or,
 * with no kswapd thread, the same in the allocating thread); and
 * __alloc_pages_direct_reclaim's retry loop (page_alloc).
 *
 * One page through reclaim:
 *
 *   listed --isolate (lru->lock: trylock its owner, pin, PG_locked, unlink)-->
 *   isolated --policy: referenced? (LRU/clock walk the rmap, clearing the
 *              accessed bits)--> keep / activate: put back on a list
 *            --evict--> file: unmap, write back if dirty, drop from cache
 *                       shmem: unmap, write to a swap slot, drop
 *                       anon: swap cache, PTEs -> swap entries, write, drop
 *                       lazyfree anon (MADV_FREE): unmap, drop unless dirty
 *                       droppable anon (MAP_DROPPABLE): unmap, drop
 *            --> freed (the frame goes back to the pool), or put back
 *
 * The owner lock (the inode's lock for a page-cache page, the root
 * anon_vma's for a mapped anonymous page) is an earlier lock than
 * lru->lock, so it is only trylocked, under lru->lock, where the page is
 * known to be listed and its owner therefore alive (lru.h); a busy page is
 * rotated to the head of its list and looked at again later.  An unmapped
 * swap-cache page is isolated with no owner lock, and its rmap is then
 * never walked (page_referenced): a swap-in may map it meanwhile.  The one
 * inode whose lock a direct reclaimer already holds (sc->held) is used as
 * locked.  Reclaim never takes mmap_lock: it works behind the processes'
 * backs, page by page, under their page-table locks.
 *
 * The policies (cfg.reclaim_policy), each a row of policy_ops[] (struct
 * reclaim_policy_ops, reclaim.h):
 *   LRU    Linux's classic two lists per type.  New pages start inactive;
 *          the inactive tail is scanned: a page with young PTEs is
 *          activated if it was referenced before (PG_referenced) or is
 *          anonymous, else kept with PG_referenced; an old page is evicted.
 *          When the inactive list is smaller than the active one, active
 *          tail pages are deactivated, their accessed bits cleared.
 *   CLOCK  one list per type, the tail is the hand: a referenced page
 *          (young PTE or PG_referenced) loses its bit and goes to the head,
 *          else it is evicted.
 *   FIFO   the oldest page is evicted, referenced or not.
 *   OPT    the listed pages whose next use (refs.c) lies farthest ahead are
 *          evicted, SWAP_CLUSTER_MAX at a time.
 *   a user's (cfg.policy_ops): told of every page listed, unlisted and
 *          (optionally) accessed, it picks each victim (shrink_user).
 *   EXACT_LRU  textbook LRU: every access moves its page to the head of
 *          its list (lru_touch), the tail is evicted.
 * With cfg.textbook_reclaim (no kswapd, one page evicted per allocation
 * that finds no frame) FIFO, OPT and EXACT_LRU fault exactly as the
 * textbook policies with RAM's frames do.
 * Anonymous and shmem pages are scanned only while swap has room; then
 * file and anon lists are scanned in proportion to their sizes weighted by
 * swappiness 60 (get_scan_count).
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lru.h"
#include "oom.h"
#include "reclaim.h"
#include "refs.h"
#include "rmap.h"
#include "swap.h"
#include "vmstat.h"

#define SWAP_CLUSTER_MAX    32
#define DEF_PRIORITY	    12
#define MAX_RECLAIM_RETRIES 16
#define SWAPPINESS	    60
#define KSWAPD_IDLE_RETRIES 10 /* fruitless passes, 1 ms apart, before kswapd sleeps */

#define NR_POLICIES (MMK_RECLAIM_EXACT_LRU + 1)
static const struct reclaim_policy_ops policy_ops[NR_POLICIES]; /* below */

const char *mmk_reclaim_policy_name(int policy)
{
	if (policy < 0 || policy >= NR_POLICIES)
		return NULL;
	return policy_ops[policy].name;
}

int mmk_reclaim_policy_parse(const char *name)
{
	for (int i = 0; name && i < NR_POLICIES; i++)
		if (!strcmp(name, policy_ops[i].name))
			return i;
	return -EINVAL;
}

/* What one reclaim run wants and did (struct scan_control). */
struct scan_control {
	struct mmk_system *sys;
	struct mmk_inode *held; /* the inode a direct reclaimer holds locked, or NULL */
	bool kswapd;
	bool may_swap; /* swap has room: anon and shmem pages can go */
	uint64_t nr_to_reclaim, nr_reclaimed, nr_scanned;
	uint64_t nr_busy; /* pages passed over because their owner was locked */
};

/* A page reclaim took off the LRU: pinned, PG_locked, its owner locked. */
struct isolated {
	pfn_t pfn;
	struct page *pg;
	struct mmk_inode *in;  /* page-cache page: its inode, locked */
	bool in_locked;	       /* by us (else it is sc->held, the caller's) */
	struct anon_vma *root; /* mapped anonymous page: the root anon_vma, locked by us */
	enum lru_list from;    /* the list it was taken from */
	int mapper;	       /* for the trace: a process that mapped it (0: none) */
	uint64_t mapped_at;    /* ... and where */
};

/* ---- Isolation ----------------------------------------------------------------------- */

/*
 * isolate_lru_folio(): takes the listed page pfn for reclaim.  Fails
 * (false, nothing changed) when its owner's lock is busy, its last
 * reference is going, or it is an anonymous page that nothing maps and the
 * swap cache does not hold (it only waits for its pins to go).  Caller
 * holds lru->lock.
 */
static bool isolate_locked(struct scan_control *sc, pfn_t pfn, struct isolated *iso)
{
	lock_assert_held(&sc->sys->lru->lock);
	struct mmk_system *sys = sc->sys;
	struct page *pg = pfn_to_page(&sys->pool, pfn);
	uint32_t f = page_flags(pg);
	memset(iso, 0, sizeof(*iso));
	iso->pfn = pfn;
	iso->pg = pg;
	if (f & PG_anon) {
		if (page_mapcount(pg) > 0) {
			struct anon_vma *av = pg->mapping;
			MMK_BUG_ON(!av);
			if (!mmk_mutex_trylock(&av->root->lock))
				return false;
			iso->root = av->root;
		} else if (!(f & PG_swapcache)) {
			return false;
		}
	} else {
		struct mmk_inode *in = pg->mapping;
		MMK_BUG_ON(!in);
		if (in != sc->held) {
			if (!mmk_mutex_trylock(&in->lock))
				return false;
			iso->in_locked = true;
		}
		iso->in = in;
	}
	if (!frame_try_get(&sys->pool, pfn)) {
		if (iso->root)
			mmk_mutex_unlock(&iso->root->lock);
		if (iso->in_locked)
			mmk_mutex_unlock(&iso->in->lock);
		return false;
	}
	iso->from = page_lru_list(pg);
	lru_unlink_locked(sys, pfn);
	page_set(pg, PG_locked);
	return true;
}

static void release_owner(struct isolated *iso)
{
	if (iso->root)
		mmk_mutex_unlock(&iso->root->lock);
	if (iso->in_locked)
		mmk_mutex_unlock(&iso->in->lock);
}

/* folio_putback_lru(): back on list l (its type by the page's flags
 * now), unlocked, owner released, pin dropped. */
static void putback(struct scan_control *sc, struct isolated *iso, bool active)
{
	struct mmk_system *sys = sc->sys;
	bool file = !page_test(iso->pg, PG_swapbacked);
	enum lru_list l = file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
	if (active && reclaim_ops(sys)->active_lists)
		l = file ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON;
	if (page_test(iso->pg, PG_swapcache))
		swap_cache_unlock(sys, iso->pfn); /* a slot may have lost its last entry */
	mmk_mutex_lock(&sys->lru->lock);
	if (!page_test(iso->pg, PG_lru))
		lru_link_locked(sys, iso->pfn, l, true);
	page_clear(iso->pg, PG_locked);
	mmk_mutex_unlock(&sys->lru->lock);
	release_owner(iso);
	frame_put(&sys->pool, iso->pfn);
}

/* The end of a page reclaim freed: unlocked, its last reference dropped. */
static enum verdict page_freed(struct scan_control *sc, struct isolated *iso, const char *what,
			       uint64_t index)
{
	struct mmk_system *sys = sc->sys;
	MMK_BUG_ON(page_refcount(iso->pg) != 1 || page_mapcount(iso->pg) != 0);
	page_clear(iso->pg, PG_locked);
	frame_put(&sys->pool, iso->pfn);
	static const char *const list_names[NR_LRU_LISTS] = {
	    [LRU_INACTIVE_ANON] = "inactive anon",
	    [LRU_ACTIVE_ANON] = "active anon",
	    [LRU_INACTIVE_FILE] = "inactive file",
	    [LRU_ACTIVE_FILE] = "active file",
	};
	TRACE(sys, .kind = MMK_EV_RECLAIM, .pfn = iso->pfn, .pgoff = index, .detail = what,
	      .file = iso->in ? iso->in->path : NULL, .source = reclaim_ops(sys)->name,
	      .list = list_names[iso->from], .peer = iso->mapper, .addr = iso->mapped_at);
	return PAGE_RECLAIMED;
}

/* For the trace only: who maps the isolated page, before eviction unmaps
 * it (an rmap walk, so only while a trace callback is installed; an
 * anonymous page isolated without its anon_vma is not walked, as
 * page_referenced explains). */
static void note_mapper(struct scan_control *sc, struct isolated *iso)
{
	if (!sc->sys->trace || (page_test(iso->pg, PG_anon) && !iso->root))
		return;
	iso->mapper = rmap_mapper(sc->sys, iso->pfn, NULL, &iso->mapped_at);
}

/* ---- Ageing --------------------------------------------------------------------------- */

/*
 * folio_referenced() of an isolated page: its young PTEs (cleared) and
 * whether a VM_LOCKED VMA maps it.  An anonymous page isolated while
 * nothing mapped it (a swap-cache page) has no anon_vma locked, yet a
 * swap-in that pinned it from the cache before it was isolated still maps
 * it afterwards; its anon_vma's chains may then change or go (a fork
 * child's exit frees its avcs, VMAs and mm) while reclaim would walk them,
 * so they are not walked and the page counts as unreferenced, as Linux's
 * folio_referenced() finds nothing where folio_lock_anon_vma_read() fails.
 */
static int page_referenced(struct scan_control *sc, struct isolated *iso, bool *vm_locked)
{
	*vm_locked = false;
	if (page_test(iso->pg, PG_anon) && !iso->root)
		return 0;
	return rmap_referenced(sc->sys, iso->pfn, vm_locked);
}

/*
 * folio_check_references() (the LRU policy's check_references): clears the
 * page's young PTEs and PG_referenced, and says whether it stays.
 * PAGE_RECLAIMED here means "evict it".
 */
static enum verdict lru_check_references(struct scan_control *sc, struct isolated *iso)
{
	struct page *pg = iso->pg;
	bool vm_locked;
	int young = page_referenced(sc, iso, &vm_locked);
	bool referenced = page_clear(pg, PG_referenced) & PG_referenced;
	if (vm_locked)
		return PAGE_ACTIVATE; /* mlocked: unevictable */
	if (young) {
		if (page_test(pg, PG_swapbacked))
			return PAGE_ACTIVATE;
		page_set(pg, PG_referenced);
		if (referenced || young > 1)
			return PAGE_ACTIVATE;
		return PAGE_KEEP;
	}
	return PAGE_RECLAIMED;
}

/* The clock's second chance (its check_references): a page with young PTEs
 * or PG_referenced loses them and goes round again. */
static enum verdict clock_check_references(struct scan_control *sc, struct isolated *iso)
{
	bool vm_locked;
	int young = page_referenced(sc, iso, &vm_locked);
	bool referenced = page_clear(iso->pg, PG_referenced) & PG_referenced;
	if (vm_locked)
		return PAGE_ACTIVATE; /* mlocked: unevictable */
	return young || referenced ? PAGE_KEEP : PAGE_RECLAIMED;
}

/* ---- Eviction --------------------------------------------------------------------------- */

/* A clean file page leaves; a dirty one is written back first (pageout). */
static enum verdict evict_file(struct scan_control *sc, struct isolated *iso)
{
	struct page *pg = iso->pg;
	uint64_t index = pg->index;
	rmap_unmap_file(sc->sys, iso->pfn);
	if (page_mapcount(pg))
		return PAGE_ACTIVATE; /* mapped in a VM_LOCKED VMA */
	bool dirty = page_test(pg, PG_dirty);
	if (dirty && writeback_page_locked(iso->in, index, iso->pfn))
		return PAGE_ACTIVATE; /* the write failed: it stays dirty, and here */
	if (page_refcount(pg) != 2 || page_test(pg, PG_dirty))
		return PAGE_KEEP; /* someone else holds it */
	pagecache_delete_locked(iso->in, index, iso->pfn);
	return page_freed(sc, iso, dirty ? "dirty file" : "file", index);
}

/* shmem_writeout(): unmapped, then moved to a swap slot. */
static enum verdict evict_shmem(struct scan_control *sc, struct isolated *iso)
{
	struct page *pg = iso->pg;
	uint64_t index = pg->index;
	if (!sc->may_swap)
		return PAGE_ACTIVATE;
	rmap_unmap_file(sc->sys, iso->pfn);
	if (page_mapcount(pg))
		return PAGE_ACTIVATE;
	if (page_refcount(pg) != 2)
		return PAGE_KEEP;
	if (shmem_swapout_locked(iso->in, index, iso->pfn))
		return PAGE_ACTIVATE;
	return page_freed(sc, iso, "shmem", index);
}

/* add_to_swap + try_to_unmap + pageout + __remove_mapping. */
static enum verdict evict_anon(struct scan_control *sc, struct isolated *iso)
{
	struct mmk_system *sys = sc->sys;
	struct page *pg = iso->pg;
	if (!page_test(pg, PG_swapcache) && (!sc->may_swap || swap_cache_add(sys, iso->pfn)))
		return PAGE_ACTIVATE;
	if (iso->root)
		rmap_unmap_to_swap(sys, iso->pfn);
	bool write_failed = false;
	if (page_mapcount(pg) == 0 && page_test(pg, PG_dirty)) {
		page_clear(pg, PG_dirty);
		if (swap_writepage(sys, iso->pfn)) {
			page_set(pg, PG_dirty);
			write_failed = true;
		}
	}
	uint64_t index = pg->index;
	if (!swap_cache_done(sys, iso->pfn))
		return write_failed ? PAGE_ACTIVATE : PAGE_KEEP;
	return page_freed(sc, iso, "anon", index);
}

/* A lazily-freed (MADV_FREE) page: dropped unless written since; a page
 * of a droppable VMA (MAP_DROPPABLE) is dropped written or not. */
static enum verdict evict_lazyfree(struct scan_control *sc, struct isolated *iso)
{
	struct page *pg = iso->pg;
	bool dirty = iso->root ? !rmap_unmap_discard(sc->sys, iso->pfn) : page_test(pg, PG_dirty);
	if (dirty) {
		page_set(pg, PG_swapbacked); /* stored to since: anonymous memory again */
		return PAGE_ACTIVATE;
	}
	if (page_mapcount(pg) || page_refcount(pg) != 1)
		return PAGE_KEEP;
	return page_freed(sc, iso, "lazyfree", pg->index);
}

/* shrink_folio_list() for one isolated page. */
static enum verdict shrink_page(struct scan_control *sc, struct isolated *iso)
{
	const struct reclaim_policy_ops *ops = reclaim_ops(sc->sys);
	if (ops->check_references) {
		enum verdict v = ops->check_references(sc, iso);
		if (v != PAGE_RECLAIMED)
			return v;
	}
	note_mapper(sc, iso);
	uint32_t f = page_flags(iso->pg);
	if (f & PG_anon)
		return (f & PG_swapbacked) ? evict_anon(sc, iso) : evict_lazyfree(sc, iso);
	if (f & PG_swapbacked)
		return evict_shmem(sc, iso);
	return evict_file(sc, iso);
}

/* Evicts the isolated page, or puts it back; counts what happened. */
static void reclaim_isolated(struct scan_control *sc, struct isolated *iso)
{
	struct mmk_system *sys = sc->sys;
	sc->nr_scanned++;
	count_vm_event(sys, sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT);
	enum verdict v = shrink_page(sc, iso);
	if (v == PAGE_RECLAIMED) {
		release_owner(iso);
		sc->nr_reclaimed++;
		count_vm_event(sys, sc->kswapd ? PGSTEAL_KSWAPD : PGSTEAL_DIRECT);
		return;
	}
	if (v == PAGE_ACTIVATE && reclaim_ops(sys)->active_lists)
		count_vm_event(sys, PGACTIVATE);
	else
		count_vm_event(sys, PGROTATED);
	putback(sc, iso, v == PAGE_ACTIVATE);
}

/* ---- Scanning the lists ------------------------------------------------------------------- */

/*
 * Isolates the oldest page of list l that is not busy (its owner's lock
 * taken elsewhere: most often the inode a fault is reading into).  Busy
 * pages keep their place, so the list's order stays the order of use; and
 * only the SWAP_CLUSTER_MAX oldest are looked at, so that a busy tail does
 * not let reclaim reach for young pages (the thread that holds the lock
 * reclaims those pages itself when it runs short).  false when there is
 * nothing to take.  Caller holds no lock.
 */
static bool isolate_tail(struct scan_control *sc, enum lru_list l, struct isolated *iso)
{
	struct mmk_system *sys = sc->sys;
	bool ok = false;
	mmk_mutex_lock(&sys->lru->lock);
	pfn_t pfn = sys->lru->lists[l].tail;
	for (int n = 0; pfn && !ok && n < SWAP_CLUSTER_MAX; n++) {
		pfn_t prev = pfn_to_page(&sys->pool, pfn)->lru_prev;
		ok = isolate_locked(sc, pfn, iso);
		sc->nr_busy += !ok;
		pfn = prev;
	}
	mmk_mutex_unlock(&sys->lru->lock);
	return ok;
}

/* shrink_inactive_list(): looks at up to nr pages from the inactive tail. */
static void shrink_inactive(struct scan_control *sc, bool file, uint64_t nr)
{
	enum lru_list l = file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
	struct isolated iso;
	for (uint64_t i = 0; i < nr && sc->nr_reclaimed < sc->nr_to_reclaim; i++) {
		if (!isolate_tail(sc, l, &iso))
			break;
		reclaim_isolated(sc, &iso);
	}
}

/* shrink_active_list(): moves up to nr pages from the active tail to the
 * inactive head, their accessed bits cleared (mlocked ones stay). */
static void shrink_active(struct scan_control *sc, bool file, uint64_t nr)
{
	struct mmk_system *sys = sc->sys;
	enum lru_list l = file ? LRU_ACTIVE_FILE : LRU_ACTIVE_ANON;
	struct isolated iso;
	for (uint64_t i = 0; i < nr; i++) {
		if (!isolate_tail(sc, l, &iso))
			break;
		count_vm_event(sys, PGREFILL);
		bool vm_locked;
		page_referenced(sc, &iso, &vm_locked);
		if (!vm_locked)
			count_vm_event(sys, PGDEACTIVATE);
		putback(sc, &iso, vm_locked);
	}
}

static uint64_t list_size(struct mmk_system *sys, enum lru_list l)
{
	mmk_mutex_lock(&sys->lru->lock);
	uint64_t n = sys->lru->lists[l].nr;
	mmk_mutex_unlock(&sys->lru->lock);
	return n;
}

/* inactive_is_low(): the inactive list needs refilling (ratio 1, as
 * Linux's for less than 1 GiB of memory). */
static bool inactive_is_low(struct mmk_system *sys, bool file)
{
	enum lru_list in = file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
	return list_size(sys, in) < list_size(sys, in + 1);
}

static void shrink_list(struct scan_control *sc, bool file, uint64_t nr)
{
	if (reclaim_ops(sc->sys)->active_lists && inactive_is_low(sc->sys, file))
		shrink_active(sc, file, nr);
	shrink_inactive(sc, file, nr);
}

/* get_scan_count(): pages of each type to look at, at this priority. */
static void scan_counts(struct scan_control *sc, int prio, uint64_t *nfile, uint64_t *nanon)
{
	struct mmk_system *sys = sc->sys;
	uint64_t file = list_size(sys, LRU_INACTIVE_FILE) + list_size(sys, LRU_ACTIVE_FILE);
	uint64_t anon =
	    sc->may_swap ? list_size(sys, LRU_INACTIVE_ANON) + list_size(sys, LRU_ACTIVE_ANON) : 0;
	uint64_t f = file >> prio, a = anon >> prio;
	if (file && anon && prio) {
		f = f * (200 - SWAPPINESS) / 200;
		a = a * SWAPPINESS / 200;
	}
	*nfile = file && !f ? (file < SWAP_CLUSTER_MAX ? file : SWAP_CLUSTER_MAX) : f;
	*nanon = anon && !a ? (anon < SWAP_CLUSTER_MAX ? anon : SWAP_CLUSTER_MAX) : a;
}

/* OPT: evicts the listed pages used farthest in the future. */
static void shrink_opt(struct scan_control *sc)
{
	struct mmk_system *sys = sc->sys;
	struct {
		pfn_t pfn;
		uint64_t when;
	} best[SWAP_CLUSTER_MAX];
	while (sc->nr_reclaimed < sc->nr_to_reclaim) {
		sc->may_swap = swap_has_space(sys);
		int nb = 0;
		mmk_mutex_lock(&sys->lru->lock);
		for (int l = 0; l < NR_LRU_LISTS; l++) {
			if (!lru_list_is_file(l) && !sc->may_swap)
				continue;
			for (pfn_t p = sys->lru->lists[l].head; p;
			     p = pfn_to_page(&sys->pool, p)->lru_next) {
				uint64_t when = refs_next_use(sys, p);
				int at;
				if (nb < SWAP_CLUSTER_MAX)
					at = nb++;
				else if (when > best[SWAP_CLUSTER_MAX - 1].when)
					at = SWAP_CLUSTER_MAX - 1;
				else
					continue;
				for (; at > 0 && best[at - 1].when < when; at--)
					best[at] = best[at - 1];
				best[at].pfn = p;
				best[at].when = when;
			}
		}
		mmk_mutex_unlock(&sys->lru->lock);
		uint64_t before = sc->nr_reclaimed;
		for (int i = 0; i < nb && sc->nr_reclaimed < sc->nr_to_reclaim; i++) {
			struct isolated iso;
			mmk_mutex_lock(&sys->lru->lock);
			bool ok = page_test(pfn_to_page(&sys->pool, best[i].pfn), PG_lru) &&
				  isolate_locked(sc, best[i].pfn, &iso);
			sc->nr_busy += !ok;
			mmk_mutex_unlock(&sys->lru->lock);
			if (ok)
				reclaim_isolated(sc, &iso);
		}
		if (sc->nr_reclaimed == before)
			break; /* the farthest pages are all busy or unevictable */
	}
}

/* The priority loop of shrink_node(). */
static void shrink_lruvec(struct scan_control *sc)
{
	for (int prio = DEF_PRIORITY; prio >= 0 && sc->nr_reclaimed < sc->nr_to_reclaim; prio--) {
		sc->may_swap = swap_has_space(sc->sys);
		uint64_t nfile, nanon;
		scan_counts(sc, prio, &nfile, &nanon);
		while ((nfile || nanon) && sc->nr_reclaimed < sc->nr_to_reclaim) {
			uint64_t n = nfile < SWAP_CLUSTER_MAX ? nfile : SWAP_CLUSTER_MAX;
			if (n)
				shrink_list(sc, true, n);
			nfile -= n;
			n = nanon < SWAP_CLUSTER_MAX ? nanon : SWAP_CLUSTER_MAX;
			if (n)
				shrink_list(sc, false, n);
			nanon -= n;
		}
	}
}

/* ---- A user's policy (cfg.policy_ops, include/mmkit.h) ------------------------------------ */

/* Every access to a listed page, told to the user's policy under lru->lock
 * (which serializes all its callbacks). */
static void user_accessed(struct mmk_system *sys, pfn_t pfn)
{
	mmk_mutex_lock(&sys->lru->lock);
	if (page_test(pfn_to_page(&sys->pool, pfn), PG_lru))
		sys->cfg.policy_ops->accessed(sys->cfg.policy_arg, pfn);
	mmk_mutex_unlock(&sys->lru->lock);
}

/* Evicts the pages the user's policy picks until sc's target; a pick that
 * is not a listed page, or an anonymous one while swap is full, or busy,
 * is passed over, SWAP_CLUSTER_MAX such misses end the run. */
static void shrink_user(struct scan_control *sc)
{
	struct mmk_system *sys = sc->sys;
	const struct mmk_policy_ops *po = sys->cfg.policy_ops;
	for (int misses = 0; sc->nr_reclaimed < sc->nr_to_reclaim && misses < SWAP_CLUSTER_MAX;) {
		sc->may_swap = swap_has_space(sys);
		struct isolated iso;
		bool ok = false;
		mmk_mutex_lock(&sys->lru->lock);
		uint32_t pfn = po->victim(sys->cfg.policy_arg, sc->may_swap);
		if (pfn && pfn < sys->pool.nframes) {
			struct page *pg = pfn_to_page(&sys->pool, pfn);
			if (page_test(pg, PG_lru) && (sc->may_swap || page_test(pg, PG_lru_file))) {
				ok = isolate_locked(sc, pfn, &iso);
				sc->nr_busy += !ok;
			}
		}
		mmk_mutex_unlock(&sys->lru->lock);
		if (!pfn)
			break;
		uint64_t before = sc->nr_reclaimed;
		if (ok)
			reclaim_isolated(sc, &iso);
		misses += sc->nr_reclaimed == before;
	}
}

/* The policies, indexed by MMK_RECLAIM_* (reclaim.h; the header comment of
 * this file says what each does). */
static const struct reclaim_policy_ops policy_ops[NR_POLICIES] = {
    [MMK_RECLAIM_LRU] = {.name = "lru",
			 .active_lists = true,
			 .check_references = lru_check_references,
			 .shrink = shrink_lruvec},
    [MMK_RECLAIM_CLOCK] = {.name = "clock",
			   .check_references = clock_check_references,
			   .shrink = shrink_lruvec},
    [MMK_RECLAIM_FIFO] = {.name = "fifo", .shrink = shrink_lruvec},
    [MMK_RECLAIM_OPT] = {.name = "opt", .needs_refs = true, .shrink = shrink_opt},
    [MMK_RECLAIM_EXACT_LRU] = {.name = "exact-lru", .shrink = shrink_lruvec, .accessed = lru_touch},
};

/* shrink_node(): from gentle to thorough until enough is reclaimed. */
static void shrink_node(struct scan_control *sc)
{
	struct reclaim *r = sc->sys->reclaim;
	atomic_fetch_add(&r->active, 1);
	r->ops->shrink(sc);
	atomic_fetch_sub(&r->active, 1);
}

/* ---- kswapd ------------------------------------------------------------------------------ */

static uint64_t free_frames(struct mmk_system *sys)
{
	return frame_pool_free_count(&sys->pool);
}

/* balance_pgdat(): reclaims until the high watermark is met.  A pass that
 * frees nothing is retried a few times a millisecond apart (the pages may
 * only be busy: a fault holding their file's lock), then the run counts as
 * a failure (kswapd_failures) and kswapd_main decides whether to sleep.
 * Caller holds no lock. */
static void kswapd_balance(struct mmk_system *sys)
{
	struct reclaim *r = sys->reclaim;
	int idle = 0;
	mmk_mutex_lock(&r->run_lock);
	atomic_store(&r->running, true);
	for (uint64_t free = free_frames(sys); free < r->wmark_high && !atomic_load(&r->stop);
	     free = free_frames(sys)) {
		struct scan_control sc = {
		    .sys = sys,
		    .kswapd = true,
		    .nr_to_reclaim = r->wmark_high - free > SWAP_CLUSTER_MAX ? r->wmark_high - free
									     : SWAP_CLUSTER_MAX,
		};
		shrink_node(&sc);
		if (sc.nr_reclaimed) {
			atomic_store(&r->failures, 0);
			idle = 0;
			continue;
		}
		if (++idle > KSWAPD_IDLE_RETRIES) {
			atomic_fetch_add(&r->failures, 1);
			break;
		}
		atomic_store(&r->running, false);
		mmk_mutex_unlock(&r->run_lock);
		usleep(1000);
		mmk_mutex_lock(&r->run_lock);
		atomic_store(&r->running, true);
	}
	atomic_store(&r->running, false);
	mmk_mutex_unlock(&r->run_lock);
}

static void *kswapd_main(void *arg)
{
	struct mmk_system *sys = arg;
	struct reclaim *r = sys->reclaim;
	mmk_mutex_lock(&r->lock);
	while (!atomic_load(&r->stop)) {
		if (!r->woken) {
			mmk_cond_wait(&r->cond, &r->lock);
			continue;
		}
		r->woken = false;
		mmk_mutex_unlock(&r->lock);
		kswapd_balance(sys);
		/* kswapd_try_to_sleep(): not while the node is below its high
		 * watermark, unless MAX_RECLAIM_RETRIES runs in a row freed
		 * nothing (pages only busy for a while get another run, with
		 * no allocation needed to wake kswapd). */
		bool again = free_frames(sys) < r->wmark_high &&
			     atomic_load(&r->failures) < MAX_RECLAIM_RETRIES;
		mmk_mutex_lock(&r->lock);
		if (again)
			r->woken = true;
	}
	mmk_mutex_unlock(&r->lock);
	return NULL;
}

/* wakeup_kswapd(), unless it keeps failing (no swap, nothing evictable):
 * then direct reclaim's first success lets it try again. */
static void kswapd_wake(struct mmk_system *sys)
{
	struct reclaim *r = sys->reclaim;
	if (!r->started || atomic_load(&r->failures) >= MAX_RECLAIM_RETRIES)
		return;
	mmk_mutex_lock(&r->lock);
	if (!r->woken) {
		r->woken = true;
		pthread_cond_signal(&r->cond);
	}
	mmk_mutex_unlock(&r->lock);
}

/*
 * Without kswapd (cfg.no_background_threads), the allocating thread does
 * its work: from below the low watermark, direct reclaim up to the high
 * one, giving up after MAX_RECLAIM_RETRIES runs in a row free nothing
 * (pages only referenced are aged by each run).  The frame just
 * allocated is on no list yet, so reclaim cannot take it.  Caller holds at
 * most the inode `held`, as for direct reclaim.
 */
static void balance_in_caller(struct mmk_system *sys, struct mmk_inode *held)
{
	struct reclaim *r = sys->reclaim;
	int fruitless = 0;
	for (uint64_t free = free_frames(sys);
	     free < r->wmark_high && fruitless < MAX_RECLAIM_RETRIES; free = free_frames(sys)) {
		struct scan_control sc = {
		    .sys = sys,
		    .held = held,
		    .nr_to_reclaim = r->wmark_high - free > SWAP_CLUSTER_MAX ? r->wmark_high - free
									     : SWAP_CLUSTER_MAX,
		};
		shrink_node(&sc);
		if (!sc.nr_reclaimed) {
			fruitless++; /* a pass ages referenced pages: the next may free */
			continue;
		}
		fruitless = 0;
		atomic_store(&r->failures, 0);
	}
}

/* The frame pool's slow path (frame_slowpath_fn), page_alloc's way into
 * reclaim: below the low watermark, wake kswapd; no frame, reclaim directly
 * (the part of __alloc_pages_slowpath() that is reclaim's), then say whether
 * the allocation should be tried again.  Caller holds no mm->ptl and no
 * anon_vma lock. */
static bool reclaim_slowpath(void *arg, struct frame_retry *retry, bool failed)
{
	struct mmk_system *sys = arg;
	struct reclaim *r = sys->reclaim;
	if (!failed) {
		/* below the low watermark: kswapd's work, or the caller's when
		 * the system runs no kswapd; a textbook system reclaims only
		 * when no frame is free */
		if (sys->cfg.textbook_reclaim)
			return false;
		if (sys->cfg.no_background_threads && !frame_pool_injecting(&sys->pool) &&
		    !retry->wake_only)
			balance_in_caller(sys, retry->held);
		else
			kswapd_wake(sys);
		return false;
	}
	kswapd_wake(sys);
	struct scan_control sc = {.sys = sys,
				  .held = retry->held,
				  .nr_to_reclaim =
				      sys->cfg.textbook_reclaim ? 1 : SWAP_CLUSTER_MAX};
	shrink_node(&sc);
	if (sc.nr_reclaimed) {
		atomic_store(&r->failures, 0);
		retry->fruitless = 0;
		return retry->tries++ < MAX_RECLAIM_RETRIES;
	}
	/* Other reclaimers may hold the reclaimable pages right now, or
	 * their owners' locks: let them finish. */
	if ((sc.nr_busy || atomic_load(&r->active) || atomic_load(&r->running)) &&
	    retry->waits++ < 10000) {
		sched_yield();
		return true;
	}
	if (++retry->fruitless >= 2)
		return false;
	return retry->tries++ < MAX_RECLAIM_RETRIES;
}

void reclaim_pause(struct mmk_system *sys)
{
	mmk_mutex_lock(&sys->reclaim->run_lock);
}

void reclaim_resume(struct mmk_system *sys)
{
	mmk_mutex_unlock(&sys->reclaim->run_lock);
}

/* ---- Setup ----------------------------------------------------------------------------------- */

static uint64_t isqrt(uint64_t x)
{
	uint64_t r = 0;
	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

/* init_per_zone_wmark_min() + __setup_per_zone_wmarks(), in frames, with
 * small pools kept usable (min at most 1/16 of the frames). */
static void set_watermarks(struct reclaim *r, uint64_t nframes)
{
	uint64_t min_kb = isqrt(nframes * (FRAME_SIZE >> 10) * 16);
	if (min_kb < 128)
		min_kb = 128;
	if (min_kb > 65536)
		min_kb = 65536;
	uint64_t min = min_kb / (FRAME_SIZE >> 10);
	if (min > nframes / 16)
		min = nframes / 16;
	if (min < 1)
		min = 1;
	r->wmark_min = min;
	r->wmark_low = min + (min / 4 ? min / 4 : 1);
	r->wmark_high = min + (min / 2 ? min / 2 : 2);
}

int reclaim_init(struct mmk_system *sys)
{
	int policy = sys->cfg.reclaim_policy;
	if (policy < 0 || policy >= NR_POLICIES)
		return -EINVAL;
	struct reclaim *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->policy = policy;
	r->ops = &policy_ops[policy];
	const struct mmk_policy_ops *po = sys->cfg.policy_ops;
	if (po) {
		if (!po->listed || !po->unlisted || !po->victim) {
			free(r);
			return -EINVAL;
		}
		r->user_ops = (struct reclaim_policy_ops){
		    .name = po->name ? po->name : "user",
		    .shrink = shrink_user,
		    .accessed = po->accessed ? user_accessed : NULL,
		};
		r->ops = &r->user_ops;
	}
	set_watermarks(r, sys->pool.nframes);
	mmk_mutex_init(&r->run_lock, LOCK_RECLAIM_RUN);
	mmk_mutex_init(&r->lock, LOCK_RECLAIM_WAKE);
	pthread_cond_init(&r->cond, NULL);
	sys->reclaim = r;
	sys->lru->activate = r->ops->active_lists;
	sys->sees_every_access = r->ops->accessed != NULL;
	int err = r->ops->needs_refs ? refs_replay_init(sys) : 0;
	/* kswapd, unless the system runs none (no_background_threads) or is
	 * the textbook model (textbook_reclaim: direct reclaim only) */
	bool kswapd = !sys->cfg.no_background_threads && !sys->cfg.textbook_reclaim;
	if (!err && kswapd)
		err = -pthread_create(&r->thread, NULL, kswapd_main, sys);
	if (err) {
		reclaim_destroy(sys);
		return err;
	}
	r->started = kswapd;
	frame_pool_set_slowpath(&sys->pool, reclaim_slowpath, sys, (uint32_t)r->wmark_low);
	return 0;
}

void reclaim_quiesce(struct mmk_system *sys)
{
	struct reclaim *r = sys->reclaim;
	if (!r || !r->started)
		return;
	mmk_mutex_lock(&r->lock);
	atomic_store(&r->stop, true);
	pthread_cond_signal(&r->cond);
	mmk_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	r->started = false;
}

void reclaim_destroy(struct mmk_system *sys)
{
	struct reclaim *r = sys->reclaim;
	if (!r)
		return;
	frame_pool_set_slowpath(&sys->pool, NULL, NULL, 0);
	reclaim_quiesce(sys);
	pthread_cond_destroy(&r->cond);
	mmk_mutex_destroy(&r->lock);
	mmk_mutex_destroy(&r->run_lock);
	free(r);
	sys->reclaim = NULL;
}
