/*
 * pgtable.c - page-table walking, table allocation and freeing.  See
 * pgtable.h for the address layout, the entry formats, the invariants and
 * the locking rules.
 *
 * Table pages live in slabs: 2 MiB host mappings aligned to 2 MiB, cut into
 * 512 slots of 4 KiB.  Slot 0 holds the slab's descriptor (struct pt_slab);
 * slots 1..511 hold tables.  From any pointer into a table:
 *
 *   slab = ptr & ~(2 MiB - 1)          slot = (ptr >> 12) & 511
 *
 * so a table's level and used count are one mask away, as Linux finds a
 * page-table page's struct ptdesc through virt_to_page().  Slabs are mapped
 * MAP_NORESERVE: a slot costs host RAM only once a table has used it.  A slab
 * whose tables are all freed goes back to the system's pool (struct pt_pool,
 * pgtable.h), except that one such empty slab is kept by its pgtable to
 * absorb map/unmap churn; pgtable_destroy() gives every slab back.  The pool
 * hands a slab out as it is: its descriptor's free list and high-water mark
 * stay valid across owners, and every slot is zero, so a new address space
 * (a fork's child) writes its tables into host memory that is already
 * faulted in instead of mapping, first-touching and unmapping 2 MiB.
 */
#include "pgtable.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bug.h"

#ifndef MMK_DEBUG
#define MMK_DEBUG 0
#endif

#define PT_TABLE_SHIFT 12
#define PT_TABLE_SIZE  (1ul << PT_TABLE_SHIFT)
#define PT_SLAB_SHIFT  21
#define PT_SLAB_SIZE   (1ul << PT_SLAB_SHIFT)
#define PT_SLAB_SLOTS  ((unsigned)(PT_SLAB_SIZE / PT_TABLE_SIZE)) /* slot 0: descriptor */
#define PT_LEVEL_FREE  0xff
#define PT_DIR_FLAGS   (PTE_PRESENT | PTE_WRITE | PTE_USER)

/* The descriptor in slot 0 of a slab. */
struct pt_slab {
	struct pt_slab *next;		      /* alloc_lock: pt->slabs list */
	uint16_t nfree;			      /* alloc_lock: free slots, listed or >= hwm */
	uint16_t hwm;			      /* alloc_lock: slots [1, hwm) have been used */
	uint16_t free_head;		      /* alloc_lock: freed slots via free_next; 0 = none */
	uint16_t free_next[PT_SLAB_SLOTS];    /* alloc_lock */
	uint8_t level[PT_SLAB_SLOTS];	      /* alloc_lock; fixed while the table is live */
	_Atomic uint16_t used[PT_SLAB_SLOTS]; /* non-zero entries of each live table */
};
_Static_assert(sizeof(struct pt_slab) <= PT_TABLE_SIZE, "slab descriptor must fit slot 0");
_Static_assert(PT_ENTRIES * sizeof(pte_t) == PT_TABLE_SIZE, "a table is one 4 KiB page");

/* ---- slabs: where tables come from --------------------------------------- */

static struct pt_slab *pt_slab_of(const void *p)
{
	return (struct pt_slab *)((uintptr_t)p & ~(uintptr_t)(PT_SLAB_SIZE - 1));
}

static unsigned pt_slot_of(const void *p)
{
	return (unsigned)((uintptr_t)p >> PT_TABLE_SHIFT) & (PT_SLAB_SLOTS - 1);
}

static pte_t *pt_slot_table(struct pt_slab *s, unsigned slot)
{
	return (pte_t *)((uint8_t *)s + (size_t)slot * PT_TABLE_SIZE);
}

/* The used count of the live table containing @p; aborts if none is live there. */
static _Atomic uint16_t *pt_used_of(const void *p)
{
	struct pt_slab *s = pt_slab_of(p);
	unsigned slot = pt_slot_of(p);

	if (slot == 0 || s->level[slot] == PT_LEVEL_FREE)
		MMK_BUG("%p is not in a live page table", p);
	return &s->used[slot];
}

static unsigned pt_used(const pte_t *table)
{
	return atomic_load_explicit(pt_used_of(table), memory_order_relaxed);
}

/* One more non-zero entry in the table holding @entry. */
static void pt_used_inc(const pte_t *entry)
{
	uint16_t old = atomic_fetch_add_explicit(pt_used_of(entry), 1, memory_order_relaxed);

	if (old >= PT_ENTRIES)
		MMK_BUG("table %p used count overflow", (void *)entry);
}

/* One fewer non-zero entry in the table holding @entry. */
static void pt_used_dec(const pte_t *entry)
{
	uint16_t old = atomic_fetch_sub_explicit(pt_used_of(entry), 1, memory_order_relaxed);

	if (old == 0)
		MMK_BUG("table %p used count underflow", (void *)entry);
}

/* Whether @s is one of @pt's slabs (O(slabs): for checks). */
static bool pt_slab_is_ours(struct pgtable *pt, const struct pt_slab *s)
{
	for (struct pt_slab *it = pt->slabs; it; it = it->next)
		if (it == s)
			return true;
	return false;
}

/* Maps a new, empty, 2 MiB-aligned slab; NULL if the host refuses. */
static struct pt_slab *pt_slab_create(void)
{
	size_t len = 2 * PT_SLAB_SIZE;
	uint8_t *raw = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (raw == MAP_FAILED)
		return NULL;
	uintptr_t start = ((uintptr_t)raw + PT_SLAB_SIZE - 1) & ~(uintptr_t)(PT_SLAB_SIZE - 1);
	size_t head = start - (uintptr_t)raw;
	if (head)
		munmap(raw, head);
	munmap((void *)(start + PT_SLAB_SIZE), PT_SLAB_SIZE - head);
	if ((start + PT_SLAB_SIZE - 1) & ~PTE_PFN_MASK & ~(uintptr_t)(PT_TABLE_SIZE - 1))
		MMK_BUG("host address %#lx does not fit a table entry", (unsigned long)start);

	/* a transparent huge page would make the first table cost 2 MiB of RAM */
	madvise((void *)start, PT_SLAB_SIZE, MADV_NOHUGEPAGE);

	struct pt_slab *s = (struct pt_slab *)start;
	s->nfree = PT_SLAB_SLOTS - 1;
	s->hwm = 1;
	memset(s->level, PT_LEVEL_FREE, sizeof(s->level));
	return s;
}

/* ---- the pool: empty slabs shared by the pgtables of one system -------- */

void pt_pool_init(struct pt_pool *pool, uint32_t max_free)
{
	memset(pool, 0, sizeof(*pool));
	mmk_mutex_init(&pool->lock, LOCK_PT_POOL);
	pool->max_free = max_free;
}

void pt_pool_destroy(struct pt_pool *pool)
{
	if (pool->nr_out)
		MMK_BUG("pool destroyed with %llu slabs still in pgtables (leak)",
			(unsigned long long)pool->nr_out);
	while (pool->free) {
		struct pt_slab *s = pool->free;
		pool->free = s->next;
		munmap(s, PT_SLAB_SIZE);
	}
	mmk_mutex_destroy(&pool->lock);
	memset(pool, 0, sizeof(*pool));
}

/* An empty slab from the pool, else a new one from the host; NULL if the host refuses. */
static struct pt_slab *pt_pool_get(struct pt_pool *pool)
{
	mmk_mutex_lock(&pool->lock);
	struct pt_slab *s = pool->free;
	if (s) {
		pool->free = s->next;
		pool->nr_free--;
	}
	mmk_mutex_unlock(&pool->lock);
	if (s && s->nfree != PT_SLAB_SLOTS - 1)
		MMK_BUG("slab %p in the pool holds %u live tables", (void *)s,
			PT_SLAB_SLOTS - 1 - s->nfree);
	if (!s && !(s = pt_slab_create()))
		return NULL;
	s->next = NULL;
	mmk_mutex_lock(&pool->lock);
	pool->nr_out++;
	mmk_mutex_unlock(&pool->lock);
	return s;
}

/* Takes back a slab with no live table (all slots zero); unmaps it when the pool is full. */
static void pt_pool_put(struct pt_pool *pool, struct pt_slab *s)
{
	if (s->nfree != PT_SLAB_SLOTS - 1)
		MMK_BUG("slab %p given to the pool with %u live tables", (void *)s,
			PT_SLAB_SLOTS - 1 - s->nfree);
	mmk_mutex_lock(&pool->lock);
	pool->nr_out--;
	bool keep = pool->nr_free < pool->max_free;
	if (keep) {
		s->next = pool->free;
		pool->free = s;
		pool->nr_free++;
	}
	mmk_mutex_unlock(&pool->lock);
	if (!keep)
		munmap(s, PT_SLAB_SIZE);
}

/* ---- a pgtable's slabs --------------------------------------------------- */

/* A slab with a free slot, taking one from the pool if needed; NULL on -ENOMEM.
 * Caller holds alloc_lock. */
static struct pt_slab *pt_slab_with_room_locked(struct pgtable *pt)
{
	lock_assert_held(&pt->alloc_lock);
	if (pt->hint && pt->hint->nfree)
		return pt->hint;
	for (struct pt_slab *s = pt->slabs; s; s = s->next) {
		if (s->nfree) {
			pt->hint = s;
			return s;
		}
	}
	struct pt_slab *s = pt_pool_get(pt->pool);
	if (!s)
		return NULL;
	s->next = pt->slabs;
	pt->slabs = s;
	pt->hint = s;
	pt->nr_slabs++;
	pt->empty_slabs++;
	return s;
}

/* Unlinks a slab with no live table and gives it back to the pool.  Caller holds alloc_lock. */
static void pt_slab_release_locked(struct pgtable *pt, struct pt_slab *victim)
{
	lock_assert_held(&pt->alloc_lock);
	struct pt_slab **pp = &pt->slabs;

	while (*pp != victim)
		pp = &(*pp)->next;
	*pp = victim->next;
	pt->nr_slabs--;
	if (pt->hint == victim)
		pt->hint = NULL;
	pt_pool_put(pt->pool, victim);
}

/* Whether the injected failure applies now.  Caller holds alloc_lock. */
static bool pt_fail_now_locked(struct pgtable *pt)
{
	lock_assert_held(&pt->alloc_lock);
	if (failinj_should_fail(pt->pool->inj))
		return true;
	if (pt->fail_after < 0)
		return false;
	if (pt->fail_after == 0)
		return true;
	pt->fail_after--;
	return false;
}

/*
 * Allocates an all-zero table for @level with used count 0, or returns NULL
 * (-ENOMEM).  Freed slots are zero by invariant and never-used slots are the
 * host's zero fill, so nothing is cleared here.
 */
static pte_t *pt_table_alloc(struct pgtable *pt, int level)
{
	mmk_mutex_lock(&pt->alloc_lock);
	struct pt_slab *s = pt_fail_now_locked(pt) ? NULL : pt_slab_with_room_locked(pt);
	if (!s) {
		mmk_mutex_unlock(&pt->alloc_lock);
		return NULL;
	}
	unsigned slot;
	if (s->nfree == PT_SLAB_SLOTS - 1)
		pt->empty_slabs--;
	if (s->free_head) {
		slot = s->free_head;
		s->free_head = s->free_next[slot];
	} else {
		slot = s->hwm++;
	}
	s->nfree--;
	s->level[slot] = (uint8_t)level;
	atomic_store_explicit(&s->used[slot], 0, memory_order_relaxed);
	atomic_fetch_add(&pt->nr_tables, 1);
	atomic_fetch_add(&pt->nr_level[level], 1);
	mmk_mutex_unlock(&pt->alloc_lock);
	return pt_slot_table(s, slot);
}

/* Aborts unless every entry of @table is zero (the check behind "freed slots are zero"). */
static void pt_table_assert_clear(const pte_t *table, int level)
{
	pte_t any = 0;

	for (unsigned i = 0; i < PT_ENTRIES;
	     i++) /* branch-free; the search below only on failure */
		any |= table[i];
	if (!any)
		return;
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		if (table[i])
			MMK_BUG("freeing level-%d table %p with entry %u = %#llx but used count 0: "
				"a PTE was set without pgtable_set_pte()?",
				level, (const void *)table, i, (unsigned long long)table[i]);
	}
}

/*
 * Returns a live, empty, unlinked table to its slab; gives the slab back to
 * the pool when no live table remains in it and another empty slab is
 * already kept.
 */
static void pt_table_free(struct pgtable *pt, pte_t *table)
{
	struct pt_slab *s = pt_slab_of(table);
	unsigned slot = pt_slot_of(table);

	if (pt_used(table) != 0)
		MMK_BUG("freeing table %p with %u entries in use", (void *)table, pt_used(table));
	int level = s->level[slot];
	pt_table_assert_clear(table, level);

	mmk_mutex_lock(&pt->alloc_lock);
	s->level[slot] = PT_LEVEL_FREE;
	s->free_next[slot] = s->free_head;
	s->free_head = (uint16_t)slot;
	s->nfree++;
	atomic_fetch_sub(&pt->nr_tables, 1);
	atomic_fetch_sub(&pt->nr_level[level], 1);
	if (s->nfree == PT_SLAB_SLOTS - 1) {
		if (pt->empty_slabs)
			pt_slab_release_locked(pt, s);
		else
			pt->empty_slabs++;
	}
	mmk_mutex_unlock(&pt->alloc_lock);
}

/* ---- entries ------------------------------------------------------------- */

/* The upper-level entry pointing at @child. */
static pte_t pt_dir_entry(pte_t *child)
{
	return (pte_t)(uintptr_t)child | PT_DIR_FLAGS;
}

/* The table an upper-level entry points at. */
static pte_t *pt_dir_table(pte_t e)
{
	return (pte_t *)(uintptr_t)(e & PTE_PFN_MASK);
}

static pte_t pt_dir_load(const pte_t *entry)
{
	return __atomic_load_n(entry, __ATOMIC_ACQUIRE);
}

/* Bytes of address space one entry at @level maps. */
static uint64_t pt_entry_span(int level)
{
	return 1ull << (PTE_PFN_SHIFT + 9 * level);
}

/* The first entry of the table at @level mapping from @base that reaches @start. */
static unsigned pt_first_index(uint64_t base, uint64_t start, int level)
{
	return start <= base ? 0 : (unsigned)((start - base) / pt_entry_span(level));
}

/* ---- the public operations ---------------------------------------------- */

int pgtable_init(struct pgtable *pt, struct pt_pool *pool)
{
	memset(pt, 0, sizeof(*pt));
	mmk_mutex_init(&pt->alloc_lock, LOCK_PT_ALLOC);
	pt->pool = pool;
	pt->fail_after = -1;
	pt->pgd = pt_table_alloc(pt, PT_PGD);
	if (!pt->pgd) {
		mmk_mutex_destroy(&pt->alloc_lock);
		return -ENOMEM;
	}
	return 0;
}

/* Clears and frees every table still live in @s (the PGD, at least), so
 * that the slab can go back to the pool all-zero. */
static void pt_slab_clear(struct pt_slab *s)
{
	for (unsigned slot = 1; slot < s->hwm; slot++) {
		if (s->level[slot] == PT_LEVEL_FREE)
			continue;
		memset(pt_slot_table(s, slot), 0, PT_TABLE_SIZE);
		s->level[slot] = PT_LEVEL_FREE;
		atomic_store_explicit(&s->used[slot], 0, memory_order_relaxed);
		s->free_next[slot] = s->free_head;
		s->free_head = (uint16_t)slot;
		s->nfree++;
	}
}

void pgtable_destroy(struct pgtable *pt)
{
	struct pt_slab *s = pt->slabs;

	while (s) {
		struct pt_slab *next = s->next;
		pt_slab_clear(s);
		pt_pool_put(pt->pool, s);
		s = next;
	}
	mmk_mutex_destroy(&pt->alloc_lock);
	memset(pt, 0, sizeof(*pt));
}

/*
 * Makes *entry (an empty upper entry) point at a new table of @child_level.
 * Returns the entry's value afterwards, or 0 on -ENOMEM.  If another walker
 * installed a table first, ours is freed and theirs is used.
 */
static pte_t pt_install(struct pgtable *pt, pte_t *entry, int child_level)
{
	pte_t *child = pt_table_alloc(pt, child_level);

	if (!child)
		return 0;
	pte_t expect = 0, want = pt_dir_entry(child);
	if (__atomic_compare_exchange_n(entry, &expect, want, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		pt_used_inc(entry);
		return want;
	}
	pt_table_free(pt, child);
	return expect;
}

pte_t *pgtable_walk(struct pgtable *pt, uint64_t va, int alloc)
{
	pte_t *table = pt->pgd;

	if (va >= PGTABLE_VA_END)
		MMK_BUG("walk of non-canonical address %#llx", (unsigned long long)va);
	for (int level = PT_PGD; level > PT_PTE; level--) {
		pte_t *entry = &table[pt_index(va, level)];
		pte_t e = pt_dir_load(entry);
		if (!e) {
			if (!alloc)
				return NULL;
			e = pt_install(pt, entry, level - 1);
			if (!e)
				return NULL;
		}
		table = pt_dir_table(e);
	}
	return &table[pt_index(va, PT_PTE)];
}

pte_t pgtable_set_pte(struct pgtable *pt, pte_t *ptep, pte_t e)
{
	struct pt_slab *s = pt_slab_of(ptep);
	unsigned slot = pt_slot_of(ptep);

	if (MMK_DEBUG && !pt_slab_is_ours(pt, s))
		MMK_BUG("pgtable_set_pte on %p, not in this pgtable", (void *)ptep);
	if (slot == 0 || s->level[slot] != PT_PTE)
		MMK_BUG("pgtable_set_pte on %p, not in a live PTE table", (void *)ptep);
	pte_t old = *ptep;
	if (!old && e)
		pt_used_inc(ptep);
	else if (old && !e)
		pt_used_dec(ptep);
	*ptep = e;
	return old;
}

pte_t pgtable_clear_pte(struct pgtable *pt, pte_t *ptep)
{
	return pgtable_set_pte(pt, ptep, 0);
}

void pgtable_add_used(struct pgtable *pt, pte_t *ptep, int delta)
{
	struct pt_slab *s = pt_slab_of(ptep);
	unsigned slot = pt_slot_of(ptep);

	if (MMK_DEBUG && !pt_slab_is_ours(pt, s))
		MMK_BUG("pgtable_add_used on %p, not in this pgtable", (void *)ptep);
	if (slot == 0 || s->level[slot] != PT_PTE)
		MMK_BUG("pgtable_add_used on %p, not in a live PTE table", (void *)ptep);
	int old = atomic_fetch_add_explicit(&s->used[slot], (uint16_t)delta, memory_order_relaxed);
	if (old + delta < 0 || old + delta > PT_ENTRIES)
		MMK_BUG("table %p used count %d%+d out of range", (void *)ptep, old, delta);
}

/* Arguments that stay the same down a for_each recursion: fn visits PTEs,
 * or table_fn (when set) visits whole PTE tables. */
struct pt_iter {
	uint64_t end;
	int (*fn)(void *arg, uint64_t va, pte_t *ptep);
	int (*table_fn)(void *arg, const struct pte_run *run);
	void *arg;
};

/* Hands the PTE table @table (mapping from @base) to it->table_fn, with the
 * run of entries inside [start, it->end). */
static int pt_visit_table(struct pt_iter *it, pte_t *table, uint64_t base, uint64_t start)
{
	if (pt_used(table) == 0)
		return 0;
	uint64_t span = pt_entry_span(PT_PTE);
	uint64_t last = (it->end - base + span - 1) / span;
	struct pte_run run = {
	    .table = table,
	    .base = base,
	    .first = pt_first_index(base, start, PT_PTE),
	    .last = last < PT_ENTRIES ? (unsigned)last : PT_ENTRIES,
	};
	return it->table_fn(it->arg, &run);
}

/*
 * Visits the non-zero PTEs at or above @start (and below it->end) under
 * @table, a table at @level mapping addresses from @base.  The scan of a
 * table stops once it has passed as many non-zero entries as the table
 * held on arrival, so a table with one entry near its start costs little.
 */
static int pt_for_each(struct pt_iter *it, pte_t *table, int level, uint64_t base, uint64_t start)
{
	uint64_t span = pt_entry_span(level);
	unsigned i = pt_first_index(base, start, level);
	unsigned left = pt_used(table); /* non-zero entries not yet passed */

	for (; left && i < PT_ENTRIES; i++) {
		uint64_t va = base + i * span;
		if (va >= it->end)
			break;
		int r;
		if (level == PT_PTE) {
			if (!table[i])
				continue;
			left--;
			r = it->fn(it->arg, va, &table[i]);
		} else {
			pte_t e = pt_dir_load(&table[i]);
			if (!e)
				continue;
			left--;
			if (level == PT_PMD && it->table_fn)
				r = pt_visit_table(it, pt_dir_table(e), va, start);
			else
				r = pt_for_each(it, pt_dir_table(e), level - 1, va, start);
		}
		if (r)
			return r;
	}
	return 0;
}

int pgtable_for_each(struct pgtable *pt, uint64_t start, uint64_t end,
		     int (*fn)(void *arg, uint64_t va, pte_t *ptep), void *arg)
{
	struct pt_iter it = {
	    .end = end < PGTABLE_VA_END ? end : PGTABLE_VA_END, .fn = fn, .arg = arg};

	if (start >= it.end)
		return 0;
	return pt_for_each(&it, pt->pgd, PT_PGD, 0, start);
}

int pgtable_for_each_table(struct pgtable *pt, uint64_t start, uint64_t end,
			   int (*fn)(void *arg, const struct pte_run *run), void *arg)
{
	struct pt_iter it = {
	    .end = end < PGTABLE_VA_END ? end : PGTABLE_VA_END, .table_fn = fn, .arg = arg};

	if (start >= it.end)
		return 0;
	return pt_for_each(&it, pt->pgd, PT_PGD, 0, start);
}

/*
 * Frees the empty tables below @table (at @level > PT_PTE, mapping from
 * @base) that cover part of [start, end), deepest first.
 */
static void pt_free_range(struct pgtable *pt, pte_t *table, int level, uint64_t base,
			  uint64_t start, uint64_t end)
{
	uint64_t span = pt_entry_span(level);

	if (pt_used(table) == 0)
		return;
	for (unsigned i = pt_first_index(base, start, level); i < PT_ENTRIES; i++) {
		uint64_t va = base + i * span;
		if (va >= end)
			break;
		pte_t e = pt_dir_load(&table[i]);
		if (!e)
			continue;
		pte_t *child = pt_dir_table(e);
		if (level - 1 > PT_PTE)
			pt_free_range(pt, child, level - 1, va, start, end);
		if (pt_used(child) != 0)
			continue;
		__atomic_store_n(&table[i], 0, __ATOMIC_RELEASE);
		pt_used_dec(&table[i]);
		pt_table_free(pt, child);
	}
}

void pgtable_free_range(struct pgtable *pt, uint64_t start, uint64_t end)
{
	if (end > PGTABLE_VA_END)
		end = PGTABLE_VA_END;
	if (start < end)
		pt_free_range(pt, pt->pgd, PT_PGD, 0, start, end);
}

uint64_t pgtable_nr_tables(const struct pgtable *pt)
{
	return atomic_load(&pt->nr_tables);
}

uint64_t pgtable_nr_level(const struct pgtable *pt, int level)
{
	if (level < PT_PTE || level > PT_PGD)
		MMK_BUG("no page-table level %d", level);
	return atomic_load(&pt->nr_level[level]);
}

uint64_t pgtable_bytes(const struct pgtable *pt)
{
	uint64_t n = pgtable_nr_level(pt, PT_PTE) + pgtable_nr_level(pt, PT_PMD) +
		     pgtable_nr_level(pt, PT_PUD);

	return n * PT_TABLE_SIZE;
}

void pgtable_inject_fail(struct pgtable *pt, int64_t after)
{
	mmk_mutex_lock(&pt->alloc_lock);
	pt->fail_after = after < 0 ? -1 : after;
	mmk_mutex_unlock(&pt->alloc_lock);
}

/* ---- the invariant checker ----------------------------------------------- */

struct pt_check {
	struct pgtable *pt;
	char *err;
	size_t errlen;
	uint64_t found[PT_LEVELS];
};

/* The checks on one leaf entry. */
static int pt_check_pte(struct pt_check *c, const pte_t *table, unsigned i)
{
	pte_t e = table[i];

	MMK_CHECK(pte_kind(e) != PTE_KIND_BAD, c->err, c->errlen,
		  "PTE %u of %p is %#llx: neither present nor a swap entry nor a guard marker", i,
		  (const void *)table, (unsigned long long)e);
	return 0;
}

/* Checks @table, claimed to be a live table at @level, and everything below it. */
static int pt_check_table(struct pt_check *c, pte_t *table, int level)
{
	struct pt_slab *s = pt_slab_of(table);
	unsigned slot = pt_slot_of(table);
	unsigned nonzero = 0;

	MMK_CHECK(((uintptr_t)table & (PT_TABLE_SIZE - 1)) == 0 && slot != 0 &&
		      pt_slab_is_ours(c->pt, s),
		  (c)->err, (c)->errlen, "level-%d table %p is not a slot of this pgtable", level,
		  (void *)table);
	MMK_CHECK(s->level[slot] == level, (c)->err, (c)->errlen,
		  "table %p is level %d but reached as level %d", (void *)table, s->level[slot],
		  level);
	c->found[level]++;
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];
		if (!e)
			continue;
		nonzero++;
		int r;
		if (level == PT_PTE) {
			r = pt_check_pte(c, table, i);
		} else {
			MMK_CHECK((e & ~PTE_PFN_MASK) == PT_DIR_FLAGS, (c)->err, (c)->errlen,
				  "level-%d entry %u of %p is %#llx: not a table entry", level, i,
				  (void *)table, (unsigned long long)e);
			r = pt_check_table(c, pt_dir_table(e), level - 1);
		}
		if (r)
			return r;
	}
	MMK_CHECK(nonzero == pt_used(table), (c)->err, (c)->errlen,
		  "table %p has %u entries but used count %u", (void *)table, nonzero,
		  pt_used(table));
	return 0;
}

/* Checks one slab's free list and that its freed slots are all-zero. */
static int pt_check_slab(struct pt_check *c, struct pt_slab *s, uint64_t *live)
{
	uint8_t listed[PT_SLAB_SLOTS] = {0};
	unsigned nlisted = 0;

	for (unsigned slot = s->free_head; slot; slot = s->free_next[slot]) {
		MMK_CHECK(slot < s->hwm && !listed[slot], (c)->err, (c)->errlen,
			  "slab %p free list: bad or repeated slot %u", (void *)s, slot);
		MMK_CHECK(s->level[slot] == PT_LEVEL_FREE, (c)->err, (c)->errlen,
			  "slab %p: listed slot %u is live", (void *)s, slot);
		listed[slot] = 1;
		nlisted++;
		const pte_t *t = pt_slot_table(s, slot);
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			MMK_CHECK(t[i] == 0, (c)->err, (c)->errlen,
				  "freed table %p holds entry %u = %#llx", (const void *)t, i,
				  (unsigned long long)t[i]);
	}
	MMK_CHECK(nlisted + (PT_SLAB_SLOTS - s->hwm) == s->nfree, (c)->err, (c)->errlen,
		  "slab %p: nfree %u but %u free slots", (void *)s, s->nfree,
		  nlisted + (PT_SLAB_SLOTS - s->hwm));
	for (unsigned slot = 1; slot < s->hwm; slot++)
		if (!listed[slot])
			MMK_CHECK(s->level[slot] < PT_LEVELS, (c)->err, (c)->errlen,
				  "slab %p: slot %u lost", (void *)s, slot);
	*live += PT_SLAB_SLOTS - 1 - s->nfree;
	return 0;
}

int pgtable_check(struct pgtable *pt, char *err, size_t errlen)
{
	struct pt_check c = {.pt = pt, .err = err, .errlen = errlen};
	uint64_t live = 0, total = 0;
	unsigned empty = 0, slabs = 0;

	int r = pt_check_table(&c, pt->pgd, PT_PGD);
	if (r)
		return r;
	for (int level = 0; level < PT_LEVELS; level++) {
		MMK_CHECK(c.found[level] == pgtable_nr_level(pt, level), (&c)->err, (&c)->errlen,
			  "%llu level-%d tables reachable but nr_level says %llu",
			  (unsigned long long)c.found[level], level,
			  (unsigned long long)pgtable_nr_level(pt, level));
		total += c.found[level];
	}
	MMK_CHECK(total == pgtable_nr_tables(pt), (&c)->err, (&c)->errlen,
		  "nr_tables %llu but %llu tables reachable",
		  (unsigned long long)pgtable_nr_tables(pt), (unsigned long long)total);
	for (struct pt_slab *s = pt->slabs; s; s = s->next) {
		r = pt_check_slab(&c, s, &live);
		if (r)
			return r;
		empty += s->nfree == PT_SLAB_SLOTS - 1;
		slabs++;
	}
	MMK_CHECK(slabs == pt->nr_slabs, (&c)->err, (&c)->errlen, "%u slabs listed, nr_slabs %u",
		  slabs, pt->nr_slabs);
	MMK_CHECK(live == total, (&c)->err, (&c)->errlen,
		  "%llu tables allocated but %llu reachable (leak)", (unsigned long long)live,
		  (unsigned long long)total);
	MMK_CHECK(empty == pt->empty_slabs && empty <= 1, (&c)->err, (&c)->errlen,
		  "%u empty slabs, counted %u", empty, pt->empty_slabs);
	return 0;
}
