/*
 * lru.h - the LRU lists of a system: every page-cache page, mapped
 * anonymous page and swap-cache page sits on one of four lists, as in
 * Linux's lruvec (mm/swap.c, include/linux/mm_inline.h):
 *
 *            newest (head)                       oldest (tail)
 *   inactive anon  [p] <-> [p] <-> ... <-> [p]   anon + shmem pages
 *   active anon    [p] <-> ...                   (PG_swapbacked)
 *   inactive file  [p] <-> ...                   file pages, and anon pages
 *   active file    [p] <-> ...                   MADV_FREE made lazyfree
 *
 * linked through struct page's lru_prev/lru_next pfns (0 ends a list: pfn
 * 0 is the zero page, never listed).  A page on a list has PG_lru, PG_active
 * if on an active list and PG_lru_file if on a file list; reclaim takes a
 * page off (isolates it) with a reference and PG_locked, and puts it back or
 * frees it.  The policies that use only one list per type (clock, FIFO, OPT)
 * use the inactive ones.  A user's policy (cfg.policy_ops) is told of
 * every link (listed) and unlink (unlisted), under lru->lock.
 *
 * Locking: lru->lock protects the lists, their counts, the PG_lru /
 * PG_active / PG_lru_file bits of listed pages, and page->mapping of a
 * listed page-cache page (which the cache sets before listing and clears
 * only through lru_del_cache, under this lock).  So while it is held, a
 * listed file page's inode is alive, and a listed anonymous page with
 * mapcount > 0 has a live anon_vma (the last unmapping takes this lock in
 * lru_anon_unmapped before its VMA can go).  It comes after mm->ptl and
 * sys->lock, before swap->lock and the frame pool's lock.
 */
#ifndef MMK_LRU_H
#define MMK_LRU_H

#include "pages.h"

enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	NR_LRU_LISTS
};

static inline bool lru_list_is_file(enum lru_list l)
{
	return l == LRU_INACTIVE_FILE || l == LRU_ACTIVE_FILE;
}

static inline bool lru_list_is_active(enum lru_list l)
{
	return l == LRU_ACTIVE_ANON || l == LRU_ACTIVE_FILE;
}

struct lru_head {
	pfn_t head, tail; /* newest, oldest; 0 when empty */
	uint64_t nr;
};

struct lruvec {
	struct mmk_mutex lock; /* see the header comment */
	struct lru_head lists[NR_LRU_LISTS];
	uint64_t nr_cache; /* page-cache pages (nr_file_pages) */
	bool activate;	   /* set by reclaim_init before use from the
			      policy's active_lists, then immutable:
			      lru_mark_accessed moves a page referenced
			      twice to the active list (Linux's LRU
			      does; clock, FIFO and OPT use one list
			      per type) */
};

/* Sets up sys->lru and the frame pool's release hook.  0 or -ENOMEM. */
int lru_init(struct mmk_system *sys);
/* Frees sys->lru; every list must be empty (all frames are free). */
void lru_destroy(struct mmk_system *sys);

/* lru_cache_add(): puts a page the caller holds a reference on at the head
 * of its inactive list (anon if PG_swapbacked, else file), unless it is
 * already listed or isolated (PG_locked).  Any lock but lru->lock may be
 * held. */
void lru_add(struct mmk_system *sys, pfn_t pfn);
/* A page entering a page cache (after mapping/index are set): counted and
 * listed.  Caller holds the inode lock. */
void lru_add_cache(struct mmk_system *sys, pfn_t pfn);
/* A page leaving a page cache: unlisted, page->mapping cleared, uncounted.
 * Caller holds the inode lock. */
void lru_del_cache(struct mmk_system *sys, pfn_t pfn);
/* Takes a page off its list if it is on one. */
void lru_del(struct mmk_system *sys, pfn_t pfn);
/* An anonymous page just lost its last mapping: unless the swap cache
 * holds it, it only waits for its pins to go, so it leaves the LRU now;
 * either way lru->lock is taken before its anon_vma may go (see the
 * header).  Caller holds mm->ptl. */
void lru_anon_unmapped(struct mmk_system *sys, pfn_t pfn);
/* folio_mark_accessed(): a read()/write() touched the page.  LRU policy:
 * the second touch of an inactive page activates it; else PG_referenced. */
void lru_mark_accessed(struct mmk_system *sys, pfn_t pfn);
/* Textbook LRU's bookkeeping (MMK_RECLAIM_EXACT_LRU): an access moves a
 * listed page to the head of its list.  Caller holds mm->ptl. */
void lru_touch(struct mmk_system *sys, pfn_t pfn);
/* lru_lazyfree(): MADV_FREE cleared PG_swapbacked; the page moves to the
 * inactive file list (reclaimable without swap). */
void lru_lazyfree(struct mmk_system *sys, pfn_t pfn);

/* ---- For reclaim.c, with lru->lock held ------------------------------------ */

static inline struct lruvec *sys_lru(struct mmk_system *sys)
{
	return sys->lru;
}
/* The list a listed page is on, from its flags. */
enum lru_list page_lru_list(struct page *pg);
/* Links pfn on list l at the head (newest) or tail, setting its flags. */
void lru_link_locked(struct mmk_system *sys, pfn_t pfn, enum lru_list l, bool head);
/* Unlinks a listed page, clearing PG_lru/PG_active/PG_lru_file. */
void lru_unlink_locked(struct mmk_system *sys, pfn_t pfn);

/* Checks the lists: links consistent, counts right, flags match, no page
 * twice, every listed page referenced.  Sets listed[pfn] = 1 for each.
 * Caller holds lru->lock.  0 or -EUCLEAN with a message. */
int lru_check_locked(struct mmk_system *sys, uint8_t *listed, char *err, size_t errlen);

#endif
