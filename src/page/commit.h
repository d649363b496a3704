/*
 * commit.h - overcommit accounting: Committed_AS and the test that refuses
 * a mapping for want of memory to back it (defined in commit.c).
 */
#ifndef MMK_COMMIT_H
#define MMK_COMMIT_H

#include "mm_types.h"

/* Fills in the overcommit defaults of c (after ram_bytes and swap_bytes
 * have theirs).  -EINVAL for an unknown overcommit_memory mode. */
int commit_config_defaults(struct mmk_config *c);

/* __vm_enough_memory() as security_vm_enough_memory_mm() calls it: may mm
 * be promised `pages` more pages?  0 or -ENOMEM.  Changes nothing: the
 * charge itself is made by the VM_ACCOUNT VMA (or shmem object) that the
 * caller goes on to create (vm_acct_memory).  Caller holds mm->mmap_lock. */
int vm_enough_memory(struct mm *mm, uint64_t pages);

/* vm_acct_memory() / vm_unacct_memory(): moves Committed_AS by pages
 * (negative: uncharge).  Only vma_account() and shmem call it. */
void vm_acct_memory(struct mmk_system *sys, int64_t pages);

/* vm_commit_limit(): CommitLimit in pages. */
uint64_t vm_commit_limit(const struct mmk_system *sys);

#endif
