/*
 * pgtable.h - a process's page tables: four levels of 512 eight-byte
 * entries, laid out as x86-64's (Linux's pgd/pud/pmd/pte with p4d folded).
 *
 * A 48-bit virtual address is split like this (xv6's walk() picture):
 *
 *    47        39 38        30 29        21 20        12 11           0
 *   +------------+------------+------------+------------+--------------+
 *   |  PGD index |  PUD index |  PMD index |  PTE index | page offset  |
 *   +------------+------------+------------+------------+--------------+
 *       9 bits       9 bits       9 bits       9 bits       12 bits
 *         |            |            |            |
 *         |            |            |            +-> entry in a PTE table:
 *         |            |            |                 pfn | PTE_* bits, or
 *         |            |            |                 a swap entry, or a
 *         |            |            |                 guard marker, or 0
 *         |            |            +-> PMD entry: points at a PTE table
 *         |            +-> PUD entry: points at a PMD table
 *         +-> PGD entry: points at a PUD table
 *
 * pt_index(va, level) = (va >> (12 + 9 * level)) & 511, level 3 = PGD ...
 * level 0 = PTE.  User addresses are below 2^47 (PGD indexes 0..255); the
 * tables accept any va below 2^48 and abort on anything higher.
 *
 * Entries: a leaf (PTE-level) entry is one of the kinds pte_kind() names:
 * 0 (none), a present mapping pfn_pte(pfn, PTE_PRESENT | ...) (the zero
 * page when PTE_SPECIAL is set too), a swap entry swp_pte(offset) (not
 * present, PTE_SWAP set), or a guard marker pte_mkguard() (not present,
 * PTE_MARKER set: Linux's PTE marker PTE_MARKER_GUARD, which
 * MADV_GUARD_INSTALL puts in place; it names no page and no slot).  An upper-level entry is 0 or
 * the host address of the next table | PTE_PRESENT | PTE_WRITE | PTE_USER, like x86's _PAGE_TABLE:
 * the "physical address" of a table is its host address.
 *
 * What it owns: the table pages.  They come from the host, not from the
 * frame pool, in 2 MiB-aligned slabs of 512 slots; slot 0 of each slab is a
 * descriptor holding, per table, its level and its count of non-zero
 * entries (the role of Linux's struct ptdesc, the struct page of a
 * page-table page).  So any entry pointer finds its table's count in O(1),
 * which is what makes emptiness checks and the skipping of empty tables
 * cheap.  A slab belongs to one pgtable at a time; a pgtable gets its slabs
 * from, and gives its emptied slabs back to, the system's struct pt_pool
 * (Linux: page-table pages come from and return to the page allocator), so
 * a new address space (fork, exec) reuses host memory that is already
 * there instead of mapping and first-touching fresh slabs.
 *
 * Invariants (checked by pgtable_check()):
 *  - each table's used count equals its number of non-zero entries;
 *  - every non-zero upper entry is present and points at a live table of
 *    the next level down, reached from exactly one entry;
 *  - nr_tables and nr_level[] count the live tables (pgd included);
 *  - freed table slots are all-zero (so a reused table needs no clearing);
 *  - a non-zero, non-present PTE is a swap entry (PTE_SWAP set) or a
 *    guard marker (exactly pte_mkguard()): no PTE is PTE_KIND_BAD.
 *
 * The contract that keeps the counts exact: a PTE goes from zero to
 * non-zero or back ONLY through pgtable_set_pte() / pgtable_clear_pte(),
 * or, for a loop over one PTE table (Linux's copy_pte_range and
 * zap_pte_range), through plain stores followed by one
 * pgtable_add_used() for that table before the owner's page-table lock is
 * dropped.  Changing bits of a PTE that stays non-zero (accessed, dirty,
 * write, present -> swap entry) may be done with a plain store.  A table
 * freed with a stale count aborts loudly rather than leaking the mapping.
 *
 * Locking (there is no page-table lock inside; the owner supplies it):
 *  - pgtable_walk() may run concurrently with other walks and PTE updates:
 *    a missing table is installed with a compare-and-swap (Linux's
 *    pmd_populate() under the page_table_lock), the loser frees its copy.
 *  - the value of a given PTE is protected by the owner's page-table lock
 *    (Linux's split PTE lock); for_each's callback runs under it.
 *  - pgtable_free_range(), pgtable_destroy() and pgtable_check() need the
 *    tables to themselves: no walk or held PTE pointer anywhere in this
 *    pgtable (Linux: free_pgtables() runs with mmap_lock held for write).
 *  - alloc_lock (inside) protects the slabs and is taken only to allocate
 *    or free a table.  The pool's lock is taken inside it (a leaf: nothing
 *    is taken while it is held).
 */
#ifndef MMK_PGTABLE_H
#define MMK_PGTABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "failinj.h"
#include "frame.h"
#include "lock.h"

typedef uint64_t pte_t;

/* x86-like bits */
#define PTE_PRESENT	 (1ull << 0)
#define PTE_WRITE	 (1ull << 1)
#define PTE_USER	 (1ull << 2)
#define PTE_ACCESSED	 (1ull << 5)
#define PTE_DIRTY	 (1ull << 6)
#define PTE_SPECIAL	 (1ull << 9) /* zero page etc.: no struct page refcounting */
#define PTE_SOFTDIRTY	 (1ull << 10)
#define PTE_SWAP	 (1ull << 11) /* non-present: a swap entry, offset in the pfn bits */
#define PTE_MARKER	 (1ull << 8)  /* non-present: a PTE marker, its kind in the pfn bits */
#define PTE_MARKER_GUARD 1ull	      /* the marker kind of a guard region page */
#define PTE_PFN_SHIFT	 12
#define PTE_PFN_MASK	 0x000ffffffffff000ull

#define PT_ENTRIES	512
#define PT_LEVELS	4
#define PGTABLE_VA_BITS 48
#define PGTABLE_VA_END	(1ull << PGTABLE_VA_BITS)

enum pt_level { PT_PTE = 0, PT_PMD = 1, PT_PUD = 2, PT_PGD = 3 };

static inline unsigned pt_index(uint64_t va, int level)
{
	return (unsigned)(va >> (PTE_PFN_SHIFT + 9 * level)) & (PT_ENTRIES - 1);
}

static inline pfn_t pte_pfn(pte_t e)
{
	return (pfn_t)((e & PTE_PFN_MASK) >> PTE_PFN_SHIFT);
}

/* A PTE mapping @pfn; @flags outside the pfn field are kept, the rest dropped. */
static inline pte_t pfn_pte(pfn_t pfn, uint64_t flags)
{
	return ((pte_t)pfn << PTE_PFN_SHIFT) | (flags & ~PTE_PFN_MASK);
}

static inline int pte_none(pte_t e)
{
	return e == 0;
}

static inline int pte_present(pte_t e)
{
	return (e & PTE_PRESENT) != 0;
}

static inline int pte_is_swap(pte_t e)
{
	return !(e & PTE_PRESENT) && (e & PTE_SWAP);
}

/*
 * What a PTE is, for code that treats the kinds differently: a switch over
 * pte_kind() in each walker instead of bit tests spread over them, so a
 * new kind is added here and -Wswitch (on with -Wall -Werror) names every
 * walker that must decide what to do with it (docs/ARCHITECTURE.md, "where
 * to change what").
 *   PTE_KIND_NONE     0: nothing mapped; a fault fills it
 *   PTE_KIND_PRESENT  a page with a struct page: pfn and PTE_* bits
 *   PTE_KIND_ZERO     present with PTE_SPECIAL: the shared zero page (pfn
 *                     0, no refcount, no mapcount, never writable)
 *   PTE_KIND_SWAP     a swap entry: pte_swp_offset() names a swap slot
 *   PTE_KIND_GUARD    a guard marker (MADV_GUARD_INSTALL): any access is
 *                     SIGSEGV; no page, no slot, not counted anywhere;
 *                     only munmap/exit (ZAP_FLAG_DROP_MARKER) and
 *                     MADV_GUARD_REMOVE clear it (Linux's
 *                     is_guard_pte_marker())
 *   PTE_KIND_BAD      non-present with no kind's bits: never valid
 */
enum pte_kind {
	PTE_KIND_NONE,
	PTE_KIND_PRESENT,
	PTE_KIND_ZERO,
	PTE_KIND_SWAP,
	PTE_KIND_GUARD,
	PTE_KIND_BAD,
};

/* A guard marker (Linux's make_pte_marker(PTE_MARKER_GUARD)). */
static inline pte_t pte_mkguard(void)
{
	return PTE_MARKER | (PTE_MARKER_GUARD << PTE_PFN_SHIFT);
}

static inline enum pte_kind pte_kind(pte_t e)
{
	if (e & PTE_PRESENT)
		return (e & PTE_SPECIAL) ? PTE_KIND_ZERO : PTE_KIND_PRESENT;
	if (!e)
		return PTE_KIND_NONE;
	if (e & PTE_SWAP)
		return PTE_KIND_SWAP;
	return e == pte_mkguard() ? PTE_KIND_GUARD : PTE_KIND_BAD;
}

/* Whether @e maps a page that has a struct page to count: PTE_KIND_PRESENT
 * (a present PTE other than the zero page's). */
static inline int pte_maps_page(pte_t e)
{
	return (e & (PTE_PRESENT | PTE_SPECIAL)) == PTE_PRESENT;
}

/* A swap entry for swap slot @offset (< 2^40). */
static inline pte_t swp_pte(uint64_t offset)
{
	return ((offset << PTE_PFN_SHIFT) & PTE_PFN_MASK) | PTE_SWAP;
}

static inline uint64_t pte_swp_offset(pte_t e)
{
	return (e & PTE_PFN_MASK) >> PTE_PFN_SHIFT;
}

struct pt_slab;

/*
 * pt_pool - the empty page-table slabs of one system, waiting for the next
 * pgtable that needs a slab.  One per struct mmk_system (no global state).
 * A slab in the pool holds no live table and every one of its slots is
 * all-zero (freed slots are zero by the invariant below; never-used ones are
 * the host's zero fill), so a pgtable takes it as it is.  At most max_free
 * slabs wait; one more is unmapped.
 */
struct pt_pool {
	struct mmk_mutex lock; /* protects the fields below; a leaf lock */
	struct pt_slab *free;  /* lock: empty slabs, linked through their next */
	uint32_t nr_free;      /* lock: slabs on the free list */
	uint32_t max_free;     /* immutable after init */
	uint64_t nr_out;       /* lock: slabs handed to pgtables (leak check) */
	struct failinj *inj;   /* set before use, then immutable: the system's
				  countdown (failinj.h) every table allocation
				  consults, or NULL */
};

/* Sets up an empty pool that keeps at most @max_free empty slabs. */
void pt_pool_init(struct pt_pool *pool, uint32_t max_free);

/* Unmaps the pool's slabs.  Aborts if a pgtable still holds one (a pgtable
 * not destroyed: a leak). */
void pt_pool_destroy(struct pt_pool *pool);

struct pgtable {
	pte_t *pgd;			      /* immutable after init */
	struct pt_pool *pool;		      /* immutable after init: where slabs come from */
	_Atomic uint64_t nr_tables;	      /* live tables, all levels, pgd included */
	_Atomic uint64_t nr_level[PT_LEVELS]; /* live tables per level */
	struct mmk_mutex alloc_lock; /* protects the fields below and every slab's free list */
	struct pt_slab *slabs;	     /* alloc_lock: all slabs */
	struct pt_slab *hint;	     /* alloc_lock: a slab likely to have a free slot */
	uint32_t nr_slabs;	     /* alloc_lock: slabs mapped (2 MiB of host VA each) */
	uint32_t empty_slabs;	     /* alloc_lock: slabs with no live table (at most 1 kept) */
	int64_t fail_after;	     /* alloc_lock: -1 off; else allocations that still succeed */
};

/* Creates the tables with an empty PGD, taking slabs from @pool (which
 * must outlive the tables).  0 or -ENOMEM. */
int pgtable_init(struct pgtable *pt, struct pt_pool *pool);

/*
 * Frees every table (clearing any entry left) and gives every slab back to
 * the pool.  Precondition: the caller has already dropped the pages the
 * PTEs referenced (Linux's exit_mmap(): unmap_vmas() first).
 */
void pgtable_destroy(struct pgtable *pt);

/*
 * Returns a pointer to the PTE for @va (< 2^48, else abort).  alloc != 0:
 * missing tables are allocated (they stay, possibly empty, until
 * pgtable_free_range()); returns NULL on -ENOMEM.  alloc == 0: returns NULL
 * when a table on the way is missing.  O(4).  Read the PTE with *ptep;
 * change it per the contract above.
 */
pte_t *pgtable_walk(struct pgtable *pt, uint64_t va, int alloc);

/*
 * Stores @e in the PTE at @ptep (from pgtable_walk() or for_each) and
 * returns the old value, keeping its table's used count exact (Linux's
 * set_pte_at()).  Aborts if @ptep is not in a live PTE-level table.
 */
pte_t pgtable_set_pte(struct pgtable *pt, pte_t *ptep, pte_t e);

/* pgtable_set_pte(pt, ptep, 0) (Linux's ptep_get_and_clear()). */
pte_t pgtable_clear_pte(struct pgtable *pt, pte_t *ptep);

/*
 * Calls fn(arg, va, ptep) for every non-zero PTE in [start, end), ascending
 * va (end is clamped to 2^48).  Absent and empty tables are skipped without
 * looking inside, so a sparse 128 TiB range costs O(tables present).  fn may
 * change or clear *ptep (through pgtable_set_pte()/pgtable_clear_pte()) and
 * may walk(alloc) other addresses; it must not free tables.  Returns the
 * first nonzero fn result (iteration stops) or 0.
 */
int pgtable_for_each(struct pgtable *pt, uint64_t start, uint64_t end,
		     int (*fn)(void *arg, uint64_t va, pte_t *ptep), void *arg);

/*
 * One PTE table as a range operation sees it: entries [first, last) of
 * table lie inside the range asked for, and entry i maps base + i * 4096
 * (base is 2 MiB-aligned).
 */
struct pte_run {
	pte_t *table;
	uint64_t base;
	unsigned first, last;
};

/*
 * Calls fn(arg, run) for every PTE table that overlaps [start, end) and
 * holds at least one non-zero entry (anywhere in it), ascending va; absent
 * and empty tables are skipped as for_each skips them.  fn works on the
 * entries of run->table itself (Linux's copy_pte_range / zap_pte_range
 * shape: one pass over a table instead of a walk per PTE); it follows the
 * count contract above and must not free tables.  Returns the first nonzero
 * fn result (iteration stops) or 0.
 */
int pgtable_for_each_table(struct pgtable *pt, uint64_t start, uint64_t end,
			   int (*fn)(void *arg, const struct pte_run *run), void *arg);

/*
 * @delta entries of the PTE table holding @ptep went from zero to non-zero
 * (delta > 0) or back (delta < 0) through plain stores by the caller, who
 * still holds the owner's page-table lock it made them under.  Aborts if
 * @ptep is not in a live PTE table or the count would leave [0, 512].
 */
void pgtable_add_used(struct pgtable *pt, pte_t *ptep, int delta);

/*
 * Frees every table below the PGD that covers any part of [start, end) and
 * is empty, children first, so a chain of tables emptied by an unmap goes
 * away entirely (Linux's free_pgtables()).  A table shared with addresses
 * outside the range is freed only if it too is empty; a table still holding
 * entries is kept even if it lies wholly inside the range.  O(tables
 * present in the range).  Needs the tables to itself (see Locking).
 */
void pgtable_free_range(struct pgtable *pt, uint64_t start, uint64_t end);

/* Live tables, all levels including the PGD. */
uint64_t pgtable_nr_tables(const struct pgtable *pt);

/* Live tables at one level (PT_PTE for Linux's mm->nr_ptes). */
uint64_t pgtable_nr_level(const struct pgtable *pt, int level);

/*
 * Bytes of page tables as /proc/PID/status VmPTE reports them: Linux's
 * mm_pgtables_bytes() counts PTE, PMD and PUD tables (not the PGD), each
 * PTRS_PER_* * sizeof(entry) = 4 KiB.
 */
uint64_t pgtable_bytes(const struct pgtable *pt);

/*
 * This pgtable's own failure injection, for unit tests: the next @after
 * table allocations succeed and every later one fails (-ENOMEM from walk)
 * until called again; @after < 0 turns it off.  Every table allocation
 * also consults the system's countdown, pool->inj (failinj.h).
 */
void pgtable_inject_fail(struct pgtable *pt, int64_t after);

/*
 * Checks the invariants in this file's header.  Returns 0, or -EUCLEAN with
 * a message in err.  Needs the tables to itself.
 */
int pgtable_check(struct pgtable *pt, char *err, size_t errlen);

#endif
