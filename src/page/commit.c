/*
 * commit.c - overcommit accounting: how much memory the system has promised
 * (Committed_AS) and whether it may promise more.  Mirrors mm/util.c
 * (__vm_enough_memory, vm_commit_limit, vm_memory_committed) and
 * security/commoncap.c (cap_vm_enough_memory).
 *
 * What is charged, as in Linux:
 *   - every VMA with VM_ACCOUNT: a private writable mapping without
 *     VM_NORESERVE (mmap_region's accountable_mapping, brk, mprotect adding
 *     PROT_WRITE, mremap growth, stack growth, each VMA fork copies:
 *     dup_mmap);
 *   - a shared anonymous object, its whole size at creation unless
 *     MAP_NORESERVE (shmem_acct_size), until the object goes.
 * What is not: read-only or shared file mappings, MAP_NORESERVE (except in
 * strict mode, where do_mmap ignores it), hugetlb (mmkit has no pool).
 *
 * The test (vm_enough_memory), by vm.overcommit_memory:
 *   GUESS (0)   refuse one charge larger than RAM + swap;
 *   ALWAYS (1)  refuse nothing;
 *   NEVER (2)   refuse unless Committed_AS + charge stays below
 *                 CommitLimit (= overcommit_kbytes, or RAM * ratio / 100,
 *                 plus swap)
 *                 - admin_reserve_kbytes (without CAP_SYS_ADMIN)
 *                 - min(total_vm / 32, user_reserve_kbytes).
 * "RAM" and "swap" are commit_ram_bytes and commit_swap_bytes: the frame
 * pool and the swap area unless configured otherwise (`mmkit check` sets
 * the host's sizes, docs/CHECK.md).
 *
 * Invariant: Committed_AS equals the pages of every VM_ACCOUNT VMA of every
 * address space plus the charges of the live shmem objects.  It holds by
 * construction: the VMA layer moves the counter whenever a VM_ACCOUNT VMA is
 * linked, unlinked, resized or gains or loses the flag (vma_account), so a
 * failed call that creates no VMA has charged nothing, and exit, munmap and
 * exec uncharge by removing VMAs.  Linux instead charges first and undoes
 * the charge on each error path; the refusals happen at the same points.
 *
 * Locking: Committed_AS is one atomic counter.  The test runs under the
 * caller's mmap_lock and the charge follows under the same lock, so within
 * a process they are one step; two processes racing may both pass, as
 * Linux's per-CPU counter lets them by its batch.
 */
#include <errno.h>

#include "commit.h"
#include "internal.h"

#define KB_PER_PAGE (PAGE_SIZE >> 10)

/* A field that takes MMK_CFG_ZERO for a real zero: 0 becomes dflt. */
static uint64_t cfg_or(uint64_t v, uint64_t dflt)
{
	if (v == MMK_CFG_ZERO)
		return 0;
	return v ? v : dflt;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

int commit_config_defaults(struct mmk_config *c)
{
	if (c->overcommit_memory < MMK_OVERCOMMIT_GUESS ||
	    c->overcommit_memory > MMK_OVERCOMMIT_NEVER)
		return -EINVAL;
	c->commit_ram_bytes = cfg_or(c->commit_ram_bytes, c->ram_bytes);
	/* SwapTotal: the swap area's slots but the first, its header (swap.c) */
	uint64_t slots = c->swap_bytes >> PAGE_SHIFT;
	c->commit_swap_bytes =
	    cfg_or(c->commit_swap_bytes, slots >= 2 ? (slots - 1) << PAGE_SHIFT : 0);
	c->overcommit_ratio = cfg_or(c->overcommit_ratio, 50);
	/* init_admin_reserve(), init_user_reserve(): 1/32 of the memory
	 * free at boot, capped at 8 MiB and 128 MiB. */
	uint64_t ram_kb = c->commit_ram_bytes >> 10;
	c->admin_reserve_kbytes = cfg_or(c->admin_reserve_kbytes, min_u64(ram_kb / 32, 8192));
	c->user_reserve_kbytes = cfg_or(c->user_reserve_kbytes, min_u64(ram_kb / 32, 131072));
	return 0;
}

/* Saturates at INT64_MAX, so that absurd settings (a ratio of 2^60
 * percent) mean "no limit" rather than wrapping to a small one. */
uint64_t vm_commit_limit(const struct mmk_system *sys)
{
	const struct mmk_config *c = &sys->cfg;
	unsigned __int128 allowed;
	if (c->overcommit_kbytes)
		allowed = c->overcommit_kbytes / KB_PER_PAGE;
	else
		allowed = (unsigned __int128)(c->commit_ram_bytes >> PAGE_SHIFT) *
			  c->overcommit_ratio / 100;
	allowed += c->commit_swap_bytes >> PAGE_SHIFT;
	return allowed > INT64_MAX ? INT64_MAX : (uint64_t)allowed;
}

void vm_acct_memory(struct mmk_system *sys, int64_t pages)
{
	uint64_t old = atomic_fetch_add(&sys->committed_as, (uint64_t)pages);
	if (pages < 0 && old < (uint64_t)-pages)
		MMK_BUG("Committed_AS underflow: %lu - %ld", (unsigned long)old, (long)-pages);
}

int vm_enough_memory(struct mm *mm, uint64_t pages)
{
	mmap_assert_locked(mm);
	const struct mmk_config *c = &mm->sys->cfg;
	switch (c->overcommit_memory) {
	case MMK_OVERCOMMIT_ALWAYS:
		return 0;
	case MMK_OVERCOMMIT_GUESS: {
		uint64_t total =
		    (c->commit_ram_bytes >> PAGE_SHIFT) + (c->commit_swap_bytes >> PAGE_SHIFT);
		return pages > total ? -ENOMEM : 0;
	}
	default:
		break;
	}
	/* OVERCOMMIT_NEVER, in signed arithmetic as Linux's: the reserves
	 * may take the limit below zero. */
	int64_t allowed = (int64_t)vm_commit_limit(mm->sys);
	if (!c->cap_sys_admin)
		allowed -= (int64_t)(c->admin_reserve_kbytes / KB_PER_PAGE);
	allowed -= (int64_t)min_u64(mm->total_vm / 32, c->user_reserve_kbytes / KB_PER_PAGE);
	uint64_t committed = atomic_load(&mm->sys->committed_as) + pages;
	if (committed < pages || committed > (uint64_t)INT64_MAX)
		return -ENOMEM;
	return (int64_t)committed < allowed ? 0 : -ENOMEM;
}

uint64_t mmk_committed_as(mmk_system *sys)
{
	return sys ? atomic_load(&sys->committed_as) : 0;
}

uint64_t mmk_commit_limit(mmk_system *sys)
{
	return sys ? vm_commit_limit(sys) : 0;
}
