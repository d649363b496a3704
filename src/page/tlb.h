/*
 * tlb.h - the software TLB of an address space (mm->tlb, mm->tlb_gen): the
 * encoding of an entry, and the fill, lookup and flush that tlb.c does.
 * The lock-free read of an entry by a load is access.c's (its header
 * comment gives the protocol both follow).
 *
 * Locking: entries are written (filled, flushed) only under mm->ptl.
 */
#ifndef MMK_TLB_H
#define MMK_TLB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "pgtable.h"

struct mm;

/*
 * TLB_ENTRIES direct-mapped entries, entry vpn % TLB_ENTRIES caching the
 * PTE of page vpn as one word, so that a lock-free reader never sees half
 * an entry (access.c): bit 0 valid, bit 1 writable, bits 2.. the tag
 * vpn / TLB_ENTRIES, bits TLB_HOST_SHIFT.. the host page number of the
 * frame's bytes (host address >> PAGE_SHIFT, below 2^35: the frame pool
 * lies below 2^47, checked in mm_pages_init), as a CPU's TLB holds the
 * physical frame.  Entries are written only under mm->ptl; mm->tlb_gen
 * counts the entries ever invalidated.
 */
#define TLB_ENTRIES    256
#define TLB_VALID      1ULL
#define TLB_WRITABLE   2ULL
#define TLB_TAG_SHIFT  2
#define TLB_HOST_SHIFT 29 /* 27 tag bits: vpn < 2^35 (47-bit addresses) */
#define TLB_TAG_MASK   (((1ULL << TLB_HOST_SHIFT) - 1) & ~(TLB_VALID | TLB_WRITABLE))
struct tlb_entry {
	_Atomic uint64_t word; /* 0 = empty */
};

static inline uint64_t tlb_word(uint64_t vpn, const void *host, bool writable)
{
	return (uint64_t)(uintptr_t)host >> 12 << TLB_HOST_SHIFT |
	       (vpn / TLB_ENTRIES) << TLB_TAG_SHIFT | (writable ? TLB_WRITABLE : 0) | TLB_VALID;
}

/* Does word translate page vpn (for a store: writably)?  Never for a vpn
 * at or above 2^35: its tag has bits outside TLB_TAG_MASK. */
static inline bool tlb_word_hits(uint64_t word, uint64_t vpn, bool write)
{
	uint64_t mask = TLB_TAG_MASK | TLB_VALID | (write ? TLB_WRITABLE : 0);
	uint64_t want =
	    (vpn / TLB_ENTRIES) << TLB_TAG_SHIFT | TLB_VALID | (write ? TLB_WRITABLE : 0);
	return (word & mask) == want;
}

/* The host address of the frame a (valid) word maps. */
static inline uint8_t *tlb_word_host(uint64_t word)
{
	return (uint8_t *)(uintptr_t)(word >> TLB_HOST_SHIFT << 12);
}

/* The page an entry at index i caches (word valid). */
static inline uint64_t tlb_word_vpn(uint64_t word, unsigned i)
{
	return ((word & TLB_TAG_MASK) >> TLB_TAG_SHIFT) * TLB_ENTRIES + i;
}

/* The host address of page va's bytes, with the access allowed: from the
 * TLB, or on a miss from the PTE (the page walk, setting its accessed bit
 * and for a store its dirty bit, and filling the entry and those of its
 * neighbours), or NULL when the PTE does not allow the access (a fault).
 * Caller holds mm->ptl; va < TASK_SIZE (mm->task_size). */
uint8_t *tlb_lookup_locked(struct mm *mm, uint64_t va, bool write);
/* Drops the TLB entries of [start, end) (any change that removes or
 * downgrades a PTE).  Caller holds mm->ptl. */
void tlb_flush_locked(struct mm *mm, uint64_t start, uint64_t end);
/* The same for the one page at va, without a trace event (reclaim ageing
 * and unmapping pages behind the processes' backs).  Caller holds mm->ptl. */
void tlb_flush_page_locked(struct mm *mm, uint64_t va);
/* Empties the whole TLB (a zap of at least TLB_ENTRIES pages, before it
 * drops any page).  Caller holds mm->ptl. */
void tlb_flush_all_locked(struct mm *mm);
/* Flushes the software TLB for [start, end) of mm, taking mm->ptl. */
void mm_tlb_flush(struct mm *mm, uint64_t start, uint64_t end);
/* exec: empties the whole TLB and bumps mm->exec_gen, then mm->tlb_gen
 * (even when no entry was valid), so that an access started before sees
 * the exec at its next page (access.c).  Caller holds mmap_lock for writing. */
void mm_tlb_exec(struct mm *mm);

#endif
