/*
 * lru.c - the LRU lists (see lru.h for their shape, flags and locking):
 * adding pages as they enter the page cache or get mapped anonymous,
 * removing them as they leave, marking read()/write() accesses, and the
 * frame pool's release hook that unlinks a page whose last reference goes
 * (Linux's __folio_put -> lruvec_del_folio).  Mirrors mm/swap.c
 * (folio_add_lru, folio_mark_accessed, lru_lazyfree_fn) without the
 * per-CPU batches: every change takes lru->lock once.
 *
 * Which pages are listed (checked by lru_check_locked and sys_check_frames):
 * every page-cache page (from pagecache_insert_locked until
 * pagecache_delete_locked), every anonymous page from its first mapping
 * (pte_map_locked) until its last unmapping, and every swap-cache page,
 * except while reclaim has isolated it (PG_locked).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lru.h"
#include "vmstat.h"

static struct page *lru_page(struct mmk_system *sys, pfn_t pfn)
{
	return pfn_to_page(&sys->pool, pfn);
}

enum lru_list page_lru_list(struct page *pg)
{
	uint32_t f = page_flags(pg);
	bool active = f & PG_active;
	if (f & PG_lru_file)
		return active ? LRU_ACTIVE_FILE : LRU_INACTIVE_FILE;
	return active ? LRU_ACTIVE_ANON : LRU_INACTIVE_ANON;
}

void lru_link_locked(struct mmk_system *sys, pfn_t pfn, enum lru_list l, bool at_head)
{
	lock_assert_held(&sys->lru->lock);
	struct lru_head *h = &sys->lru->lists[l];
	struct page *pg = lru_page(sys, pfn);
	MMK_BUG_ON(page_test(pg, PG_lru));
	if (at_head) {
		pg->lru_prev = 0;
		pg->lru_next = h->head;
		if (h->head)
			lru_page(sys, h->head)->lru_prev = pfn;
		else
			h->tail = pfn;
		h->head = pfn;
	} else {
		pg->lru_next = 0;
		pg->lru_prev = h->tail;
		if (h->tail)
			lru_page(sys, h->tail)->lru_next = pfn;
		else
			h->head = pfn;
		h->tail = pfn;
	}
	h->nr++;
	page_clear(pg, PG_active | PG_lru_file);
	page_set(pg, PG_lru | (lru_list_is_active(l) ? PG_active : 0) |
			 (lru_list_is_file(l) ? PG_lru_file : 0));
	if (sys->cfg.policy_ops)
		sys->cfg.policy_ops->listed(sys->cfg.policy_arg, pfn, !lru_list_is_file(l));
}

void lru_unlink_locked(struct mmk_system *sys, pfn_t pfn)
{
	lock_assert_held(&sys->lru->lock);
	struct page *pg = lru_page(sys, pfn);
	MMK_BUG_ON(!page_test(pg, PG_lru));
	struct lru_head *h = &sys->lru->lists[page_lru_list(pg)];
	if (pg->lru_prev)
		lru_page(sys, pg->lru_prev)->lru_next = pg->lru_next;
	else
		h->head = pg->lru_next;
	if (pg->lru_next)
		lru_page(sys, pg->lru_next)->lru_prev = pg->lru_prev;
	else
		h->tail = pg->lru_prev;
	pg->lru_prev = pg->lru_next = 0;
	h->nr--;
	page_clear(pg, PG_lru | PG_active | PG_lru_file);
	if (sys->cfg.policy_ops)
		sys->cfg.policy_ops->unlisted(sys->cfg.policy_arg, pfn);
}

/* The frame pool's release hook: the last reference went. */
static void lru_release(void *arg, struct frame_pool *fp, pfn_t pfn)
{
	struct mmk_system *sys = arg;
	(void)fp;
	/* Nobody can list a page without a reference, so an unlisted page
	 * with none stays unlisted: no need for the lock then. */
	if (!page_test(lru_page(sys, pfn), PG_lru))
		return;
	mmk_mutex_lock(&sys->lru->lock);
	if (page_test(lru_page(sys, pfn), PG_lru))
		lru_unlink_locked(sys, pfn);
	mmk_mutex_unlock(&sys->lru->lock);
}

int lru_init(struct mmk_system *sys)
{
	struct lruvec *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	mmk_mutex_init(&l->lock, LOCK_LRU);
	sys->lru = l;
	frame_pool_set_release(&sys->pool, lru_release, sys);
	return 0;
}

void lru_destroy(struct mmk_system *sys)
{
	struct lruvec *l = sys->lru;
	if (!l)
		return;
	for (int i = 0; i < NR_LRU_LISTS; i++)
		if (l->lists[i].nr)
			MMK_BUG("LRU list %d holds %llu pages at destroy", i,
				(unsigned long long)l->lists[i].nr);
	frame_pool_set_release(&sys->pool, NULL, NULL);
	mmk_mutex_destroy(&l->lock);
	free(l);
	sys->lru = NULL;
}

void lru_add(struct mmk_system *sys, pfn_t pfn)
{
	struct page *pg = lru_page(sys, pfn);
	mmk_mutex_lock(&sys->lru->lock);
	uint32_t f = page_flags(pg);
	if (!(f & (PG_lru | PG_locked)))
		lru_link_locked(sys, pfn,
				(f & PG_swapbacked) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE, true);
	mmk_mutex_unlock(&sys->lru->lock);
}

void lru_add_cache(struct mmk_system *sys, pfn_t pfn)
{
	lock_assert_class_held(LOCK_INODE);
	mmk_mutex_lock(&sys->lru->lock);
	sys->lru->nr_cache++;
	mmk_mutex_unlock(&sys->lru->lock);
	lru_add(sys, pfn);
}

void lru_del_cache(struct mmk_system *sys, pfn_t pfn)
{
	lock_assert_class_held(LOCK_INODE);
	struct page *pg = lru_page(sys, pfn);
	mmk_mutex_lock(&sys->lru->lock);
	if (page_test(pg, PG_lru))
		lru_unlink_locked(sys, pfn);
	pg->mapping = NULL;
	sys->lru->nr_cache--;
	mmk_mutex_unlock(&sys->lru->lock);
}

void lru_del(struct mmk_system *sys, pfn_t pfn)
{
	mmk_mutex_lock(&sys->lru->lock);
	if (page_test(lru_page(sys, pfn), PG_lru))
		lru_unlink_locked(sys, pfn);
	mmk_mutex_unlock(&sys->lru->lock);
}

void lru_anon_unmapped(struct mmk_system *sys, pfn_t pfn)
{
	lock_assert_class_held(LOCK_PTL);
	struct page *pg = lru_page(sys, pfn);
	uint32_t f = page_flags(pg);
	if (!(f & PG_anon))
		return;
	if (f & PG_swapcache) {
		/* It stays listed for the swap cache; but a reclaim pass that
		 * read its mapcount before it fell to 0 may be about to trylock
		 * its anon_vma.  A round trip through lru->lock waits for that
		 * pass (which then holds the anon_vma's root lock, so the
		 * anon_vma cannot go before it is done), and every later one
		 * sees mapcount 0 and leaves the anon_vma alone. */
		mmk_mutex_lock(&sys->lru->lock);
		mmk_mutex_unlock(&sys->lru->lock);
		return;
	}
	lru_del(sys, pfn);
}

/* folio_mark_accessed(): the flags are tested before anything is set or
 * locked, so a page touched again and again (a read() loop over cached
 * pages, a populate of a resident range) costs a load, not an atomic
 * read-modify-write or an lru->lock round trip once it is active. */
void lru_mark_accessed(struct mmk_system *sys, pfn_t pfn)
{
	struct page *pg = lru_page(sys, pfn);
	uint32_t seen = page_flags(pg);
	if (!(seen & PG_referenced)) {
		page_set(pg, PG_referenced);
		return;
	}
	if (!sys->lru->activate || (seen & (PG_lru | PG_active)) != PG_lru)
		return; /* already active, or isolated by reclaim: nothing to move */
	mmk_mutex_lock(&sys->lru->lock);
	uint32_t f = page_flags(pg);
	if ((f & PG_lru) && !(f & PG_active)) {
		enum lru_list l = page_lru_list(pg);
		lru_unlink_locked(sys, pfn);
		lru_link_locked(sys, pfn, l + 1, true); /* the active list of the type */
		page_clear(pg, PG_referenced);
		count_vm_event(sys, PGACTIVATE);
	}
	mmk_mutex_unlock(&sys->lru->lock);
}

void lru_touch(struct mmk_system *sys, pfn_t pfn)
{
	struct page *pg = lru_page(sys, pfn);
	mmk_mutex_lock(&sys->lru->lock);
	if (page_test(pg, PG_lru)) {
		enum lru_list l = page_lru_list(pg);
		if (sys->lru->lists[l].head != pfn) {
			lru_unlink_locked(sys, pfn);
			lru_link_locked(sys, pfn, l, true);
		}
	}
	mmk_mutex_unlock(&sys->lru->lock);
}

void lru_lazyfree(struct mmk_system *sys, pfn_t pfn)
{
	struct page *pg = lru_page(sys, pfn);
	mmk_mutex_lock(&sys->lru->lock);
	if (page_test(pg, PG_lru)) {
		lru_unlink_locked(sys, pfn);
		page_clear(pg, PG_referenced);
		lru_link_locked(sys, pfn, LRU_INACTIVE_FILE, true);
	}
	mmk_mutex_unlock(&sys->lru->lock);
}

int lru_check_locked(struct mmk_system *sys, uint8_t *listed, char *err, size_t errlen)
{
	lock_assert_held(&sys->lru->lock);
	struct frame_pool *fp = &sys->pool;
	for (int l = 0; l < NR_LRU_LISTS; l++) {
		struct lru_head *h = &sys->lru->lists[l];
		uint64_t n = 0;
		pfn_t prev = 0;
		for (pfn_t p = h->head; p; prev = p, p = lru_page(sys, p)->lru_next) {
			MMK_CHECK(p < fp->nframes, err, errlen, "LRU list %d holds bad pfn %u", l,
				  p);
			MMK_CHECK(!listed[p], err, errlen,
				  "frame %u is on the LRU twice (or a cycle)", p);
			listed[p] = 1;
			struct page *pg = lru_page(sys, p);
			uint32_t f = page_flags(pg);
			MMK_CHECK(pg->lru_prev == prev, err, errlen,
				  "LRU list %d: frame %u links back to %u, "
				  "not %u",
				  l, p, pg->lru_prev, prev);
			MMK_CHECK((f & PG_lru) && page_lru_list(pg) == (enum lru_list)l, err,
				  errlen, "frame %u on LRU list %d has flags %#x", p, l, f);
			MMK_CHECK(!(f & PG_locked), err, errlen, "frame %u is listed and isolated",
				  p);
			MMK_CHECK(page_refcount(pg) > 0, err, errlen, "free frame %u is on the LRU",
				  p);
			n++;
		}
		MMK_CHECK(h->tail == prev, err, errlen, "LRU list %d: tail %u, last %u", l, h->tail,
			  prev);
		MMK_CHECK(h->nr == n, err, errlen, "LRU list %d counts %llu pages, holds %llu", l,
			  (unsigned long long)h->nr, (unsigned long long)n);
	}
	return 0;
}
